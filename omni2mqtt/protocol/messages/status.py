"""Status and ExtendedStatus requests and replies (spec §9, §14).

ExtendedStatus (59) is also pushed unsolicited (seq 0) by panels with notifications enabled; the
codec does not care which.

Unknown object types: a basic Status reply carries no record length, so a type without a known
record layout cannot be split and raises DecodeError. ExtendedStatus does carry the length, so
its records are kept as :class:`~omni2mqtt.protocol.records.RawRecord` and a future firmware's
new object type in a push never breaks the push path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from ..enumutil import EnumView
from ..errors import DecodeError, EncodeError
from ..frame import MAX_SENT_MESSAGE_LENGTH
from ..layouts import layout
from ..objects import ObjectType
from ..opcodes import Opcode
from ..records import RECORD_SPECS, RawRecord, StatusRecord
from ..wire import PayloadReader, u8
from .base import FixedLayoutMessage, Message

# Bytes of a reply before its records: the opcode, the type byte and (extended) the length byte.
_BASIC_HEADER = 2
_EXTENDED_HEADER = 3


def max_records(object_type: int, extended: bool, record_length: int | None = None) -> int:
    """How many records fit one reply (MessageLength L <= 236, §9).

    Real panels stay silent when the reply to a request would not fit, so the client windows
    its requests by this and the emulator decides to stay silent with it. ``record_length``
    overrides the table's size (e.g. 7 for unit records with the power field).
    """
    spec = RECORD_SPECS.get(object_type)
    if spec is None:
        raise ValueError(f"object type {object_type} has no status records")
    size = record_length or (spec.extended_size if extended else spec.basic_size)
    header = _EXTENDED_HEADER if extended else _BASIC_HEADER
    return (MAX_SENT_MESSAGE_LENGTH - header) // size


@dataclass(frozen=True)
class _StatusRange(FixedLayoutMessage):
    """``[type, first u16 BE, last u16 BE]``, shared by both status requests."""

    LAYOUT = layout("object_type first:u16 last:u16")
    STRICT = True
    object_type: int
    first: int
    last: int

    kind = EnumView(ObjectType, "object_type")


@dataclass(frozen=True)
class RequestStatus(_StatusRange):
    OPCODE = Opcode.REQUEST_STATUS


@dataclass(frozen=True)
class RequestExtendedStatus(_StatusRange):
    """Firmware >= 3.0; older panels Nak it (fall back to RequestStatus)."""

    OPCODE = Opcode.REQUEST_EXTENDED_STATUS


def _check_records(what: str, object_type: int, records: tuple[StatusRecord, ...]) -> None:
    spec = RECORD_SPECS.get(object_type)
    expected = spec.record_class if spec is not None else RawRecord
    for record in records:
        if type(record) is not expected:
            raise EncodeError(
                f"{what} of object type {object_type} needs {expected.__name__} records, "
                f"got {type(record).__name__}"
            )


def _split(data: bytes, size: int, what: str) -> list[bytes]:
    if len(data) % size:
        raise DecodeError(f"{what}: {len(data)} record bytes are not a multiple of {size}")
    return [data[i : i + size] for i in range(0, len(data), size)]


@dataclass(frozen=True)
class Status(Message):
    """``[type]`` + N basic records of the table's fixed size."""

    OPCODE = Opcode.STATUS
    object_type: int
    records: tuple[StatusRecord, ...]

    def encode_payload(self) -> bytes:
        spec = RECORD_SPECS.get(self.object_type)
        if spec is None:
            raise EncodeError(f"Status: object type {self.object_type} has no status records")
        _check_records("Status", self.object_type, self.records)
        return u8(self.object_type, "Status object_type") + b"".join(
            r.encode(spec.basic_size) for r in self.records
        )

    @classmethod
    def decode_payload(cls, payload: bytes) -> Self:
        reader = PayloadReader(payload, "Status")
        object_type = reader.u8("object_type")
        spec = RECORD_SPECS.get(object_type)
        if spec is None:
            raise DecodeError(f"Status: object type {object_type} has no known record layout")
        chunks = _split(reader.rest(), spec.basic_size, "Status")
        return cls(object_type, tuple(spec.record_class.decode(c) for c in chunks))


@dataclass(frozen=True)
class ExtendedStatus(Message):
    """``[type, record length]`` + N records of ``record_length`` bytes.

    Decoding always steps by the record-length byte: fields beyond the known ones (newer
    firmware) are skipped; a length shorter than the documented record is decoded as far as it
    goes (optional trailing fields None, e.g. a 9-byte thermostat record) and a length shorter
    than the basic record raises DecodeError.
    """

    OPCODE = Opcode.EXTENDED_STATUS
    object_type: int
    records: tuple[StatusRecord, ...]
    record_length: int

    @classmethod
    def of(cls, object_type: int, records: tuple[StatusRecord, ...]) -> ExtendedStatus:
        """The reply a panel would send: the documented record length, or 7 for units with power."""
        spec = RECORD_SPECS.get(object_type)
        default = spec.extended_size if spec is not None else 2
        return cls(object_type, records, max([default, *(r.natural_size(True) for r in records)]))

    def encode_payload(self) -> bytes:
        _check_records("ExtendedStatus", self.object_type, self.records)
        return (
            u8(self.object_type, "ExtendedStatus object_type")
            + u8(self.record_length, "ExtendedStatus record_length")
            + b"".join(r.encode(self.record_length) for r in self.records)
        )

    @classmethod
    def decode_payload(cls, payload: bytes) -> Self:
        reader = PayloadReader(payload, "ExtendedStatus")
        object_type = reader.u8("object_type")
        length = reader.u8("record_length")
        if length == 0:
            raise DecodeError("ExtendedStatus: record length 0")
        spec = RECORD_SPECS.get(object_type)
        record_class = spec.record_class if spec is not None else RawRecord
        chunks = _split(reader.rest(), length, "ExtendedStatus")
        return cls(object_type, tuple(record_class.decode(c) for c in chunks), length)
