"""Official Account (公众号) API: customer-service text messages to residents and informants.

POST cgi-bin/stable_token {grant_type: client_credential, appid, secret, force_refresh}
     -> access_token, expires_in. Isolated from cgi-bin/token; normal mode returns the same token
     while it is valid; force_refresh is capped at 20 a day, 30 s apart (OA docs, 2026), so we
     never force: after a 40001 the normal call already returns the platform's current token.
POST cgi-bin/message/custom/send {touser: openid, msgtype: text, text: {content}}
     allowed for 48 h after the user's last message, 5 messages (OA docs, 2026): 45015 / 45047
     otherwise, which ApiError reports as out_of_window.
"""

from __future__ import annotations

import requests

from bot.outbound.errors import ApiError
from bot.outbound.httpjson import call_json
from bot.outbound.tokens import AccessTokens, TokenStore
from bot.outbound.wecom import token_of, with_token

DEFAULT_API_BASE = "https://api.weixin.qq.com"

BAD_SECRET = "The AppSecret was refused. Set WECHAT_APP_SECRET to the Official Account's AppSecret (公众平台 > 设置与开发 > 基本配置)."
BAD_APPID = "The AppID was refused. Set WECHAT_APP_ID to the Official Account's AppID."


class OfficialAccountClient:
    def __init__(
        self,
        api_base: str,
        app_id: str,
        secret: str,
        store: TokenStore,
        session: requests.Session | None = None,
        timeout: float = 5.0,
    ):
        self.base = (api_base or DEFAULT_API_BASE).rstrip("/")
        self.app_id, self.secret = app_id, secret
        self.session = session or requests.Session()
        self.timeout = timeout
        self.tokens = AccessTokens(store, f"mp:{app_id}", self._fetch_token)

    def send_text(self, openid: str, content: str) -> dict:
        body = {"touser": openid, "msgtype": "text", "text": {"content": content}}
        url = f"{self.base}/cgi-bin/message/custom/send"
        return with_token(
            self.tokens,
            lambda token: call_json(
                self.session,
                "POST",
                url,
                "message/custom/send",
                self.timeout,
                params={"access_token": token},
                body=body,
            ),
        )

    def _fetch_token(self) -> tuple[str, int]:
        body = {
            "grant_type": "client_credential",
            "appid": self.app_id,
            "secret": self.secret,
            "force_refresh": False,
        }
        try:
            answer = call_json(
                self.session,
                "POST",
                f"{self.base}/cgi-bin/stable_token",
                "stable_token",
                self.timeout,
                body=body,
            )
        except ApiError as exc:
            hint = {40001: BAD_SECRET, 40125: BAD_SECRET, 40013: BAD_APPID}.get(exc.errcode)
            if hint:
                raise ApiError(exc.errcode, exc.errmsg, exc.api, config_hint=hint) from None
            raise
        return token_of(answer, "stable_token")
