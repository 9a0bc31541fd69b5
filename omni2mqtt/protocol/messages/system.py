"""System messages (spec §11, §12): information, status, troubles, features, formats, capacities,
SetTime; plus :class:`FixedLayoutMessage`, the field-table codec shared by ``control.py`` and
``eventlog.py``.

Conventions: fields hold raw wire ints so an unexpected firmware value never breaks decoding;
typed views are properties. Replies tolerate trailing bytes (a newer firmware may append fields);
requests are strict, so the emulator can Nak a malformed one as a panel would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any, ClassVar, Self

from .. import wire
from ..errors import EncodeError
from ..objects import Model, ObjectType, firmware_string, model_name
from ..opcodes import Opcode
from ..security import AreaAlarms
from ..system_tables import DateFormat, Feature, TimeFormat, Trouble
from ..temperature import TemperatureUnit
from ..wire import PayloadReader
from .base import Message

_READERS: dict[str, Callable[[PayloadReader, str], int]] = {
    "u8": PayloadReader.u8,
    "i8": PayloadReader.i8,
    "u16": PayloadReader.u16,
}
_WRITERS: dict[str, Callable[[int, str], bytes]] = {"u8": wire.u8, "i8": wire.i8, "u16": wire.u16}


def layout(spec: str) -> tuple[tuple[str, str], ...]:
    """Parse ``"number:u16 month day p2:u16"`` into (field, kind) pairs; the kind defaults to u8."""
    pairs = []
    for item in spec.split():
        name, _, kind = item.partition(":")
        kind = kind or "u8"
        if kind not in _READERS:
            raise TypeError(f"unknown field kind {kind!r} in layout {spec!r}")
        pairs.append((name, kind))
    return tuple(pairs)


def check_range(value: int, low: int, high: int, what: str) -> None:
    """EncodeError naming the field when the spec gives a tighter range than the wire width."""
    if not low <= value <= high:
        raise EncodeError(f"{what} must be {low}..{high}, got {value}")


@dataclass(frozen=True)
class FixedLayoutMessage(Message):
    """A message whose payload is the fields named in ``LAYOUT`` in order, then an optional tail.

    Subclasses declare ``LAYOUT = layout("...")`` and may override :meth:`check` (ranges tighter
    than the wire width), :meth:`encode_tail` and :meth:`decode_tail` (variable-length data).
    """

    LAYOUT: ClassVar[tuple[tuple[str, str], ...]] = ()
    # Requests set STRICT so trailing bytes are a DecodeError; replies ignore them.
    STRICT: ClassVar[bool] = False

    def check(self) -> None:
        """Raise EncodeError for a value the spec forbids (the wire widths are checked anyway)."""

    def encode_tail(self) -> bytes:
        return b""

    @classmethod
    def decode_tail(cls, reader: PayloadReader) -> dict[str, Any]:
        del reader
        return {}

    def encode_payload(self) -> bytes:
        self.check()
        name = type(self).__name__
        head = b"".join(
            _WRITERS[kind](getattr(self, attr), f"{name}.{attr}") for attr, kind in self.LAYOUT
        )
        return head + self.encode_tail()

    @classmethod
    def decode_payload(cls, payload: bytes) -> Self:
        reader = PayloadReader(payload, cls.__name__)
        values: dict[str, Any] = {attr: _READERS[kind](reader, attr) for attr, kind in cls.LAYOUT}
        values.update(cls.decode_tail(reader))
        if cls.STRICT:
            reader.expect_end()
        return cls(**values)


def _enum_or_none[E: (Model, ObjectType, TemperatureUnit, TimeFormat, DateFormat)](
    enum: type[E], value: int
) -> E | None:
    try:
        return enum(value)
    except ValueError:
        return None
