"""Event log and audio source status (spec §19)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any, Self

from .. import wire
from ..enumutil import Direction, EnumView, enum_or_none
from ..layouts import check_range, layout
from ..opcodes import Opcode
from ..security import AlarmType, SecurityMode, code_source_name
from ..wire import PayloadReader
from .base import FixedLayoutMessage
from .system import wall_clock

# --- Event log (36/37) --------------------------------------------------------------------------


# RequestEventLogItem's direction byte is the same signed -1/0/1 enum as RequestProperties'.
LogDirection = Direction


@dataclass(frozen=True)
class RequestEventLogItem(FixedLayoutMessage):
    """``[event number u16, direction -1/0/1]``: the entry before / at / after ``number``."""

    OPCODE = Opcode.REQUEST_EVENT_LOG_ITEM
    LAYOUT = layout("number:u16 direction:i8")
    STRICT = True

    number: int
    direction: int = LogDirection.EXACT

    @classmethod
    def most_recent(cls) -> Self:
        return cls(0, LogDirection.PREVIOUS)

    @classmethod
    def oldest(cls) -> Self:
        return cls(0, LogDirection.NEXT)

    def check(self) -> None:
        check_range(self.direction, -1, 1, "RequestEventLogItem.direction")


class EventLogType(IntEnum):
    """EventLogItem types (§19). 48 + m: area P2 set to security mode m by code P1."""

    ZONE_BYPASSED = 4
    ZONE_RESTORED = 5
    ALL_ZONES_RESTORED = 6
    SECURITY_OFF = 48
    SECURITY_DAY = 49
    SECURITY_NIGHT = 50
    SECURITY_AWAY = 51
    SECURITY_VACATION = 52
    SECURITY_DAY_INSTANT = 53
    SECURITY_NIGHT_DELAYED = 54
    ZONE_TRIPPED = 128
    ZONE_TROUBLE = 129
    PHONE_ACCESS = 130
    PHONE_LOCKOUT = 131
    ZONE_AUTO_BYPASSED = 132
    ZONE_TROUBLE_CLEARED = 133
    PC_ACCESS = 134
    ALARM_ACTIVATED = 135
    ALARM_RESET = 136
    SYSTEM_RESET = 137
    MESSAGE_LOGGED = 138
    ACCESS_GRANTED = 140
    ACCESS_DENIED = 141


_SECURITY_BASE = EventLogType.SECURITY_OFF

# Placeholders: {p1} {p2} raw, {code} = P1 as a code source, {area} = P2 as an area (0 = all),
# {alarm} = P1 as an alarm type, {mode} = the security mode of a 48 + m entry.
_DESCRIPTIONS: dict[EventLogType, str] = {
    EventLogType.ZONE_BYPASSED: "zone {p2} bypassed by {code}",
    EventLogType.ZONE_RESTORED: "zone {p2} restored by {code}",
    EventLogType.ALL_ZONES_RESTORED: "all zones of {area} restored by {code}",
    EventLogType.ZONE_TRIPPED: "zone {p2} tripped",
    EventLogType.ZONE_TROUBLE: "zone {p2} trouble",
    EventLogType.PHONE_ACCESS: "remote phone access by {code}",
    EventLogType.PHONE_LOCKOUT: "remote phone lockout",
    EventLogType.ZONE_AUTO_BYPASSED: "zone {p2} auto-bypassed",
    EventLogType.ZONE_TROUBLE_CLEARED: "zone {p2} trouble cleared",
    EventLogType.PC_ACCESS: "PC Access by {code}",
    EventLogType.ALARM_ACTIVATED: "{alarm} alarm activated in {area}",
    EventLogType.ALARM_RESET: "{alarm} alarm reset in {area}",
    EventLogType.SYSTEM_RESET: "system reset",
    EventLogType.MESSAGE_LOGGED: "message {p2} logged",
    EventLogType.ACCESS_GRANTED: "access granted to user {p1} at reader {p2}",
    EventLogType.ACCESS_DENIED: "access denied to user {p1} at reader {p2}",
}
_SECURITY_DESCRIPTION = "{area} set to {mode} by {code}"


@dataclass(frozen=True)
class EventLogItem(FixedLayoutMessage):
    """One event-log entry. Numbers roll over from 65535 to 1; no year is stored."""

    OPCODE = Opcode.EVENT_LOG_ITEM
    LAYOUT = layout("number:u16 time_valid month day hour minute event_type p1 p2:u16")

    number: int
    time_valid: int  # 0: ignore month..minute
    month: int
    day: int
    hour: int
    minute: int
    event_type: int
    p1: int
    p2: int

    log_type = EnumView(EventLogType, "event_type")

    @property
    def security_mode(self) -> SecurityMode | None:
        """The mode of a 48 + m "area set to mode" entry; None for other types."""
        return enum_or_none(SecurityMode, self.event_type - _SECURITY_BASE)

    @property
    def alarm_type(self) -> AlarmType | None:
        """P1 of alarm activated / reset entries."""
        if self.event_type in (EventLogType.ALARM_ACTIVATED, EventLogType.ALARM_RESET):
            return enum_or_none(AlarmType, self.p1)
        return None

    def timestamp(self, year: int) -> datetime | None:
        """The entry's time in ``year`` (the log stores none); None when not valid."""
        if not self.time_valid:
            return None
        return wall_clock(year - 2000, self.month, self.day, self.hour, self.minute)

    def describe(self, lumina: bool = False) -> str:
        """One English line for logs and the UI, e.g. "area 1 set to Away by user 1"."""
        kind = self.log_type
        mode = self.security_mode
        if mode is not None:
            template = _SECURITY_DESCRIPTION
        elif kind is not None:
            template = _DESCRIPTIONS[kind]
        else:
            template = "event type {type} (P1 {p1}, P2 {p2})"
        alarm = self.alarm_type
        return template.format(
            type=self.event_type,
            p1=self.p1,
            p2=self.p2,
            code=code_source_name(self.p1),
            area="all areas" if self.p2 == 0 else f"area {self.p2}",
            alarm=alarm.name.lower() if alarm is not None else f"type {self.p1}",
            mode=mode.display_name(lumina) if mode is not None else "",
        )


# --- Audio source status (48/49) ------------------------------------------------------------------


@dataclass(frozen=True)
class RequestAudioSourceStatus(FixedLayoutMessage):
    """``[source u16, position]``: start at position 0, then ask for the reply's position + 1."""

    OPCODE = Opcode.REQUEST_AUDIO_SOURCE_STATUS
    LAYOUT = layout("source:u16 position")
    STRICT = True

    source: int
    position: int = 0


@dataclass(frozen=True)
class AudioSourceStatus(FixedLayoutMessage):
    """One metadata field of an audio source; a changed ``sequence`` means restart at 0."""

    OPCODE = Opcode.AUDIO_SOURCE_STATUS
    LAYOUT = layout("source:u16 sequence position field_id")

    source: int
    sequence: int
    position: int  # 1..6
    field_id: int
    text: str = ""

    def encode_tail(self) -> bytes:
        # Latin-1 is one byte per character, so the field is exactly the text plus its NUL.
        return wire.encode_name(self.text, len(self.text) + 1, "AudioSourceStatus.text")

    @classmethod
    def decode_tail(cls, reader: PayloadReader) -> dict[str, Any]:
        # NUL-terminated; a missing terminator is tolerated (read to the end).
        return {"text": wire.decode_name(reader.rest())}
