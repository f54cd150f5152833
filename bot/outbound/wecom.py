"""WeCom (企业微信) app API: cards with buttons, card updates, app and group-chat messages, robots.

Endpoints and bodies as in the WeCom server API docs (checked 2026):
  GET  cgi-bin/gettoken?corpid&corpsecret            -> access_token, expires_in (7200)
  POST cgi-bin/message/send                          touser "a|b", msgtype, agentid; a template_card
                                                     with buttons answers a response_code
  POST cgi-bin/message/update_template_card          response_code (one use, 72 h), userids or
                                                     atall, agentid, button.replace_name
  POST cgi-bin/appchat/send                          chatid, msgtype (only chats the app created)
  POST <robot webhook>?key=...                       no token; 20 messages a minute per robot
"""

from __future__ import annotations

from collections.abc import Callable

import requests

from bot.outbound.errors import ApiError
from bot.outbound.httpjson import call_json
from bot.outbound.tokens import AccessTokens, TokenStore

DEFAULT_API_BASE = "https://qyapi.weixin.qq.com"

# Text limits in bytes (message/send text and appchat/send text and markdown: 2048; robot
# markdown: 4096 -- WeCom docs, 2026). Longer text is cut rather than refused by the API.
APP_TEXT_BYTES = 2048
ROBOT_MARKDOWN_BYTES = 4096

BAD_SECRET = (
    "The app secret was refused. Set WECOM_SECRET to the Secret of the app whose AgentId is WECOM_AGENT_ID."
)


DUPLICATE_CHECK_SECONDS = 1800


class WeComClient:
    def __init__(
        self,
        api_base: str,
        corp_id: str,
        secret: str,
        agent_id: int | str,
        store: TokenStore,
        session: requests.Session | None = None,
        timeout: float = 5.0,
    ):
        self.base = (api_base or DEFAULT_API_BASE).rstrip("/")
        self.corp_id, self.secret, self.agent_id = corp_id, secret, _agent_id(agent_id)
        self.session = session or requests.Session()
        self.timeout = timeout
        # Each app's token is separate (one secret per app -- WeCom docs), hence the agent id.
        self.tokens = AccessTokens(store, f"wecom:{corp_id}:{agent_id}", self._fetch_token)

    # --- messages ---------------------------------------------------------------------------
    def send_card(self, users: list[str], card: dict) -> dict:
        """message/send with a template_card; the answer carries response_code for button cards."""
        body = self._to_users(users, "template_card")
        body["template_card"] = card
        return self._post("message/send", body)

    def send_text(self, users: list[str], content: str) -> dict:
        body = self._to_users(users, "text")
        body["text"] = {"content": clip_bytes(content, APP_TEXT_BYTES)}
        return self._post("message/send", body)

    def update_card(
        self, response_code: str, button_text: str, users: list[str] | None = None, atall: bool = False
    ) -> dict:
        """Turn the card's buttons into one greyed, unclickable label (e.g. "已由 张三 认领 10:32")."""
        body: dict = {
            "agentid": self.agent_id,
            "response_code": response_code,
            "button": {"replace_name": button_text},
        }
        if atall:
            body["atall"] = 1
        else:
            body["userids"] = list(users or [])
        return self._post("message/update_template_card", body)

    def send_group(self, chat_id: str, markdown: str) -> dict:
        body = {
            "chatid": chat_id,
            "msgtype": "markdown",
            "markdown": {"content": clip_bytes(markdown, APP_TEXT_BYTES)},
        }
        return self._post("appchat/send", body)

    def send_robot(self, webhook_url: str, markdown: str) -> dict:
        """A group robot's webhook: the key in the URL is the credential, no access_token."""
        body = {"msgtype": "markdown", "markdown": {"content": clip_bytes(markdown, ROBOT_MARKDOWN_BYTES)}}
        return call_json(self.session, "POST", webhook_url, "webhook/send", self.timeout, body=body)

    # --- plumbing -----------------------------------------------------------------------------
    def _to_users(self, users: list[str], msgtype: str) -> dict:
        if not users:
            raise ValueError("no recipients")
        # WeCom drops an identical message to the same people within the interval: a resend
        # after a worker died mid-request then reaches nobody twice (message/send docs, 2026).
        return {"touser": "|".join(users), "msgtype": msgtype, "agentid": self.agent_id,
                "enable_duplicate_check": 1, "duplicate_check_interval": DUPLICATE_CHECK_SECONDS}

    def _post(self, api: str, body: dict) -> dict:
        url = f"{self.base}/cgi-bin/{api}"
        return with_token(
            self.tokens,
            lambda token: call_json(
                self.session, "POST", url, api, self.timeout, params={"access_token": token}, body=body
            ),
        )

    def _fetch_token(self) -> tuple[str, int]:
        params = {"corpid": self.corp_id, "corpsecret": self.secret}
        try:
            answer = call_json(
                self.session, "GET", f"{self.base}/cgi-bin/gettoken", "gettoken", self.timeout, params=params
            )
        except ApiError as exc:
            # From gettoken, 40001 means the secret is wrong, not that a token went stale.
            if exc.errcode == 40001:
                raise ApiError(exc.errcode, exc.errmsg, exc.api, config_hint=BAD_SECRET) from None
            raise
        return token_of(answer, "gettoken")


def _agent_id(raw: int | str) -> int:
    """The docs give agentid as a number: a bad WECOM_AGENT_ID fails at start-up, not per message."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ValueError(f"WECOM_AGENT_ID must be the app's AgentId (a whole number), got {raw!r}") from None


def with_token(tokens: AccessTokens, call: Callable[[str], dict]) -> dict:
    """Call with the shared token; if it is refused, drop it, fetch a fresh one and try ONCE more."""
    token = tokens.get()
    try:
        return call(token)
    except ApiError as exc:
        if not exc.token_invalid:
            raise
    tokens.invalidate(token)
    return call(tokens.get())


def token_of(answer: dict, api: str) -> tuple[str, int]:
    token = answer.get("access_token")
    if not token:
        raise ApiError(-4, "the answer has no access_token", api)
    return str(token), int(answer.get("expires_in") or 7200)


def clip_bytes(text: str, limit: int) -> str:
    """At most `limit` bytes of UTF-8, cut on a character boundary, marked with an ellipsis."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", errors="ignore") + "…"
