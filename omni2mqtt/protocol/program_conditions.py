"""Typed views and JSON codecs for the parts of a program record (spec §20).

Every codec here is exact: ``x_from_json(x_to_json(v)) == v`` for every raw value the
``to_json`` side emits, because users read programs as JSON and write them back. Values that
have no exact typed form are emitted raw (``{"raw": "0x0100"}`` for a condition, a hex string
for an event word) or left out, so the record's preserved raw bytes carry them (pitfall 28).

JSON validation raises :class:`ProgramError` with the JSON path of the offending value, since
these messages go back to the user who wrote the JSON over MQTT.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from .commands import CommandType
from .errors import ProgramError
from .messages.system import enum_or_none
from .security import SecurityMode

# ---------------------------------------------------------------------------------------------
# JSON validation helpers


def expect_int(value: object, path: str, lo: int, hi: int, hint: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProgramError(f"{path} must be an integer {lo}..{hi}{hint}, got {value!r}")
    if not lo <= value <= hi:
        raise ProgramError(f"{path} must be {lo}..{hi}{hint}, got {value}")
    return value


def expect_int_or_hex(value: object, path: str, lo: int, hi: int) -> int:
    """An integer, or a hex string such as "0x060C" / "060C"."""
    if isinstance(value, str):
        text = value.strip().lower().removeprefix("0x")
        try:
            value = int(text, 16)
        except ValueError:
            raise ProgramError(f"{path}: {value!r} is not a hex number such as '0x060C'") from None
    return expect_int(value, path, lo, hi)


def expect_object(
    value: object, path: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()
) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise ProgramError(f"{path} must be a JSON object, got {value!r}")
    for key in value:
        if key not in allowed:
            raise ProgramError(f"{path}: unknown key {key!r} (allowed: {', '.join(allowed)})")
    for key in required:
        if key not in value:
            raise ProgramError(f"{path}: missing key {key!r}")
    return value


def enum_names(enum: type[IntEnum]) -> dict[str, int]:
    return {member.name.lower(): int(member) for member in enum}


def expect_name(value: object, path: str, names: Mapping[str, int], hi: int = 255) -> int:
    """A case-insensitive name from ``names`` or its raw number 0..hi."""
    if isinstance(value, str):
        try:
            return names[value.strip().lower()]
        except KeyError:
            raise ProgramError(
                f"{path}: unknown value {value!r} (use one of {', '.join(names)} or a number)"
            ) from None
    return expect_int(value, path, 0, hi)


def name_or_number(value: int, names: Mapping[str, int]) -> str | int:
    return next((name for name, number in names.items() if number == value), value)


def hex_word(value: int) -> str:
    return f"0x{value:04X}"


def signed8(value: int) -> int:
    return value - 0x100 if value & 0x80 else value


# ---------------------------------------------------------------------------------------------
# Compact conditions (cond, cond2)


class ConditionFamily(IntEnum):
    """``(cond >> 8) & 0xFC``; every value not listed is a security condition."""

    OTHER = 0x00
    ZONE = 0x04
    UNIT = 0x08
    TIME_CLOCK = 0x0C
    SECURITY = 0x10


class OtherCondition(IntEnum):
    """Low 4 bits of an ``other`` family condition."""

    NONE = 0
    NEVER = 1
    LIGHT = 2
    DARK = 3
    PHONE_DEAD = 4
    PHONE_RINGING = 5
    PHONE_OFF_HOOK = 6
    PHONE_ON_HOOK = 7
    AC_OFF = 8
    AC_ON = 9
    BATTERY_LOW = 10
    BATTERY_OK = 11
    ENERGY_COST_LOW = 12
    ENERGY_COST_MID = 13
    ENERGY_COST_HIGH = 14
    ENERGY_COST_CRITICAL = 15


_OTHER_NAMES = {k: v for k, v in enum_names(OtherCondition).items() if v}
_MODE_NAMES = enum_names(SecurityMode)
_STATE_BIT = 0x200
_ARMING_BIT = 0x8000
# Families whose objects are numbered by the low 9 bits, with bit 9 as a two-state flag; event
# words of zones and units use exactly the same layout (spec §18).
_OBJECT_FAMILIES: dict[ConditionFamily, tuple[str, str, str]] = {
    ConditionFamily.ZONE: ("zone", "secure", "not_ready"),
    ConditionFamily.UNIT: ("unit", "off", "on"),
    ConditionFamily.TIME_CLOCK: ("time_clock", "disabled", "enabled"),
}
_CONDITION_KEYS = ("other", "zone", "unit", "time_clock", "area", "raw")
# The keys of each typed form of a condition or event word.
_KIND_KEYS: dict[str, tuple[str, ...]] = {
    "raw": ("raw",),
    "other": ("other",),
    "button": ("button",),
    "zone": ("zone", "state"),
    "unit": ("unit", "state"),
    "time_clock": ("time_clock", "state"),
    "area": ("area", "mode", "arming"),
}


@dataclass(frozen=True)
class Condition:
    """One compact condition: the raw u16 plus typed views (0 means "no condition")."""

    value: int

    @property
    def family(self) -> ConditionFamily:
        family = (self.value >> 8) & 0xFC
        if family <= ConditionFamily.TIME_CLOCK:
            return ConditionFamily(family)
        return ConditionFamily.SECURITY

    @property
    def other(self) -> OtherCondition | None:
        if self.value & 0xFFF0:
            return None
        return OtherCondition(self.value)

    @property
    def number(self) -> int:
        """Zone, unit or time clock number; for security conditions the area (0 = any)."""
        if self.family is ConditionFamily.SECURITY:
            return (self.value >> 8) & 0x0F
        if self.family is ConditionFamily.TIME_CLOCK:
            return self.value & 0xFF
        # Zones: 8 bits suffice on current models; bit 8 presumably extends the number
        # (unverified), and reading it as part of the number keeps the value exact either way.
        return self.value & 0x1FF

    @property
    def active(self) -> bool:
        """Bit 9: zone not ready, unit on, time clock enabled."""
        return bool(self.value & _STATE_BIT)

    @property
    def mode(self) -> SecurityMode | None:
        trigger = security_trigger(self.value)
        return None if trigger is None else trigger[1]

    @property
    def arming(self) -> bool:
        """Bit 15 of a security condition: arming in progress (always set for Off)."""
        return self.family is ConditionFamily.SECURITY and bool(self.value & _ARMING_BIT)

    def to_json(self) -> dict[str, Any] | None:
        if self.value == 0:
            return None
        family = self.family
        typed: dict[str, Any] | None = None
        if family is ConditionFamily.OTHER:
            other = self.other
            typed = None if other is None else {"other": other.name.lower()}
        elif family is ConditionFamily.SECURITY:
            typed = security_to_json(self.value)
        elif not (family is ConditionFamily.TIME_CLOCK and self.value & 0x100):
            # Time clocks use the low byte only; bit 8 has no documented meaning.
            key, off, on = _OBJECT_FAMILIES[family]
            typed = {key: self.number, "state": on if self.active else off}
        return typed if typed is not None else {"raw": hex_word(self.value)}

    @classmethod
    def from_json(cls, obj: object, path: str) -> Condition:
        if obj is None:
            return cls(0)
        return cls(word_from_json(obj, path, _CONDITION_KEYS))


def word_from_json(obj: object, path: str, kinds: tuple[str, ...]) -> int:
    """A condition or event word from its typed JSON; ``kinds`` are the accepted forms."""
    allowed = tuple(dict.fromkeys(key for kind in kinds for key in _KIND_KEYS[kind]))
    data = expect_object(obj, path, allowed)
    present = [kind for kind in kinds if kind in data]
    if len(present) != 1:
        raise ProgramError(f"{path} needs exactly one of {', '.join(kinds)}, got {sorted(data)}")
    kind = present[0]
    expect_object(data, path, _KIND_KEYS[kind])
    if kind == "raw":
        return expect_int_or_hex(data["raw"], f"{path}.raw", 0, 0xFFFF)
    if kind == "other":
        return expect_name(data["other"], f"{path}.other", _OTHER_NAMES, 15)
    if kind == "button":
        return expect_int(data["button"], f"{path}.button", 1, 255)
    if kind == "area":
        return security_from_json(data, path)
    family = next(f for f, spec in _OBJECT_FAMILIES.items() if spec[0] == kind)
    return object_from_json(data, path, family)


def object_from_json(data: Mapping[str, object], path: str, family: ConditionFamily) -> int:
    """{"zone": n, "state": "not_ready"} and the unit / time clock equivalents."""
    key, off, on = _OBJECT_FAMILIES[family]
    top = 0xFF if family is ConditionFamily.TIME_CLOCK else 0x1FF
    number = expect_int(data[key], f"{path}.{key}", 0, top)
    if "state" not in data:
        raise ProgramError(f"{path}: missing key 'state' ({off!r} or {on!r})")
    state = expect_name(data["state"], f"{path}.state", {off: 0, on: 1}, 1)
    return (family << 8) | number | (_STATE_BIT if state else 0)


def security_to_json(word: int) -> dict[str, Any] | None:
    """{"area", "mode", "arming"?} for a security word with a zero low byte, else None."""
    trigger = security_trigger(word)
    if trigger is None or word & 0xFF:
        return None
    area, mode = trigger
    out: dict[str, Any] = {"area": area, "mode": mode.name.lower()}
    if word & _ARMING_BIT and mode != SecurityMode.OFF:
        out["arming"] = True
    return out


def security_from_json(data: Mapping[str, object], path: str) -> int:
    area = expect_int(data["area"], f"{path}.area", 0, 15, " (0 = any area)")
    if "mode" not in data:
        raise ProgramError(f"{path}: missing key 'mode' ({', '.join(_MODE_NAMES)})")
    mode = expect_name(data["mode"], f"{path}.mode", _MODE_NAMES, SecurityMode.NIGHT_DELAYED)
    arming = data.get("arming", False)
    if not isinstance(arming, bool):
        raise ProgramError(f"{path}.arming must be true or false, got {arming!r}")
    # Off is always written with bit 15 set (8100 = area 1 Off); without it the word would
    # fall into another family.
    if arming or mode == SecurityMode.OFF:
        area |= _ARMING_BIT >> 8
    return (mode << 12) | (area << 8)


# ---------------------------------------------------------------------------------------------
# Event words of EVENT and WHEN records (the §18 format)


def event_to_json(word: int) -> dict[str, Any] | str:
    """A typed trigger where the mapping is exact (button, zone, unit, security), else hex."""
    if 1 <= word <= 0xFF:
        return {"button": word}
    condition = Condition(word)
    if condition.family in (ConditionFamily.ZONE, ConditionFamily.UNIT):
        typed = condition.to_json()
        assert typed is not None
        return typed
    # Security triggers in programs carry code byte 0; compose (7xxx) and switch / UPB words
    # (Fxxx) have mode bits 7 and are rejected by security_to_json.
    security = security_to_json(word)
    return security if security is not None else hex_word(word)


def event_from_json(obj: object, path: str) -> int:
    if not isinstance(obj, Mapping):
        return expect_int_or_hex(obj, path, 0, 0xFFFF)
    return word_from_json(obj, path, ("button", "zone", "unit", "area"))


def security_trigger(word: int) -> tuple[int, SecurityMode] | None:
    """(area, mode) of a security trigger word, ignoring bit 15.

    Whether real panels set bit 15 for "area is set to X" triggers is not settled (spec §20),
    so both forms compare equal here; the raw word keeps whichever form the panel stored.
    """
    mode = (word >> 12) & 0x07
    if word < 0x1000 or mode > SecurityMode.NIGHT_DELAYED:
        return None
    return (word >> 8) & 0x0F, SecurityMode(mode)


# ---------------------------------------------------------------------------------------------
# Days, time, date, action

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

    @property
    def command_type(self) -> CommandType | None:
        return enum_or_none(CommandType, self.command)

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


# ---------------------------------------------------------------------------------------------
# AND records of clausal programs (fw >= 3.0). Byte 1 is either the family byte of a compact
# condition (traditional form, instance in bytes 3-4) or an operator 1..9 (structured form);
# the ranges overlap and the role of byte 1 is partly unverified. Operators 1..3 are read as
# structured (no compact family byte is 01..03); 4..9 as structured only when a byte that only
# the structured form uses (2, 5..11) is non-zero. Either reading covers its bytes exactly, so
# the record survives a JSON round trip whichever form was chosen.


class AndOperator(IntEnum):
    """Byte 1 of the structured form."""

    EQ = 1
    NE = 2
    LT = 3
    GT = 4
    ODD = 5
    EVEN = 6
    MULTIPLE = 7
    IN = 8
    NOT_IN = 9


class AndArgType(IntEnum):
    """Argument type bytes 2 and 6 of the structured form."""

    CONSTANT = 0
    USER_SETTING = 1
    ZONE = 2
    UNIT = 3
    THERMOSTAT = 4
    AUXILIARY = 5
    AREA = 6
    TIME_DATE = 7
    AUDIO = 8
    ACCESS_CONTROL = 9
    MESSAGE = 10
    SYSTEM = 11


AND_OPERATORS = enum_names(AndOperator)
AND_ARG_TYPES = enum_names(AndArgType)
_ARG_OFFSETS = {"arg1": 2, "arg2": 6}  # type byte; index u16 follows, then the field byte
_CONSTANT_OFFSET = 10


def _u16_at(record: bytes | bytearray, offset: int) -> int:
    return (record[offset] << 8) | record[offset + 1]


@dataclass(frozen=True)
class AndTraditional:
    family: int  # byte 1: the high byte of a compact condition (04 zone secure, 0A unit on)
    instance: int  # bytes 3-4

    @property
    def condition(self) -> Condition | None:
        """The compact condition ``family << 8 | instance``, when the instance fits a byte."""
        return Condition((self.family << 8) | self.instance) if self.instance <= 0xFF else None


@dataclass(frozen=True)
class AndArg:
    type: int
    index: int
    field: int

    @property
    def arg_type(self) -> AndArgType | None:
        return enum_or_none(AndArgType, self.type)


@dataclass(frozen=True)
class AndStructured:
    operator: int
    arg1: AndArg
    arg2: AndArg
    constant: int

    @property
    def operator_type(self) -> AndOperator | None:
        return enum_or_none(AndOperator, self.operator)


def decode_and(record: bytes) -> AndTraditional | AndStructured:
    op = record[1]
    if op not in AND_OPERATORS.values() or (
        op >= AndOperator.GT and not (record[2] or any(record[5 : _CONSTANT_OFFSET + 2]))
    ):
        return AndTraditional(op, _u16_at(record, 3))
    arg1, arg2 = (
        AndArg(record[o], _u16_at(record, o + 1), record[o + 3]) for o in _ARG_OFFSETS.values()
    )
    return AndStructured(op, arg1, arg2, _u16_at(record, _CONSTANT_OFFSET))


def and_to_json(record: bytes) -> dict[str, Any]:
    """{"form": "traditional", "condition": <condition>}, with "family" and "instance" instead
    when the instance does not fit a byte; or {"form": "structured", "operator": "gt", "arg1":
    {"type": "thermostat", "index": 1, "field": 1}, "arg2": {...}, "constant": 0}."""
    view = decode_and(record)
    if isinstance(view, AndTraditional):
        condition = view.condition
        if condition is None:
            return {"form": "traditional", "family": view.family, "instance": view.instance}
        return {"form": "traditional", "condition": condition.to_json()}
    out: dict[str, Any] = {
        "form": "structured",
        "operator": name_or_number(view.operator, AND_OPERATORS),
    }
    for key, arg in (("arg1", view.arg1), ("arg2", view.arg2)):
        kind = name_or_number(arg.type, AND_ARG_TYPES)
        out[key] = {"type": kind, "index": arg.index, "field": arg.field}
    out["constant"] = view.constant
    return out


_TRADITIONAL_KEYS = ("form", "condition", "family", "instance")
_STRUCTURED_KEYS = ("form", "operator", "arg1", "arg2", "constant")


def and_from_json(obj: object, path: str, record: bytearray) -> None:
    """Write the bytes the chosen AND form owns into ``record``; others stay as they are."""
    data = expect_object(obj, path, (*_TRADITIONAL_KEYS, *_STRUCTURED_KEYS[1:]))
    form = data.get("form", "structured" if "operator" in data else "traditional")
    if form == "traditional":
        expect_object(obj, path, _TRADITIONAL_KEYS)
        if "condition" in data:
            expect_object(obj, path, ("form", "condition"))
            value = Condition.from_json(data["condition"], f"{path}.condition").value
            family, instance = value >> 8, value & 0xFF
        else:
            expect_object(obj, path, _TRADITIONAL_KEYS, ("family", "instance"))
            family = expect_int(data["family"], f"{path}.family", 0, 255)
            instance = expect_int(data["instance"], f"{path}.instance", 0, 0xFFFF)
        record[1] = family
        record[3:5] = instance.to_bytes(2, "big")
        return
    if form != "structured":
        raise ProgramError(f"{path}.form must be 'traditional' or 'structured', got {form!r}")
    expect_object(obj, path, _STRUCTURED_KEYS, ("operator",))
    record[1] = expect_name(data["operator"], f"{path}.operator", AND_OPERATORS, 9)
    if not record[1]:
        raise ProgramError(f"{path}.operator must be 1..9 or one of {', '.join(AND_OPERATORS)}")
    for key, offset in _ARG_OFFSETS.items():
        arg_path = f"{path}.{key}"
        arg = expect_object(data.get(key, {}), arg_path, ("type", "index", "field"))
        record[offset] = expect_name(arg.get("type", 0), f"{arg_path}.type", AND_ARG_TYPES)
        index = expect_int(arg.get("index", 0), f"{arg_path}.index", 0, 0xFFFF)
        record[offset + 1 : offset + 3] = index.to_bytes(2, "big")
        record[offset + 3] = expect_int(arg.get("field", 0), f"{arg_path}.field", 0, 255)
    constant = expect_int(data.get("constant", 0), f"{path}.constant", 0, 0xFFFF)
    record[_CONSTANT_OFFSET : _CONSTANT_OFFSET + 2] = constant.to_bytes(2, "big")
