"""A WeChat server, as seen from our webhook: builds genuine signed (and encrypted) requests.

Written from the published Official Account protocol, independently of wechatpy, so that the
playground, the chat CLI, the tests and the benchmark check our server against the protocol
itself rather than against the library the server uses.

AES envelope (消息加解密): AES-256-CBC, key = base64(EncodingAESKey + "="), iv = key[:16];
plaintext = 16 random bytes + 4-byte big-endian length + message + receive id (AppID),
padded PKCS#7 to a multiple of 32 bytes; msg_signature = sha1(sorted token, timestamp, nonce, Encrypt).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import struct
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from urllib.parse import urlencode

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32
_ids = count(int(time.time() * 1000) % 10**9 * 1000)


def signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def message_xml(fields: dict[str, str | int]) -> str:
    """<xml> with one element per field; numbers bare, strings in CDATA (as WeChat sends)."""
    body = "".join(
        f"<{name}>{value if isinstance(value, int) else _cdata(str(value))}</{name}>"
        for name, value in fields.items()
    )
    return f"<xml>{body}</xml>"


@dataclass
class Sealer:
    """One EncodingAESKey: seal and open envelopes for one receive id (AppID or CorpID)."""

    encoding_key: str
    receive_id: str

    def _cipher(self) -> Cipher:
        key = base64.b64decode(self.encoding_key + "=")
        return Cipher(algorithms.AES(key), modes.CBC(key[:16]))

    def seal(self, plaintext: str) -> str:
        data = plaintext.encode("utf-8")
        raw = os.urandom(16) + struct.pack(">I", len(data)) + data + self.receive_id.encode()
        pad = BLOCK - len(raw) % BLOCK
        raw += bytes([pad]) * pad
        enc = self._cipher().encryptor()
        return base64.b64encode(enc.update(raw) + enc.finalize()).decode("ascii")

    def open(self, sealed: str) -> str:
        dec = self._cipher().decryptor()
        raw = dec.update(base64.b64decode(sealed)) + dec.finalize()
        if not raw or not 1 <= raw[-1] <= BLOCK or len(raw) - raw[-1] < 20:
            raise ValueError("reply cannot be opened with this key (bad padding)")
        raw = raw[: -raw[-1]]
        (length,) = struct.unpack(">I", raw[16:20])
        receive_id = raw[20 + length :].decode()
        if receive_id != self.receive_id:
            raise ValueError(f"reply sealed for {receive_id!r}, expected {self.receive_id!r}")
        return raw[20 : 20 + length].decode("utf-8")


@dataclass
class Delivery:
    """One HTTP request as WeChat would send it."""

    query: dict[str, str]
    body: bytes
    path: str = "/wechat"

    @property
    def path_with_query(self) -> str:
        return f"{self.path}?{urlencode(self.query)}"


@dataclass
class WeChatServer:
    """Plays WeChat's side of the Official Account webhook."""

    token: str
    app_id: str
    aes_key: str = ""
    account: str = "gh_fanzha_community"
    clock: Callable[[], float] = field(default=time.time)

    @property
    def sealer(self) -> Sealer | None:
        return Sealer(self.aes_key, self.app_id) if self.aes_key else None

    def verification(self, echostr: str = "") -> dict[str, str]:
        timestamp, nonce = str(int(self.clock())), str(secrets.randbelow(10**9))
        echostr = echostr or secrets.token_hex(8)
        return {
            "signature": signature(self.token, timestamp, nonce),
            "timestamp": timestamp,
            "nonce": nonce,
            "echostr": echostr,
        }

    def fields(self, user: str, msg_type: str, **extra: str | int) -> dict[str, str | int]:
        base: dict[str, str | int] = {
            "ToUserName": self.account,
            "FromUserName": user,
            "CreateTime": int(self.clock()),
            "MsgType": msg_type,
        }
        if msg_type != "event" and "MsgId" not in extra:
            extra["MsgId"] = next(_ids)
        return {**base, **extra}

    def text(self, user: str, content: str, **extra: str | int) -> dict[str, str | int]:
        return self.fields(user, "text", Content=content, **extra)

    def event(self, user: str, event: str, key: str = "") -> dict[str, str | int]:
        extra = {"EventKey": key} if key else {}
        return self.fields(user, "event", Event=event, **extra)

    def deliver(self, fields: dict[str, str | int], encrypted: bool | None = None) -> Delivery:
        """Sign, and in 安全模式 encrypt, a message: the request WeChat would send."""
        return self.deliver_xml(message_xml(fields), encrypted)

    def deliver_xml(self, xml: str, encrypted: bool | None = None) -> Delivery:
        encrypted = bool(self.aes_key) if encrypted is None else encrypted
        timestamp, nonce = str(int(self.clock())), str(secrets.randbelow(10**9))
        query = {
            "signature": signature(self.token, timestamp, nonce),
            "timestamp": timestamp,
            "nonce": nonce,
            "openid": "o" + secrets.token_hex(6),
        }
        if not encrypted:
            return Delivery(query, xml.encode("utf-8"))
        sealed = self.sealer.seal(xml)
        query.update(encrypt_type="aes", msg_signature=signature(self.token, timestamp, nonce, sealed))
        outer = message_xml({"ToUserName": self.account, "Encrypt": sealed})
        return Delivery(query, outer.encode("utf-8"))

    def read_reply(self, body: bytes | str) -> dict[str, str]:
        """The fields of a passive reply; an encrypted one is checked and opened first.

        `success` or an empty body means no reply: an empty dict.
        """
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        if text.strip() in ("", "success"):
            return {}
        fields = _fields(text)
        if "Encrypt" not in fields:
            return fields
        expected = signature(self.token, fields["TimeStamp"], fields["Nonce"], fields["Encrypt"])
        if fields.get("MsgSignature") != expected:
            raise ValueError("reply msg_signature does not match")
        return _fields(self.sealer.open(fields["Encrypt"]))


