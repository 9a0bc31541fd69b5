"""Per-object field groups (spec §13, §14) with their typed views.

Status records (``records.py``) and Properties bodies (``messages/properties.py``) carry the same
fields for an object type in the same order; each group declares that layout once
(``layouts.layout``) with the views over it, and both build on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .enumutil import EnumView
from .layouts import Layout, layout
from .security import AreaAlarms, SecurityMode, ha_alarm_state, split_area_mode
from .system_tables import UserSettingType
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
from .zones import ZoneStatus


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

    system_mode = EnumView(ThermostatMode, "mode")

    fan_mode = EnumView(FanMode, "fan")

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

    kind = EnumView(UserSettingType, "setting_type")


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
