"""Names (spec §13): UploadNames / NameData / DownloadNames, and the name fields Properties uses.

Name fields are fixed width (``objects.name_width``). Some implementations send the field one
byte short, without its NUL (the §23.4 "FRONT DOOR" frame); decoders accept that and record it in
``short_name`` so that the same bytes encode back. A short name field is only recognised where the
name ends the payload, since otherwise its width would be ambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

from ..enumutil import enum_or_none
from ..errors import DecodeError, EncodeError
from ..layouts import layout
from ..objects import NameType, ObjectType, name_width
from ..opcodes import Opcode
from ..wire import PayloadReader, encode_name, u8, u16
from .base import FixedLayoutMessage, Message

# --- name fields -------------------------------------------------------------------------------


def name_field(name: str, width: int, short: bool, what: str) -> bytes:
    """A name field of ``width`` bytes; with ``short``, the one-byte-short form (no NUL)."""
    field = encode_name(name, width, f"{what} name")
    # A full field always ends in NUL (names hold at most width - 1 characters), so the short
    # form is the full one without its last byte.
    return field[:-1] if short else field


def read_name_field(reader: PayloadReader, width: int) -> tuple[str, bool]:
    """Read a name field; True when it came one byte short."""
    short = reader.remaining == width - 1
    return reader.name(width), short


# --- names without Properties ------------------------------------------------------------------

# Name types 1-9 name the object types of the same names (8 and 9 differ in number only).
NAME_TYPE_OBJECTS: dict[NameType, ObjectType] = {t: ObjectType[t.name] for t in NameType}


def name_type_width(name_type: int) -> int | None:
    """Name field width for a name-type byte; None for unknown name types."""
    kind = enum_or_none(NameType, name_type)
    return None if kind is None else name_width(NAME_TYPE_OBJECTS[kind])


@dataclass(frozen=True)
class UploadNames(FixedLayoutMessage):
    """``[name type, number u16 BE, 01]``: ask for the next named object after ``number``.

    The HAI text shows the fourth byte as 01 without naming it; one client sends only three
    bytes (unverified). ``flag`` None is that three-byte form.
    """

    OPCODE = Opcode.UPLOAD_NAMES
    LAYOUT = layout("name_type number:u16")
    STRICT = True
    name_type: int
    number: int
    flag: int | None = 1

    def encode_tail(self) -> bytes:
        return b"" if self.flag is None else u8(self.flag, "UploadNames.flag")

    @classmethod
    def decode_tail(cls, reader: PayloadReader) -> dict[str, Any]:
        return {"flag": reader.u8("flag") if reader.remaining else None}


@dataclass(frozen=True)
class _NameMessage(Message):
    """``[name type, number u16 BE, name]``; unknown name types have no known width."""

    name_type: int
    number: int
    name: str
    short_name: bool = False

    @property
    def object_type(self) -> ObjectType | None:
        kind = enum_or_none(NameType, self.name_type)
        return None if kind is None else NAME_TYPE_OBJECTS[kind]

    def encode_payload(self) -> bytes:
        what = type(self).__name__
        width = name_type_width(self.name_type)
        if width is None:
            raise EncodeError(f"{what}: unknown name type {self.name_type}")
        return (
            u8(self.name_type, f"{what} name_type")
            + u16(self.number, f"{what} number")
            + name_field(self.name, width, self.short_name, what)
        )

    @classmethod
    def decode_payload(cls, payload: bytes) -> Self:
        reader = PayloadReader(payload, cls.__name__)
        name_type = reader.u8("name_type")
        width = name_type_width(name_type)
        if width is None:
            raise DecodeError(f"{cls.__name__}: unknown name type {name_type}")
        number = reader.u16("number")
        name, short = read_name_field(reader, width)
        return cls(name_type, number, name, short)


@dataclass(frozen=True)
class NameData(_NameMessage):
    """The reply to UploadNames (or EOD when no named object follows)."""

    OPCODE = Opcode.NAME_DATA


@dataclass(frozen=True)
class DownloadNames(_NameMessage):
    """Writes one name (NameData layout)."""

    OPCODE = Opcode.DOWNLOAD_NAMES
