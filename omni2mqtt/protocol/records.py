"""Status records of every object type (spec §14).

A record is a frozen keyword-only dataclass holding the raw wire ints; typed views are properties.
Most records are ``number u16`` plus a per-object field group from ``object_fields`` (shared with
the Properties bodies, so a field's order and width is written in one place).

A record's wire form of ``size`` bytes is the first ``size`` bytes of its full form: the basic
thermostat record is the first 9 bytes of the extended one (§14), a 5-byte unit record drops the
ZigBee power field, and bytes beyond the known fields are zero on encode and skipped on decode
(newer firmware may append fields, §14).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from .enumutil import EnumView
from .errors import EncodeError
from .layouts import (
    Layout,
    layout,
    layout_size,
    read_layout,
    read_optional,
    write_layout,
    write_optional,
)

# The field groups moved to object_fields; re-exported so existing imports keep working.
from .object_fields import (
    AccessLockFields,
    AccessReaderFields,
    AreaFields,
    AudioZoneFields,
    AuxiliaryFields,
    ThermostatFields,
    UnitFields,
    UserSettingFields,
    ZoneFields,
)
from .objects import ObjectType
from .system_tables import MessageDisplay
from .wire import PayloadReader, u16

__all__ = [
    "RECORD_SPECS",
    "AccessLockFields",
    "AccessLockRecord",
    "AccessReaderFields",
    "AccessReaderRecord",
    "AreaFields",
    "AreaRecord",
    "AudioZoneFields",
    "AudioZoneRecord",
    "AuxiliaryFields",
    "AuxiliaryRecord",
    "ExpansionRecord",
    "MessageRecord",
    "RawRecord",
    "RecordSpec",
    "StatusRecord",
    "ThermostatFields",
    "ThermostatRecord",
    "UnitFields",
    "UnitRecord",
    "UserSettingFields",
    "UserSettingRecord",
    "ZoneFields",
    "ZoneRecord",
]


# --- status records --------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class StatusRecord:
    """Base of the records: ``number u16 BE``, the ``FIELDS``, then the ``OPTIONAL`` ones.

    Subclasses list their ``*Fields`` group first, so its ``FIELDS`` layout is theirs too.
    """

    OBJECT_TYPE: ClassVar[ObjectType]
    FIELDS: ClassVar[Layout] = ()
    OPTIONAL: ClassVar[Layout] = ()
    number: int

    @classmethod
    def min_size(cls) -> int:
        """The record without its optional trailing fields."""
        return 2 + layout_size(cls.FIELDS)

    def present_size(self) -> int:
        """Bytes of the fields this record carries (up to the first absent optional one)."""
        return self.min_size() + len(write_optional(self, self.OPTIONAL, type(self).__name__))

    def natural_size(self, extended: bool) -> int:
        """Record size in a Status (basic) or ExtendedStatus reply for this record."""
        spec = RECORD_SPECS[self.OBJECT_TYPE]
        if not extended:
            return spec.basic_size
        return max(spec.extended_size, self.present_size())

    def encode(self, size: int) -> bytes:
        """The first ``size`` bytes of the record's full form, zero-padded past known fields."""
        what = type(self).__name__
        if size < self.min_size():
            raise EncodeError(f"{what} needs at least {self.min_size()} bytes, not {size}")
        body = (
            u16(self.number, f"{what} number")
            + write_layout(self, self.FIELDS, what)
            + write_optional(self, self.OPTIONAL, what, limit=size - self.min_size())
        )
        return body + bytes(size - len(body))

    def to_bytes(self, extended: bool = False) -> bytes:
        return self.encode(self.natural_size(extended))

    @classmethod
    def decode(cls, data: bytes) -> Self:
        """Decode one record of any length >= :meth:`min_size`; unknown extra bytes are skipped."""
        reader = PayloadReader(data, f"{cls.__name__} record")
        number = reader.u16("number")
        values = read_layout(reader, cls.FIELDS)
        values.update(read_optional(reader, cls.OPTIONAL))
        return cls(number=number, **values)


@dataclass(frozen=True, kw_only=True)
class ZoneRecord(ZoneFields, StatusRecord):
    OBJECT_TYPE = ObjectType.ZONE


