"""One exception for every failed WeChat / WeCom API call, classified so the worker knows what to do.

Three questions the caller asks of an ApiError:
  retryable      try again later with backoff (busy, rate limited, 5xx, timeout, network);
  token_invalid  the access_token was refused: drop it, fetch a fresh one once, and retry;
  config_error   no retry will help: an admin must change a setting (the message says which).
Anything else (a bad userid, a task_id used twice, ...) is a permanent failure of this one message.
"""

from __future__ import annotations

import re

# Error codes, from the WeCom global error code list and the Official Account return codes
# (checked against the public docs, 2026).
BUSY = -1  # 系统繁忙: "try again later"
TIMEOUT = -2  # ours: the request timed out (requests.Timeout)
NETWORK = -3  # ours: connection refused / reset / DNS
BAD_ANSWER = -4  # ours: HTTP error status or a body that is not JSON
UNSENDABLE = -5  # ours: the bot could not build this message (an entry it cannot read); never retried

TOKEN_INVALID = frozenset({40001, 40014, 42001})  # invalid credential / invalid token / expired

# 45009 api freq out of limit, 45033 api concurrent out of limit, 45011 api minute-quota reach limit.
RATE_LIMITED = frozenset({45009, 45011, 45033})

# Official Account customer-service messages: 45015 = more than 48 h since the user's last message
# (or they unfollowed), 45047 = the per-user budget of messages is used up. Only the user writing
# again reopens the window, so retrying with backoff is pointless: hold the message instead.
OUT_OF_WINDOW = frozenset({45015, 45047})

CONFIG_HINTS: dict[int, str] = {
    60020: (
        "WeCom refuses calls from this server's IP address{ip}. In the WeCom admin console open "
        "应用管理 > the app > 企业可信IP and add the server's public IP."
    ),
    40013: "The CorpID is wrong. Set WECOM_CORP_ID to the 企业ID shown in the WeCom admin console (我的企业).",
    40056: "The AgentId is wrong. Set WECOM_AGENT_ID to the AgentId of the app (应用管理 > the app).",
    40091: "The app secret is wrong. Set WECOM_SECRET to the app's Secret (应用管理 > the app > Secret).",
    41004: "No secret was sent. Set WECOM_SECRET (WeCom) or WECHAT_APP_SECRET (Official Account).",
    48002: (
        "WeCom forbids this API for the app (48002 api forbidden). Check that the app is enabled, that "
        "the API is allowed for a self-built app, and the app's 企业可信IP."
    ),
    60011: "The app may not reach these members. Widen the app's 可见范围 in the WeCom admin console.",
    81013: (
        "None of the recipients can receive the app's messages (not members, or outside the app's "
        "可见范围). Check the staff WeCom userids in the community file and the app's 可见范围."
    ),
    # 93000 (robot webhook invalid or robot removed from the group): from the WeCom error code
    # list as remembered; not re-checked in 2026.
    93000: "The group robot webhook URL is invalid or the robot was removed. Put the robot's current webhook URL in the community file.",
    40125: "The Official Account AppSecret is wrong. Set WECHAT_APP_SECRET (公众平台 > 设置与开发 > 基本配置).",
    40164: (
        "The Official Account refuses calls from this server's IP address{ip}. Add it to the IP "
        "whitelist (公众平台 > 设置与开发 > 基本配置 > IP白名单)."
    ),
    48001: "The Official Account lacks this API permission (48001 api unauthorized): customer-service messages need a verified 服务号.",
}

_IP = re.compile(r"from ip:\s*([0-9a-fA-F.:]+)|invalid ip\s+([0-9a-fA-F.:]+)")


class ApiError(Exception):
    """A WeChat or WeCom API call that did not succeed."""

    def __init__(
        self,
        errcode: int,
        errmsg: str,
        api: str,
        http_status: int | None = None,
        config_hint: str | None = None,
    ):
        self.errcode = int(errcode)
        self.errmsg = errmsg
        self.api = api
        self.http_status = http_status
        # Set when the same code means "admin must act" in this context only, e.g. 40001 from
        # gettoken is a wrong secret, not a stale token.
        self._config_hint = config_hint
        super().__init__(self._describe())

    @property
    def retryable(self) -> bool:
        if self.errcode in (BUSY, TIMEOUT, NETWORK) or self.errcode in RATE_LIMITED:
            return True
        return self.errcode == BAD_ANSWER and (
            self.http_status is None or self.http_status >= 500 or self.http_status == 429
        )

    @property
    def token_invalid(self) -> bool:
        return self.errcode in TOKEN_INVALID and self._config_hint is None

    @property
    def config_error(self) -> bool:
        return self._config_hint is not None or self.errcode in CONFIG_HINTS

    @property
    def out_of_window(self) -> bool:
        """Official Account: outside the 48 h customer-service window or over its budget."""
        return self.errcode in OUT_OF_WINDOW

    @property
    def hint(self) -> str:
        """What an admin should do, in plain English ("" when nothing is known)."""
        template = self._config_hint or CONFIG_HINTS.get(self.errcode, "")
        ip = _ip_in(self.errmsg)
        return template.format(ip=f" ({ip})" if ip else "")

    def _describe(self) -> str:
        text = f"{self.api}: errcode {self.errcode}: {self.errmsg}"
        return f"{text} -- {self.hint}" if self.hint else text


def _ip_in(errmsg: str) -> str:
    match = _IP.search(errmsg or "")
    return (match.group(1) or match.group(2)) if match else ""


_SECRET_QUERY = re.compile(r"((?:access_token|corpsecret|secret|key)=)[^&\s'\"]+", re.IGNORECASE)


def redact(text: str) -> str:
    """Strip tokens, secrets and robot keys from text that may end up in a log."""
    return _SECRET_QUERY.sub(r"\1***", text)
