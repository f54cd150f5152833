"""What a channel adapter hands to the router, and what a handler hands back.

These two types are the whole contract between the edges (WeChat, WeCom, the playground) and the
business logic: handlers never see HTTP, XML or encryption.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Incoming:
    """One message or event from a user, already verified, decrypted and parsed."""

    channel: str  # "mp" (Official Account); later "wecom", "wecom_bot"
    user: str  # the sender's id on that channel (an openid for the Official Account)
    kind: str  # text | link | voice | image | video | shortvideo | file | location | event | other
    msg_id: str  # the key a retry of this same message shares (dedupe)
    created_at: int = 0
    text: str = ""  # what to read: the text, a link's title+description+url, a voice transcript
    event: str = ""  # subscribe | unsubscribe | click | view | ...  (lower case)
    event_key: str = ""
    account: str = ""  # our own account id (ToUserName), echoed back as the reply's sender
    fields: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    # The sender's open multi-turn flow (report, 结案 …), read by the router with the admission.
    conversation: dict | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class CheckTally:
    """One resident check to count in the day's figures: the verdict and type, never the text."""

    day: str
    verdict: str
    type_id: str | None


@dataclass(frozen=True)
class Reply:
    """A passive reply. Empty text means "no reply" (the channel answers `success`)."""

    text: str = ""
    # A scam check's verdict, counted in the same round trip that keeps the reply for retries.
    check: CheckTally | None = None

    @property
    def is_empty(self) -> bool:
        return not self.text
