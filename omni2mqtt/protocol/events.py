"""SystemEvents event words (spec §18): one typed event per word class, and back to the word.

Every 16-bit word decodes to exactly one event (words the spec does not define become
:class:`UnknownEvent`), and every event encodes back to exactly the word it came from, so the
emulator can push any word a real panel could. Fields hold the raw wire values (IntEnums only
where the enum covers every value the bits can hold); typed views are properties.

Each class describes its word as a base plus bit fields (``event_bits``); one generic packer and
unpacker serve them all, so a layout is written once and used both ways. The classes are in
``event_classes`` and re-exported here; this module classifies words and holds the entry points.
"""

from __future__ import annotations

from dataclasses import dataclass

from .commands import EnergyCost as EnergyCostLevel
from .errors import DecodeError, EncodeError
from .event_bits import Event, JsonValue, PackedEvent, check_int
from .event_classes import (
    EXACT_WORDS,
    AccessReader,
    AcPower,
    AlarmActivated,
    AllUnits,
    Battery,
    ButtonExecuted,
    CameraTrigger,
    CentraLiteSwitch,
    Communicator,
    ComposeCode,
    EnergyCost,
    PhoneLine,
    PhoneLineState,
    ProLinkMessage,
    SecurityModeChanged,
    SwitchPress,
    UnitStateChanged,
    UpbLink,
    UpbLinkAction,
    X10Code,
    ZoneStateChanged,
)

__all__ = [
    "AcPower",
    "AccessReader",
    "AlarmActivated",
    "AllUnits",
    "Battery",
    "ButtonExecuted",
    "CameraTrigger",
    "CentraLiteSwitch",
    "Communicator",
    "ComposeCode",
    "EnergyCost",
    "EnergyCostLevel",
    "Event",
    "JsonValue",
    "PhoneLine",
    "PhoneLineState",
    "ProLinkMessage",
    "SecurityModeChanged",
    "SwitchPress",
    "UnitStateChanged",
    "UnknownEvent",
    "UpbLink",
    "UpbLinkAction",
    "X10Code",
    "ZoneStateChanged",
    "decode_event",
    "describe",
    "encode_event",
]


@dataclass(frozen=True)
class UnknownEvent(Event):
    """`0000` and `0314`..`03CF`: no defined meaning; the raw word is kept."""

    word: int
    event_type = "unknown"

    def _encode(self) -> int:
        word = check_int(self.word, 0, 0xFFFF, "word")
        if not isinstance(decode_event(word), UnknownEvent):
            raise EncodeError(f"word 0x{word:04X} is a defined event, not an unknown one")
        return word

    def _describe(self, lumina: bool) -> str:
        return f"unknown event 0x{self.word:04X}"


_Masks = tuple[tuple[int, int, type[Event]], ...]
_MASKS_BEFORE_EXACT: _Masks = (
    (0xFF00, 0x0000, ButtonExecuted),
    (0xFF80, 0x0100, ProLinkMessage),
    (0xFF80, 0x0180, CentraLiteSwitch),
    (0xFF00, 0x0200, AlarmActivated),
)
_MASKS_AFTER_EXACT: _Masks = (
    (0xFFF0, 0x03D0, AccessReader),
    (0xFFE0, 0x03E0, AllUnits),
    (0xFC00, 0x0400, ZoneStateChanged),
    (0xFC00, 0x0800, UnitStateChanged),
    (0xFC00, 0x0C00, X10Code),
)


def _first_match(word: int, masks: _Masks) -> type[Event] | None:
    return next((cls for mask, value, cls in masks if word & mask == value), None)


def _classify_low(word: int) -> type[Event]:
    """Words below `1000`, tested in the spec's order (§18 step 1)."""
    if word == 0:
        # The table lists `0000` as unknown: button numbers start at 1.
        return UnknownEvent
    return (
        _first_match(word, _MASKS_BEFORE_EXACT)
        or EXACT_WORDS.get(word)
        or _first_match(word, _MASKS_AFTER_EXACT)
        or UnknownEvent
    )


def _classify(word: int) -> type[Event]:
    if word < 0x1000:
        return _classify_low(word)
    if word & 0xF000 == 0x7000:
        return ComposeCode
    # UPB link must be tested before switch press: both start with F.
    if word & 0xFC00 == 0xFC00:
        return UpbLink
    if word & 0xF000 == 0xF000:
        return SwitchPress
    # What is left has mode bits 0..6: mode 7 would be `7xxx`/`Fxxx`, taken above.
    return SecurityModeChanged


def decode_event(word: int) -> Event:
    """Decode one event word; every 16-bit value gives an event (unknown ones keep the word)."""
    if isinstance(word, bool) or not isinstance(word, int) or not 0 <= word <= 0xFFFF:
        raise DecodeError(f"event word must be 0..0xFFFF, got {word!r}")
    cls = _classify(word)
    if issubclass(cls, PackedEvent):
        return cls._from_word(word)
    return UnknownEvent(word)


def encode_event(event: Event) -> int:
    """The exact word for ``event``; EncodeError if a field is out of range for its class."""
    if not isinstance(event, UnknownEvent | PackedEvent) or type(event) is PackedEvent:
        raise EncodeError(f"not an event: {event!r}")
    return event._encode()


def describe(event: Event, *, lumina: bool = False) -> str:
    """A short human sentence for logs, e.g. "zone 5 not ready"."""
    return event._describe(lumina)
