"""Security state machines, driven through EmulatedPanel with tick(): exit and entry delays,
alarms, codes, readiness, bypass."""

from __future__ import annotations

import pytest

from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.protocol.events import AlarmActivated, SecurityModeChanged, ZoneStateChanged
from omni2mqtt.protocol.messages.control import (
    ActivateKeypadEmergency,
    Command,
    ExecuteSecurityCommand,
    ExecuteSecurityCommandResponse,
    RequestValidateCode,
    ValidateCode,
)
from omni2mqtt.protocol.messages.generic import Ack, Nak
from omni2mqtt.protocol.messages.status import ExtendedStatus, RequestExtendedStatus
from omni2mqtt.protocol.records import AreaRecord, ZoneRecord
from omni2mqtt.protocol.security import AlarmType, AreaAlarms, SecurityMode, SecurityResult
from omni2mqtt.protocol.zones import ZoneArming, ZoneLatched, ZoneStatus

from .panel_helpers import ask, demo_panel, events, listening, records, words, yaml_panel

AWAY, DAY, NIGHT, OFF = SecurityMode.AWAY, SecurityMode.DAY, SecurityMode.NIGHT, SecurityMode.OFF


@pytest.fixture
def panel() -> EmulatedPanel:
    return listening(demo_panel())


def arm(panel: EmulatedPanel, mode: int, area: int = 1, code: str = "1234") -> int:
    reply = ask(panel, ExecuteSecurityCommand(area, mode, code))
    assert isinstance(reply, ExecuteSecurityCommandResponse)
    return reply.status


def area_record(panel: EmulatedPanel, area: int = 1) -> AreaRecord:
    reply = ask(panel, RequestExtendedStatus(5, area, area))
    assert isinstance(reply, ExtendedStatus)
    record = reply.records[0]
    assert isinstance(record, AreaRecord)
    return record


def zone_status(panel: EmulatedPanel, zone: int) -> ZoneStatus:
    return ZoneStatus.from_byte(panel.zones.peek(zone).status)


def armed(panel: EmulatedPanel, mode: int, area: int = 1) -> None:
    """Arm and let the exit delay run out."""
    assert arm(panel, mode, area) == SecurityResult.SUCCESS
    panel.tick(panel.areas.peek(area).exit_delay)
    panel.drain_pushes()


def test_exit_delay_then_armed(panel: EmulatedPanel) -> None:
    assert arm(panel, AWAY) == SecurityResult.SUCCESS
    pushes = panel.drain_pushes()
    # Bit 15 set: the exit delay started (B101 = Away, area 1, code 1).
    assert words(pushes) == [0xB101]
    assert events(pushes) == [SecurityModeChanged(AWAY, 1, 1, delay_started=True)]
    assert records(pushes, 5) == [
        AreaRecord(number=1, mode=AWAY + 8, alarms=0, entry_timer=0, exit_timer=30)
    ]
    panel.tick(1)
    assert area_record(panel).exit_timer == 29
    panel.tick(28.5)
    assert panel.drain_pushes() == []  # no push per second of countdown
    record = area_record(panel)
    assert (record.mode, record.exit_timer, record.ha_state) == (11, 1, "arming")
    panel.tick(0.5)
    pushes = panel.drain_pushes()
    assert words(pushes) == [0x3101]  # bit 15 clear: the delay ended, the area is armed
    assert records(pushes, 5) == [
        AreaRecord(number=1, mode=AWAY, alarms=0, entry_timer=0, exit_timer=0)
    ]
    # The zones armed in Away now read "armed"; their status changes are pushed too.
    assert {r.number for r in records(pushes, 1)} == set(range(1, 10))
    assert zone_status(panel, 7).arming is ZoneArming.ARMED
    assert zone_status(panel, 10).arming is ZoneArming.DISARMED  # fire: 24 h, not armed
    assert zone_status(panel, 16).arming is ZoneArming.DISARMED  # another area


def test_no_exit_delay_arms_at_once_with_one_word() -> None:
    panel = listening(
        yaml_panel("areas: [{number: 1, exit_delay: 0}]\ncodes: [{number: 5, code: '4321'}]")
    )
    assert arm(panel, DAY, code="4321") == SecurityResult.SUCCESS
    assert events(panel.drain_pushes()) == [SecurityModeChanged(DAY, 1, 5, delay_started=False)]
    assert area_record(panel).mode == DAY


