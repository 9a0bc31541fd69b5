"""The live state store: change events, readiness, push words, troubles, refreshes, snapshots."""

from __future__ import annotations

from dataclasses import replace

import pytest

from omni2mqtt.panel.state import ObjectInfo, PanelState, StateChange
from omni2mqtt.panel.views import AreaView, ButtonView, RawView, SystemView, UnitView, ZoneView
from omni2mqtt.protocol.commands import EnergyCost as EnergyCostLevel
from omni2mqtt.protocol.events import (
    AcPower,
    AlarmActivated,
    Battery,
    ButtonExecuted,
    Communicator,
    EnergyCost,
    Event,
    PhoneLine,
    PhoneLineState,
    SecurityModeChanged,
    UnitStateChanged,
    ZoneStateChanged,
)
from omni2mqtt.protocol.messages.notifications import SystemEvents
from omni2mqtt.protocol.messages.properties import ButtonProperties
from omni2mqtt.protocol.messages.status import ExtendedStatus, Status
from omni2mqtt.protocol.messages.system import SystemFormats, SystemStatus, SystemTroubles
from omni2mqtt.protocol.objects import ObjectType
from omni2mqtt.protocol.records import RawRecord, UnitRecord
from omni2mqtt.protocol.security import SecurityMode
from omni2mqtt.protocol.units import UnitType

from .state_helpers import (
    C,
    area,
    house_state,
    new_state,
    unit,
    unit_info,
    zone,
    zone_info,
)

Z, U, A = ObjectType.ZONE, ObjectType.UNIT, ObjectType.AREA


def events(*items: Event) -> SystemEvents:
    return SystemEvents.from_events(items)


def area_view(state: PanelState, number: int = 1) -> AreaView:
    view = state.view(A, number)
    assert isinstance(view, AreaView)
    return view


def button(number: int, name: str) -> ObjectInfo:
    return ObjectInfo.from_properties(ButtonProperties(number=number, name=name))


def kinds(changes: list[StateChange]) -> list[tuple[ObjectType | None, int]]:
    return [(change.object_type, change.number) for change in changes]


# --- change events -----------------------------------------------------------------------------


def test_change_fires_once_per_real_change_and_never_for_an_identical_record() -> None:
    state, changes = house_state()
    state.apply_record(Z, zone(3, condition=1))
    state.apply_record(Z, zone(3, condition=1))
    state.apply_message(ExtendedStatus.of(Z, (zone(3, condition=1),)))
    assert kinds(changes) == [(Z, 3)]
    old, new = changes[0].old, changes[0].new
    assert isinstance(old, ZoneView) and isinstance(new, ZoneView)
    assert (old.open, new.open, new.name) == (False, True, "Smoke")


def test_a_record_change_the_view_does_not_show_fires_nothing() -> None:
    state, changes = new_state()
    state.apply_record(U, unit(1, 1))
    state.apply_record(U, UnitRecord(number=1, state=1, remaining=0, power=40))
    assert len(changes) == 1 and state.record(U, 1) == UnitRecord(
        number=1, state=1, remaining=0, power=40
    )


def test_first_record_reports_old_none_and_unsubscribe_stops_events() -> None:
    state = PanelState()
    seen: list[StateChange] = []
    unsubscribe = state.subscribe(seen.append)
    state.apply_record(A, area(1))
    assert seen[0].old is None and isinstance(seen[0].new, AreaView)
    unsubscribe()
    unsubscribe()  # idempotent
    state.apply_record(A, area(1, mode=3))
    assert len(seen) == 1


def test_a_failing_subscriber_does_not_stop_the_others(caplog: pytest.LogCaptureFixture) -> None:
    state, changes = new_state()

    def broken(change: StateChange) -> None:
        raise RuntimeError("boom")

    state.subscribe(broken)
    after: list[StateChange] = []
    state.subscribe(after.append)
    state.apply_record(A, area(1))
    assert len(changes) == len(after) == 1
    assert "boom" in caplog.text


