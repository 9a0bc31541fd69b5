"""Properties and names (spec §13): RequestProperties / Properties, UploadNames / NameData /
DownloadNames.

Name fields are fixed width (``objects.name_width``). Some implementations send the field one
byte short, without its NUL (the §23.4 "FRONT DOOR" frame); decoders accept that and record it in
``short_name`` so that the same bytes encode back. A short name field is only recognised where the
name ends the payload, since otherwise its width would be ambiguous.

Properties decoders ignore bytes after the last known field: newer firmware appends fields (the
thermostat's bytes 24-28 are such an addition), and a discovery walk must not stop on one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any, ClassVar, Self

from ..errors import DecodeError, EncodeError
from ..objects import NameType, ObjectType, name_width
from ..opcodes import Opcode
from ..records import (
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
from ..thermostats import ThermostatType
from ..units import SWITCH_ONLY_UNIT_TYPES, UnitType
from ..wire import PayloadReader, encode_name, u8, u16
from ..zones import ZoneType, ZoneTypeInfo, zone_type_info
from .base import (
    FixedLayoutMessage,
    Layout,
    Message,
    layout,
    read_layout,
    read_optional,
    write_layout,
    write_optional,
)
from .system import enum_or_none


class Direction(IntEnum):
    """RequestProperties direction (signed byte)."""

    PREVIOUS = -1
    EXACT = 0
    NEXT = 1


class NameFilter(IntEnum):
    """RequestProperties filter1."""

    ANY = 0
    NAMED = 1
    UNNAMED = 2


class UnitFilter(IntEnum):
    """RequestProperties filter3 (units only); 1-31 select the loads of room n."""

    ANY = 0
    ROOMS = 254
    INDEPENDENT = 255


@dataclass(frozen=True)
class RequestProperties(FixedLayoutMessage):
    """Defaults give the discovery walk step: the next named object after ``index``."""

    OPCODE = Opcode.REQUEST_PROPERTIES
    LAYOUT = layout("object_type index:u16 direction:i8 filter1 filter2 filter3")
    STRICT = True
    object_type: int
    index: int
    direction: int = Direction.NEXT
    filter1: int = NameFilter.NAMED
    # Area mask, bit 7 = area 1 ... bit 0 = area 8; 0 = no filter (unverified; clients send 0).
    filter2: int = 0
    filter3: int = UnitFilter.ANY


# --- name fields -------------------------------------------------------------------------------


def _name_field(name: str, width: int, short: bool, what: str) -> bytes:
    field = encode_name(name, width, f"{what} name")
    # A full field always ends in NUL (names hold at most width - 1 characters), so the short
    # form is the full one without its last byte.
    return field[:-1] if short else field


def _read_name(reader: PayloadReader, width: int) -> tuple[str, bool]:
    """Read a name field; True when it came one byte short."""
    short = reader.remaining == width - 1
    return reader.name(width), short


# --- Properties bodies -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PropertiesBody:
    """``number u16 BE``, the ``PREFIX`` fields, the name, then optional ``SUFFIX`` fields."""

    OBJECT_TYPE: ClassVar[ObjectType]
    PREFIX: ClassVar[Layout] = ()
    SUFFIX: ClassVar[Layout] = ()
    number: int
    name: str

    @property
    def object_type(self) -> int:
        return self.OBJECT_TYPE

    def encode(self, short_name: bool = False) -> bytes:
        what = type(self).__name__
        suffix = write_optional(self, self.SUFFIX, what)
        if short_name and suffix:
            raise EncodeError(f"{what}: a short name field must end the payload")
        return (
            u16(self.number, f"{what} number")
            + write_layout(self, self.PREFIX, what)
            + _name_field(self.name, name_width(self.OBJECT_TYPE), short_name, what)
            + suffix
        )

    @classmethod
    def decode(cls, reader: PayloadReader) -> tuple[Self, bool]:
        number = reader.u16("number")
        values = read_layout(reader, cls.PREFIX)
        name, short = _read_name(reader, name_width(cls.OBJECT_TYPE))
        values.update(read_optional(reader, cls.SUFFIX))
        return cls(number=number, name=name, **values), short


@dataclass(frozen=True, kw_only=True)
class ZoneProperties(ZoneFields, PropertiesBody):
    OBJECT_TYPE = ObjectType.ZONE
    PREFIX = ZoneFields.FIELDS + layout("zone_type area options")
    zone_type: int
    area: int  # 1-8
    options: int

    @property
    def kind(self) -> ZoneType | None:
        return enum_or_none(ZoneType, self.zone_type)

    @property
    def type_info(self) -> ZoneTypeInfo:
        return zone_type_info(self.zone_type)

    @property
    def cross_zoning(self) -> bool:
        return bool(self.options & 0x01)

    @property
    def swinger_shutdown(self) -> bool:
        return bool(self.options & 0x02)

    @property
    def dial_out_delay(self) -> bool:
        return bool(self.options & 0x04)


@dataclass(frozen=True, kw_only=True)
class UnitProperties(UnitFields, PropertiesBody):
    OBJECT_TYPE = ObjectType.UNIT
    PREFIX = UnitFields.FIELDS + layout("unit_type")
    SUFFIX = layout("area")
    unit_type: int
    area: int | None = None  # area bitmask (SDK; bit order unverified); absent from some firmware

    @property
    def kind(self) -> UnitType | None:
        return enum_or_none(UnitType, self.unit_type)

    @property
    def switch_only(self) -> bool:
        return self.kind in SWITCH_ONLY_UNIT_TYPES


@dataclass(frozen=True, kw_only=True)
class NameOnlyProperties(PropertiesBody):
    """Objects whose Properties are just the name."""


@dataclass(frozen=True, kw_only=True)
class ButtonProperties(NameOnlyProperties):
    OBJECT_TYPE = ObjectType.BUTTON


@dataclass(frozen=True, kw_only=True)
class CodeProperties(NameOnlyProperties):
    OBJECT_TYPE = ObjectType.CODE


@dataclass(frozen=True, kw_only=True)
class AudioSourceProperties(NameOnlyProperties):
    OBJECT_TYPE = ObjectType.AUDIO_SOURCE


@dataclass(frozen=True, kw_only=True)
class MessageProperties(NameOnlyProperties):
    OBJECT_TYPE = ObjectType.MESSAGE


@dataclass(frozen=True, kw_only=True)
class AreaProperties(AreaFields, PropertiesBody):
    OBJECT_TYPE = ObjectType.AREA
    PREFIX = AreaFields.FIELDS + layout("enabled exit_delay entry_delay")
    enabled: int  # 0 = area not configured
    exit_delay: int  # configured seconds
    entry_delay: int

    @property
    def configured(self) -> bool:
        return self.enabled != 0


@dataclass(frozen=True, kw_only=True)
class ThermostatProperties(ThermostatFields, PropertiesBody):
    """The extended fields (bytes 24-28) come only from newer firmware; None otherwise."""

    OBJECT_TYPE = ObjectType.THERMOSTAT
    PREFIX = ThermostatFields.FIELDS + layout("thermostat_type")
    SUFFIX = ThermostatFields.EXTRA
    thermostat_type: int

    @property
    def kind(self) -> ThermostatType | None:
        return enum_or_none(ThermostatType, self.thermostat_type)


@dataclass(frozen=True, kw_only=True)
class AuxiliaryProperties(AuxiliaryFields, PropertiesBody):
    OBJECT_TYPE = ObjectType.AUXILIARY
    PREFIX = AuxiliaryFields.FIELDS + layout("sensor_type")
    sensor_type: int  # zone type 80-87

    @property
    def sensor_kind(self) -> ZoneType | None:
        return enum_or_none(ZoneType, self.sensor_type)


@dataclass(frozen=True, kw_only=True)
class AudioZoneProperties(AudioZoneFields, PropertiesBody):
    OBJECT_TYPE = ObjectType.AUDIO_ZONE
    PREFIX = AudioZoneFields.FIELDS


@dataclass(frozen=True, kw_only=True)
class UserSettingProperties(UserSettingFields, PropertiesBody):
    OBJECT_TYPE = ObjectType.USER_SETTING
    PREFIX = UserSettingFields.FIELDS


@dataclass(frozen=True, kw_only=True)
class AccessReaderProperties(AccessReaderFields, AccessLockFields, PropertiesBody):
    OBJECT_TYPE = ObjectType.ACCESS_READER
    PREFIX = AccessLockFields.FIELDS + AccessReaderFields.FIELDS


# Keyed by ObjectType members; a raw type byte looks up the same entry (IntEnum hashes as int).
PROPERTIES_BODIES: dict[int, type[PropertiesBody]] = {
    cls.OBJECT_TYPE: cls
    for cls in (
        ZoneProperties,
        UnitProperties,
        ButtonProperties,
        CodeProperties,
        AreaProperties,
        ThermostatProperties,
        MessageProperties,
        AuxiliaryProperties,
        AudioSourceProperties,
        AudioZoneProperties,
        UserSettingProperties,
        AccessReaderProperties,
    )
}


@dataclass(frozen=True, kw_only=True)
class RawProperties:
    """Properties of a type without a documented layout (expansion, console, ...): kept raw."""

    object_type: int
    number: int
    data: bytes = b""

    def encode(self, short_name: bool = False) -> bytes:
        if short_name or PROPERTIES_BODIES.get(self.object_type) is not None:
            raise EncodeError(
                f"RawProperties is only for undocumented types, not {self.object_type}"
            )
        return u16(self.number, "RawProperties number") + self.data


@dataclass(frozen=True)
class Properties(Message):
    """``[type]`` + the body; ``short_name`` = the name field is one byte short (no NUL)."""

    OPCODE = Opcode.PROPERTIES
    body: PropertiesBody | RawProperties
    short_name: bool = False

    @property
    def object_type(self) -> int:
        return self.body.object_type

    def encode_payload(self) -> bytes:
        return u8(self.object_type, "Properties object_type") + self.body.encode(self.short_name)

    @classmethod
    def decode_payload(cls, payload: bytes) -> Self:
        reader = PayloadReader(payload, "Properties")
        object_type = reader.u8("object_type")
        body_class = PROPERTIES_BODIES.get(object_type)
        if body_class is None:
            number = reader.u16("number")
            return cls(RawProperties(object_type=object_type, number=number, data=reader.rest()))
        body, short = body_class.decode(reader)
        return cls(body, short)


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
            + _name_field(self.name, width, self.short_name, what)
        )

    @classmethod
    def decode_payload(cls, payload: bytes) -> Self:
        reader = PayloadReader(payload, cls.__name__)
        name_type = reader.u8("name_type")
        width = name_type_width(name_type)
        if width is None:
            raise DecodeError(f"{cls.__name__}: unknown name type {name_type}")
        number = reader.u16("number")
        name, short = _read_name(reader, width)
        return cls(name_type, number, name, short)


@dataclass(frozen=True)
class NameData(_NameMessage):
    """The reply to UploadNames (or EOD when no named object follows)."""

    OPCODE = Opcode.NAME_DATA


@dataclass(frozen=True)
class DownloadNames(_NameMessage):
    """Writes one name (NameData layout)."""

    OPCODE = Opcode.DOWNLOAD_NAMES
