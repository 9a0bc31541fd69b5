"""The typed-message base class and the opcode registry.

Every v2 message is a frozen dataclass deriving from :class:`Message` with a class-level
``OPCODE``. Defining the class registers it, so :func:`decode_message` knows every message without a
second table. Decoders must raise only :class:`~omni2mqtt.protocol.errors.ProtocolError` subclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Self

from ..errors import DecodeError, UnknownOpcodeError
from ..frame import Frame

# The layout helpers live in ..layouts (records use them too); re-exported for message modules.
from ..layouts import (
    Layout,
    check_range,
    layout,
    layout_size,
    read_layout,
    read_optional,
    write_layout,
    write_optional,
)
from ..opcodes import Opcode
from ..wire import PayloadReader

__all__ = [
    "FixedLayoutMessage",
    "Layout",
    "Message",
    "check_range",
    "decode_message",
    "layout",
    "layout_size",
    "message_class",
    "read_layout",
    "read_optional",
    "registered_opcodes",
    "write_layout",
    "write_optional",
]
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


# --- Fixed-layout messages: a field table (``layouts``) instead of hand-written codecs ----------


@dataclass(frozen=True)
class FixedLayoutMessage(Message):
    """A message whose payload is the fields named in ``LAYOUT`` in order, then an optional tail.

    Subclasses declare ``LAYOUT = layout("...")`` and may override :meth:`check` (ranges tighter
    than the wire width), :meth:`encode_tail` and :meth:`decode_tail` (variable-length data).
    """

    LAYOUT: ClassVar[Layout] = ()
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
        return write_layout(self, self.LAYOUT, type(self).__name__) + self.encode_tail()

    @classmethod
    def decode_payload(cls, payload: bytes) -> Self:
        reader = PayloadReader(payload, cls.__name__)
        values: dict[str, Any] = read_layout(reader, cls.LAYOUT)
        values.update(cls.decode_tail(reader))
        if cls.STRICT:
            reader.expect_end()
        return cls(**values)