def test_records_of_the_wrong_class_or_type_are_ignored() -> None:
    state, changes = new_state()
    state.apply_record(Z, area(1))
    state.apply_message(ExtendedStatus(99, (RawRecord(number=1, data=b"\x01"),), 3))
    assert changes == [] and state.views(Z) == []
    state.apply_message(ExtendedStatus(ObjectType.CONSOLE, (RawRecord(number=2, data=b"\xab"),), 3))
    assert state.view(ObjectType.CONSOLE, 2) == RawView(number=2, name="", data="ab")


# --- readiness ---------------------------------------------------------------------------------


def test_perimeter_zone_opening_and_bypass_flip_ready() -> None:
    state, changes = house_state()
    assert area_view(state).ready
    state.apply_record(Z, zone(2, condition=1))
    assert kinds(changes) == [(Z, 2), (A, 1)]
    assert (area_view(state).ready, area_view(state).not_ready_zones) == (False, (2,))
    state.apply_record(Z, zone(1, condition=1))
    assert area_view(state).not_ready_zones == (1, 2)
    changes.clear()
    state.apply_record(Z, zone(2, condition=1, arming=2))  # bypassed by user
    state.apply_record(Z, zone(1))
    assert kinds(changes) == [(Z, 2), (A, 1), (Z, 1), (A, 1)]
    assert (area_view(state).ready, area_view(state).not_ready_zones) == (True, ())


def test_fire_and_analog_zones_do_not_affect_ready_and_areas_are_separate() -> None:
    state, changes = house_state()
    state.apply_record(Z, zone(3, condition=1))  # fire
    state.apply_record(Z, zone(6, condition=1, loop=120))  # temperature
    assert kinds(changes) == [(Z, 3), (Z, 6)]
    state.apply_record(Z, zone(4, condition=1))  # motion in area 2
    assert area_view(state, 1).ready and not area_view(state, 2).ready


def test_renaming_zones_recomputes_readiness() -> None:
    state, changes = house_state()
    state.apply_record(Z, zone(2, condition=1))
    changes.clear()
    state.set_objects(Z, [zone_info(2, 1, area=2, name="Moved window")])
    assert (area_view(state, 1).ready, area_view(state, 2).not_ready_zones) == (True, (2,))
    renamed = state.view(Z, 2)
    assert isinstance(renamed, ZoneView) and renamed.name == "Moved window"
    dropped = state.view(Z, 1)
    assert isinstance(dropped, ZoneView) and dropped.name == ""  # unnamed now, still kept
    assert (Z, 2) in kinds(changes) and (A, 1) in kinds(changes) and (A, 2) in kinds(changes)


# --- push words --------------------------------------------------------------------------------


def test_zone_words_set_the_condition_when_no_status_push_follows() -> None:
    state, changes = house_state()
    got = state.apply_message(events(ZoneStateChanged(zone=2, not_ready=True)))
    assert got == [ZoneStateChanged(zone=2, not_ready=True)]
    assert kinds(changes) == [(Z, 2), (A, 1)]
    state.apply_message(events(ZoneStateChanged(zone=2, not_ready=True)))  # nothing new
    state.apply_record(Z, zone(2, condition=1))  # the push agrees: nothing new
    assert len(changes) == 2
    state.apply_record(Z, zone(5, condition=1, latched=1))
    state.apply_message(events(ZoneStateChanged(zone=5, not_ready=False)))
    skylight = state.view(Z, 5)
    assert isinstance(skylight, ZoneView)
    assert (skylight.open, skylight.latched, skylight.alarm) == (False, "tripped", True)
    state.apply_message(events(ZoneStateChanged(zone=300, not_ready=True)))  # never polled
    assert state.view(Z, 300) is None


def test_unit_words_keep_the_last_level_across_off_and_on() -> None:
    state, changes = new_state()
    state.set_objects(U, [unit_info(7, UnitType.UPB), unit_info(9, UnitType.FLAG)])
    state.apply_record(U, unit(7, 160))  # 60 %
    state.apply_message(events(UnitStateChanged(unit=7, on=False)))
    off = state.view(U, 7)
    assert isinstance(off, UnitView) and (off.on, off.level, off.state) == (False, 0, "off")
    state.apply_message(events(UnitStateChanged(unit=7, on=True)))
    on = state.view(U, 7)
    assert isinstance(on, UnitView) and (on.on, on.level, on.state) == (True, 60, "on")
    state.apply_record(U, unit(7, 1))  # a poll saying plain "on" keeps it too
    assert state.view(U, 7) == on
    changes.clear()
    state.apply_message(events(UnitStateChanged(unit=7, on=True)))  # already on: no change
    state.apply_record(U, unit(9, 5))
    state.apply_message(events(UnitStateChanged(unit=9, on=True)))  # a flag holding 5 stays 5
    flag = state.view(U, 9)
    assert isinstance(flag, UnitView) and flag.value == 5
    assert kinds(changes) == [(U, 9)]


