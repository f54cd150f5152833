"""Salted password hashes (scrypt, a fresh salt per account) and a constant-time check."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# scrypt cost: about 16 MB and a few tens of ms per check; slow enough to make guessing
# from a stolen Redis dump expensive, fast enough for a sign-in page.
N, R, P = 2**14, 8, 1
KEY_BYTES = 32
MIN_LENGTH = 8


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, N, R, P)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, record: str | None) -> bool:
    if not record:
        _scrypt(password, b"no-such-account!", N, R, P)  # same work as a real check
        return False
    try:
        scheme, n, r, p, salt, digest = record.split("$")
        expected = bytes.fromhex(digest)
        actual = _scrypt(password, bytes.fromhex(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return scheme == "scrypt" and hmac.compare_digest(actual, expected)


def fingerprint(record: str | None) -> str:
    """A short tag of the stored record: a session signed in before a password change ends."""
    return hashlib.sha256((record or "").encode()).hexdigest()[:16]


def weakness(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return f"the password must have at least {MIN_LENGTH} characters"
    if password.strip() != password:
        return "the password must not start or end with spaces"
    return None


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024,
                          dklen=KEY_BYTES)
