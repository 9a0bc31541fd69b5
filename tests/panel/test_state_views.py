"""Derived values of the state store's views (spec 15): zones, units, areas, thermostats, aux."""

from __future__ import annotations

import json

import pytest

from omni2mqtt.panel.state import ObjectInfo, PanelState
from omni2mqtt.panel.views import (
    AreaView,
    AuxiliaryView,
    LockView,
    ThermostatView,
    UnitView,
    ZoneView,
)
from omni2mqtt.protocol.messages.properties import AccessReaderProperties
from omni2mqtt.protocol.objects import Model, ObjectType
from omni2mqtt.protocol.records import (
    AccessLockRecord,
    AuxiliaryRecord,
    ThermostatRecord,
    ZoneRecord,
)
from omni2mqtt.protocol.temperature import TemperatureUnit
from omni2mqtt.protocol.units import UnitType
from omni2mqtt.protocol.zones import ZoneType

from .state_helpers import (
    C,
    F,
    area,
    aux_info,
    house_state,
    new_state,
    panel_info,
    thermostat_info,
    unit,
    unit_info,
    zone,
    zone_info,
)

Z, U, A, T = ObjectType.ZONE, ObjectType.UNIT, ObjectType.AREA, ObjectType.THERMOSTAT


def zone_view(state_zone: tuple[int, int], record_kwargs: dict[str, int]) -> ZoneView:
    number, zone_type = state_zone
    state, _ = new_state()
    state.set_objects(Z, [zone_info(number, zone_type)])
    state.apply_record(Z, zone(number, **record_kwargs))
    view = state.view(Z, number)
    assert isinstance(view, ZoneView)
    return view


# --- zones -------------------------------------------------------------------------------------


def test_zone_status_fields() -> None:
    view = zone_view((7, ZoneType.PERIMETER), {"condition": 2, "arming": 3})
    assert (view.name, view.zone_type, view.zone_type_name, view.area) == (
        "Zone 7",
        1,
        "Perimeter",
        1,
    )
    assert (view.open, view.condition, view.trouble, view.bypassed) == (True, "trouble", True, True)
    assert (view.arming, view.latched, view.alarm, view.analog, view.value) == (
        "bypassed_by_system",
        "secure",
        False,
        False,
        None,
    )
    assert zone_view((7, ZoneType.PERIMETER), {"condition": 3}).condition == "tamper"
    state, _ = new_state()
    state.apply_record(Z, ZoneRecord(number=7, status=0x40, loop=0))
    unacked = state.view(Z, 7)
    assert isinstance(unacked, ZoneView)
    assert (unacked.trouble_unacknowledged, unacked.trouble, unacked.open) == (True, False, False)


def test_latching_zone_alarm_stays_after_restore_until_reset() -> None:
    state, _ = house_state()
    state.apply_record(Z, zone(5, condition=1, latched=1))
    tripped = state.view(Z, 5)
    assert isinstance(tripped, ZoneView) and tripped.alarm and tripped.open
    state.apply_record(Z, zone(5, condition=0, latched=1))
    restored = state.view(Z, 5)
    assert isinstance(restored, ZoneView)
    assert (restored.open, restored.latched, restored.alarm) == (False, "tripped", True)
    state.apply_record(Z, zone(5, condition=0, latched=2))
    reset = state.view(Z, 5)
    assert isinstance(reset, ZoneView)
    assert (reset.latched, reset.alarm) == ("reset", False)


def test_alarm_is_only_for_latching_and_24h_types() -> None:
    assert zone_view((1, ZoneType.PERIMETER), {"latched": 1}).alarm is False
    assert zone_view((1, ZoneType.FIRE), {"latched": 1}).alarm is True
    assert zone_view((1, ZoneType.WATER), {"latched": 1}).alarm is True
    assert zone_view((1, ZoneType.LATCHING_TAMPER), {"latched": 3}).latched == "unknown"


@pytest.mark.parametrize(
    ("zone_type", "unit", "loop", "value"),
    [
        (ZoneType.TEMPERATURE, F, 120, 68.0),
        (ZoneType.TEMPERATURE, C, 120, 20.0),
        (ZoneType.OUTDOOR_TEMPERATURE, C, 81, 0.5),
        (ZoneType.EXTENDED_TEMPERATURE, F, 80, 32.0),
        (ZoneType.HUMIDITY, F, 89, 40),
        (ZoneType.HUMIDITY, C, 156, 100),
        (ZoneType.TEMPERATURE, F, 0, None),  # no reading
        (ZoneType.PERIMETER, F, 120, None),  # not analog: the loop is not a value
    ],
)
def test_analog_zone_values(
    zone_type: int, unit: TemperatureUnit, loop: int, value: float | None
) -> None:
    state, _ = new_state(unit)
    state.set_objects(Z, [zone_info(9, zone_type)])
    state.apply_record(Z, zone(9, loop=loop))
    view = state.view(Z, 9)
    assert isinstance(view, ZoneView)
    assert (view.value, view.raw_loop) == (value, loop)
    assert view.analog is (zone_type >= ZoneType.ENERGY_SAVER)


