"""Properties (spec §13): RequestProperties / Properties.

Name fields, and the UploadNames / NameData / DownloadNames messages, are in ``names.py``
(re-exported here). A Properties reply records a name field sent one byte short in
``short_name`` so that the same bytes encode back.

Properties decoders ignore bytes after the last known field: newer firmware appends fields (the
thermostat's bytes 24-28 are such an addition), and a discovery walk must not stop on one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import ClassVar, Self

from ..enumutil import Direction, EnumView
from ..errors import EncodeError
from ..layouts import Layout, layout, read_layout, read_optional, write_layout, write_optional
from ..object_fields import (
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
from ..objects import ObjectType, name_width
from ..opcodes import Opcode
from ..thermostats import ThermostatType
from ..units import SWITCH_ONLY_UNIT_TYPES, UnitType
from ..wire import PayloadReader, u8, u16
from ..zones import ZoneType, ZoneTypeInfo, zone_type_info
from .base import FixedLayoutMessage, Message

# The name messages moved to .names; re-exported so existing imports keep working.
from .names import (
    NAME_TYPE_OBJECTS,
    DownloadNames,
    NameData,
    UploadNames,
    name_field,
    name_type_width,
    read_name_field,
)

__all__ = [
    "NAME_TYPE_OBJECTS",
    "PROPERTIES_BODIES",
    "AccessReaderProperties",
    "AreaProperties",
    "AudioSourceProperties",
    "AudioZoneProperties",
    "AuxiliaryProperties",
    "ButtonProperties",
    "CodeProperties",
    "Direction",
    "DownloadNames",
    "MessageProperties",
    "NameData",
    "NameFilter",
    "NameOnlyProperties",
    "Properties",
    "PropertiesBody",
    "RawProperties",
    "RequestProperties",
    "ThermostatProperties",
    "UnitFilter",
    "UnitProperties",
    "UploadNames",
    "UserSettingProperties",
    "ZoneProperties",
    "name_type_width",
]


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
            + name_field(self.name, name_width(self.OBJECT_TYPE), short_name, what)
            + suffix
        )

    @classmethod
    def decode(cls, reader: PayloadReader) -> tuple[Self, bool]:
        number = reader.u16("number")
        values = read_layout(reader, cls.PREFIX)
        name, short = read_name_field(reader, name_width(cls.OBJECT_TYPE))
        values.update(read_optional(reader, cls.SUFFIX))
        return cls(number=number, name=name, **values), short


@dataclass(frozen=True, kw_only=True)
class ZoneProperties(ZoneFields, PropertiesBody):
    OBJECT_TYPE = ObjectType.ZONE
    PREFIX = ZoneFields.FIELDS + layout("zone_type area options")
    zone_type: int
    area: int  # 1-8
    options: int

    kind = EnumView(ZoneType, "zone_type")

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

    kind = EnumView(UnitType, "unit_type")

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

    kind = EnumView(ThermostatType, "thermostat_type")


@dataclass(frozen=True, kw_only=True)
class AuxiliaryProperties(AuxiliaryFields, PropertiesBody):
    OBJECT_TYPE = ObjectType.AUXILIARY
    PREFIX = AuxiliaryFields.FIELDS + layout("sensor_type")
    sensor_type: int  # zone type 80-87

    sensor_kind = EnumView(ZoneType, "sensor_type")


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