def _fields(xml: str) -> dict[str, str]:
    # Our own server's reply, already authenticated above: plain ElementTree is enough here.
    return {child.tag: (child.text or "") for child in ET.fromstring(xml)}


@dataclass
class WeComServer:
    """Plays WeCom's side of the app callback: everything sealed for the CorpID (WeCom docs, 2026)."""

    token: str
    corp_id: str
    aes_key: str
    agent_id: str = "1000002"
    clock: Callable[[], float] = field(default=time.time)

    @property
    def sealer(self) -> Sealer:
        return Sealer(self.aes_key, self.corp_id)

    def _query(self, sealed: str) -> dict[str, str]:
        timestamp, nonce = str(int(self.clock())), str(secrets.randbelow(10**9))
        return {"msg_signature": signature(self.token, timestamp, nonce, sealed),
                "timestamp": timestamp, "nonce": nonce}

    def verification(self, plaintext: str) -> dict[str, str]:
        sealed = self.sealer.seal(plaintext)
        return {**self._query(sealed), "echostr": sealed}

    def fields(self, user: str, msg_type: str, **extra: str | int) -> dict[str, str | int]:
        base: dict[str, str | int] = {"ToUserName": self.corp_id, "FromUserName": user,
                                      "CreateTime": int(self.clock()), "MsgType": msg_type}
        if msg_type != "event" and "MsgId" not in extra:
            extra["MsgId"] = f"wc{next(_ids)}"  # WeCom message ids are strings
        return {**base, **extra, "AgentID": self.agent_id}

    def text(self, user: str, content: str) -> dict[str, str | int]:
        return self.fields(user, "text", Content=content)

    def card_click(self, user: str, key: str, task_id: str, response_code: str = "") -> dict[str, str | int]:
        return self.fields(user, "event", Event="template_card_event", EventKey=key, TaskId=task_id,
                           CardType="button_interaction", ResponseCode=response_code or secrets.token_hex(8))

    def deliver(self, fields: dict[str, str | int]) -> Delivery:
        sealed = self.sealer.seal(message_xml(fields))
        outer = message_xml({"ToUserName": self.corp_id, "AgentID": self.agent_id, "Encrypt": sealed})
        return Delivery(self._query(sealed), outer.encode("utf-8"), path="/wecom")

    def read_reply(self, body: bytes | str) -> dict[str, str]:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        if not text.strip():
            return {}
        fields = _fields(text)
        expected = signature(self.token, fields["TimeStamp"], fields["Nonce"], fields["Encrypt"])
        if fields.get("MsgSignature") != expected:
            raise ValueError("reply msg_signature does not match")
        return _fields(self.sealer.open(fields["Encrypt"]))


@dataclass
class WeComBotServer:
    """Plays WeCom's side of the group bot (智能机器人) callback: JSON sealed with an empty receive id."""

    token: str
    aes_key: str
    clock: Callable[[], float] = field(default=time.time)

    @property
    def sealer(self) -> Sealer:
        return Sealer(self.aes_key, "")

    def message(self, user: str, content: str, chat_id: str = "wrOgAAAA1", msg_id: str = "") -> dict:
        return {"msgid": msg_id or f"bot{next(_ids)}", "aibotid": "AIBOT", "chatid": chat_id,
                "chattype": "group", "from": {"userid": user}, "response_url": "https://example.invalid/r",
                "msgtype": "text", "text": {"content": content}}

    def deliver(self, body: dict) -> Delivery:
        sealed = self.sealer.seal(json.dumps(body, ensure_ascii=False))
        timestamp, nonce = str(int(self.clock())), str(secrets.randbelow(10**9))
        query = {"msg_signature": signature(self.token, timestamp, nonce, sealed), "timestamp": timestamp,
                 "nonce": nonce}
        return Delivery(query, json.dumps({"encrypt": sealed}).encode(), path="/wecom/bot")

    def read_reply(self, body: bytes | str) -> dict:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        if not text.strip():
            return {}
        sealed = json.loads(text)
        expected = signature(self.token, str(sealed["timestamp"]), sealed["nonce"], sealed["encrypt"])
        if sealed.get("msgsignature") != expected:
            raise ValueError("reply msgsignature does not match")
        return json.loads(self.sealer.open(sealed["encrypt"]))
