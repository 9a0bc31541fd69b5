"""The emulator's state model: objects built from a scenario, records, journal, event log."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from omni2mqtt.emulator.journal import EventLog, Journal
from omni2mqtt.emulator.model import PanelModel
from omni2mqtt.emulator.objects import timer_value
from omni2mqtt.emulator.scenario import load_scenario, parse_scenario
from omni2mqtt.protocol.capacities import EVENT_LOG_SIZE
from omni2mqtt.protocol.events import ButtonExecuted, encode_event
from omni2mqtt.protocol.messages.eventlog import EventLogType
from omni2mqtt.protocol.messages.properties import (
    AccessReaderProperties,
    AreaProperties,
    AuxiliaryProperties,
    UnitProperties,
    ZoneProperties,
)
from omni2mqtt.protocol.objects import ObjectType
from omni2mqtt.protocol.records import AuxiliaryRecord, ThermostatRecord, ZoneRecord
from omni2mqtt.protocol.security import Authority, SecurityMode
from omni2mqtt.protocol.thermostats import HeatCoolStatus
from omni2mqtt.protocol.units import UnitType
from omni2mqtt.protocol.zones import ZoneArming, ZoneCondition, ZoneLatched, ZoneStatus, ZoneType

from .panel_helpers import NOW, demo_panel


@pytest.fixture
def model() -> PanelModel:
    return PanelModel(load_scenario("demo"))


def test_objects_come_from_the_scenario(model: PanelModel) -> None:
    house = model.areas.peek(1)
    assert (house.name, house.configured, house.exit_delay, house.entry_delay) == (
        "HOUSE",
        True,
        30,
        20,
    )
    garage_door = model.zones.peek(16)
    assert garage_door.zone_type == ZoneType.ENTRY_EXIT
    assert garage_door.area is model.areas.peek(2)
    assert model.units.peek(2).state == 150
    assert model.units.peek(7).areas == 0x40
    master = model.codes.peek(1)
    assert (master.authority, master.areas) == (Authority.MASTER, frozenset({1, 2}))
    assert [s.command for s in model.buttons.peek(1).macro] == [1, 1, 1, 1]
    assert model.thermostats.peek(1).communicating
    assert model.locks.peek(1).locked
    assert sorted(model.programs) == [1, 2, 3, 10, 11, 20]
    assert model.programs[1] == bytes.fromhex("0100038100093c000200003e061e")


def test_unconfigured_numbers_read_as_defaults_without_being_stored(model: PanelModel) -> None:
    assert 100 not in model.zones.stored
    zone = model.zones.peek(100)
    assert zone.zone_type == ZoneType.AUXILIARY
    assert model.zones.peek(100) is not zone
    assert 100 not in model.zones.stored
    assert model.zones.obtain(100) is model.zones.obtain(100)
    assert 100 in model.zones.stored
    # An unconfigured thermostat reads "not communicating" (status bit 0 = failure).
    record = model.record(ObjectType.THERMOSTAT, 40)
    assert isinstance(record, ThermostatRecord)
    assert (record.status, record.temperature, record.communicating) == (1, 0, False)
    # Omni Pro II unit map for unconfigured units.
    assert model.units.peek(300).unit_type == UnitType.OUTPUT
    assert model.units.peek(450).unit_type == UnitType.FLAG
    assert model.units.peek(20).unit_type == UnitType.STANDARD


def test_numbers_beyond_capacity_do_not_exist(model: PanelModel) -> None:
    assert 176 in model.zones
    assert 177 not in model.zones
    assert 0 not in model.zones
    with pytest.raises(KeyError):
        model.zones.peek(177)
    assert model.capacity(ObjectType.ZONE) == 176
    assert model.capacity(99) == 0
    assert model.record(ObjectType.BUTTON, 1) is None
    assert model.properties(ObjectType.EXPANSION, 1) is None


def test_zone_status_byte_combines_condition_latch_and_arming(model: PanelModel) -> None:
    zone = model.zones.obtain(3)  # perimeter, area 1
    zone.condition, zone.latched = ZoneCondition.NOT_READY, ZoneLatched.RESET
    assert zone.status == 0x09
    model.areas.peek(1).mode = SecurityMode.DAY
    assert ZoneStatus.from_byte(zone.status).arming is ZoneArming.ARMED
    model.areas.peek(1).arming = True  # exit delay running: not armed yet
    assert ZoneStatus.from_byte(zone.status).arming is ZoneArming.DISARMED
    zone.bypassed = True
    assert ZoneStatus.from_byte(zone.status).arming is ZoneArming.BYPASSED_BY_USER
    # An away interior zone is not armed in Day.
    model.areas.peek(1).arming = False
    assert model.zones.peek(7).arming is ZoneArming.DISARMED


def test_analog_zones_have_an_auxiliary_object(model: PanelModel) -> None:
    aux = model.record(ObjectType.AUXILIARY, 20)
    assert aux == AuxiliaryRecord(
        number=20, output=0, value=101, low_setpoint=90, high_setpoint=115
    )
    assert model.name(ObjectType.AUXILIARY, 20) == "WINE CELLAR"
    # A non-analog zone's auxiliary object is unnamed and reads zero.
    assert model.name(ObjectType.AUXILIARY, 1) == ""
    assert model.record(ObjectType.AUXILIARY, 1) == AuxiliaryRecord(
        number=1, output=0, value=0, low_setpoint=0, high_setpoint=0
    )
    assert model.record(ObjectType.ZONE, 20) == ZoneRecord(number=20, status=0, loop=101)


def test_thermostat_heat_cool_status_follows_mode_and_readings(model: PanelModel) -> None:
    downstairs = model.thermostats.obtain(1)  # auto, 122 between setpoints 120 / 129
    assert downstairs.hc_status == 0
    downstairs.temperature = 110
    assert downstairs.hc_status == HeatCoolStatus.HEATING
    downstairs.temperature = 140
    assert downstairs.hc_status == HeatCoolStatus.COOLING
    downstairs.humidity = 70  # below the humidify setpoint 83
    assert downstairs.hc_status == HeatCoolStatus.COOLING | HeatCoolStatus.HUMIDIFYING
    downstairs.communicating = False
    assert downstairs.hc_status == 0
    assert downstairs.status == 1


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0.0, 0), (1e-9, 0), (0.2, 1), (1.0, 1), (29.5, 30), (30.0, 30)]
)
def test_timers_show_whole_seconds_rounded_up(seconds: float, shown: int) -> None:
    assert timer_value(seconds) == shown


def test_programs_load_from_record_or_json() -> None:
    scenario = parse_scenario(
        """
