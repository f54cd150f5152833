"""A local fake of the WeCom and Official Account HTTP APIs, for tests and the playground.

It answers like the real servers (errcode 0, access_token + expires_in 7200, response_code for
button cards, the documented error codes), validates the tokens it issued, RECORDS every call so
a test can assert what was sent, and can be scripted: fail the next N calls of an endpoint, delay
them (to make the client time out), revoke or expire tokens, close a user's 48 h window.

    fake = FakeWeChatApi().start()          # or the `fake_api` pytest fixture
    client = WeComClient(fake.url, ...)      # both APIs live under the same base URL
    fake.fail_next("message/send", 45009, times=2)
    assert fake.sent("message/send")[0].body["touser"] == "zhangsan"

Error codes the real docs did not pin down are marked "fake's choice" below.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field

from flask import Flask, Response, jsonify, request
from werkzeug.serving import WSGIRequestHandler, make_server

TOKEN_TTL = 7200
INVALID_PARAM = 40058  # fake's choice for "this request is malformed"
TASK_ID = re.compile(r"^[A-Za-z0-9_\-@]{1,128}$")
CARD_TYPES = {"text_notice", "news_notice", "button_interaction", "vote_interaction", "multiple_interaction"}
INTERACTIVE = {"button_interaction", "vote_interaction", "multiple_interaction"}
APP_PER_MEMBER_MINUTE = 30  # beyond this WeCom silently drops the message (no error) -- docs, 2026
ROBOT_PER_MINUTE = 20  # beyond this the robot answers 45009
RESPONSE_CODE_TTL = 72 * 3600


@dataclass
class Call:
    method: str
    path: str  # without the /cgi-bin/ prefix, e.g. "message/send"
    query: dict
    body: dict | None
    at: float
    answer: dict = field(default_factory=dict)
    status: int = 200
    dropped: list = field(default_factory=list)  # members over the 30/min limit (silently dropped)
    duplicate: bool = False  # an identical message within the duplicate-check interval: not delivered

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.answer.get("errcode", 0) == 0


@dataclass
class Token:
    kind: str  # "wecom" or "mp"
    owner: str
    expires_at: float
    revoked: bool = False


class ApiFault(Exception):
    def __init__(self, errcode: int, errmsg: str):
        self.errcode, self.errmsg = errcode, errmsg


class FakeWeChatApi:
    def __init__(
        self,
        corp_id: str | None = None,
        corp_secret: str | None = None,
        agent_id: int | None = None,
        app_id: str | None = None,
        app_secret: str | None = None,
        clock=time.time,
    ):
        # None = accept any value; set them to test the configuration errors.
        self.corp_id, self.corp_secret, self.agent_id = corp_id, corp_secret, agent_id
        self.app_id, self.app_secret = app_id, app_secret
        self.clock = clock
        self.token_ttl = TOKEN_TTL
        self.robot_keys: set[str] | None = None
        self.url = ""
        self._lock = threading.RLock()
        self._server = None
        self._thread: threading.Thread | None = None
        self.reset()
        self.app = self._build_app()

    # --- scripting ---------------------------------------------------------------------------
    def reset(self) -> None:
        with self._lock:
            self.calls: list[Call] = []
            self.tokens: dict[str, Token] = {}
            self._current: dict[str, str] = {}
            self._faults: dict[str, deque] = defaultdict(deque)
            self._delays: dict[str, deque] = defaultdict(deque)
            self.task_ids: set[str] = set()
            self.response_codes: dict[str, dict] = {}
            self.card_labels: dict[tuple[str, str], str] = {}  # (task_id, user or "*") -> label
            self.closed_windows: set[str] = set()
            self._app_sent: dict[str, deque] = defaultdict(deque)
            self._robot_sent: dict[str, deque] = defaultdict(deque)
            self._texts_sent: dict[tuple, float] = {}

    def fail_next(
        self,
        path: str,
        errcode: int = -1,
        times: int = 1,
        errmsg: str = "scripted failure",
        http_status: int | None = None,
    ) -> None:
        """The next `times` calls of `path` answer this errcode (or this HTTP status)."""
        with self._lock:
            self._faults[_path(path)].extend([(errcode, errmsg, http_status)] * times)

    def delay_next(self, path: str, seconds: float, times: int = 1) -> None:
        """The next `times` calls of `path` sleep first (the call is still recorded and performed)."""
        with self._lock:
            self._delays[_path(path)].extend([seconds] * times)

    def revoke_tokens(self, kind: str | None = None) -> None:
        """Every issued token (of this kind) now answers 42001; the next fetch issues a new one."""
        with self._lock:
            for token in self.tokens.values():
                if kind is None or token.kind == kind:
                    token.revoked = True

    def close_window(self, openid: str) -> None:
        """The resident's 48 h customer-service window is closed: custom/send answers 45015."""
        self.closed_windows.add(openid)

    def click_code(self, task_id: str) -> str:
        """A fresh response_code, as a template_card_event click would carry it (one use, 72 h)."""
        return self._new_response_code(task_id, [])

    # --- reading what was sent ---------------------------------------------------------------
    def calls_to(self, path: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.path == _path(path)]

    def sent(self, path: str) -> list[Call]:
        """The calls to `path` that succeeded and reached someone (not dropped as duplicates)."""
        return [c for c in self.calls_to(path) if c.ok and not c.duplicate]

    def card_label(self, task_id: str, user: str) -> str | None:
        """The label that replaced the buttons of `user`'s copy of the card, if any."""
        with self._lock:
            return self.card_labels.get((task_id, user)) or self.card_labels.get((task_id, "*"))

    # --- serving -----------------------------------------------------------------------------
    def start(self) -> FakeWeChatApi:
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True, request_handler=_Quiet)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-wechat-api", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._server = None

    # --- the HTTP app ------------------------------------------------------------------------
    def _build_app(self) -> Flask:
        app = Flask("fake_wechat_api")
        routes = {
            ("GET", "gettoken"): self._gettoken,
            ("POST", "stable_token"): self._stable_token,
            ("POST", "message/send"): self._message_send,
            ("POST", "message/update_template_card"): self._update_card,
            ("POST", "appchat/send"): self._appchat_send,
            ("POST", "webhook/send"): self._webhook_send,
            ("POST", "message/custom/send"): self._custom_send,
        }

        @app.route("/cgi-bin/<path:path>", methods=["GET", "POST"])
        def dispatch(path: str):
            handler = routes.get((request.method, path))
            if handler is None:
                return Response("not found", status=404)
            return self._serve(path, handler)

        return app

    def _serve(self, path: str, handler):
        body = request.get_json(silent=True) if request.method == "POST" else None
        call = Call(request.method, path, request.args.to_dict(), body, self.clock())
        with self._lock:
            self.calls.append(call)
            delay = self._delays[path].popleft() if self._delays[path] else 0
            fault = self._faults[path].popleft() if self._faults[path] else None
        if delay:
            time.sleep(delay)
        if fault and fault[2]:
            call.status = fault[2]
            return Response("scripted HTTP error", status=fault[2])
        try:
            if fault:
                raise ApiFault(fault[0], fault[1])
            with self._lock:
                call.answer = {"errcode": 0, "errmsg": "ok", **handler(call)}
        except ApiFault as fault_:
            call.answer = {"errcode": fault_.errcode, "errmsg": fault_.errmsg}
        return jsonify(call.answer)

    # --- tokens ------------------------------------------------------------------------------
    def _gettoken(self, call: Call) -> dict:
        corp, secret = call.query.get("corpid", ""), call.query.get("corpsecret", "")
        if not corp or (self.corp_id and corp != self.corp_id):
            raise ApiFault(40013, "invalid corpid")
        if not secret or (self.corp_secret and secret != self.corp_secret):
            raise ApiFault(40001, "invalid credential")
        return self._issue("wecom", f"{corp}:{secret}", force=False)

    def _stable_token(self, call: Call) -> dict:
        body = call.body or {}
        if body.get("grant_type") != "client_credential":
            raise ApiFault(40002, "invalid grant_type")
        if not body.get("appid") or (self.app_id and body["appid"] != self.app_id):
            raise ApiFault(40013, "invalid appid")
        if not body.get("secret") or (self.app_secret and body["secret"] != self.app_secret):
            raise ApiFault(40125, "invalid appsecret")
        return self._issue("mp", f"{body['appid']}:{body['secret']}", force=bool(body.get("force_refresh")))

    def _issue(self, kind: str, owner: str, force: bool) -> dict:
        """Within its life the same token comes back (both platforms' docs); a new one after."""
        now = self.clock()
        token_id = self._current.get(owner)
        token = self.tokens.get(token_id or "")
        if force and token:
            token.revoked = True
        if force or not token or token.revoked or token.expires_at <= now:
            token_id = f"{kind}-{uuid.uuid4().hex}"
            token = self.tokens[token_id] = Token(kind, owner, now + self.token_ttl)
            self._current[owner] = token_id
        return {"access_token": token_id, "expires_in": int(token.expires_at - now)}

    def _check_token(self, call: Call, kind: str) -> None:
        token = self.tokens.get(call.query.get("access_token", ""))
        if not call.query.get("access_token"):
            raise ApiFault(41001, "access_token missing")
        if token is None or token.kind != kind:
            raise ApiFault(40014 if kind == "wecom" else 40001, "invalid access_token")
        if token.revoked or token.expires_at <= self.clock():
            raise ApiFault(42001, "access_token expired")

    # --- WeCom -------------------------------------------------------------------------------
    def _message_send(self, call: Call) -> dict:
        self._check_token(call, "wecom")
        body = _require(call.body)
        self._check_agent(body)
        users = [u for u in str(body.get("touser") or "").split("|") if u]
        if not users:
            raise ApiFault(81013, "user & party & tag all invalid")
        msgtype = body.get("msgtype")
        answer = {
            "invaliduser": "",
            "invalidparty": "",
            "invalidtag": "",
            "unlicenseduser": "",
            "msgid": uuid.uuid4().hex,
        }
        if msgtype == "text":
            _content(body, "text")
            call.duplicate = self._is_duplicate(body, call.at)
        elif msgtype == "template_card":
            card = self._check_card(body.get("template_card"))
            if card["card_type"] in INTERACTIVE:
                answer["response_code"] = self._new_response_code(card["task_id"], users)
        else:
            raise ApiFault(40008, "invalid message type")
        call.dropped = self._over_member_limit(users, call.at)
        return answer

    def _is_duplicate(self, body: dict, now: float) -> bool:
        """WeCom's enable_duplicate_check: the same text to the same people within the interval."""
        if not body.get("enable_duplicate_check"):
            return False
        key = (body.get("touser"), json.dumps(body.get("text"), sort_keys=True, ensure_ascii=False))
        interval = float(body.get("duplicate_check_interval") or 1800)
        with self._lock:
            last = self._texts_sent.get(key)
            self._texts_sent[key] = now
        return last is not None and now - last < interval

    def _check_card(self, card) -> dict:
        if not isinstance(card, dict) or card.get("card_type") not in CARD_TYPES:
            raise ApiFault(INVALID_PARAM, "invalid template_card.card_type")
        if card["card_type"] in INTERACTIVE:
            task_id = str(card.get("task_id") or "")
            if not TASK_ID.match(task_id) or task_id in self.task_ids:
                raise ApiFault(42014, "taskid has existed or empty or exceed max len")
            self.task_ids.add(task_id)
        if card["card_type"] == "button_interaction":
            buttons = card.get("button_list") or []
            keys = [b.get("key") for b in buttons]
            if not 1 <= len(buttons) <= 6 or not all(keys) or len(set(keys)) != len(keys):
                raise ApiFault(INVALID_PARAM, "invalid button_list")
        return card

    def _new_response_code(self, task_id: str, users: list[str]) -> str:
        code = uuid.uuid4().hex
        with self._lock:
            self.response_codes[code] = {
                "task_id": task_id,
                "users": users,
                "used": False,
                "at": self.clock(),
            }
        return code

    def _update_card(self, call: Call) -> dict:
        self._check_token(call, "wecom")
        body = _require(call.body)
        self._check_agent(body)
        entry = self.response_codes.get(str(body.get("response_code") or ""))
        if not entry or entry["used"] or self.clock() - entry["at"] > RESPONSE_CODE_TTL:
            raise ApiFault(INVALID_PARAM, "invalid response_code")  # fake's choice of code
        label = (body.get("button") or {}).get("replace_name")
        targets = ["*"] if body.get("atall") else list(body.get("userids") or [])
        if not label or not targets:
            raise ApiFault(INVALID_PARAM, "button.replace_name and atall or userids are required")
        entry["used"] = True
        for user in targets:
            self.card_labels[(entry["task_id"], user)] = label
        return {"invaliduser": []}

    def _appchat_send(self, call: Call) -> dict:
        self._check_token(call, "wecom")
        body = _require(call.body)
        if not body.get("chatid"):
            raise ApiFault(INVALID_PARAM, "chatid is required")
        if body.get("msgtype") not in ("text", "markdown"):
            raise ApiFault(40008, "invalid message type")
        _content(body, body["msgtype"])
        return {}

    def _webhook_send(self, call: Call) -> dict:
        key = call.query.get("key", "")
        if not key or (self.robot_keys is not None and key not in self.robot_keys):
            raise ApiFault(93000, "invalid webhook url")
        sent = self._robot_sent[key]
        _forget_before(sent, call.at - 60)
        if len(sent) >= ROBOT_PER_MINUTE:
            raise ApiFault(45009, "api freq out of limit")
        body = _require(call.body)
        if body.get("msgtype") not in ("text", "markdown"):
            raise ApiFault(40008, "invalid message type")
        _content(body, body["msgtype"])
        sent.append(call.at)
        return {}

    def _check_agent(self, body: dict) -> None:
        agent = body.get("agentid")
        if not isinstance(agent, int) or (self.agent_id is not None and agent != self.agent_id):
            raise ApiFault(40056, "invalid agentid")

    def _over_member_limit(self, users: list[str], now: float) -> list[str]:
        dropped = []
        for user in users:
            sent = self._app_sent[user]
            _forget_before(sent, now - 60)
            if len(sent) >= APP_PER_MEMBER_MINUTE:
                dropped.append(user)
            else:
                sent.append(now)
        return dropped

    # --- Official Account --------------------------------------------------------------------
    def _custom_send(self, call: Call) -> dict:
        self._check_token(call, "mp")
        body = _require(call.body)
        if not body.get("touser"):
            raise ApiFault(40003, "invalid openid")
        if body["touser"] in self.closed_windows:
            raise ApiFault(45015, "response out of time limit or subscription is canceled")
        if body.get("msgtype") != "text":
            raise ApiFault(40008, "invalid message type")
        _content(body, "text")
        return {}