def test_arming_word_marks_the_area_for_a_re_read_only() -> None:
    state, changes = house_state()
    word = SecurityModeChanged(mode=SecurityMode.AWAY, area=1, code=1, delay_started=True)
    state.apply_message(events(word))
    assert area_view(state).ha_state == "disarmed"  # never set from the word (pitfall 13)
    assert area_view(state).last_user == "user 1"
    assert state.has_areas_needing_refresh()
    assert state.areas_needing_refresh() == {1}
    assert state.areas_needing_refresh() == set()  # drained
    state.apply_message(events(AlarmActivated(alarm_type=1, area=2), word))
    state.apply_record(A, area(1, mode=11, exit=60))  # the re-read (or a push) arrived
    assert state.areas_needing_refresh() == {2}
    assert area_view(state).ha_state == "arming"
    assert kinds(changes) == [(A, 1), (A, 1)]


def test_area_zero_in_a_word_refreshes_every_known_area() -> None:
    state, _ = house_state()
    state.apply_message(events(AlarmActivated(alarm_type=2, area=0)))
    assert state.areas_needing_refresh() == {1, 2}


def test_system_status_alarm_pairs_backstop_lost_alarm_pushes() -> None:
    state, _ = house_state()
    state.apply_record(A, area(2, alarms=0x01))
    status = SystemStatus(1, 26, 1, 2, 5, 12, 0, 0, 0, 6, 0, 18, 0, 200, ((1, 0x02), (3, 0x01)))
    state.apply_message(status)
    assert state.areas_needing_refresh() == {1, 2, 3}
    state.apply_record(A, area(1, alarms=0x02))
    state.apply_message(replace(status, area_alarms=((1, 0x02),)))
    assert state.areas_needing_refresh() == {2}


def test_events_reach_event_subscribers_in_order_after_their_effects() -> None:
    state, _ = house_state()
    seen: list[tuple[Event, bool]] = []

    def on_event(event: Event) -> None:
        seen.append((event, area_view(state).ready))

    unsubscribe = state.subscribe_events(on_event)
    pushed = (ButtonExecuted(button=3), ZoneStateChanged(zone=2, not_ready=True))
    assert state.apply_message(events(*pushed)) == list(pushed)
    assert seen == [(pushed[0], True), (pushed[1], False)]
    unsubscribe()
    state.apply_message(events(ButtonExecuted(button=4)))
    assert len(seen) == 2
    assert state.apply_message(SystemTroubles(())) == []


# --- system troubles ---------------------------------------------------------------------------


def system(state: PanelState) -> SystemView:
    return state.system_view()


def test_trouble_words_update_the_system_view() -> None:
    state, changes = new_state()
    assert system(state).ac_power_ok is None  # unknown until told
    state.apply_message(events(AcPower(on=False), Battery(low=True)))
    assert kinds(changes) == [(None, 0), (None, 0)]
    assert system(state).troubles == frozenset({"ac_power", "battery_low"})
    assert (system(state).ac_power_ok, system(state).battery_ok, system(state).phone_ok) == (
        False,
        False,
        None,
    )
    state.apply_message(events(AcPower(on=True), Communicator(ok=False)))
    state.apply_message(
        events(PhoneLine(state=PhoneLineState.DEAD), EnergyCost(level=EnergyCostLevel.HIGH))
    )
    view = system(state)
    assert view.troubles == frozenset({"battery_low", "communicator", "phone_line"})
    assert (view.ac_power_ok, view.communicator_ok, view.phone_ok) == (True, False, False)
    assert (view.phone_line, view.energy_cost) == ("dead", "high")
    state.apply_message(events(PhoneLine(state=PhoneLineState.ON_HOOK)))
    assert (system(state).phone_ok, system(state).phone_line) == (True, "on_hook")
    changes.clear()
    state.apply_message(events(AcPower(on=True)))  # no news
    assert changes == []


