"""Typed views and JSON codecs for the parts of a program record (spec §20).

Every codec here is exact: ``x_from_json(x_to_json(v)) == v`` for every raw value the
``to_json`` side emits, because users read programs as JSON and write them back. Values that
have no exact typed form are emitted raw (``{"raw": "0x0100"}`` for a condition, a hex string
for an event word) or left out, so the record's preserved raw bytes carry them (pitfall 28).

JSON validation raises :class:`ProgramError` with the JSON path of the offending value, since
these messages go back to the user who wrote the JSON over MQTT.

This module holds days, time, date and action. The other parts live in their own modules and
are re-exported here: condition and event words (``program_words``), AND records
(``program_and``) and the JSON checks (``program_json``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .commands import CommandType
from .enumutil import EnumView, enum_names, name_or_number
from .errors import ProgramError
from .program_and import (
    AND_ARG_TYPES,
    AND_OPERATORS,
    AndArg,
    AndArgType,
    AndOperator,
    AndStructured,
    AndTraditional,
    and_from_json,
    and_to_json,
    decode_and,
)
from .program_json import (
    expect_int,
    expect_int_or_hex,
    expect_name,
    expect_object,
    hex_word,
)
from .program_words import (
    Condition,
    ConditionFamily,
    OtherCondition,
    event_from_json,
    event_to_json,
    object_from_json,
    security_from_json,
    security_to_json,
    security_trigger,
    word_from_json,
)
from .wire import signed8

__all__ = [
    "AND_ARG_TYPES",
    "AND_OPERATORS",
    "DAY_BITS",
    "EVERY_DAY",
    "SUNRISE_HOUR",
    "SUNSET_HOUR",
    "AndArg",
    "AndArgType",
    "AndOperator",
    "AndStructured",
    "AndTraditional",
    "Condition",
    "ConditionFamily",
    "OtherCondition",
    "ProgramAction",
    "ProgramTime",
    "and_from_json",
    "and_to_json",
    "date_from_json",
    "date_to_json",
    "day_names",
    "days_from_json",
    "days_to_json",
    "decode_and",
    "enum_names",
    "event_from_json",
    "event_to_json",
    "expect_int",
    "expect_int_or_hex",
    "expect_name",
    "expect_object",
    "hex_word",
    "name_or_number",
    "object_from_json",
    "security_from_json",
    "security_to_json",
    "security_trigger",
    "signed8",
    "word_from_json",
]


DAY_BITS: dict[str, int] = {
    "mon": 0x02,
    "tue": 0x04,
    "wed": 0x08,
    "thu": 0x10,
    "fri": 0x20,
    "sat": 0x40,
    "sun": 0x80,
}
EVERY_DAY = 0xFE
SUNRISE_HOUR = 25
SUNSET_HOUR = 26
_RELATIVE = {"sunrise": SUNRISE_HOUR, "sunset": SUNSET_HOUR}


def day_names(mask: int) -> list[str]:
    return [name for name, bit in DAY_BITS.items() if mask & bit]


def days_to_json(mask: int) -> list[str] | int:
    # Bit 0 is unused; a record that sets it is shown as a number so that it survives.
    return mask if mask & 0x01 else day_names(mask)


def days_from_json(obj: object, path: str) -> int:
    if isinstance(obj, str) and obj.strip().lower() in ("every_day", "daily"):
        return EVERY_DAY
    if not isinstance(obj, list):
        return expect_int(obj, path, 0, 255, " (a list such as ['mon', 'fri'] or a bitmask)")
    mask = 0
    for item in obj:
        key = item.strip().lower() if isinstance(item, str) else None
        if key not in DAY_BITS:
            raise ProgramError(
                f"{path}: unknown day {item!r} (use {', '.join(DAY_BITS)} or 'every_day')"
            )
        mask |= DAY_BITS[key]
    return mask


@dataclass(frozen=True)
class ProgramTime:
    """Hour and minute bytes: a clock time, or an offset from sunrise / sunset."""

    hour: int
    minute: int

    @property
    def relative_to(self) -> str | None:
        """Either "sunrise" or "sunset" for hour 25 / 26, else None."""
        return {SUNRISE_HOUR: "sunrise", SUNSET_HOUR: "sunset"}.get(self.hour)

    @property
    def offset(self) -> int | None:
        """Signed minutes from sunrise / sunset (negative = before)."""
        return signed8(self.minute) if self.relative_to else None

    @property
    def is_valid(self) -> bool:
        return self.relative_to is not None or (self.hour <= 23 and self.minute <= 59)

    def to_json(self) -> dict[str, Any] | None:
        if self.relative_to is not None:
            return {self.relative_to: self.offset}
        if not self.is_valid:
            return None
        return {"hour": self.hour, "minute": self.minute}

    @classmethod
    def from_json(cls, obj: object, path: str) -> ProgramTime:
        data = expect_object(obj, path, ("hour", "minute", *_RELATIVE))
        for name, hour in _RELATIVE.items():
            if name in data:
                expect_object(obj, path, (name,))
                offset = expect_int(data[name], f"{path}.{name}", -128, 127, " minutes")
                return cls(hour, offset & 0xFF)
        expect_object(obj, path, ("hour", "minute"), ("hour", "minute"))
        return cls(
            expect_int(data["hour"], f"{path}.hour", 0, 23),
            expect_int(data["minute"], f"{path}.minute", 0, 59),
        )


def date_to_json(month: int, day: int) -> dict[str, int] | None:
    return {"month": month, "day": day} if 1 <= month <= 12 and 1 <= day <= 31 else None


def date_from_json(obj: object, path: str) -> tuple[int, int]:
    data = expect_object(obj, path, ("month", "day"), ("month", "day"))
    return (
        expect_int(data["month"], f"{path}.month", 1, 12),
        expect_int(data["day"], f"{path}.day", 1, 31),
    )


_COMMAND_NAMES = enum_names(CommandType)


@dataclass(frozen=True)
class ProgramAction:
    """cmd / par / pr2: the Command (§16) a program runs."""

    command: int
    p1: int
    p2: int

    command_type = EnumView(CommandType, "command")

    def to_json(self) -> dict[str, Any]:
        return {
            "command": name_or_number(self.command, _COMMAND_NAMES),
            "p1": self.p1,
            "p2": self.p2,
        }

    @classmethod
    def from_json(cls, obj: object, path: str) -> ProgramAction:
        # p1 / p2 default to 0 rather than to the preserved record, so a hand-written action
        # means exactly what it says.
        data = expect_object(obj, path, ("command", "p1", "p2"), ("command",))
        return cls(
            expect_name(data["command"], f"{path}.command", _COMMAND_NAMES),
            expect_int(data.get("p1", 0), f"{path}.p1", 0, 255),
            expect_int(data.get("p2", 0), f"{path}.p2", 0, 0xFFFF),
        )
