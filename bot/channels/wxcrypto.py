"""WeChat message security: signatures, AES envelopes and XML that cannot hurt us.

Shared by the Official Account adapter and (later) WeCom, which use the same scheme.
wechatpy does the AES work; the signature check is ours because wechatpy compares with `!=`
(not constant time), and the XML parsing is ours because no sender-controlled DTD or entity may
ever be expanded (defusedxml refuses them before anything is built).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
import time
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from wechatpy.crypto import PrpCrypto
from wechatpy.exceptions import InvalidAppIdException

# Each field of a WeChat message is one short top-level element; anything deeper is refused.
MAX_FIELD_COUNT = 64


class BadMessage(Exception):
    """The body cannot be read as a WeChat message (answer 400)."""


class BadSignature(Exception):
    """The request is not from WeChat, or is too old to trust (answer 403)."""


def sign(token: str, timestamp: str, nonce: str, *extra: str) -> str:
    """The WeChat signature: sha1 of the sorted, concatenated parts."""
    parts = sorted([token, timestamp, nonce, *extra])
    return hashlib.sha1("".join(parts).encode("utf-8")).hexdigest()


def verify_signature(expected: str, token: str, timestamp: str, nonce: str, *extra: str) -> None:
    if not expected or not timestamp or not nonce:
        raise BadSignature("missing signature, timestamp or nonce")
    actual = sign(token, timestamp, nonce, *extra)
    if not hmac.compare_digest(actual.encode(), expected.lower().encode("utf-8", "replace")):
        raise BadSignature("signature does not match")


def check_fresh(timestamp: str, now: float, max_skew: int) -> None:
    """Refuse replays: WeChat's timestamp must be within `max_skew` seconds of our clock."""
    try:
        sent = int(timestamp)
    except ValueError:
        raise BadSignature("timestamp is not a number") from None
    if abs(now - sent) > max_skew:
        raise BadSignature("timestamp too old or in the future")


def parse_xml(body: bytes | str) -> dict[str, str]:
    """Top-level fields of a WeChat XML message. No DTD, no entities, no repeats, no nesting."""
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise BadMessage(f"not a WeChat XML message ({type(exc).__name__})") from None
    children = list(root)
    if root.tag != "xml" or len(children) > MAX_FIELD_COUNT:
        raise BadMessage("not a WeChat XML message (unexpected shape)")
    fields: dict[str, str] = {}
    for child in children:
        if len(child):
            raise BadMessage(f"field {child.tag} has unexpected children")
        if child.tag in fields:
            raise BadMessage(f"field {child.tag} appears twice")
        fields[child.tag] = (child.text or "").strip()
    return fields


@dataclass(frozen=True)
class AesKey:
    """One EncodingAESKey (43 characters of base64) and the app id it seals messages for."""

    encoding_key: str
    receive_id: str
    raw: bytes = field(init=False, repr=False, compare=False)  # the 32-byte AES key

    def __post_init__(self) -> None:
        try:
            raw = base64.b64decode(self.encoding_key + "=", validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("EncodingAESKey must be 43 characters of base64") from None
        if len(raw) != 32:
            raise ValueError("EncodingAESKey must decode to 32 bytes")
        object.__setattr__(self, "raw", raw)  # decoded once, not per message

    def decrypt(self, encrypted: str) -> str:
        """Plaintext XML, or BadMessage if this key (or this app id) does not fit."""
        try:
            text = PrpCrypto(self.raw).decrypt(encrypted, self.receive_id)
        except (InvalidAppIdException, ValueError, IndexError, struct.error) as exc:
            raise BadMessage(f"cannot decrypt ({type(exc).__name__})") from None
        except binascii.Error:
            raise BadMessage("cannot decrypt (not base64)") from None
        return text

    def encrypt(self, plaintext: str) -> str:
        return PrpCrypto(self.raw).encrypt(plaintext, self.receive_id).decode("ascii")


def decrypt_with_any(keys: list[AesKey], encrypted: str) -> tuple[str, AesKey]:
    """Try the current key, then the previous one (key rotation); return the text and the key."""
    check_ciphertext(encrypted)
    for key in keys:
        try:
            return key.decrypt(encrypted), key
        except BadMessage:
            continue
    raise BadMessage("cannot decrypt with any configured EncodingAESKey")


def check_ciphertext(encrypted: str) -> None:
    """Strict shape check before any AES work: wechatpy assumes well-formed input."""
    try:
        raw = base64.b64decode(encrypted, validate=True)
    except (binascii.Error, ValueError):
        raise BadMessage("Encrypt is not base64") from None
    # 16 random bytes + 4 length bytes + at least one block's worth, in whole AES blocks.
    if len(raw) < 32 or len(raw) % 16:
        raise BadMessage("Encrypt has the wrong length")


def seal_reply(key: AesKey, token: str, plaintext: str, nonce: str, now: float | None = None) -> str:
    """The encrypted reply envelope, signed with msg_signature."""
    timestamp = str(int(now if now is not None else time.time()))
    encrypted = key.encrypt(plaintext)
    signature = sign(token, timestamp, nonce, encrypted)
    return (
        f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt><MsgSignature><![CDATA[{signature}]]></MsgSignature>"
        f"<TimeStamp>{timestamp}</TimeStamp><Nonce><![CDATA[{cdata_safe(nonce)}]]></Nonce></xml>"
    )


def cdata_safe(text: str) -> str:
    """Text that cannot close a CDATA section early."""
    return text.replace("]]>", "]]]]><![CDATA[>")
