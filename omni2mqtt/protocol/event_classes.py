"""The SystemEvents event classes (spec §18), one per word class, in word order."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import ClassVar

from .commands import EnergyCost as EnergyCostLevel
from .enumutil import EnumView
from .errors import EncodeError
from .event_bits import (
    BOOL,
    LETTER,
    NOT,
    Bits,
    JsonValue,
    PackedEvent,
    check_flag,
    member_name,
    on_off,
)
from .security import AlarmType, SecurityMode, code_source_name


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


@dataclass(frozen=True)
class ButtonExecuted(PackedEvent):
    """`0001`..`00FF`: macro button executed."""

    button: int
    event_type = "button"
    _BASE, _FIELDS = 0x0000, (Bits("button", 0, 8, lo=1),)
    _TEXT = "button {button} executed"


@dataclass(frozen=True)
class ProLinkMessage(PackedEvent):
    """`0100`..`017F`: Pro-Link message received (`0101` is this, never a disarm)."""

    message: int
    event_type = "prolink_message"
    _BASE, _FIELDS = 0x0100, (Bits("message", 0, 7),)
    _TEXT = "Pro-Link message {message} received"


@dataclass(frozen=True)
class CentraLiteSwitch(PackedEvent):
    """`0180`..`01FF`: CentraLite switch."""

    switch: int
    event_type = "centralite_switch"
    _BASE, _FIELDS = 0x0180, (Bits("switch", 0, 7),)
    _TEXT = "CentraLite switch {switch}"


@dataclass(frozen=True)
class AlarmActivated(PackedEvent):
    """`0200`..`02FF`: alarm activated. Type 0 is undefined: unknown, never "alarm cleared"."""

    alarm_type: int
    area: int
    event_type = "alarm"
    _BASE, _FIELDS = 0x0200, (Bits("alarm_type", 4, 4), Bits("area", 0, 4))

    alarm = EnumView(AlarmType, "alarm_type")

    def _views(self) -> dict[str, JsonValue]:
        return {"alarm": member_name(self.alarm) if self.alarm else "unknown"}

    def _describe(self, lumina: bool) -> str:
        if self.alarm is None:
            return f"alarm of unknown type {self.alarm_type} in area {self.area}"
        return f"{member_name(self.alarm)} alarm in area {self.area}"


@dataclass(frozen=True)
class PhoneLine(PackedEvent):
    """`0300`..`0303`: phone line dead / ringing / off hook / on hook."""

    state: PhoneLineState
    event_type = "phone_line"
    _BASE, _FIELDS = 0x0300, (Bits("state", 0, 2, convert=PhoneLineState),)

    def _describe(self, lumina: bool) -> str:
        return "phone line " + member_name(PhoneLineState(self.state)).replace("_", " ")


class _FlagEvent(PackedEvent):
    """A word pair told apart by one flag field; ``_TEXTS`` = its sentences for False, True."""

    _TEXTS: ClassVar[tuple[str, str]]

    def _describe(self, lumina: bool) -> str:
        return self._TEXTS[bool(getattr(self, self._FIELDS[0].name))]


@dataclass(frozen=True)
class AcPower(_FlagEvent):
    """`0304` AC power off / `0305` restored."""

    on: bool
    event_type = "ac_power"
    _BASE, _FIELDS = 0x0304, (Bits("on", 0, 1, kind=BOOL),)

    _TEXTS = ("AC power off", "AC power restored")


@dataclass(frozen=True)
class Battery(_FlagEvent):
    """`0306` battery low / `0307` OK."""

    low: bool
    event_type = "battery"
    _BASE, _FIELDS = 0x0306, (Bits("low", 0, 1, kind=NOT),)

    _TEXTS = ("battery OK", "battery low")


@dataclass(frozen=True)
class Communicator(_FlagEvent):
    """`0308` digital communicator trouble / `0309` OK."""

    ok: bool
    event_type = "communicator"
    _BASE, _FIELDS = 0x0308, (Bits("ok", 0, 1, kind=BOOL),)

    _TEXTS = ("digital communicator trouble", "digital communicator OK")


@dataclass(frozen=True)
class EnergyCost(PackedEvent):
    """`030A`..`030D`: energy cost low / mid / high / critical."""

    level: EnergyCostLevel
    event_type = "energy_cost"
    _BASE, _FIELDS = 0x030A, (Bits("level", 0, 2, convert=EnergyCostLevel),)

    def _describe(self, lumina: bool) -> str:
        return "energy cost " + member_name(EnergyCostLevel(self.level))


@dataclass(frozen=True)
class CameraTrigger(PackedEvent):
    """`030E`..`0313`: camera 1..6 trigger (camera = word - `030D`)."""

    camera: int
    event_type = "camera_trigger"
    _BASE, _FIELDS = 0x030E, (Bits("camera", 0, 3, offset=1, hi=6),)
    _TEXT = "camera {camera} triggered"


# The `0300`..`0313` block: one word each, matched exactly (§18 classification step 1).
EXACT_WORDS: dict[int, type[PackedEvent]] = {
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
class AccessReader(PackedEvent):
    """`03D0`..`03DF`: access control reader (reader = (w & F) + 1)."""

    reader: int
    event_type = "access_reader"
    _BASE, _FIELDS = 0x03D0, (Bits("reader", 0, 4, offset=1),)
    _TEXT = "access reader {reader}"


@dataclass(frozen=True)
class AllUnits(PackedEvent):
    """`03E0`..`03FF`: all units on (bit 4) or off in an area (low nibble)."""

    on: bool
    area: int
    event_type = "all_units"
    _BASE, _FIELDS = 0x03E0, (Bits("on", 4, 1, kind=BOOL), Bits("area", 0, 4))

    def _describe(self, lumina: bool) -> str:
        return f"all units {on_off(self.on)} in area {self.area}"


@dataclass(frozen=True)
class ZoneStateChanged(PackedEvent):
    """`0400`..`07FF`: zone (9 bits, never truncate to 8) not ready/tripped (bit 9) or secure."""

    zone: int
    not_ready: bool
    event_type = "zone_state"
    _BASE, _FIELDS = 0x0400, (Bits("zone", 0, 9), Bits("not_ready", 9, 1, kind=BOOL))

    def _describe(self, lumina: bool) -> str:
        return f"zone {self.zone} {'not ready' if self.not_ready else 'secure'}"


@dataclass(frozen=True)
class UnitStateChanged(PackedEvent):
    """`0800`..`0BFF`: unit (9 bits) on (bit 9) or off. No level: keep the last known one."""

    unit: int
    on: bool
    event_type = "unit_state"
    _BASE, _FIELDS = 0x0800, (Bits("unit", 0, 9), Bits("on", 9, 1, kind=BOOL))

    def _describe(self, lumina: bool) -> str:
        return f"unit {self.unit} {on_off(self.on)}"


# House letter in bits 4-7 and unit number (1-based) in bits 0-3, shared by X-10 and Compose.
_HOUSE_UNIT = (Bits("house", 4, 4, kind=LETTER), Bits("unit", 0, 4, offset=1))


@dataclass(frozen=True)
class X10Code(PackedEvent):
    """`0C00`..`0FFF`: X-10 code received; on = bit 9, all units = bit 8."""

    house: str
    unit: int
    on: bool
    all_units: bool
    event_type = "x10_code"
    _BASE = 0x0C00
    _FIELDS = (*_HOUSE_UNIT, Bits("on", 9, 1, kind=BOOL), Bits("all_units", 8, 1, kind=BOOL))

    def _describe(self, lumina: bool) -> str:
        scope = "all units" if self.all_units else "single unit"
        return f"X-10 house {self.house} unit {self.unit} {on_off(self.on)} ({scope})"


@dataclass(frozen=True)
class ComposeCode(PackedEvent):
    """`7000`..`7FFF`: Compose code; state 0 off, 1 on, 2..13 scene A..L (14, 15 undefined)."""

    house: str
    unit: int
    state: int
    event_type = "compose_code"
    _BASE, _FIELDS = 0x7000, (*_HOUSE_UNIT, Bits("state", 8, 4))

    @property
    def scene(self) -> str | None:
        return chr(ord("A") + self.state - 2) if 2 <= self.state <= 13 else None

    def _views(self) -> dict[str, JsonValue]:
        return {"scene": self.scene}

    def _describe(self, lumina: bool) -> str:
        if self.state <= 1:
            action = on_off(self.state)
        else:
            action = f"scene {self.scene}" if self.scene else f"state {self.state}"
        return f"compose house {self.house} unit {self.unit} {action}"


@dataclass(frozen=True)
class SwitchPress(PackedEvent):
    """`F000`..`FBFF`: ALC/UPB/RadioRA/Starlite switch press; state 0 off, 1 on, 2..11 switch."""

    state: int
    unit: int
    event_type = "switch_press"
    # State 12..15 would be `FCxx`..`FFxx`: those are UPB link words.
    _BASE, _FIELDS = 0xF000, (Bits("state", 8, 4, hi=11), Bits("unit", 0, 8))

    @property
    def switch(self) -> int | None:
        """Switch 1..10 for states 2..11; None for the off/on presses."""
        return self.state - 1 if self.state >= 2 else None

    def _views(self) -> dict[str, JsonValue]:
        return {"switch": self.switch}

    def _describe(self, lumina: bool) -> str:
        if self.switch is None:
            return f"{on_off(self.state)} pressed on unit {self.unit}"
        return f"switch {self.switch} pressed on unit {self.unit}"


@dataclass(frozen=True)
class UpbLink(PackedEvent):
    """`FC00`..`FFFF`: UPB link off / on / set / fade stop."""

    action: UpbLinkAction
    link: int
    event_type = "upb_link"
    _BASE = 0xFC00
    _FIELDS = (Bits("action", 8, 2, convert=UpbLinkAction), Bits("link", 0, 8))

    def _describe(self, lumina: bool) -> str:
        action = member_name(UpbLinkAction(self.action)).replace("_", " ")
        return f"UPB link {self.link} {action}"


@dataclass(frozen=True)
class SecurityModeChanged(PackedEvent):
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
        Bits("mode", 12, 3, hi=6, convert=SecurityMode),
        Bits("area", 8, 4),
        Bits("code", 0, 8),
        Bits("delay_started", 15, 1, kind=BOOL),
    )

    def mode_name(self, lumina: bool = False) -> str:
        return SecurityMode(self.mode).display_name(lumina)

    def _encode(self) -> int:
        if self.mode == SecurityMode.OFF and not check_flag(self.delay_started, "delay_started"):
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
