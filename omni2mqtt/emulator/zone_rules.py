"""How each zone type takes part in security (which modes arm it, entry delay, alarm type).

These are Omni panel rules the spec does not spell out as a table; they follow the HAI owner's
manual: perimeter zones are armed in every armed mode, night interior zones in Night, Night
delayed, Away and Vacation, away interior zones in Away and Vacation. Night and Day instant have
no entry delay (that is why Night delayed exists). 24-hour emergency zones alarm in any mode.
"""

from __future__ import annotations

from enum import Enum

from ..protocol.security import AlarmType, SecurityMode
from ..protocol.zones import ZoneType, zone_type_info


class ZoneRole(Enum):
    ENTRY = "entry"
    PERIMETER = "perimeter"
    NIGHT_INTERIOR = "night_interior"
    AWAY_INTERIOR = "away_interior"
    EMERGENCY = "emergency"  # 24-hour: alarms whatever the mode
    OTHER = "other"  # auxiliary, analog, keyswitch, tamper, trouble: no burglary role


_ROLES: dict[int, ZoneRole] = {
    ZoneType.ENTRY_EXIT: ZoneRole.ENTRY,
    ZoneType.DOUBLE_ENTRY_DELAY: ZoneRole.ENTRY,
    ZoneType.QUADRUPLE_ENTRY_DELAY: ZoneRole.ENTRY,
    ZoneType.PERIMETER: ZoneRole.PERIMETER,
    ZoneType.LATCHING_PERIMETER: ZoneRole.PERIMETER,
    ZoneType.NIGHT_INTERIOR: ZoneRole.NIGHT_INTERIOR,
    ZoneType.LATCHING_NIGHT_INTERIOR: ZoneRole.NIGHT_INTERIOR,
    ZoneType.AWAY_INTERIOR: ZoneRole.AWAY_INTERIOR,
    ZoneType.LATCHING_AWAY_INTERIOR: ZoneRole.AWAY_INTERIOR,
}

_ARMED_MODES: dict[ZoneRole, frozenset[SecurityMode]] = {
    ZoneRole.ENTRY: frozenset(SecurityMode) - {SecurityMode.OFF},
    ZoneRole.PERIMETER: frozenset(SecurityMode) - {SecurityMode.OFF},
    ZoneRole.NIGHT_INTERIOR: frozenset(
        {
            SecurityMode.NIGHT,
            SecurityMode.NIGHT_DELAYED,
            SecurityMode.AWAY,
            SecurityMode.VACATION,
        }
    ),
    ZoneRole.AWAY_INTERIOR: frozenset({SecurityMode.AWAY, SecurityMode.VACATION}),
}

# Modes in which an entry zone alarms at once instead of starting the entry delay.
INSTANT_MODES = frozenset({SecurityMode.NIGHT, SecurityMode.DAY_INSTANT})

_ENTRY_MULTIPLIER: dict[int, int] = {
    ZoneType.DOUBLE_ENTRY_DELAY: 2,
    ZoneType.QUADRUPLE_ENTRY_DELAY: 4,
}

_EMERGENCY_ALARMS: dict[int, AlarmType] = {
    ZoneType.PANIC: AlarmType.BURGLARY,
    ZoneType.POLICE_EMERGENCY: AlarmType.BURGLARY,
    ZoneType.DURESS: AlarmType.DURESS,
    ZoneType.FIRE: AlarmType.FIRE,
    ZoneType.FIRE_EMERGENCY: AlarmType.FIRE,
    ZoneType.FIRE_TAMPER: AlarmType.FIRE,
    ZoneType.GAS: AlarmType.GAS,
    ZoneType.AUXILIARY_EMERGENCY: AlarmType.AUXILIARY,
    ZoneType.FREEZE: AlarmType.FREEZE,
    ZoneType.WATER: AlarmType.WATER,
}

# Fire zones cannot be bypassed on an Omni (life safety).
_NOT_BYPASSABLE = frozenset({ZoneType.FIRE, ZoneType.FIRE_EMERGENCY, ZoneType.FIRE_TAMPER})

# Temperature-alarm zones alarm when their reading leaves the low/high setpoint band.
TEMPERATURE_ALARM_TYPES = frozenset(
    {ZoneType.TEMPERATURE_ALARM, ZoneType.EXTENDED_TEMPERATURE_ALARM}
)


def zone_role(zone_type: int) -> ZoneRole:
    if zone_type in _EMERGENCY_ALARMS or zone_type_info(zone_type).emergency_24h:
        return ZoneRole.EMERGENCY
    return _ROLES.get(zone_type, ZoneRole.OTHER)


def is_burglary(zone_type: int) -> bool:
    return zone_type in _ROLES


def armed_in(zone_type: int, mode: SecurityMode) -> bool:
    """Whether a burglary zone of this type is armed in ``mode``."""
    role = _ROLES.get(zone_type)
    return role is not None and mode in _ARMED_MODES[role]


def entry_multiplier(zone_type: int) -> int:
    return _ENTRY_MULTIPLIER.get(zone_type, 1)


def emergency_alarm(zone_type: int) -> AlarmType:
    """The alarm a 24-hour zone raises (fire -> FIRE, water -> WATER, ...)."""
    return _EMERGENCY_ALARMS.get(zone_type, AlarmType.AUXILIARY)


def bypassable(zone_type: int) -> bool:
    return zone_type not in _NOT_BYPASSABLE and not zone_type_info(zone_type).analog


def reports_ready(zone_type: int) -> bool:
    """ZoneReadyStatus covers burglary and 24-hour zones; auxiliary and analog zones read secure
    (spec 17). Everything below the auxiliary type (64) is a security zone."""
    return zone_type < ZoneType.AUXILIARY


def latches(zone_type: int) -> bool:
    """Types whose latched-alarm bits keep "reset but previously tripped" after a disarm."""
    info = zone_type_info(zone_type)
    return info.latching or info.emergency_24h
