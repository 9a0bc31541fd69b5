"""Small generic helpers for the IntEnum tables, and the enums several message families share.

Wire types keep raw ints (a firmware sending a value the table does not know must still decode);
these helpers give the typed views over them without a try/except in every class.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import Any, Generic, Self, TypeVar, overload

E = TypeVar("E", bound=IntEnum)


def enum_or_none(enum: type[E], value: int) -> E | None:
    """The typed view of a raw byte; None for a value the table does not know."""
    try:
        return enum(value)
    except ValueError:
        return None


def known_codes(enum: type[E], codes: tuple[int, ...]) -> frozenset[E]:
    """The codes the table knows; unknown ones stay visible only in the raw tuple."""
    typed = (enum_or_none(enum, code) for code in codes)
    return frozenset(value for value in typed if value is not None)


def enum_names(enum: type[IntEnum]) -> dict[str, int]:
    """Lower-case member names to values, for JSON forms and user input."""
    return {member.name.lower(): int(member) for member in enum}


def name_or_number(value: int, names: Mapping[str, int]) -> str | int:
    """The name of ``value`` in ``names``, or the number itself when it has none."""
    return next((name for name, number in names.items() if number == value), value)


class EnumView(Generic[E]):
    """A read-only typed view of a raw int field: ``kind = EnumView(ObjectType, "object_type")``.

    Reading it gives the enum member, or None for a value the table does not know; the same as a
    property returning ``enum_or_none(enum, self.field)``, written once.
    """

    __slots__ = ("_enum", "_field")

    def __init__(self, enum: type[E], field: str) -> None:
        self._enum = enum
        self._field = field

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> Self: ...

    @overload
    def __get__(self, obj: object, owner: type[Any]) -> E | None: ...

    def __get__(self, obj: object, owner: type[Any]) -> Self | E | None:
        if obj is None:
            return self
        return enum_or_none(self._enum, getattr(obj, self._field))


class Direction(IntEnum):
    """The signed direction byte of walk requests (RequestProperties, RequestEventLogItem)."""

    PREVIOUS = -1  # event log with number 0: the most recent entry
    EXACT = 0
    NEXT = 1  # event log with number 0: the oldest entry
