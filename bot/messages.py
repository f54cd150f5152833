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


@dataclass(frozen=True)
class Reply:
    """A passive reply. Empty text means "no reply" (the channel answers `success`)."""

    text: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.text
