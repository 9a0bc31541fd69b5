"""Thermostat enumerations and bit fields (spec §13, §15.4)."""

from __future__ import annotations

from enum import IntEnum, IntFlag


class ThermostatMode(IntEnum):
    OFF = 0
    HEAT = 1
    COOL = 2
    AUTO = 3
    EMERGENCY_HEAT = 4  # 4, never 5 (spec pitfall 24)


class FanMode(IntEnum):
    AUTO = 0
    ON = 1
    CYCLE = 2


class HoldMode(IntEnum):
    OFF = 0
    HOLD = 1
    VACATION = 2

    @classmethod
    def from_byte(cls, value: int) -> HoldMode:
        """Any other non-zero value (e.g. 0xFF from older firmware) means hold."""
        if value in (0, 1, 2):
            return cls(value)
        return cls.HOLD


class ThermostatType(IntEnum):
    NOT_USED = 0
    AUTO_HEAT_COOL = 1
    HEAT_COOL = 2
    HEAT_ONLY = 3
    COOL_ONLY = 4
    SETPOINT_ONLY = 5


class ThermostatStatus(IntFlag):
    """The thermostat status byte. Bit 0 set means communications FAILURE (pitfall 15)."""

    OK = 0
    COMMUNICATIONS_FAILURE = 0x01
    FREEZE_ALARM = 0x02


class HeatCoolStatus(IntFlag):
    """What the equipment is doing right now (extended status H/C byte)."""

    IDLE = 0
    HEATING = 0x01
    COOLING = 0x02
    HUMIDIFYING = 0x04
    DEHUMIDIFYING = 0x08


def hvac_action(status: int, mode: int) -> str:
    """Home Assistant's hvac_action for an H/C status byte and system mode."""
    if status & HeatCoolStatus.HEATING:
        return "heating"
    if status & HeatCoolStatus.COOLING:
        return "cooling"
    if status & HeatCoolStatus.DEHUMIDIFYING:
        return "drying"
    return "off" if mode == ThermostatMode.OFF else "idle"
