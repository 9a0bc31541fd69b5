"""SystemEvents event words (spec §18): one typed event per word class, and back to the word.

Every 16-bit word decodes to exactly one event (words the spec does not define become
:class:`UnknownEvent`), and every event encodes back to exactly the word it came from, so the
emulator can push any word a real panel could. Fields hold the raw wire values (IntEnums only
where the enum covers every value the bits can hold); typed views are properties.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import IntEnum
from typing import TYPE_CHECKING, ClassVar, Self

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


def _int(value: int, lo: int, hi: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise EncodeError(f"event {field} must be {lo}..{hi}, got {value!r}")
    return int(value)


def _flag(value: bool, field: str) -> int:
    # 0/1 are accepted too: they compare equal to False/True, so round trips still hold.
    if value not in (False, True):
        raise EncodeError(f"event {field} must be a bool, got {value!r}")
    return int(value)


def _house(letter: str) -> int:
    if not isinstance(letter, str) or len(letter) != 1 or not "A" <= letter <= "P":
        raise EncodeError(f"event house must be one letter 'A'..'P', got {letter!r}")
    return ord(letter) - ord("A")


def _house_letter(index: int) -> str:
    return chr(ord("A") + index)


def _name(member: IntEnum) -> str:
    return (member.name or str(int(member))).lower()


@dataclass(frozen=True)
class Event:
    """Base of every decoded event word. ``event_type`` is the stable MQTT/HA name."""

    event_type: ClassVar[str]

    if TYPE_CHECKING:

        @property
        def word(self) -> int:
            """The 16-bit event word (raises EncodeError if a field is out of range)."""

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
            value = getattr(self, f.name)
            out[f.name] = _name(value) if isinstance(value, IntEnum) else value
        out.update(self._views())
        return out


class _Packed(Event):
    """An event whose word is derived from its fields."""

    @property
    def word(self) -> int:
        return self._encode()


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

    def _encode(self) -> int:
        return _int(self.button, 1, 0xFF, "button")

    def _describe(self, lumina: bool) -> str:
        return f"button {self.button} executed"


@dataclass(frozen=True)
class ProLinkMessage(_Packed):
    """`0100`..`017F`: Pro-Link message received (`0101` is this, never a disarm)."""

    message: int
    event_type = "prolink_message"

    def _encode(self) -> int:
        return 0x0100 | _int(self.message, 0, 0x7F, "message")

    def _describe(self, lumina: bool) -> str:
        return f"Pro-Link message {self.message} received"


@dataclass(frozen=True)
class CentraLiteSwitch(_Packed):
    """`0180`..`01FF`: CentraLite switch."""

    switch: int
    event_type = "centralite_switch"

    def _encode(self) -> int:
        return 0x0180 | _int(self.switch, 0, 0x7F, "switch")

    def _describe(self, lumina: bool) -> str:
        return f"CentraLite switch {self.switch}"


@dataclass(frozen=True)
class AlarmActivated(_Packed):
    """`0200`..`02FF`: alarm activated. Type 0 is undefined: unknown, never "alarm cleared"."""

    alarm_type: int
    area: int
    event_type = "alarm"

    @property
    def alarm(self) -> AlarmType | None:
        try:
            return AlarmType(self.alarm_type)
        except ValueError:
            return None

    def _encode(self) -> int:
        return (
            0x0200
            | _int(self.alarm_type, 0, 15, "alarm_type") << 4
            | _int(self.area, 0, 15, "area")
        )

    def _views(self) -> dict[str, JsonValue]:
        return {"alarm": _name(self.alarm) if self.alarm else "unknown"}

    def _describe(self, lumina: bool) -> str:
        kind = _name(self.alarm) if self.alarm else f"unknown type {self.alarm_type}"
        return f"{kind} alarm in area {self.area}"


class _ExactWord(_Packed):
    """Events in the `0300`..`0313` block: ``_BASE + index`` over ``_COUNT`` consecutive words."""

    _BASE: ClassVar[int]
    _COUNT: ClassVar[int]

    def _index(self) -> int:
        raise NotImplementedError

    @classmethod
    def _from_index(cls, index: int) -> Self:
        raise NotImplementedError

    def _encode(self) -> int:
        return self._BASE + self._index()


@dataclass(frozen=True)
class PhoneLine(_ExactWord):
    """`0300`..`0303`: phone line dead / ringing / off hook / on hook."""

    state: PhoneLineState
    event_type = "phone_line"
    _BASE, _COUNT = 0x0300, 4

    def _index(self) -> int:
        return _int(self.state, 0, 3, "state")

    @classmethod
    def _from_index(cls, index: int) -> Self:
        return cls(PhoneLineState(index))

    def _describe(self, lumina: bool) -> str:
        return "phone line " + _name(PhoneLineState(self.state)).replace("_", " ")


@dataclass(frozen=True)
class AcPower(_ExactWord):
    """`0304` AC power off / `0305` restored."""

    on: bool
    event_type = "ac_power"
    _BASE, _COUNT = 0x0304, 2

    def _index(self) -> int:
        return _flag(self.on, "on")

    @classmethod
    def _from_index(cls, index: int) -> Self:
        return cls(on=bool(index))

    def _describe(self, lumina: bool) -> str:
        return "AC power restored" if self.on else "AC power off"


@dataclass(frozen=True)
class Battery(_ExactWord):
    """`0306` battery low / `0307` OK."""

    low: bool
    event_type = "battery"
    _BASE, _COUNT = 0x0306, 2

    def _index(self) -> int:
        return 1 - _flag(self.low, "low")

    @classmethod
    def _from_index(cls, index: int) -> Self:
        return cls(low=not index)

    def _describe(self, lumina: bool) -> str:
        return "battery low" if self.low else "battery OK"


@dataclass(frozen=True)
class Communicator(_ExactWord):
    """`0308` digital communicator trouble / `0309` OK."""

    ok: bool
    event_type = "communicator"
    _BASE, _COUNT = 0x0308, 2

    def _index(self) -> int:
        return _flag(self.ok, "ok")

    @classmethod
    def _from_index(cls, index: int) -> Self:
        return cls(ok=bool(index))

    def _describe(self, lumina: bool) -> str:
        return "digital communicator " + ("OK" if self.ok else "trouble")


@dataclass(frozen=True)
class EnergyCost(_ExactWord):
    """`030A`..`030D`: energy cost low / mid / high / critical."""

    level: EnergyCostLevel
    event_type = "energy_cost"
    _BASE, _COUNT = 0x030A, 4

    def _index(self) -> int:
        return _int(self.level, 0, 3, "level")

    @classmethod
    def _from_index(cls, index: int) -> Self:
        return cls(EnergyCostLevel(index))

    def _describe(self, lumina: bool) -> str:
        return "energy cost " + _name(EnergyCostLevel(self.level))


@dataclass(frozen=True)
class CameraTrigger(_ExactWord):
    """`030E`..`0313`: camera 1..6 trigger (camera = word - `030D`)."""

    camera: int
    event_type = "camera_trigger"
    _BASE, _COUNT = 0x030E, 6

    def _index(self) -> int:
        return _int(self.camera, 1, 6, "camera") - 1

    @classmethod
    def _from_index(cls, index: int) -> Self:
        return cls(index + 1)

    def _describe(self, lumina: bool) -> str:
        return f"camera {self.camera} triggered"


_EXACT_WORD_CLASSES: tuple[type[_ExactWord], ...] = (
    PhoneLine,
    AcPower,
    Battery,
    Communicator,
    EnergyCost,
    CameraTrigger,
)


@dataclass(frozen=True)
class AccessReader(_Packed):
    """`03D0`..`03DF`: access control reader (reader = (w & F) + 1)."""

    reader: int
    event_type = "access_reader"

    def _encode(self) -> int:
        return 0x03D0 | (_int(self.reader, 1, 16, "reader") - 1)

    def _describe(self, lumina: bool) -> str:
        return f"access reader {self.reader}"


@dataclass(frozen=True)
class AllUnits(_Packed):
    """`03E0`..`03FF`: all units on/off (bit 4) in an area (low nibble)."""

    on: bool
    area: int
    event_type = "all_units"

    def _encode(self) -> int:
        return 0x03E0 | _flag(self.on, "on") << 4 | _int(self.area, 0, 15, "area")

    def _describe(self, lumina: bool) -> str:
        return f"all units {'on' if self.on else 'off'} in area {self.area}"


@dataclass(frozen=True)
class ZoneStateChanged(_Packed):
    """`0400`..`07FF`: zone (9 bits, never truncate to 8) not ready/tripped (bit 9) or secure."""

    zone: int
    not_ready: bool
    event_type = "zone_state"

    def _encode(self) -> int:
        return 0x0400 | _flag(self.not_ready, "not_ready") << 9 | _int(self.zone, 0, 0x1FF, "zone")

    def _describe(self, lumina: bool) -> str:
        return f"zone {self.zone} {'not ready' if self.not_ready else 'secure'}"


@dataclass(frozen=True)
class UnitStateChanged(_Packed):
    """`0800`..`0BFF`: unit (9 bits) on (bit 9) or off. No level: keep the last known one."""

    unit: int
    on: bool
    event_type = "unit_state"

    def _encode(self) -> int:
        return 0x0800 | _flag(self.on, "on") << 9 | _int(self.unit, 0, 0x1FF, "unit")

    def _describe(self, lumina: bool) -> str:
        return f"unit {self.unit} {'on' if self.on else 'off'}"


@dataclass(frozen=True)
class X10Code(_Packed):
    """`0C00`..`0FFF`: X-10 code received."""

    house: str
    unit: int
    on: bool
    all_units: bool
    event_type = "x10_code"

    def _encode(self) -> int:
        return (
            0x0C00
            | _flag(self.on, "on") << 9
            | _flag(self.all_units, "all_units") << 8
            | _house(self.house) << 4
            | (_int(self.unit, 1, 16, "unit") - 1)
        )

    def _describe(self, lumina: bool) -> str:
        scope = "all units" if self.all_units else "single unit"
        return f"X-10 house {self.house} unit {self.unit} {'on' if self.on else 'off'} ({scope})"


@dataclass(frozen=True)
class ComposeCode(_Packed):
    """`7000`..`7FFF`: Compose code; state 0 off, 1 on, 2..13 scene A..L (14, 15 undefined)."""

    house: str
    unit: int
    state: int
    event_type = "compose_code"

    @property
    def scene(self) -> str | None:
        return chr(ord("A") + self.state - 2) if 2 <= self.state <= 13 else None

    def _encode(self) -> int:
        state = _int(self.state, 0, 15, "state")
        return 0x7000 | state << 8 | _house(self.house) << 4 | (_int(self.unit, 1, 16, "unit") - 1)

    def _views(self) -> dict[str, JsonValue]:
        return {"scene": self.scene}

    def _describe(self, lumina: bool) -> str:
        if self.state <= 1:
            action = "on" if self.state else "off"
        else:
            action = f"scene {self.scene}" if self.scene else f"state {self.state}"
        return f"compose house {self.house} unit {self.unit} {action}"


@dataclass(frozen=True)
class SwitchPress(_Packed):
    """`F000`..`FBFF`: ALC/UPB/RadioRA/Starlite switch press; state 0 off, 1 on, 2..11 switch."""

    state: int
    unit: int
    event_type = "switch_press"

    @property
    def switch(self) -> int | None:
        return self.state - 1 if self.state >= 2 else None

    def _encode(self) -> int:
        # State 12..15 would be `FCxx`..`FFxx`, which are UPB link words.
        return 0xF000 | _int(self.state, 0, 11, "state") << 8 | _int(self.unit, 0, 0xFF, "unit")

    def _views(self) -> dict[str, JsonValue]:
        return {"switch": self.switch}

    def _describe(self, lumina: bool) -> str:
        if self.switch is None:
            return f"{'on' if self.state else 'off'} pressed on unit {self.unit}"
        return f"switch {self.switch} pressed on unit {self.unit}"


@dataclass(frozen=True)
class UpbLink(_Packed):
    """`FC00`..`FFFF`: UPB link off / on / set / fade stop."""

    action: UpbLinkAction
    link: int
    event_type = "upb_link"

    def _encode(self) -> int:
        return 0xFC00 | _int(self.action, 0, 3, "action") << 8 | _int(self.link, 0, 0xFF, "link")

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

    def mode_name(self, lumina: bool = False) -> str:
        return SecurityMode(self.mode).display_name(lumina)

    def _encode(self) -> int:
        mode = _int(self.mode, 0, 6, "mode")
        delay = _flag(self.delay_started, "delay_started")
        if mode == SecurityMode.OFF and not delay:
            # `0xxx` words are buttons, zones, ...: an Off word exists only with bit 15 set.
            raise EncodeError("event delay_started must be True for Off (bit 15 is always set)")
        area = _int(self.area, 0, 15, "area")
        return delay << 15 | mode << 12 | area << 8 | _int(self.code, 0, 0xFF, "code")

    def _views(self) -> dict[str, JsonValue]:
        return {"by": code_source_name(self.code)}

    def _describe(self, lumina: bool) -> str:
        text = f"{self.mode_name(lumina)} in area {self.area} by {code_source_name(self.code)}"
        if self.mode == SecurityMode.OFF:
            return text
        if self.delay_started:
            return text + (": mode-change delay started" if lumina else ": exit delay started")
        return text + ": delay ended"


def _decode_low(word: int) -> Event:
    """Words below `1000`, tested in the spec's order (§18)."""
    if word == 0:
        # The table lists `0000` as unknown; button numbers start at 1.
        return UnknownEvent(word)
    if word & 0xFF00 == 0x0000:
        return ButtonExecuted(word)
    if word & 0xFF80 == 0x0100:
        return ProLinkMessage(word & 0x7F)
    if word & 0xFF80 == 0x0180:
        return CentraLiteSwitch(word & 0x7F)
    if word & 0xFF00 == 0x0200:
        return AlarmActivated(alarm_type=(word >> 4) & 0xF, area=word & 0xF)
    for cls in _EXACT_WORD_CLASSES:
        if cls._BASE <= word < cls._BASE + cls._COUNT:
            return cls._from_index(word - cls._BASE)
    if word & 0xFFF0 == 0x03D0:
        return AccessReader((word & 0xF) + 1)
    if word & 0xFFE0 == 0x03E0:
        return AllUnits(on=bool(word & 0x10), area=word & 0xF)
    flag, number = bool(word & 0x200), word & 0x1FF
    if word & 0xFC00 == 0x0400:
        return ZoneStateChanged(zone=number, not_ready=flag)
    if word & 0xFC00 == 0x0800:
        return UnitStateChanged(unit=number, on=flag)
    if word & 0xFC00 == 0x0C00:
        return X10Code(_house_letter((word >> 4) & 0xF), (word & 0xF) + 1, flag, bool(word & 0x100))
    return UnknownEvent(word)


