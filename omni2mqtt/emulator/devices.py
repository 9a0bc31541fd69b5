"""The emulated panel's devices besides security objects: thermostats, messages, audio, locks,
user settings and expansion enclosures (see ``objects.py`` for the conventions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..protocol.messages.properties import (
    AccessReaderProperties,
    AudioSourceProperties,
    AudioZoneProperties,
    MessageProperties,
    ThermostatProperties,
    UserSettingProperties,
)
from ..protocol.records import (
    AccessLockRecord,
    AccessReaderRecord,
    AudioZoneRecord,
    ExpansionRecord,
    MessageRecord,
    ThermostatRecord,
    UserSettingRecord,
)
from ..protocol.thermostats import HeatCoolStatus, ThermostatMode, ThermostatStatus
from .objects import timer_value, with_record


@dataclass(eq=False)
class Thermostat:
    number: int
    name: str = ""
    thermostat_type: int = 0
    # An unconfigured thermostat reads "not communicating" with no temperature (spec 15.4).
    communicating: bool = False
    freeze_alarm: bool = False
    temperature: int = 0
    heat_setpoint: int = 0
    cool_setpoint: int = 0
    mode: int = ThermostatMode.OFF
    fan: int = 0
    hold: int = 0
    humidity: int = 0
    humidify_setpoint: int = 0
    dehumidify_setpoint: int = 0
    outdoor_temperature: int = 0

    @property
    def status(self) -> int:
        flags = ThermostatStatus.OK
        if not self.communicating:
            flags |= ThermostatStatus.COMMUNICATIONS_FAILURE
        if self.freeze_alarm:
            flags |= ThermostatStatus.FREEZE_ALARM
        return int(flags)

    @property
    def hc_status(self) -> int:
        """What the equipment would be doing, from mode, readings and setpoints."""
        bits = HeatCoolStatus.IDLE
        heat = self.mode in (
            ThermostatMode.HEAT,
            ThermostatMode.AUTO,
            ThermostatMode.EMERGENCY_HEAT,
        )
        cool = self.mode in (ThermostatMode.COOL, ThermostatMode.AUTO)
        if self.communicating and self.temperature:
            if heat and self.temperature < self.heat_setpoint:
                bits |= HeatCoolStatus.HEATING
            elif cool and self.temperature > self.cool_setpoint:
                bits |= HeatCoolStatus.COOLING
        if self.communicating and self.humidity:
            if self.humidify_setpoint and self.humidity < self.humidify_setpoint:
                bits |= HeatCoolStatus.HUMIDIFYING
            elif self.dehumidify_setpoint and self.humidity > self.dehumidify_setpoint:
                bits |= HeatCoolStatus.DEHUMIDIFYING
        return int(bits)

    def _fields(self) -> dict[str, int]:
        return {
            "status": self.status,
            "temperature": self.temperature,
            "heat_setpoint": self.heat_setpoint,
            "cool_setpoint": self.cool_setpoint,
            "mode": self.mode,
            "fan": self.fan,
            "hold": self.hold,
            "humidity": self.humidity,
            "humidify_setpoint": self.humidify_setpoint,
            "dehumidify_setpoint": self.dehumidify_setpoint,
            "outdoor_temperature": self.outdoor_temperature,
            "hc_status": self.hc_status,
        }

    def record(self) -> ThermostatRecord:
        return ThermostatRecord(number=self.number, **self._fields())

    def properties(self) -> ThermostatProperties:
        return with_record(
            ThermostatProperties,
            self.record(),
            name=self.name,
            thermostat_type=self.thermostat_type,
        )

    def snapshot(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.thermostat_type,
            "communicating": self.communicating,
            **self._fields(),
        }


@dataclass(eq=False)
class PanelMessage:
    number: int
    name: str = ""
    display: int = 0  # 0 off, 1 displayed, 2 displayed and not acknowledged

    def record(self) -> MessageRecord:
        return MessageRecord(number=self.number, display=self.display)

    def properties(self) -> MessageProperties:
        return MessageProperties(number=self.number, name=self.name)

    def snapshot(self) -> dict[str, Any]:
        return {"name": self.name, "display": self.display}


@dataclass(eq=False)
class AudioZone:
    number: int
    name: str = ""
    power: bool = False
    source: int = 1
    volume: int = 0
    mute: bool = False

    def record(self) -> AudioZoneRecord:
        return AudioZoneRecord(
            number=self.number,
            power=int(self.power),
            source=self.source,
            volume=self.volume,
            mute=int(self.mute),
        )

    def properties(self) -> AudioZoneProperties:
        return with_record(AudioZoneProperties, self.record(), name=self.name)

    def snapshot(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "power": self.power,
            "source": self.source,
            "volume": self.volume,
            "mute": self.mute,
        }


@dataclass(eq=False)
class Lock:
    """An access-control door: the lock (status) and its reader (Properties, status)."""

    number: int
    name: str = ""
    locked: bool = True
    unlock_remaining: float = 0.0  # 0 while unlocked = until locked again
    access: int = 0  # reader: 0 granted, 1 denied
    last_user: int = 0

    def record(self) -> AccessLockRecord:
        return AccessLockRecord(
            number=self.number,
            lock_state=0 if self.locked else 1,
            unlock_timer=timer_value(self.unlock_remaining),
        )

    def reader_record(self) -> AccessReaderRecord:
        return AccessReaderRecord(number=self.number, access=self.access, last_user=self.last_user)

    def properties(self) -> AccessReaderProperties:
        # The reader's Properties carry the lock's state and timer too (spec 13).
        return with_record(
            AccessReaderProperties,
            self.record(),
            name=self.name,
            access=self.access,
            last_user=self.last_user,
        )

    def snapshot(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "locked": self.locked,
            "unlock_timer": timer_value(self.unlock_remaining),
        }


@dataclass(eq=False)
class UserSetting:
    number: int
    name: str = ""
    setting_type: int = 0
    value: int = 0

    def record(self) -> UserSettingRecord:
        return UserSettingRecord(
            number=self.number, setting_type=self.setting_type, value=self.value
        )

    def properties(self) -> UserSettingProperties:
        return with_record(UserSettingProperties, self.record(), name=self.name)

    def snapshot(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.setting_type, "value": self.value}


@dataclass(eq=False)
class AudioSource:
    number: int
    name: str = ""

    def properties(self) -> AudioSourceProperties:
        return AudioSourceProperties(number=self.number, name=self.name)

    def snapshot(self) -> dict[str, Any]:
        return {"name": self.name}


@dataclass(eq=False)
class Expansion:
    """An expansion enclosure; none is installed in a scenario, so all read "not communicating"."""

    number: int
    name: str = ""
    communicating: bool = False
    battery: int = 0

    def record(self) -> ExpansionRecord:
        return ExpansionRecord(
            number=self.number, communicating=int(self.communicating), battery=self.battery
        )

    def snapshot(self) -> dict[str, Any]:
        return {"communicating": self.communicating, "battery": self.battery}