class _Quiet(WSGIRequestHandler):
    """No access log: test output stays readable (and URLs carry tokens and secrets)."""

    def log_request(self, *args, **kwargs) -> None:
        pass


class MemoryTokenStore:
    """A TokenStore in memory (thread-safe, with expiring keys) for unit tests without Redis."""

    def __init__(self, clock=time.time):
        self.clock = clock
        self._lock = threading.Lock()
        self._values: dict[str, tuple[str, float]] = {}

    def cached_token(self, app: str) -> str | None:
        return self._get(f"token:{app}")

    def store_token(self, app: str, token: str, ttl: int) -> None:
        with self._lock:
            self._values[f"token:{app}"] = (token, self.clock() + ttl)

    def drop_token(self, app: str, token: str) -> None:
        with self._lock:
            if self._values.get(f"token:{app}", ("",))[0] == token:
                del self._values[f"token:{app}"]

    def take_refresh_lock(self, app: str, ttl: int) -> bool:
        with self._lock:
            value = self._values.get(f"lock:{app}")
            if value and value[1] > self.clock():
                return False
            self._values[f"lock:{app}"] = ("1", self.clock() + ttl)
            return True

    def release_refresh_lock(self, app: str) -> None:
        with self._lock:
            self._values.pop(f"lock:{app}", None)

    def ttl(self, app: str) -> float:
        with self._lock:
            return self._values[f"token:{app}"][1] - self.clock()

    def _get(self, key: str) -> str | None:
        with self._lock:
            value = self._values.get(key)
            return value[0] if value and value[1] > self.clock() else None


def _path(path: str) -> str:
    return path.removeprefix("/").removeprefix("cgi-bin/")


def _require(body) -> dict:
    if not isinstance(body, dict):
        raise ApiFault(47001, "data format error")
    return body


def _content(body: dict, msgtype: str) -> None:
    if not str((body.get(msgtype) or {}).get("content") or "").strip():
        raise ApiFault(44004, "empty content")


def _forget_before(times: deque, cutoff: float) -> None:
    while times and times[0] <= cutoff:
        times.popleft()


if __name__ == "__main__":  # a standalone fake: python -m bot.playground.fakeapi
    server = FakeWeChatApi()
    server.app.run(host="127.0.0.1", port=8901, threaded=True)