def decode_event(word: int) -> Event:
    """Decode one event word; every 16-bit value gives an event (unknown ones keep the word)."""
    if isinstance(word, bool) or not isinstance(word, int) or not 0 <= word <= 0xFFFF:
        raise DecodeError(f"event word must be 0..0xFFFF, got {word!r}")
    if word < 0x1000:
        return _decode_low(word)
    if word & 0xF000 == 0x7000:
        return ComposeCode(_house_letter((word >> 4) & 0xF), (word & 0xF) + 1, (word >> 8) & 0xF)
    # UPB link must be tested before switch press: both start with F.
    if word & 0xFC00 == 0xFC00:
        return UpbLink(UpbLinkAction((word >> 8) & 0x3), word & 0xFF)
    if word & 0xF000 == 0xF000:
        return SwitchPress(state=(word >> 8) & 0xF, unit=word & 0xFF)
    # What is left has mode bits 0..6: mode 7 would be `7xxx`/`Fxxx`, handled above.
    return SecurityModeChanged(
        mode=SecurityMode((word >> 12) & 0x7),
        area=(word >> 8) & 0xF,
        code=word & 0xFF,
        delay_started=bool(word & 0x8000),
    )


def encode_event(event: Event) -> int:
    """The exact word for ``event``; EncodeError if a field is out of range for its class."""
    if not isinstance(event, Event) or type(event) in (Event, _Packed, _ExactWord):
        raise EncodeError(f"not an event: {event!r}")
    return event._encode()


def describe(event: Event, *, lumina: bool = False) -> str:
    """A short human sentence for logs, e.g. "zone 5 not ready"."""
    return event._describe(lumina)