def test_entry_delay_then_triggered(panel: EmulatedPanel) -> None:
    armed(panel, AWAY)
    panel.set_zone_open(1, True)  # front door: entry/exit
    pushes = panel.drain_pushes()
    assert events(pushes) == [ZoneStateChanged(1, not_ready=True)]
    assert records(pushes, 5)[0].entry_timer == 20  # type: ignore[attr-defined]
    assert area_record(panel).ha_state == "pending"
    panel.tick(19.5)
    assert area_record(panel).alarms == 0
    panel.tick(0.5)
    pushes = panel.drain_pushes()
    assert events(pushes) == [AlarmActivated(AlarmType.BURGLARY, 1)]
    assert words(pushes) == [0x0211]
    record = area_record(panel)
    assert (record.alarms, record.entry_timer, record.ha_state) == (1, 0, "triggered")
    assert zone_status(panel, 1).latched is ZoneLatched.TRIPPED
    log = [(e.event_type, e.p1, e.p2) for e in panel.event_log.entries()]
    assert log[-2:] == [(128, 0, 1), (135, AlarmType.BURGLARY, 1)]


def test_disarm_during_entry_delay_stops_it(panel: EmulatedPanel) -> None:
    armed(panel, AWAY)
    panel.set_zone_open(2, True)
    assert arm(panel, OFF) == SecurityResult.SUCCESS
    assert words(panel.drain_pushes())[-1] == 0x8101  # Off always has bit 15 set
    panel.tick(60)
    record = area_record(panel)
    assert (record.mode, record.alarms, record.entry_timer) == (0, 0, 0)


@pytest.mark.parametrize(
    ("zone_type", "factor"), [("double_entry_delay", 2), ("quadruple_entry_delay", 4)]
)
def test_longer_entry_delay_types(zone_type: str, factor: int) -> None:
    panel = yaml_panel(
        f"areas: [{{number: 1, exit_delay: 0, entry_delay: 10}}]\n"
        f"codes: [{{number: 1, code: '1234'}}]\n"
        f"zones: [{{number: 1, type: {zone_type}}}]"
    )
    assert arm(panel, AWAY) == SecurityResult.SUCCESS
    panel.set_zone_open(1, True)
    assert area_record(panel).entry_timer == 10 * factor


@pytest.mark.parametrize("mode", [SecurityMode.DAY_INSTANT, NIGHT])
def test_instant_modes_have_no_entry_delay(panel: EmulatedPanel, mode: SecurityMode) -> None:
    armed(panel, mode)
    panel.set_zone_open(1, True)
    record = area_record(panel)
    assert (record.alarms, record.entry_timer) == (AreaAlarms.BURGLARY, 0)


@pytest.mark.parametrize(
    ("mode", "zone", "alarms"),
    [
        (DAY, 3, True),  # perimeter: every armed mode
        (DAY, 7, False),  # away interior: not in Day
        (DAY, 8, False),  # night interior: not in Day
        (NIGHT, 8, True),
        (NIGHT, 9, False),
        (AWAY, 9, True),
        (SecurityMode.VACATION, 8, True),
    ],
)
def test_which_zones_alarm_in_which_mode(
    panel: EmulatedPanel, mode: SecurityMode, zone: int, alarms: bool
) -> None:
    armed(panel, mode)
    panel.set_zone_open(zone, True)
    assert area_record(panel).alarms == (AreaAlarms.BURGLARY if alarms else 0)


def test_interior_zones_follow_a_running_entry_delay(panel: EmulatedPanel) -> None:
    armed(panel, AWAY)
    panel.set_zone_open(1, True)
    panel.set_zone_open(7, True)  # hall motion while walking to the keypad
    assert area_record(panel).alarms == 0
    panel.set_zone_open(3, True)  # a perimeter zone does not wait
    assert area_record(panel).alarms == AreaAlarms.BURGLARY


