"""WeChat message security: signatures, AES envelopes and XML that cannot hurt us.

Shared by the Official Account adapter and WeCom, which use the same scheme. All of it is ours,
on `cryptography` and expat: the signature check because wechatpy compares with `!=` (not constant
time); the XML parsing because no sender-controlled DTD or entity may ever be expanded (expat is
stopped at the first `<!DOCTYPE`, as defusedxml does, before anything is built); the AES envelope
because wechatpy's builds a cipher and a `random` string per message (measured: a tenth of a
webhook request's own cost, outside detection).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import struct
import time
from dataclasses import dataclass, field
from xml.parsers import expat

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

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
    found = _FlatXml()
    try:
        found.parse(body)
    except (expat.ExpatError, DTDForbidden, ValueError) as exc:
        name = "ParseError" if isinstance(exc, expat.ExpatError) else type(exc).__name__
        raise BadMessage(f"not a WeChat XML message ({name})") from None
    if found.root != "xml" or len(found.children) > MAX_FIELD_COUNT:
        raise BadMessage("not a WeChat XML message (unexpected shape)")
    fields: dict[str, str] = {}
    for tag, text, nested in found.children:
        if nested:
            raise BadMessage(f"field {tag} has unexpected children")
        if tag in fields:
            raise BadMessage(f"field {tag} appears twice")
        fields[tag] = "".join(text).strip()
    return fields


class DTDForbidden(Exception):
    """A DTD, an entity declaration or an external reference: refused, never expanded."""


def _forbid(*_args) -> None:
    raise DTDForbidden("DTDs and entities are not accepted")


class _FlatXml:
    """One expat pass that keeps the root's name and, per child in order, its name, its text and
    whether it has children of its own; the shape is judged after a clean parse, so a malformed
    document is refused as such whatever its shape. Names are ElementTree's ("{uri}name")."""

    def __init__(self) -> None:
        self.root: str | None = None
        self.children: list[tuple[str, list[str], bool]] = []
        self._depth = 0

    def parse(self, body: bytes | str) -> None:
        parser = expat.ParserCreate(None, "}")
        # The first `<!DOCTYPE` stops the parse: no internal subset, no entity, no external fetch.
        parser.StartDoctypeDeclHandler = _forbid
        parser.EntityDeclHandler = _forbid
        parser.UnparsedEntityDeclHandler = _forbid
        parser.ExternalEntityRefHandler = _forbid
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._data
        parser.buffer_text = True
        parser.Parse(body, True)

    def _start(self, name: str, _attributes) -> None:
        name = "{" + name if "}" in name else name
        self._depth += 1
        if self._depth == 1:
            self.root = name
        elif self._depth == 2:
            self.children.append((name, [], False))
        elif self._depth == 3 and not self.children[-1][2]:
            tag, text, _ = self.children[-1]
            self.children[-1] = (tag, text, True)

    def _end(self, _name: str) -> None:
        self._depth -= 1

    def _data(self, text: str) -> None:
        if self._depth == 2 and not self.children[-1][2]:  # a field's own text, not a child's tail
            self.children[-1][1].append(text)


@dataclass(frozen=True)
class AesKey:
    """One EncodingAESKey (43 characters of base64) and the app id it seals messages for."""

    encoding_key: str
    receive_id: str
    raw: bytes = field(init=False, repr=False, compare=False)  # the 32-byte AES key
    _cipher: Cipher = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            raw = base64.b64decode(self.encoding_key + "=", validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("EncodingAESKey must be 43 characters of base64") from None
        if len(raw) != 32:
            raise ValueError("EncodingAESKey must decode to 32 bytes")
        object.__setattr__(self, "raw", raw)  # decoded once, not per message
        # AES-256-CBC with the key's first 16 bytes as IV (WeChat's scheme); one per key, not per message.
        object.__setattr__(self, "_cipher", Cipher(algorithms.AES(raw), modes.CBC(raw[:16])))

    def decrypt(self, encrypted: str) -> str:
        """Plaintext XML, or BadMessage if this key (or this app id) does not fit."""
        try:
            data = base64.b64decode(encrypted)
        except (binascii.Error, ValueError):
            raise BadMessage("cannot decrypt (not base64)") from None
        return self.open(data)

    def open(self, data: bytes) -> str:
        """The plaintext of base64-decoded ciphertext: 16 random bytes, the XML's length (4 bytes,
        big-endian), the XML, the receive id, PKCS#7 padding to 32 bytes."""
        try:
            decryptor = self._cipher.decryptor()
            plain = decryptor.update(data) + decryptor.finalize()
            content = plain[16 : -plain[-1]]
            (length,) = struct.unpack(">I", content[:4])
            xml, receive_id = content[4 : length + 4].decode(), content[length + 4 :].decode()
        except (ValueError, IndexError, struct.error) as exc:
            raise BadMessage(f"cannot decrypt ({type(exc).__name__})") from None
        if receive_id != self.receive_id:
            raise BadMessage("cannot decrypt (sealed for another app id)")
        return xml

    def encrypt(self, plaintext: str) -> str:
        text = plaintext.encode()
        # 16 random ASCII characters first, as WeChat's own sample code does.
        body = b"".join(
            (secrets.token_hex(8).encode(), struct.pack(">I", len(text)), text, self.receive_id.encode())
        )
        padding = 32 - len(body) % 32
        encryptor = self._cipher.encryptor()
        sealed = encryptor.update(body + bytes((padding,)) * padding) + encryptor.finalize()
        return base64.b64encode(sealed).decode("ascii")


def decrypt_with_any(keys: list[AesKey], encrypted: str) -> tuple[str, AesKey]:
    """Try the current key, then the previous one (key rotation); return the text and the key."""
    data = check_ciphertext(encrypted)
    for key in keys:
        try:
            return key.open(data), key
        except BadMessage:
            continue
    raise BadMessage("cannot decrypt with any configured EncodingAESKey")


def check_ciphertext(encrypted: str) -> bytes:
    """Strict shape check before any AES work; the decoded bytes."""
    try:
        raw = base64.b64decode(encrypted, validate=True)
    except (binascii.Error, ValueError):
        raise BadMessage("Encrypt is not base64") from None
    # 16 random bytes + 4 length bytes + at least one block's worth, in whole AES blocks.
    if len(raw) < 32 or len(raw) % 16:
        raise BadMessage("Encrypt has the wrong length")
    return raw


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
