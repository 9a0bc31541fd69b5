"""The machinery behind the SystemEvents event classes (spec §18): bit fields and base classes.

Each event class describes its word as a base plus bit fields (``_BASE``, ``_FIELDS`` of
:class:`Bits`); :class:`PackedEvent` packs and unpacks them, so a layout is written once and used
both ways. The classes themselves are in ``event_classes``; ``events`` decodes words into them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from enum import IntEnum
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Self

from .errors import EncodeError

JsonValue = str | int | bool | None


def check_int(value: object, lo: int, hi: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise EncodeError(f"event {field} must be {lo}..{hi}, got {value!r}")
    return int(value)


def check_flag(value: object, field: str) -> int:
    # 0 and 1 pass too: they compare equal to False/True, so round trips still hold.
    if value not in (False, True):
        raise EncodeError(f"event {field} must be a bool, got {value!r}")
    return int(bool(value))


def house_bits(letter: object, field: str) -> int:
    if not isinstance(letter, str) or len(letter) != 1 or not "A" <= letter <= "P":
        raise EncodeError(f"event {field} must be one letter 'A'..'P', got {letter!r}")
    return ord(letter) - ord("A")


def member_name(member: int) -> str:
    return member.name.lower() if isinstance(member, IntEnum) else str(member)


def on_off(on: object) -> str:
    return "on" if on else "off"


class Kind(NamedTuple):
    """A non-integer field type: how to turn it into its bits and back."""

    pack: Callable[[object, str], int]
    unpack: Callable[[int], object]


BOOL = Kind(check_flag, bool)
NOT = Kind(lambda value, field: 1 - check_flag(value, field), lambda bits: not bits)
LETTER = Kind(house_bits, lambda bits: chr(ord("A") + bits))


class Bits:
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
        kind: Kind | None = None,
        convert: Callable[[int], object] = int,
    ) -> None:
        self.name, self.shift, self.width, self.offset = name, shift, width, offset
        self.lo = offset if lo is None else lo
        self.hi = offset + (1 << width) - 1 if hi is None else hi
        self.kind, self.convert = kind, convert

    def pack(self, value: object) -> int:
        if self.kind is not None:
            return self.kind.pack(value, self.name) << self.shift
        return (check_int(value, self.lo, self.hi, self.name) - self.offset) << self.shift

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
            out[f.name] = member_name(value) if isinstance(value, IntEnum) else value
        out.update(self._views())
        return out


class PackedEvent(Event):
    """An event whose word is ``_BASE`` plus its bit fields (fields never overlap)."""

    _BASE: ClassVar[int]
    _FIELDS: ClassVar[tuple[Bits, ...]]
    # The sentence for describe(), formatted with the fields, for events that need no logic.
    _TEXT: ClassVar[str]

    @property
    def word(self) -> int:
        return self._encode()

    def _encode(self) -> int:
        return self._BASE + sum(bits.pack(getattr(self, bits.name)) for bits in self._FIELDS)

    def _describe(self, lumina: bool) -> str:
        return self._TEXT.format_map({f.name: getattr(self, f.name) for f in fields(self)})

    @classmethod
    def _from_word(cls, word: int) -> Self:
        values: dict[str, Any] = {b.name: b.unpack(word - cls._BASE) for b in cls._FIELDS}
        return cls(**values)