def test_unnamed_zone_is_kept_with_an_empty_name() -> None:
    state, changes = new_state()
    state.apply_record(Z, zone(42, condition=1))
    view = state.view(Z, 42)
    assert isinstance(view, ZoneView)
    assert (view.name, view.zone_type, view.area, view.open) == ("", None, None, True)
    assert len(changes) == 1


# --- units -------------------------------------------------------------------------------------


def unit_view(state: PanelState, number: int) -> UnitView:
    view = state.view(U, number)
    assert isinstance(view, UnitView)
    return view


def test_unit_states() -> None:
    state, _ = new_state()
    state.set_objects(U, [unit_info(1, UnitType.UPB), unit_info(2, UnitType.FLAG)])
    state.apply_record(U, unit(1, 150, remaining=30))
    view = unit_view(state, 1)
    assert (view.on, view.level, view.state, view.remaining, view.value) == (
        True,
        50,
        "level",
        30,
        150,
    )
    state.apply_record(U, unit(1, 3))
    assert (unit_view(state, 1).state, unit_view(state, 1).scene) == ("scene", "B")
    state.apply_record(U, unit(1, 19))
    assert (unit_view(state, 1).state, unit_view(state, 1).level) == ("dim", 50)
    state.apply_record(U, unit(1, 100))
    assert (unit_view(state, 1).on, unit_view(state, 1).level) == (False, 0)
    # A flag holds a number: 150 is "on" with value 150, never a level.
    state.apply_record(U, unit(2, 150))
    flag = unit_view(state, 2)
    assert (flag.is_flag, flag.on, flag.state, flag.level, flag.value) == (
        True,
        True,
        "on",
        None,
        150,
    )
    state.apply_record(U, unit(2, 0))
    assert (unit_view(state, 2).on, unit_view(state, 2).state) == (False, "off")


def test_unit_on_without_a_known_level() -> None:
    state, _ = new_state()
    state.apply_record(U, unit(8, 1))
    view = unit_view(state, 8)
    assert (view.on, view.level, view.state, view.name, view.unit_type) == (
        True,
        None,
        "on",
        "",
        None,
    )


# --- areas -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("record_kwargs", "ha_state", "mode", "mode_name", "arming"),
    [
        ({"mode": 0}, "disarmed", 0, "Off", False),
        ({"mode": 1}, "armed_home", 1, "Day", False),
        ({"mode": 2}, "armed_night", 2, "Night", False),
        ({"mode": 3}, "armed_away", 3, "Away", False),
        ({"mode": 4}, "armed_vacation", 4, "Vacation", False),
        ({"mode": 6}, "armed_night", 6, "Night delayed", False),
        ({"mode": 11, "exit": 60}, "arming", 3, "Arming Away", True),
        ({"mode": 3, "exit": 5}, "arming", 3, "Away", True),
        ({"mode": 3, "entry": 30}, "pending", 3, "Away", False),
        ({"mode": 3, "entry": 30, "alarms": 1}, "triggered", 3, "Away", False),
        ({"mode": 0, "alarms": 0x02}, "triggered", 0, "Off", False),
        ({"mode": 7}, "armed_custom_bypass", None, "Unknown mode 7", False),
    ],
)
def test_area_states(
    record_kwargs: dict[str, int], ha_state: str, mode: int | None, mode_name: str, arming: bool
) -> None:
    state, _ = new_state()
    state.apply_record(A, area(1, **record_kwargs))
    view = state.view(A, 1)
    assert isinstance(view, AreaView)
    assert (view.ha_state, view.mode, view.mode_name, view.arming) == (
        ha_state,
        mode,
        mode_name,
        arming,
    )


def test_area_alarms_and_timers_and_lumina_names() -> None:
    state, changes = new_state()
    state.apply_record(A, area(1, mode=9, alarms=0x03, entry=10, exit=20))
    view = state.view(A, 1)
    assert isinstance(view, AreaView)
    assert (view.alarms, view.entry_timer, view.exit_timer) == (("burglary", "fire"), 10, 20)
    assert view.to_dict()["alarms"] == ["burglary", "fire"]
    state.set_info(panel_info(model=Model.LUMINA))
    lumina = state.view(A, 1)
    assert isinstance(lumina, AreaView) and lumina.mode_name == "Setting Home"
    assert changes[-1].new == lumina