def test_nothing_but_24_hour_zones_alarm_during_the_exit_delay(panel: EmulatedPanel) -> None:
    assert arm(panel, AWAY) == SecurityResult.SUCCESS
    panel.set_zone_open(3, True)
    panel.set_zone_open(3, False)
    assert area_record(panel).alarms == 0
    panel.set_zone_open(11, True)
    assert area_record(panel).alarms == AreaAlarms.FIRE


def test_fire_zone_alarms_while_disarmed_and_off_resets_it(panel: EmulatedPanel) -> None:
    panel.set_zone_open(10, True)
    pushes = panel.drain_pushes()
    assert events(pushes) == [ZoneStateChanged(10, True), AlarmActivated(AlarmType.FIRE, 1)]
    assert words(pushes) == [0x060A, 0x0221]
    record = area_record(panel)
    assert (record.mode, record.alarms, record.ha_state) == (0, AreaAlarms.FIRE, "triggered")
    assert zone_status(panel, 10).latched is ZoneLatched.TRIPPED
    panel.set_zone_open(10, False)
    assert arm(panel, OFF) == SecurityResult.SUCCESS
    assert area_record(panel).alarms == 0
    # A 24-hour zone remembers the alarm until the next arming or an acknowledgement.
    assert zone_status(panel, 10).latched is ZoneLatched.RESET
    log = [(e.event_type, e.p1, e.p2) for e in panel.event_log.entries()]
    assert log[-2:] == [(48, 1, 1), (136, AlarmType.FIRE, 1)]  # Off by code 1, alarm reset
    armed(panel, DAY)
    assert zone_status(panel, 10).latched is ZoneLatched.SECURE


@pytest.mark.parametrize(
    ("zone", "alarm"),
    [
        (12, AreaAlarms.GAS),
        (13, AreaAlarms.WATER),
        (14, AreaAlarms.FREEZE),
        (15, AreaAlarms.BURGLARY),
    ],
)
def test_emergency_zone_alarm_types(panel: EmulatedPanel, zone: int, alarm: AreaAlarms) -> None:
    panel.set_zone_open(zone, True)
    assert area_record(panel).alarms == alarm


def test_a_latching_zone_keeps_its_memory_a_plain_one_does_not(panel: EmulatedPanel) -> None:
    armed(panel, DAY)
    panel.set_zone_open(6, True)  # latching perimeter
    panel.set_zone_open(4, True)  # perimeter
    assert arm(panel, OFF) == SecurityResult.SUCCESS
    assert zone_status(panel, 6).latched is ZoneLatched.RESET
    assert zone_status(panel, 4).latched is ZoneLatched.SECURE


@pytest.mark.parametrize(
    ("area", "mode", "code", "result"),
    [
        (1, AWAY, "0000", SecurityResult.INVALID_CODE),
        (2, AWAY, "1357", SecurityResult.INVALID_CODE),  # BOB: area 1 only
        (1, AWAY, "1357", SecurityResult.SUCCESS),
        (3, AWAY, "1234", SecurityResult.INVALID_AREA),  # not configured in the demo
        (9, AWAY, "1234", SecurityResult.INVALID_AREA),
        (1, 7, "1234", SecurityResult.INVALID_MODE),
    ],
)
def test_execute_security_command_results(
    panel: EmulatedPanel, area: int, mode: int, code: str, result: SecurityResult
) -> None:
    assert arm(panel, mode, area, code) == result
    if result != SecurityResult.SUCCESS:
        assert panel.areas.peek(1).mode == OFF
        assert panel.drain_pushes() == []


def test_zones_not_ready_blocks_arming_until_bypassed(panel: EmulatedPanel) -> None:
    panel.set_zone_open(4, True)  # living window: perimeter
    panel.drain_pushes()
    assert arm(panel, DAY) == SecurityResult.ZONES_NOT_READY
    assert panel.drain_pushes() == []
    # Commands 4 / 48-54 take the code NUMBER.
    assert ask(panel, Command(4, 1, 4)) == Ack()
    assert zone_status(panel, 4).arming is ZoneArming.BYPASSED_BY_USER
    assert arm(panel, DAY) == SecurityResult.SUCCESS
    panel.tick(30)
    assert zone_status(panel, 4).arming is ZoneArming.BYPASSED_BY_USER
    # Disarming restores bypassed zones, as an Omni does.
    assert ask(panel, Command.security(OFF, 1, 1)) == Ack()
    assert zone_status(panel, 4).arming is ZoneArming.DISARMED