def test_system_troubles_reply_replaces_the_set() -> None:
    state, changes = new_state()
    state.apply_message(events(AcPower(on=False)))
    state.apply_message(SystemTroubles((2, 9)))
    view = system(state)
    assert view.troubles == frozenset({"battery_low", "trouble_9"})
    assert (view.ac_power_ok, view.battery_ok, view.fuse_ok, view.freeze_ok) == (
        True,
        False,
        True,
        True,
    )
    assert changes[-1].old is not None and changes[-1].new == view
    assert view.to_dict()["troubles"] == ["battery_low", "trouble_9"]


# --- info, formats, snapshots, clearing ----------------------------------------------------------


def test_temperature_unit_change_re_derives_only_what_changes() -> None:
    state, changes = house_state()
    state.apply_record(Z, zone(6, loop=120))
    changes.clear()
    state.apply_message(SystemFormats(2, 1, 1))
    assert kinds(changes) == [(Z, 6)]
    attic = state.view(Z, 6)
    assert isinstance(attic, ZoneView) and attic.value == 20.0
    assert state.info is not None and state.info.temperature_unit is C
    state.apply_message(SystemFormats(2, 1, 1))
    assert len(changes) == 1


def test_snapshot_is_immutable_and_consistent() -> None:
    state, _ = house_state()
    state.set_objects(ObjectType.BUTTON, [button(3, "Goodnight")])
    snap = state.snapshot()
    before = snap.view(Z, 2)
    state.apply_record(Z, zone(2, condition=1))
    state.apply_message(events(AcPower(on=False)))
    state.set_objects(ObjectType.BUTTON, [])
    assert snap.view(Z, 2) == before and area_view(state).ready is False
    snap_area = snap.view(A, 1)
    assert isinstance(snap_area, AreaView) and snap_area.ready
    assert snap.system.ac_power_ok is None
    assert snap.views(ObjectType.BUTTON) == [ButtonView(number=3, name="Goodnight")]
    assert [info.name for info in snap.objects[ObjectType.BUTTON].values()] == ["Goodnight"]
    assert [v.number for v in snap.views(Z)] == [1, 2, 3, 4, 5, 6]
    with pytest.raises(TypeError):
        snap.object_views[Z][9] = snap.object_views[Z][1]  # type: ignore[index]
    with pytest.raises(AttributeError):
        snap.info = None  # type: ignore[misc]


def test_clear_status_forgets_live_status_but_keeps_names() -> None:
    state, changes = house_state()
    state.set_objects(ObjectType.BUTTON, [button(1, "All off")])
    state.apply_message(
        events(AcPower(on=False), SecurityModeChanged(SecurityMode.OFF, 1, 2, True))
    )
    changes.clear()
    state.clear_status()
    assert changes == [] and state.views(Z) == [] and state.views(A) == []
    assert state.system_view().ac_power_ok is None and not state.has_areas_needing_refresh()
    assert state.views(ObjectType.BUTTON) == [ButtonView(number=1, name="All off")]
    assert [info.number for info in state.objects(Z)] == [1, 2, 3, 4, 5, 6]
    state.apply_message(Status(Z, (zone(1),)))
    assert changes[0].old is None and changes[0].new.name == "Front door"


def test_a_removed_button_reports_losing_its_name_then_is_gone() -> None:
    state, changes = new_state()
    state.set_objects(ObjectType.BUTTON, [button(1, "All off"), button(2, "Goodnight")])
    changes.clear()
    state.set_objects(ObjectType.BUTTON, [button(1, "All off")])
    assert changes == [
        StateChange(
            ObjectType.BUTTON,
            2,
            ButtonView(number=2, name="Goodnight"),
            ButtonView(number=2, name=""),
        )
    ]
    assert state.views(ObjectType.BUTTON) == [ButtonView(number=1, name="All off")]


def test_set_objects_rejects_infos_of_another_type() -> None:
    state = PanelState()
    with pytest.raises(ValueError, match="not a unit"):
        state.set_objects(U, [zone_info(1, 0)])
    assert state.object_info(U, 1) is None
