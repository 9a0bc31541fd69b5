"""The typed-message base class and the opcode registry.

Every v2 message is a frozen dataclass deriving from :class:`Message` with a class-level
``OPCODE``. Defining the class registers it, so :func:`decode_message` knows every message without a
second table. Decoders must raise only :class:`~omni2mqtt.protocol.errors.ProtocolError` subclasses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from .. import wire
from ..errors import DecodeError, EncodeError, UnknownOpcodeError
from ..frame import Frame
from ..opcodes import Opcode
from ..wire import PayloadReader

_REGISTRY: dict[int, type[Message]] = {}


@dataclass(frozen=True)
class Message:
    """Base of every typed message. Subclasses set ``OPCODE`` and override the two codecs."""

    OPCODE: ClassVar[Opcode]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        opcode = cls.__dict__.get("OPCODE")
        if opcode is None:
            return
        if opcode in _REGISTRY:
            raise TypeError(
                f"opcode {opcode!r} registered twice: {_REGISTRY[opcode].__name__} and "
                f"{cls.__name__}"
            )
        _REGISTRY[opcode] = cls

    def encode_payload(self) -> bytes:
        return b""

    @classmethod
    def decode_payload(cls, payload: bytes) -> Self:
        # Generic replies and plain requests carry nothing; extra bytes are ignored (spec §9:
        # one emulator appends the refused opcode to a Nak).
        del payload
        return cls()

    def to_frame(self) -> Frame:
        return Frame(self.OPCODE, self.encode_payload())

    def encode(self) -> bytes:
        """The whole inner frame: start byte, length, opcode, payload, CRC."""
        return self.to_frame().encode()


def message_class(opcode: int) -> type[Message]:
    try:
        return _REGISTRY[opcode]
    except KeyError:
        raise UnknownOpcodeError(opcode) from None


def decode_message(frame: Frame) -> Message:
    """Turn an inner frame into its typed message; raises only ProtocolError subclasses."""
    cls = message_class(frame.opcode)
    try:
        return cls.decode_payload(frame.payload)
    except (ValueError, TypeError) as exc:
        # Enum lookups and dataclass validation raise ValueError on impossible values; fold
        # them into the protocol's own hierarchy so callers need one except clause.
        raise DecodeError(f"{cls.__name__}: {exc}") from exc


def registered_opcodes() -> frozenset[int]:
    return frozenset(_REGISTRY)


# --- Fixed-layout messages: a field table instead of hand-written codecs -----------------------

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


# --- The same layouts for parts of a payload (status records, Properties bodies) ---------------

Layout = tuple[tuple[str, str], ...]
_SIZES = {"u8": 1, "i8": 1, "u16": 2}


def layout_size(fields: Layout) -> int:
    return sum(_SIZES[kind] for _, kind in fields)


def write_layout(obj: object, fields: Layout, what: str) -> bytes:
    return b"".join(_WRITERS[kind](getattr(obj, attr), f"{what}.{attr}") for attr, kind in fields)


def read_layout(reader: PayloadReader, fields: Layout) -> dict[str, int]:
    return {attr: _READERS[kind](reader, attr) for attr, kind in fields}


def write_optional(obj: object, fields: Layout, what: str, limit: int | None = None) -> bytes:
    """Encode trailing optional fields (None = absent); with ``limit``, those that fit in it.

    Without a limit the fields are written up to the first None one, and a set field after it
    is an error (it could not be decoded back). With a limit, every field that fits must be set.
    """
    out = b""
    for index, (attr, kind) in enumerate(fields):
        if limit is not None and len(out) + _SIZES[kind] > limit:
            break
        value = getattr(obj, attr)
        if value is None:
            if limit is not None:
                raise EncodeError(f"{what}.{attr} is None but the record size includes it")
            later = [a for a, _ in fields[index:] if getattr(obj, a) is not None]
            if later:
                raise EncodeError(f"{what}.{attr} is None, so {later} cannot follow it")
            break
        out += _WRITERS[kind](value, f"{what}.{attr}")
    return out


def read_optional(reader: PayloadReader, fields: Layout) -> dict[str, int]:
    """Read trailing optional fields while they fit; the rest stay absent (None)."""
    values: dict[str, int] = {}
    for attr, kind in fields:
        if reader.remaining < _SIZES[kind]:
            break
        values[attr] = _READERS[kind](reader, attr)
    return values
