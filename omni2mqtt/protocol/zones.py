"""Zone types and the zone status byte (spec §15.1, §15.6)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


@dataclass(frozen=True, slots=True)
class ZoneTypeInfo:
    name: str
    # Home Assistant binary_sensor device class, or the sensor device class when ``analog``.
    # None = no device class.
    ha_device_class: str | None
    latching: bool = False
    analog: bool = False
    emergency_24h: bool = False


class ZoneType(IntEnum):
    ENTRY_EXIT = 0
    PERIMETER = 1
    NIGHT_INTERIOR = 2
    AWAY_INTERIOR = 3
    DOUBLE_ENTRY_DELAY = 4
    QUADRUPLE_ENTRY_DELAY = 5
    LATCHING_PERIMETER = 6
    LATCHING_NIGHT_INTERIOR = 7
    LATCHING_AWAY_INTERIOR = 8
    PANIC = 16
    POLICE_EMERGENCY = 17
    DURESS = 18
    TAMPER = 19
    LATCHING_TAMPER = 20
    FIRE = 32
    FIRE_EMERGENCY = 33
    GAS = 34
    AUXILIARY_EMERGENCY = 48
    TROUBLE = 49
    FREEZE = 54
    WATER = 55
    FIRE_TAMPER = 56
    AUXILIARY = 64
    KEYSWITCH = 65
    SHUNT_LOCK = 66
    EXIT_TERMINATOR = 67
    ENERGY_SAVER = 80
    OUTDOOR_TEMPERATURE = 81
    TEMPERATURE = 82
    TEMPERATURE_ALARM = 83
    HUMIDITY = 84
    EXTENDED_OUTDOOR_TEMPERATURE = 85
    EXTENDED_TEMPERATURE = 86
    EXTENDED_TEMPERATURE_ALARM = 87

    @property
    def info(self) -> ZoneTypeInfo:
        return ZONE_TYPES[self]


_EMERGENCY = {"emergency_24h": True}
ZONE_TYPES: dict[ZoneType, ZoneTypeInfo] = {
    ZoneType.ENTRY_EXIT: ZoneTypeInfo("Entry/exit", "door"),
    ZoneType.PERIMETER: ZoneTypeInfo("Perimeter", "window"),
    ZoneType.NIGHT_INTERIOR: ZoneTypeInfo("Night interior", "motion"),
    ZoneType.AWAY_INTERIOR: ZoneTypeInfo("Away interior", "motion"),
    ZoneType.DOUBLE_ENTRY_DELAY: ZoneTypeInfo("Double entry delay", "door"),
    ZoneType.QUADRUPLE_ENTRY_DELAY: ZoneTypeInfo("Quadruple entry delay", "door"),
    ZoneType.LATCHING_PERIMETER: ZoneTypeInfo("Latching perimeter", "window", latching=True),
    ZoneType.LATCHING_NIGHT_INTERIOR: ZoneTypeInfo(
        "Latching night interior", "motion", latching=True
    ),
    ZoneType.LATCHING_AWAY_INTERIOR: ZoneTypeInfo(
        "Latching away interior", "motion", latching=True
    ),
    ZoneType.PANIC: ZoneTypeInfo("Panic", "safety", **_EMERGENCY),
    ZoneType.POLICE_EMERGENCY: ZoneTypeInfo("Police emergency", "safety", **_EMERGENCY),
    ZoneType.DURESS: ZoneTypeInfo("Duress", "safety", **_EMERGENCY),
    ZoneType.TAMPER: ZoneTypeInfo("Tamper", "tamper"),
    ZoneType.LATCHING_TAMPER: ZoneTypeInfo("Latching tamper", "tamper", latching=True),
    ZoneType.FIRE: ZoneTypeInfo("Fire", "smoke", **_EMERGENCY),
    ZoneType.FIRE_EMERGENCY: ZoneTypeInfo("Fire emergency", "smoke", **_EMERGENCY),
    ZoneType.GAS: ZoneTypeInfo("Gas", "gas", **_EMERGENCY),
    ZoneType.AUXILIARY_EMERGENCY: ZoneTypeInfo("Auxiliary emergency", "safety", **_EMERGENCY),
    ZoneType.TROUBLE: ZoneTypeInfo("Trouble", "problem"),
    ZoneType.FREEZE: ZoneTypeInfo("Freeze", "cold", **_EMERGENCY),
    ZoneType.WATER: ZoneTypeInfo("Water", "moisture", **_EMERGENCY),
    ZoneType.FIRE_TAMPER: ZoneTypeInfo("Fire tamper", "tamper", **_EMERGENCY),
    ZoneType.AUXILIARY: ZoneTypeInfo("Auxiliary", None),
    ZoneType.KEYSWITCH: ZoneTypeInfo("Keyswitch input", None),
    ZoneType.SHUNT_LOCK: ZoneTypeInfo("Shunt lock", None),
    ZoneType.EXIT_TERMINATOR: ZoneTypeInfo("Exit terminator", "opening"),
    ZoneType.ENERGY_SAVER: ZoneTypeInfo("Energy saver module", "temperature", analog=True),
    ZoneType.OUTDOOR_TEMPERATURE: ZoneTypeInfo("Outdoor temperature", "temperature", analog=True),
    ZoneType.TEMPERATURE: ZoneTypeInfo("Temperature", "temperature", analog=True),
    ZoneType.TEMPERATURE_ALARM: ZoneTypeInfo("Temperature alarm", "temperature", analog=True),
    ZoneType.HUMIDITY: ZoneTypeInfo("Humidity", "humidity", analog=True),
    # 85-87: encoding unverified; treated like their standard-range counterparts.
    ZoneType.EXTENDED_OUTDOOR_TEMPERATURE: ZoneTypeInfo(
        "Extended-range outdoor temperature", "temperature", analog=True
    ),
    ZoneType.EXTENDED_TEMPERATURE: ZoneTypeInfo(
        "Extended-range temperature", "temperature", analog=True
    ),
    ZoneType.EXTENDED_TEMPERATURE_ALARM: ZoneTypeInfo(
        "Extended-range temperature alarm", "temperature", analog=True
    ),
}

_UNKNOWN_ZONE_TYPE = ZoneTypeInfo("Unknown", None)


def zone_type_info(zone_type: int) -> ZoneTypeInfo:
    """Table row for any zone-type byte; unknown bytes get a neutral row instead of an error."""
    try:
        return ZONE_TYPES[ZoneType(zone_type)]
    except ValueError:
        return _UNKNOWN_ZONE_TYPE


class ZoneCondition(IntEnum):
    SECURE = 0
    NOT_READY = 1
    TROUBLE = 2
    TAMPER = 3


class ZoneLatched(IntEnum):
    SECURE = 0
    TRIPPED = 1
    RESET = 2  # reset but previously tripped
    UNKNOWN_3 = 3


class ZoneArming(IntEnum):
    DISARMED = 0
    ARMED = 1
    BYPASSED_BY_USER = 2
    BYPASSED_BY_SYSTEM = 3


@dataclass(frozen=True, slots=True)
class ZoneStatus:
    """The zone status byte, split into its fields (§15.1)."""

    condition: ZoneCondition
    latched: ZoneLatched
    arming: ZoneArming
    trouble_unacknowledged: bool

    @classmethod
    def from_byte(cls, value: int) -> ZoneStatus:
        return cls(
            condition=ZoneCondition(value & 0x03),
            latched=ZoneLatched((value >> 2) & 0x03),
            arming=ZoneArming((value >> 4) & 0x03),
            trouble_unacknowledged=bool(value & 0x40),
        )

    def to_byte(self) -> int:
        return (
            self.condition
            | (self.latched << 2)
            | (self.arming << 4)
            | (0x40 if self.trouble_unacknowledged else 0)
        )

    @property
    def is_open(self) -> bool:
        return self.condition is not ZoneCondition.SECURE

    @property
    def is_bypassed(self) -> bool:
        return self.arming >= ZoneArming.BYPASSED_BY_USER
