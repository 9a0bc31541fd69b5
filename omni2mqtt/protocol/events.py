"""SystemEvents event words (spec §18): one typed event per word class, and back to the word.

Every 16-bit word decodes to exactly one event (words the spec does not define become
:class:`UnknownEvent`), and every event encodes back to exactly the word it came from, so the
emulator can push any word a real panel could. Fields hold the raw wire values (IntEnums only
where the enum covers every value the bits can hold); typed views are properties.

Each class describes its word as a base plus bit fields (``_BASE``, ``_FIELDS``); one generic
packer and unpacker serve them all, so a layout is written once and used both ways.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from enum import IntEnum
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Self

from .commands import EnergyCost as EnergyCostLevel
from .errors import DecodeError, EncodeError
from .security import AlarmType, SecurityMode, code_source_name

JsonValue = str | int | bool | None


class PhoneLineState(IntEnum):
    DEAD = 0
    RINGING = 1
    OFF_HOOK = 2
    ON_HOOK = 3


class UpbLinkAction(IntEnum):
    OFF = 0
    ON = 1
    SET = 2
    FADE_STOP = 3


def _int(value: object, lo: int, hi: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise EncodeError(f"event {field} must be {lo}..{hi}, got {value!r}")
    return int(value)


def _flag(value: object, field: str) -> int:
    # 0 and 1 pass too: they compare equal to False/True, so round trips still hold.
    if value not in (False, True):
        raise EncodeError(f"event {field} must be a bool, got {value!r}")
    return int(bool(value))


def _house(letter: object, field: str) -> int:
    if not isinstance(letter, str) or len(letter) != 1 or not "A" <= letter <= "P":
        raise EncodeError(f"event {field} must be one letter 'A'..'P', got {letter!r}")
    return ord(letter) - ord("A")


def _name(member: int) -> str:
    return member.name.lower() if isinstance(member, IntEnum) else str(member)


def _on_off(on: object) -> str:
    return "on" if on else "off"


class _Kind(NamedTuple):
    """A non-integer field type: how to turn it into its bits and back."""

    pack: Callable[[object, str], int]
    unpack: Callable[[int], object]


_BOOL = _Kind(_flag, bool)
_NOT = _Kind(lambda value, field: 1 - _flag(value, field), lambda bits: not bits)
_LETTER = _Kind(_house, lambda bits: chr(ord("A") + bits))


class _Bits:
    """One field: ``width`` bits at ``shift`` holding ``value - offset``, valid in [lo, hi]."""

    __slots__ = ("convert", "hi", "kind", "lo", "name", "offset", "shift", "width")

    def __init__(
        self,
        name: str,
        shift: int,
        width: int,
        *,
        offset: int = 0,
        lo: int | None = None,
        hi: int | None = None,
        kind: _Kind | None = None,
        convert: Callable[[int], object] = int,
    ) -> None:
        self.name, self.shift, self.width, self.offset = name, shift, width, offset
        self.lo = offset if lo is None else lo
        self.hi = offset + (1 << width) - 1 if hi is None else hi
        self.kind, self.convert = kind, convert

    def pack(self, value: object) -> int:
        if self.kind is not None:
            return self.kind.pack(value, self.name) << self.shift
        return (_int(value, self.lo, self.hi, self.name) - self.offset) << self.shift

    def unpack(self, offset_word: int) -> object:
        bits = (offset_word >> self.shift) & ((1 << self.width) - 1)
        if self.kind is not None:
            return self.kind.unpack(bits)
        return self.convert(bits + self.offset)


@dataclass(frozen=True)
class Event:
    """Base of every decoded event word. ``event_type`` is the stable MQTT/HA name."""

    event_type: ClassVar[str]

    if TYPE_CHECKING:

        @property
        def word(self) -> int:
            """The 16-bit event word (EncodeError if a field is out of range)."""
            return 0

    def _encode(self) -> int:
        raise NotImplementedError

    def _describe(self, lumina: bool) -> str:
        raise NotImplementedError

    def _views(self) -> dict[str, JsonValue]:
        """Typed views worth publishing besides the raw fields."""
        return {}

    def to_dict(self) -> dict[str, JsonValue]:
        """JSON-serialisable form for MQTT: event_type, the raw word as hex, fields, views."""
        out: dict[str, JsonValue] = {"event_type": self.event_type, "word": f"0x{self.word:04X}"}
        for f in fields(self):
            if f.name == "word":
                continue  # UnknownEvent: already there, as hex
            value = getattr(self, f.name)
            out[f.name] = _name(value) if isinstance(value, IntEnum) else value
        out.update(self._views())
        return out


class _Packed(Event):
    """An event whose word is ``_BASE`` plus its bit fields (fields never overlap)."""

    _BASE: ClassVar[int]
    _FIELDS: ClassVar[tuple[_Bits, ...]]

    @property
    def word(self) -> int:
        return self._encode()

    def _encode(self) -> int:
        return self._BASE + sum(bits.pack(getattr(self, bits.name)) for bits in self._FIELDS)

    @classmethod
    def _from_word(cls, word: int) -> Self:
        values: dict[str, Any] = {b.name: b.unpack(word - cls._BASE) for b in cls._FIELDS}
        return cls(**values)


@dataclass(frozen=True)
class UnknownEvent(Event):
    """`0000` and `0314`..`03CF`: no defined meaning; the raw word is kept."""

    word: int
    event_type = "unknown"

    def _encode(self) -> int:
        word = _int(self.word, 0, 0xFFFF, "word")
        if not isinstance(decode_event(word), UnknownEvent):
            raise EncodeError(f"word 0x{word:04X} is a defined event, not an unknown one")
        return word

    def _describe(self, lumina: bool) -> str:
        return f"unknown event 0x{self.word:04X}"


@dataclass(frozen=True)
class ButtonExecuted(_Packed):
    """`0001`..`00FF`: macro button executed."""

    button: int
    event_type = "button"
    _BASE, _FIELDS = 0x0000, (_Bits("button", 0, 8, lo=1),)

    def _describe(self, lumina: bool) -> str:
        return f"button {self.button} executed"


@dataclass(frozen=True)
class ProLinkMessage(_Packed):
    """`0100`..`017F`: Pro-Link message received (`0101` is this, never a disarm)."""

    message: int
    event_type = "prolink_message"
    _BASE, _FIELDS = 0x0100, (_Bits("message", 0, 7),)

    def _describe(self, lumina: bool) -> str:
        return f"Pro-Link message {self.message} received"


@dataclass(frozen=True)
class CentraLiteSwitch(_Packed):
    """`0180`..`01FF`: CentraLite switch."""

    switch: int
    event_type = "centralite_switch"
    _BASE, _FIELDS = 0x0180, (_Bits("switch", 0, 7),)

    def _describe(self, lumina: bool) -> str:
        return f"CentraLite switch {self.switch}"


@dataclass(frozen=True)
class AlarmActivated(_Packed):
    """`0200`..`02FF`: alarm activated. Type 0 is undefined: unknown, never "alarm cleared"."""

    alarm_type: int
    area: int
    event_type = "alarm"
    _BASE, _FIELDS = 0x0200, (_Bits("alarm_type", 4, 4), _Bits("area", 0, 4))

    @property
    def alarm(self) -> AlarmType | None:
        try:
            return AlarmType(self.alarm_type)
        except ValueError:
            return None

    def _views(self) -> dict[str, JsonValue]:
        return {"alarm": _name(self.alarm) if self.alarm else "unknown"}

    def _describe(self, lumina: bool) -> str:
        if self.alarm is None:
            return f"alarm of unknown type {self.alarm_type} in area {self.area}"
        return f"{_name(self.alarm)} alarm in area {self.area}"


@dataclass(frozen=True)
class PhoneLine(_Packed):
    """`0300`..`0303`: phone line dead / ringing / off hook / on hook."""

    state: PhoneLineState
    event_type = "phone_line"
    _BASE, _FIELDS = 0x0300, (_Bits("state", 0, 2, convert=PhoneLineState),)

    def _describe(self, lumina: bool) -> str:
        return "phone line " + _name(PhoneLineState(self.state)).replace("_", " ")


@dataclass(frozen=True)
class AcPower(_Packed):
    """`0304` AC power off / `0305` restored."""

    on: bool
    event_type = "ac_power"
    _BASE, _FIELDS = 0x0304, (_Bits("on", 0, 1, kind=_BOOL),)

    def _describe(self, lumina: bool) -> str:
        return "AC power restored" if self.on else "AC power off"


@dataclass(frozen=True)
class Battery(_Packed):
    """`0306` battery low / `0307` OK."""

    low: bool
    event_type = "battery"
    _BASE, _FIELDS = 0x0306, (_Bits("low", 0, 1, kind=_NOT),)

    def _describe(self, lumina: bool) -> str:
        return "battery low" if self.low else "battery OK"


@dataclass(frozen=True)
class Communicator(_Packed):
    """`0308` digital communicator trouble / `0309` OK."""

    ok: bool
    event_type = "communicator"
    _BASE, _FIELDS = 0x0308, (_Bits("ok", 0, 1, kind=_BOOL),)

    def _describe(self, lumina: bool) -> str:
        return "digital communicator " + ("OK" if self.ok else "trouble")


@dataclass(frozen=True)
class EnergyCost(_Packed):
    """`030A`..`030D`: energy cost low / mid / high / critical."""

    level: EnergyCostLevel
    event_type = "energy_cost"
    _BASE, _FIELDS = 0x030A, (_Bits("level", 0, 2, convert=EnergyCostLevel),)

    def _describe(self, lumina: bool) -> str:
        return "energy cost " + _name(EnergyCostLevel(self.level))


@dataclass(frozen=True)
class CameraTrigger(_Packed):
    """`030E`..`0313`: camera 1..6 trigger (camera = word - `030D`)."""

    camera: int
    event_type = "camera_trigger"
    _BASE, _FIELDS = 0x030E, (_Bits("camera", 0, 3, offset=1, hi=6),)

    def _describe(self, lumina: bool) -> str:
        return f"camera {self.camera} triggered"


# The `0300`..`0313` block: one word each, matched exactly (§18 classification step 1).
_EXACT_WORDS: dict[int, type[_Packed]] = {
    cls._BASE + index: cls
    for cls, count in (
        (PhoneLine, 4),
        (AcPower, 2),
        (Battery, 2),
        (Communicator, 2),
        (EnergyCost, 4),
        (CameraTrigger, 6),
    )
    for index in range(count)
}


@dataclass(frozen=True)
class AccessReader(_Packed):
    """`03D0`..`03DF`: access control reader (reader = (w & F) + 1)."""

    reader: int
    event_type = "access_reader"
    _BASE, _FIELDS = 0x03D0, (_Bits("reader", 0, 4, offset=1),)

    def _describe(self, lumina: bool) -> str:
        return f"access reader {self.reader}"


@dataclass(frozen=True)
class AllUnits(_Packed):
    """`03E0`..`03FF`: all units on (bit 4) or off in an area (low nibble)."""

    on: bool
    area: int
    event_type = "all_units"
    _BASE, _FIELDS = 0x03E0, (_Bits("on", 4, 1, kind=_BOOL), _Bits("area", 0, 4))

    def _describe(self, lumina: bool) -> str:
        return f"all units {_on_off(self.on)} in area {self.area}"


@dataclass(frozen=True)
class ZoneStateChanged(_Packed):
    """`0400`..`07FF`: zone (9 bits, never truncate to 8) not ready/tripped (bit 9) or secure."""

    zone: int
    not_ready: bool
    event_type = "zone_state"
    _BASE, _FIELDS = 0x0400, (_Bits("zone", 0, 9), _Bits("not_ready", 9, 1, kind=_BOOL))

    def _describe(self, lumina: bool) -> str:
        return f"zone {self.zone} {'not ready' if self.not_ready else 'secure'}"


@dataclass(frozen=True)
class UnitStateChanged(_Packed):
    """`0800`..`0BFF`: unit (9 bits) on (bit 9) or off. No level: keep the last known one."""

    unit: int
    on: bool
    event_type = "unit_state"
    _BASE, _FIELDS = 0x0800, (_Bits("unit", 0, 9), _Bits("on", 9, 1, kind=_BOOL))

    def _describe(self, lumina: bool) -> str:
        return f"unit {self.unit} {_on_off(self.on)}"


# House letter in bits 4-7 and unit number (1-based) in bits 0-3, shared by X-10 and Compose.
_HOUSE_UNIT = (_Bits("house", 4, 4, kind=_LETTER), _Bits("unit", 0, 4, offset=1))


@dataclass(frozen=True)
class X10Code(_Packed):
    """`0C00`..`0FFF`: X-10 code received; on = bit 9, all units = bit 8."""

    house: str
    unit: int
    on: bool
    all_units: bool
    event_type = "x10_code"
    _BASE = 0x0C00
    _FIELDS = (*_HOUSE_UNIT, _Bits("on", 9, 1, kind=_BOOL), _Bits("all_units", 8, 1, kind=_BOOL))

    def _describe(self, lumina: bool) -> str:
        scope = "all units" if self.all_units else "single unit"
        return f"X-10 house {self.house} unit {self.unit} {_on_off(self.on)} ({scope})"


@dataclass(frozen=True)
class ComposeCode(_Packed):
    """`7000`..`7FFF`: Compose code; state 0 off, 1 on, 2..13 scene A..L (14, 15 undefined)."""

    house: str
    unit: int
    state: int
    event_type = "compose_code"
    _BASE, _FIELDS = 0x7000, (*_HOUSE_UNIT, _Bits("state", 8, 4))

    @property
    def scene(self) -> str | None:
        return chr(ord("A") + self.state - 2) if 2 <= self.state <= 13 else None

    def _views(self) -> dict[str, JsonValue]:
        return {"scene": self.scene}

    def _describe(self, lumina: bool) -> str:
        if self.state <= 1:
            action = _on_off(self.state)
        else:
            action = f"scene {self.scene}" if self.scene else f"state {self.state}"
        return f"compose house {self.house} unit {self.unit} {action}"


@dataclass(frozen=True)
class SwitchPress(_Packed):
    """`F000`..`FBFF`: ALC/UPB/RadioRA/Starlite switch press; state 0 off, 1 on, 2..11 switch."""

    state: int
    unit: int
    event_type = "switch_press"
    # State 12..15 would be `FCxx`..`FFxx`: those are UPB link words.
    _BASE, _FIELDS = 0xF000, (_Bits("state", 8, 4, hi=11), _Bits("unit", 0, 8))

    @property
    def switch(self) -> int | None:
        """Switch 1..10 for states 2..11; None for the off/on presses."""
        return self.state - 1 if self.state >= 2 else None

    def _views(self) -> dict[str, JsonValue]:
        return {"switch": self.switch}

    def _describe(self, lumina: bool) -> str:
        if self.switch is None:
            return f"{_on_off(self.state)} pressed on unit {self.unit}"
        return f"switch {self.switch} pressed on unit {self.unit}"


@dataclass(frozen=True)
class UpbLink(_Packed):
    """`FC00`..`FFFF`: UPB link off / on / set / fade stop."""

    action: UpbLinkAction
    link: int
    event_type = "upb_link"
    _BASE = 0xFC00
    _FIELDS = (_Bits("action", 8, 2, convert=UpbLinkAction), _Bits("link", 0, 8))

    def _describe(self, lumina: bool) -> str:
        action = _name(UpbLinkAction(self.action)).replace("_", " ")
        return f"UPB link {self.link} {action}"


@dataclass(frozen=True)
class SecurityModeChanged(_Packed):
    """`1000`..`6FFF`, `8000`..`EFFF`: security mode change (Lumina: mode change).

    ``delay_started`` is bit 15: set when an exit (Lumina: mode-change) delay started, clear
    when the delay ended and the mode is in force. An Off word always has bit 15 set, so for
    Off it carries no meaning. Re-read the area status rather than trusting the bit alone.
    """

    mode: SecurityMode
    area: int
    code: int
    delay_started: bool
    event_type = "arming"
    _BASE = 0x0000
    _FIELDS = (
        _Bits("mode", 12, 3, hi=6, convert=SecurityMode),
        _Bits("area", 8, 4),
        _Bits("code", 0, 8),
        _Bits("delay_started", 15, 1, kind=_BOOL),
    )

    def mode_name(self, lumina: bool = False) -> str:
        return SecurityMode(self.mode).display_name(lumina)

    def _encode(self) -> int:
        if self.mode == SecurityMode.OFF and not _flag(self.delay_started, "delay_started"):
            # Without bit 15 an Off word would be `0xxx`: a button, zone, ... word.
            raise EncodeError("event delay_started must be True for Off (bit 15 is always set)")
        return super()._encode()

    def _views(self) -> dict[str, JsonValue]:
        return {"code_name": code_source_name(self.code)}

    def _describe(self, lumina: bool) -> str:
        text = f"{self.mode_name(lumina)} in area {self.area} by {code_source_name(self.code)}"
        if self.mode == SecurityMode.OFF:
            return text
        if self.delay_started:
            return text + (": mode-change delay started" if lumina else ": exit delay started")
        return text + ": delay ended"


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
        or _EXACT_WORDS.get(word)
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
    if issubclass(cls, _Packed):
        return cls._from_word(word)
    return UnknownEvent(word)


def encode_event(event: Event) -> int:
    """The exact word for ``event``; EncodeError if a field is out of range for its class."""
    if not isinstance(event, UnknownEvent | _Packed) or type(event) is _Packed:
        raise EncodeError(f"not an event: {event!r}")
    return event._encode()


def describe(event: Event, *, lumina: bool = False) -> str:
    """A short human sentence for logs, e.g. "zone 5 not ready"."""
    return event._describe(lumina)