programs:
  - {slot: 5, record: "05 0000 0000 00 00 0000 04 07 00 00 00"}
  - slot: 6
    program: {type: then, action: {command: unit_off, p2: 12}}
  - {slot: 7, record: "00000000000000000000000000 00"}
"""
    )
    model = PanelModel(scenario)
    assert model.programs == {
        5: bytes.fromhex("0500000000000000000407000000"),
        6: bytes.fromhex("0a 0000 0000 00 00 000c 00 00 00 00 00"),
    }


def test_snapshot_is_json_and_keeps_codes_secret() -> None:
    panel = demo_panel()
    snapshot = panel.snapshot()
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert snapshot["areas"]["1"]["state"] == "disarmed"
    assert snapshot["zones"]["19"]["loop"] == 100
    assert snapshot["auxiliaries"]["21"]["value"] == 100
    assert snapshot["units"]["2"] == {
        "name": "HALL LIGHT",
        "type": UnitType.UPB,
        "state": 150,
        "on": True,
        "remaining": 0,
    }
    assert snapshot["codes"]["1"] == {"name": "MASTER", "authority": 1, "areas": [1, 2]}
    text = json.dumps(snapshot) + repr(panel.codes.peek(1))
    for secret in ("1234", "2468", "1357", "9999"):
        assert secret not in text


# --- journal -------------------------------------------------------------------------------


def test_journal_reports_each_really_changed_object_once(model: PanelModel) -> None:
    journal = Journal(model.record)
    journal.touch(ObjectType.UNIT, 1)
    journal.touch(ObjectType.UNIT, 2)
    model.units.obtain(1).state = 1
    journal.touch(ObjectType.UNIT, 1)  # a second touch keeps the first "before"
    model.units.obtain(1).state = 100 + 50
    journal.event(ButtonExecuted(3))
    words, changed = journal.collect()
    assert words == [encode_event(ButtonExecuted(3))]
    assert [(kind, record.number) for kind, record in changed] == [(ObjectType.UNIT, 1)]
    assert journal.collect() == ([], [])


# --- event log -----------------------------------------------------------------------------


def test_event_log_reads_in_both_directions() -> None:
    log = EventLog(lambda: NOW)
    assert log.read(0, -1) is None
    for area in (1, 2, 3):
        log.add(EventLogType.SECURITY_AWAY, 1, area)
    newest = log.read(0, -1)
    oldest = log.read(0, 1)
    assert newest is not None and oldest is not None
    assert (newest.number, newest.p2, oldest.number) == (3, 3, 1)
    assert (newest.month, newest.day, newest.hour, newest.minute) == (5, 6, 7, 8)
    assert [log.read(2, d).number for d in (-1, 0, 1)] == [1, 2, 3]  # type: ignore[union-attr]
    assert log.read(3, 1) is None
    assert log.read(1, -1) is None
    assert log.read(9, 0) is None
    assert log.read(0, 0) is None


def test_event_log_keeps_the_newest_entries_and_rolls_over_to_1() -> None:
    log = EventLog(lambda: datetime(2024, 1, 1))
    log._next = 0xFFFF - 1
    numbers = [log.add(EventLogType.SYSTEM_RESET).number for _ in range(4)]
    assert numbers == [0xFFFE, 0xFFFF, 1, 2]
    # Walking forward crosses the roll-over in log order.
    assert log.read(0xFFFF, 1).number == 1  # type: ignore[union-attr]
    for _ in range(EVENT_LOG_SIZE):
        log.add(EventLogType.SYSTEM_RESET)
    entries = log.entries()
    assert len(entries) == EVENT_LOG_SIZE
    assert entries[-1].number == 2 + EVENT_LOG_SIZE


def test_properties_bodies(model: PanelModel) -> None:
    assert model.properties(ObjectType.AREA, 2) == AreaProperties(
        number=2,
        name="GARAGE",
        mode=0,
        alarms=0,
        entry_timer=0,
        exit_timer=0,
        enabled=1,
        exit_delay=20,
        entry_delay=15,
    )
    assert model.properties(ObjectType.AREA, 5).enabled == 0  # type: ignore[union-attr]
    zone = model.properties(ObjectType.ZONE, 16)
    assert isinstance(zone, ZoneProperties)
    assert (zone.name, zone.zone_type, zone.area, zone.status) == ("GARAGE DOOR", 0, 2, 0)
    unit = model.properties(ObjectType.UNIT, 7)
    assert isinstance(unit, UnitProperties)
    assert (unit.state, unit.unit_type, unit.area) == (0, UnitType.STANDARD, 0x40)
    model.locks.obtain(2).locked = False
    reader = model.properties(ObjectType.ACCESS_READER, 2)
    assert isinstance(reader, AccessReaderProperties)
    assert (reader.name, reader.lock_state, reader.access) == ("GARAGE LOCK", 1, 0)
    aux = model.properties(ObjectType.AUXILIARY, 21)
    assert isinstance(aux, AuxiliaryProperties)
    assert (aux.sensor_type, aux.value) == (ZoneType.HUMIDITY, 100)