@dataclass(frozen=True, kw_only=True)
class UnitRecord(UnitFields, StatusRecord):
    OBJECT_TYPE = ObjectType.UNIT
    OPTIONAL = layout("power:u16")
    # SDK: a 7-byte extended record adds power (ZigBee; units unverified). None in 5-byte records.
    power: int | None = None


@dataclass(frozen=True, kw_only=True)
class AreaRecord(AreaFields, StatusRecord):
    OBJECT_TYPE = ObjectType.AREA


@dataclass(frozen=True, kw_only=True)
class ThermostatRecord(ThermostatFields, StatusRecord):
    """Basic records (9 bytes) leave the extended fields None."""

    OBJECT_TYPE = ObjectType.THERMOSTAT
    OPTIONAL = ThermostatFields.EXTRA


@dataclass(frozen=True, kw_only=True)
class MessageRecord(StatusRecord):
    OBJECT_TYPE = ObjectType.MESSAGE
    FIELDS = layout("display")
    display: int

    display_state = EnumView(MessageDisplay, "display")


@dataclass(frozen=True, kw_only=True)
class AuxiliaryRecord(AuxiliaryFields, StatusRecord):
    OBJECT_TYPE = ObjectType.AUXILIARY


@dataclass(frozen=True, kw_only=True)
class AudioZoneRecord(AudioZoneFields, StatusRecord):
    OBJECT_TYPE = ObjectType.AUDIO_ZONE


@dataclass(frozen=True, kw_only=True)
class ExpansionRecord(StatusRecord):
    OBJECT_TYPE = ObjectType.EXPANSION
    FIELDS = layout("communicating battery")
    communicating: int  # 0/1
    battery: int  # raw reading


@dataclass(frozen=True, kw_only=True)
class UserSettingRecord(UserSettingFields, StatusRecord):
    OBJECT_TYPE = ObjectType.USER_SETTING


@dataclass(frozen=True, kw_only=True)
class AccessReaderRecord(AccessReaderFields, StatusRecord):
    OBJECT_TYPE = ObjectType.ACCESS_READER


@dataclass(frozen=True, kw_only=True)
class AccessLockRecord(AccessLockFields, StatusRecord):
    OBJECT_TYPE = ObjectType.ACCESS_LOCK


@dataclass(frozen=True, kw_only=True)
class RawRecord(StatusRecord):
    """A record of an object type without a known layout (only in ExtendedStatus, whose
    record-length byte lets it be split): the number and the undecoded rest."""

    data: bytes = b""

    def present_size(self) -> int:
        return 2 + len(self.data)

    def natural_size(self, extended: bool) -> int:
        return self.present_size()

    def encode(self, size: int) -> bytes:
        if size != self.present_size():
            raise EncodeError(f"RawRecord of {self.present_size()} bytes cannot fill {size}")
        return u16(self.number, "RawRecord number") + self.data

    @classmethod
    def decode(cls, data: bytes) -> Self:
        reader = PayloadReader(data, "RawRecord")
        return cls(number=reader.u16("number"), data=reader.rest())


# --- the record table (§9, §14) --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordSpec:
    record_class: type[StatusRecord]
    basic_size: int  # Status (35) record size
    extended_size: int  # ExtendedStatus (59) record size the spec documents


# Keyed by ObjectType members; a raw type byte looks up the same entry (IntEnum hashes as int).
RECORD_SPECS: dict[int, RecordSpec] = {
    spec.record_class.OBJECT_TYPE: spec
    for spec in (
        RecordSpec(ZoneRecord, 4, 4),
        RecordSpec(UnitRecord, 5, 5),  # 7 with the SDK's power field
        RecordSpec(AreaRecord, 6, 6),
        RecordSpec(ThermostatRecord, 9, 14),
        RecordSpec(MessageRecord, 3, 3),
        RecordSpec(AuxiliaryRecord, 6, 6),
        RecordSpec(AudioZoneRecord, 6, 6),
        RecordSpec(ExpansionRecord, 4, 4),
        RecordSpec(UserSettingRecord, 5, 5),
        RecordSpec(AccessReaderRecord, 4, 4),
        RecordSpec(AccessLockRecord, 5, 5),
    )
}
