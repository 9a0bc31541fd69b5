"""Condition and event words of program records (spec §18, §20): the u16 values of ``cond`` /
``cond2`` and of the EVENT / WHEN trigger, their typed views and their JSON forms.

Every codec here is exact (see ``program_conditions``); a word without an exact typed form is
emitted raw (``{"raw": "0x0100"}`` for a condition, a hex string for an event word).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from .enumutil import enum_names
from .errors import ProgramError
from .program_json import (
    expect_int,
    expect_int_or_hex,
    expect_name,
    expect_object,
    hex_word,
)
from .security import SecurityMode


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