def test_open_zones_the_mode_does_not_arm_do_not_block_it(panel: EmulatedPanel) -> None:
    panel.set_zone_open(7, True)  # away interior
    panel.set_zone_open(10, True)  # fire (24 h)
    assert arm(panel, DAY) == SecurityResult.SUCCESS


def test_security_commands_check_the_code_number(panel: EmulatedPanel) -> None:
    assert ask(panel, Command.security(AWAY, 99, 1)) == Nak()  # no such code
    assert ask(panel, Command.security(AWAY, 4, 1)) == Nak()  # CLEANER: area 2 only
    assert ask(panel, Command.security(AWAY, 4, 2)) == Ack()
    assert panel.areas.peek(2).mode == AWAY
    assert words(panel.drain_pushes()) == [0xB204]


def test_security_command_area_0_sets_every_area_of_the_code(panel: EmulatedPanel) -> None:
    assert ask(panel, Command.security(NIGHT, 2, 0)) == Ack()
    assert [panel.areas.peek(a).mode_byte for a in (1, 2)] == [NIGHT + 8, NIGHT + 8]
    assert words(panel.drain_pushes()) == [0xA102, 0xA202]
    entry = panel.event_log.entries()[-1]
    assert (entry.event_type, entry.p1, entry.p2) == (48 + NIGHT, 2, 0)


def test_validate_code(panel: EmulatedPanel) -> None:
    assert ask(panel, RequestValidateCode(1, "2468")) == ValidateCode(2, 2)
    assert ask(panel, RequestValidateCode(2, "1357")) == ValidateCode(0, 0)
    assert ask(panel, RequestValidateCode(2, "9999")) == ValidateCode(4, 3)
    assert ask(panel, RequestValidateCode(1, "5555")) == ValidateCode(0, 0)


def test_bypass_rules(panel: EmulatedPanel) -> None:
    assert ask(panel, Command(4, 3, 16)) == Nak()  # BOB may not touch area 2
    assert ask(panel, Command(4, 1, 10)) == Nak()  # fire zones cannot be bypassed
    assert ask(panel, Command(4, 1, 177)) == Nak()  # beyond capacity
    assert ask(panel, Command(4, 1, 16)) == Ack()
    assert ask(panel, Command(4, 1, 17)) == Ack()
    assert ask(panel, Command(5, 1, 16)) == Ack()
    assert not panel.zones.peek(16).bypassed
    assert ask(panel, Command(6, 1, 2)) == Ack()  # restore all of area 2
    assert not panel.zones.peek(17).bypassed
    log = [(e.event_type, e.p1, e.p2) for e in panel.event_log.entries()]
    assert log == [(4, 1, 16), (4, 1, 17), (5, 1, 16), (6, 1, 2)]
    pushed = [r.number for r in records(panel.drain_pushes(), 1)]
    assert pushed == [16, 17, 16, 17]


def test_keypad_emergency(panel: EmulatedPanel) -> None:
    assert ask(panel, ActivateKeypadEmergency(2, 2)) == Ack()
    assert area_record(panel, 2).alarms == AreaAlarms.FIRE
    assert ask(panel, ActivateKeypadEmergency(3, 1)) == Nak()


def test_temperature_alarm_zone_leaves_its_band() -> None:
    panel = yaml_panel(
        "zones: [{number: 5, type: temperature_alarm, loop: 100, low_setpoint: 90, "
        "high_setpoint: 110}]\nareas: [{number: 1}]"
    )
    panel.set_zone_loop(5, 105)
    assert area_record(panel).alarms == 0
    panel.set_zone_loop(5, 120)
    assert area_record(panel).alarms == AreaAlarms.TEMPERATURE


def test_zone_trouble_is_logged_and_acknowledged(panel: EmulatedPanel) -> None:
    panel.set_zone_trouble(5, True)
    assert zone_status(panel, 5).trouble_unacknowledged
    assert records(panel.drain_pushes(), 1) == [ZoneRecord(number=5, status=0x42, loop=0)]
    panel.set_zone_trouble(5, False)
    log = [(e.event_type, e.p2) for e in panel.event_log.entries()]
    assert log == [(129, 5), (133, 5)]
