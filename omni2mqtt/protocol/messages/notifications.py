"""EnableNotifications (21) and the SystemEvents push (55), spec §18."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Self

from ..errors import DecodeError, EncodeError
from ..events import Event, decode_event, encode_event
from ..frame import MAX_SENT_MESSAGE_LENGTH
from ..opcodes import Opcode
from ..wire import PayloadReader, u8, u16
from .base import Message

# L = 1 + 2N must stay within what one packet carries (spec §9): N <= 117.
MAX_EVENT_WORDS = (MAX_SENT_MESSAGE_LENGTH - 1) // 2


@dataclass(frozen=True)
class EnableNotifications(Message):
    """Turn panel pushes on or off; a panel pushes nothing until it gets ``enabled=True``."""

    OPCODE = Opcode.ENABLE_NOTIFICATIONS
    enabled: bool

    def encode_payload(self) -> bytes:
        if self.enabled not in (False, True):
            raise EncodeError(f"EnableNotifications enabled must be a bool, got {self.enabled!r}")
        return u8(int(bool(self.enabled)), "enabled")

    @classmethod
    def decode_payload(cls, payload: bytes) -> Self:
        # Strict: the emulator decodes this request, and anything but [0]/[1] is a client bug
        # worth a Nak rather than a guess.
        reader = PayloadReader(payload, "EnableNotifications")
        flag = reader.u8("enabled")
        reader.expect_end()
        if flag > 1:
            raise DecodeError(f"EnableNotifications: enabled must be 0 or 1, got {flag}")
        return cls(enabled=bool(flag))


@dataclass(frozen=True)
class SystemEvents(Message):
    """Pushed (seq 0) event words, oldest first. Decode every word, not only the first."""

    OPCODE = Opcode.SYSTEM_EVENTS
    words: tuple[int, ...]

    def __post_init__(self) -> None:
        # Accept any iterable (a list from a test or the emulator) but keep the value hashable
        # and comparable to a decoded message.
        if not isinstance(self.words, tuple):
            object.__setattr__(self, "words", tuple(self.words))

    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(decode_event(word) for word in self.words)

    @classmethod
    def from_events(cls, events: Iterable[Event]) -> Self:
        return cls(tuple(encode_event(event) for event in events))

    def encode_payload(self) -> bytes:
        if len(self.words) > MAX_EVENT_WORDS:
            raise EncodeError(
                f"SystemEvents carries at most {MAX_EVENT_WORDS} words per message, "
                f"got {len(self.words)}: split them over several messages"
            )
        return b"".join(u16(word, f"event word {i}") for i, word in enumerate(self.words))

    @classmethod
    def decode_payload(cls, payload: bytes) -> Self:
        # An odd trailing byte is ignored (spec §18).
        return cls(
            tuple(int.from_bytes(payload[i : i + 2], "big") for i in range(0, len(payload) - 1, 2))
        )
