"""Builders for the state-store tests: records, Properties-based object infos, a wired store."""

from __future__ import annotations

from omni2mqtt.panel.state import ObjectInfo, PanelInfo, PanelState, StateChange
from omni2mqtt.protocol.messages.properties import (
    AuxiliaryProperties,
    ThermostatProperties,
    UnitProperties,
    ZoneProperties,
)
from omni2mqtt.protocol.messages.system import SystemInformation
from omni2mqtt.protocol.objects import Model, ObjectType
from omni2mqtt.protocol.records import AreaRecord, UnitRecord, ZoneRecord
from omni2mqtt.protocol.temperature import TemperatureUnit
from omni2mqtt.protocol.zones import ZoneType

F, C = TemperatureUnit.FAHRENHEIT, TemperatureUnit.CELSIUS


def panel_info(unit: TemperatureUnit = F, model: int = Model.OMNI_PRO_II) -> PanelInfo:
    system = SystemInformation(model, 3, 2, 0)
    return PanelInfo.from_system_information(system, unit, {ObjectType.ZONE: 176})


def new_state(unit: TemperatureUnit = F) -> tuple[PanelState, list[StateChange]]:
    """A store with panel info set and a list that records every change event."""
    state = PanelState()
    state.set_info(panel_info(unit))
    changes: list[StateChange] = []
    state.subscribe(changes.append)
    return state, changes


def zone_info(number: int, zone_type: int, area: int = 1, name: str = "") -> ObjectInfo:
    body = ZoneProperties(
        number=number,
        name=name or f"Zone {number}",
        status=0,
        loop=0,
        zone_type=zone_type,
        area=area,
        options=0,
    )
    return ObjectInfo.from_properties(body)


def unit_info(number: int, unit_type: int, name: str = "") -> ObjectInfo:
    body = UnitProperties(
        number=number, name=name or f"Unit {number}", state=0, remaining=0, unit_type=unit_type
    )
    return ObjectInfo.from_properties(body)


def thermostat_info(number: int) -> ObjectInfo:
    body = ThermostatProperties(
        number=number,
        name=f"Stat {number}",
        status=0,
        temperature=0,
        heat_setpoint=0,
        cool_setpoint=0,
        mode=0,
        fan=0,
        hold=0,
        thermostat_type=1,
    )
    return ObjectInfo.from_properties(body)


def aux_info(number: int, sensor_type: int) -> ObjectInfo:
    body = AuxiliaryProperties(
        number=number,
        name=f"Aux {number}",
        output=0,
        value=0,
        low_setpoint=0,
        high_setpoint=0,
        sensor_type=sensor_type,
    )
    return ObjectInfo.from_properties(body)


def zone(
    number: int, condition: int = 0, latched: int = 0, arming: int = 0, loop: int = 0
) -> ZoneRecord:
    """A zone record from its status fields (spec 15.1 bit layout)."""
    return ZoneRecord(number=number, status=condition | latched << 2 | arming << 4, loop=loop)


def area(number: int, mode: int = 0, alarms: int = 0, entry: int = 0, exit: int = 0) -> AreaRecord:
    return AreaRecord(number=number, mode=mode, alarms=alarms, entry_timer=entry, exit_timer=exit)


def unit(number: int, state: int, remaining: int = 0) -> UnitRecord:
    return UnitRecord(number=number, state=state, remaining=remaining)


# A small house: area 1 with a door, a window and a fire zone; area 2 with a motion sensor.
HOUSE_ZONES = (
    zone_info(1, ZoneType.ENTRY_EXIT, 1, "Front door"),
    zone_info(2, ZoneType.PERIMETER, 1, "Kitchen window"),
    zone_info(3, ZoneType.FIRE, 1, "Smoke"),
    zone_info(4, ZoneType.AWAY_INTERIOR, 2, "Garage motion"),
    zone_info(5, ZoneType.LATCHING_PERIMETER, 1, "Skylight"),
    zone_info(6, ZoneType.TEMPERATURE, 1, "Attic temp"),
)


def house_state(unit: TemperatureUnit = F) -> tuple[PanelState, list[StateChange]]:
    """The small house with every zone secure and both areas disarmed; changes start empty."""
    state, changes = new_state(unit)
    state.set_objects(ObjectType.ZONE, HOUSE_ZONES)
    for info in HOUSE_ZONES:
        state.apply_record(ObjectType.ZONE, zone(info.number))
    for number in (1, 2):
        state.apply_record(ObjectType.AREA, area(number))
    changes.clear()
    return state, changes