# --- thermostats -------------------------------------------------------------------------------


def stat(**fields: int) -> ThermostatRecord:
    base = {
        "status": 0,
        "temperature": 140,
        "heat_setpoint": 130,
        "cool_setpoint": 150,
        "mode": 3,
        "fan": 2,
        "hold": 0xFF,
        "humidity": 89,
        "humidify_setpoint": 0,
        "dehumidify_setpoint": 106,
        "outdoor_temperature": 0,
        "hc_status": 0x02,
    }
    return ThermostatRecord(number=1, **{**base, **fields})


def test_thermostat_in_fahrenheit_and_celsius() -> None:
    state, _ = new_state()
    state.set_objects(T, [thermostat_info(1)])
    state.apply_record(T, stat())
    view = state.view(T, 1)
    assert isinstance(view, ThermostatView)
    assert (view.name, view.thermostat_type, view.communicating, view.freeze_alarm) == (
        "Stat 1",
        1,
        True,
        False,
    )
    assert (view.temperature, view.heat_setpoint, view.cool_setpoint) == (86.0, 77.0, 95.0)
    assert (view.outdoor_temperature, view.humidity) == (None, 40)
    assert (view.humidify_setpoint, view.dehumidify_setpoint) == (None, 55)
    assert (view.mode, view.fan, view.hold, view.hvac_action) == (
        "auto",
        "cycle",
        "hold",
        "cooling",
    )
    state.set_info(panel_info(C))
    celsius = state.view(T, 1)
    assert isinstance(celsius, ThermostatView)
    assert (celsius.temperature, celsius.heat_setpoint, celsius.cool_setpoint) == (30.0, 25.0, 35.0)


def test_thermostat_no_reading_and_basic_record() -> None:
    state, _ = new_state()
    state.apply_record(T, stat(status=0x03, temperature=0, heat_setpoint=0, mode=4, fan=9))
    view = state.view(T, 1)
    assert isinstance(view, ThermostatView)
    assert (view.temperature, view.heat_setpoint, view.communicating, view.freeze_alarm) == (
        None,
        None,
        False,
        True,
    )
    assert (view.mode, view.fan) == ("emergency_heat", "unknown")
    basic = ThermostatRecord(
        number=2, status=0, temperature=120, heat_setpoint=0, cool_setpoint=0, mode=0, fan=0, hold=0
    )
    state.apply_record(T, basic)
    view = state.view(T, 2)
    assert isinstance(view, ThermostatView)
    assert (view.temperature, view.humidity, view.hvac_action, view.hold) == (
        68.0,
        None,
        None,
        "off",
    )


# --- auxiliary sensors and locks -------------------------------------------------------------


def test_auxiliary_temperature_and_humidity() -> None:
    state, _ = new_state(C)
    state.set_objects(ObjectType.AUXILIARY, [aux_info(1, 82), aux_info(2, 84)])
    for number in (1, 2, 3):
        record = AuxiliaryRecord(
            number=number, output=1, value=120, low_setpoint=0, high_setpoint=100
        )
        state.apply_record(ObjectType.AUXILIARY, record)
    temp, hum, unnamed = (state.view(ObjectType.AUXILIARY, n) for n in (1, 2, 3))
    assert isinstance(temp, AuxiliaryView) and isinstance(hum, AuxiliaryView)
    assert (temp.kind, temp.value, temp.low_setpoint, temp.high_setpoint) == (
        "temperature",
        20.0,
        None,
        10.0,
    )
    assert (hum.kind, hum.value, hum.high_setpoint, hum.energised) == ("humidity", 68, 50, True)
    assert isinstance(unnamed, AuxiliaryView) and unnamed.kind == "temperature"


def test_lock_takes_its_readers_name() -> None:
    state, _ = new_state()
    reader = AccessReaderProperties(
        number=1, name="Back door", lock_state=0, unlock_timer=0, access=0, last_user=0
    )
    state.apply_record(
        ObjectType.ACCESS_LOCK, AccessLockRecord(number=1, lock_state=1, unlock_timer=9)
    )
    state.set_objects(ObjectType.ACCESS_READER, [ObjectInfo.from_properties(reader)])
    view = state.view(ObjectType.ACCESS_LOCK, 1)
    assert view == LockView(number=1, name="Back door", locked=False, unlock_timer=9)


def test_views_serialise_to_json() -> None:
    state, _ = house_state()
    state.apply_record(T, stat())
    for kind in (Z, A, T):
        for view in state.views(kind):
            assert json.loads(json.dumps(view.to_dict())) == view.to_dict()
    system = state.system_view().to_dict()
    assert system["troubles"] == [] and system["ac_power_ok"] is None
