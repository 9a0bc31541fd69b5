"""Status records of every object type (spec §14) and the fixed-field layouts they share.

A record is a frozen keyword-only dataclass holding the raw wire ints; typed views are properties.
Field layouts (``messages.base.layout``) are declared once on the ``*Fields`` classes, which
the Status records here and the Properties bodies (``messages/properties.py``) both build on, so
a field's order and width is written in one place.

A record's wire form of ``size`` bytes is the first ``size`` bytes of its full form: the basic
thermostat record is the first 9 bytes of the extended one (§14), a 5-byte unit record drops the
ZigBee power field, and bytes beyond the known fields are zero on encode and skipped on decode
(newer firmware may append fields, §14).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Self

from .errors import EncodeError
from .messages.base import (
    Layout,
    layout,
    layout_size,
    read_layout,
    read_optional,
    write_layout,
    write_optional,
)
from .messages.system import enum_or_none
from .objects import ObjectType
from .security import AreaAlarms, SecurityMode, ha_alarm_state, split_area_mode
from .system_tables import MessageDisplay, UserSettingType
from .temperature import humidity_setpoint_to_percent, raw_to_humidity
from .thermostats import (
    FanMode,
    HeatCoolStatus,
    HoldMode,
    ThermostatMode,
    ThermostatStatus,
    hvac_action,
)
from .units import UnitState
from .wire import PayloadReader, u16
from .zones import ZoneStatus

# --- per-object field groups with their typed views ------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ZoneFields:
    FIELDS: ClassVar[Layout] = layout("status loop")
    status: int
    loop: int  # raw analog loop value; a temperature/humidity byte only for types 80-87

    @property
    def zone_status(self) -> ZoneStatus:
        return ZoneStatus.from_byte(self.status)


@dataclass(frozen=True, kw_only=True)
class UnitFields:
    FIELDS: ClassVar[Layout] = layout("state remaining:u16")
    state: int
    remaining: int  # seconds left of a timed command; 0 = none

    @property
    def unit_state(self) -> UnitState:
        return UnitState.from_byte(self.state)


@dataclass(frozen=True, kw_only=True)
class AreaFields:
    FIELDS: ClassVar[Layout] = layout("mode alarms entry_timer exit_timer")
    mode: int
    alarms: int
    entry_timer: int
    exit_timer: int

    @property
    def security_mode(self) -> SecurityMode | None:
        return split_area_mode(self.mode)[0]

    @property
    def exit_delay_running(self) -> bool:
        return split_area_mode(self.mode)[1]

    @property
    def alarm_bits(self) -> AreaAlarms:
        return AreaAlarms(self.alarms)

    @property
    def ha_state(self) -> str:
        return ha_alarm_state(self.mode, self.alarms, self.entry_timer, self.exit_timer)


@dataclass(frozen=True, kw_only=True)
class ThermostatFields:
    FIELDS: ClassVar[Layout] = layout(
        "status temperature heat_setpoint cool_setpoint mode fan hold"
    )
    # Extended records and newer firmware's Properties only; each may be absent (None).
    EXTRA: ClassVar[Layout] = layout(
        "humidity humidify_setpoint dehumidify_setpoint outdoor_temperature hc_status"
    )
    status: int
    temperature: int  # raw temperature byte (§15.5); 0 = no reading
    heat_setpoint: int
    cool_setpoint: int
    mode: int
    fan: int
    hold: int
    humidity: int | None = None
    humidify_setpoint: int | None = None
    dehumidify_setpoint: int | None = None
    outdoor_temperature: int | None = None  # 0 = no sensor (unverified)
    hc_status: int | None = None

    @property
    def status_flags(self) -> ThermostatStatus:
        return ThermostatStatus(self.status)

    @property
    def communicating(self) -> bool:
        # Bit 0 set means communications FAILURE (spec pitfall 15).
        return not self.status & ThermostatStatus.COMMUNICATIONS_FAILURE

    @property
    def freeze_alarm(self) -> bool:
        return bool(self.status & ThermostatStatus.FREEZE_ALARM)

    @property
    def has_temperature(self) -> bool:
        return self.temperature != 0

    @property
    def system_mode(self) -> ThermostatMode | None:
        return enum_or_none(ThermostatMode, self.mode)

    @property
    def fan_mode(self) -> FanMode | None:
        return enum_or_none(FanMode, self.fan)

    @property
    def hold_mode(self) -> HoldMode:
        return HoldMode.from_byte(self.hold)

    @property
    def heat_cool(self) -> HeatCoolStatus | None:
        return None if self.hc_status is None else HeatCoolStatus(self.hc_status)

    @property
    def hvac_action(self) -> str | None:
        return None if self.hc_status is None else hvac_action(self.hc_status, self.mode)

    @property
    def humidity_percent(self) -> int | None:
        return None if self.humidity is None else raw_to_humidity(self.humidity)

    @property
    def humidify_percent(self) -> int | None:
        """None when absent or disabled (raw 0)."""
        s = self.humidify_setpoint
        return None if s is None else humidity_setpoint_to_percent(s)

    @property
    def dehumidify_percent(self) -> int | None:
        s = self.dehumidify_setpoint
        return None if s is None else humidity_setpoint_to_percent(s)


@dataclass(frozen=True, kw_only=True)
class AuxiliaryFields:
    FIELDS: ClassVar[Layout] = layout("output value low_setpoint high_setpoint")
    output: int
    value: int  # temperature or humidity byte, by the zone's sensor type
    low_setpoint: int
    high_setpoint: int

    @property
    def energised(self) -> bool:
        return self.output != 0


@dataclass(frozen=True, kw_only=True)
class AudioZoneFields:
    FIELDS: ClassVar[Layout] = layout("power source volume mute")
    power: int
    source: int
    volume: int  # 0-100
    mute: int

    @property
    def is_on(self) -> bool:
        return self.power != 0

    @property
    def is_muted(self) -> bool:
        return self.mute != 0


@dataclass(frozen=True, kw_only=True)
class UserSettingFields:
    FIELDS: ClassVar[Layout] = layout("setting_type value:u16")
    setting_type: int
    value: int

    @property
    def kind(self) -> UserSettingType | None:
        return enum_or_none(UserSettingType, self.setting_type)


@dataclass(frozen=True, kw_only=True)
class AccessLockFields:
    FIELDS: ClassVar[Layout] = layout("lock_state unlock_timer:u16")
    lock_state: int  # 0 locked, 1 unlocked
    unlock_timer: int  # seconds

    @property
    def locked(self) -> bool:
        return self.lock_state == 0


@dataclass(frozen=True, kw_only=True)
class AccessReaderFields:
    FIELDS: ClassVar[Layout] = layout("access last_user")
    access: int  # 0 granted, 1 denied
    last_user: int

    @property
    def granted(self) -> bool:
        return self.access == 0


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

    @property
    def display_state(self) -> MessageDisplay | None:
        return enum_or_none(MessageDisplay, self.display)


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
