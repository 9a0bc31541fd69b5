"""Command (opcode 20) effects in the simulation core, with their pushes (spec 16)."""

from __future__ import annotations

import pytest

from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.protocol.events import AllUnits, ButtonExecuted, UnitStateChanged
from omni2mqtt.protocol.messages.control import AcknowledgeAlerts
from omni2mqtt.protocol.messages.generic import Ack, Nak
from omni2mqtt.protocol.messages.programs import DownloadProgram
from omni2mqtt.protocol.messages.status import RequestExtendedStatus
from omni2mqtt.protocol.objects import ObjectType as T
from omni2mqtt.protocol.records import UnitRecord

from .panel_helpers import ask, command, demo_panel, events, listening, records, words


@pytest.fixture
def panel() -> EmulatedPanel:
    return listening(demo_panel())


def test_execute_program_runs_its_action(panel: EmulatedPanel) -> None:
    assert command(panel, 104, 0, 2) == Ack()  # slot 2: porch light on
    assert panel.units.peek(1).state == 1
    assert command(panel, 104, 1, 2) == Nak()  # P1 must be 0
    assert command(panel, 104, 0, 4) == Nak()  # empty slot
    # A WHEN head runs the THEN records that follow it (AND / OR clauses skipped).
    for slot, hex_record in (
        (100, "05 0000 0000 00 00 0000 04 07 00 00 00"),
        (101, "09 0000 0000 00 00 0000 00 00 00 00 00"),
        (102, "0a 0000 0000 01 00 0005 00 00 00 00 00"),
        (103, "0a 0000 0000 09 28 0006 00 00 00 00 00"),
        (104, "01 0000 0000 01 00 0007 00 00 fe 06 00"),
    ):
        assert ask(panel, DownloadProgram(slot, bytes.fromhex(hex_record))) == Ack()
    assert command(panel, 104, 0, 100) == Ack()
    assert [panel.units.peek(u).state for u in (5, 6, 7)] == [1, 140, 0]


# --- commands ------------------------------------------------------------------------------


def test_units_on_off_level_and_timed(panel: EmulatedPanel) -> None:
    assert command(panel, 1, 0, 3) == Ack()
    assert events(panel.drain_pushes()) == [UnitStateChanged(3, on=True)]
    assert command(panel, 9, 40, 3) == Ack()
    assert panel.units.peek(3).state == 140
    assert command(panel, 9, 101, 3) == Nak()
    assert command(panel, 0, 0, 3) == Ack()
    assert command(panel, 1, 0, 512) == Nak()
    assert command(panel, 1, 200, 3) == Nak()  # invalid duration byte
    assert command(panel, 1, 102, 385) == Ack()  # siren relay on for 2 minutes
    reply = ask(panel, RequestExtendedStatus(T.UNIT, 385, 385))
    assert reply.records[0] == UnitRecord(number=385, state=1, remaining=120)  # type: ignore[union-attr]
    panel.drain_pushes()
    panel.tick(119.5)
    assert panel.drain_pushes() == []
    panel.tick(0.5)
    pushes = panel.drain_pushes()
    assert events(pushes) == [UnitStateChanged(385, on=False)]
    assert records(pushes) == [UnitRecord(number=385, state=0, remaining=0)]
    assert command(panel, 0, 5, 6) == Ack()  # timed off turns back on
    panel.tick(5)
    assert panel.units.peek(6).state == 1
    assert command(panel, 101, 10, (60 << 9) | 4) == Ack()  # timed level 60 % for 10 s
    assert panel.units.peek(4).state == 160
    panel.tick(10)
    assert panel.units.peek(4).state == 0


def test_all_units_flags_counters_scenes(panel: EmulatedPanel) -> None:
    assert command(panel, 3, 0, 2) == Ack()  # all on, area 2: garage light only
    assert panel.units.peek(7).state == 1 and panel.units.peek(1).state == 0
    assert events(panel.drain_pushes()) == [AllUnits(on=True, area=2)]
    assert command(panel, 2, 0, 0) == Ack()
    assert not any(panel.units.peek(u).is_on for u in (2, 4, 7, 8))
    assert panel.units.peek(394).state == 1  # flags are not lights
    assert command(panel, 2, 0, 9) == Nak()
    for cmd, p1, state in ((11, 0, 8), (10, 0, 7), (12, 42, 42), (10, 0, 41)):
        assert command(panel, cmd, p1, 395) == Ack()
        assert panel.units.peek(395).state == state
    assert command(panel, 12, 0, 395) == Ack()
    assert command(panel, 10, 0, 395) == Ack()
    assert panel.units.peek(395).state == 0  # a counter stops at 0
    assert command(panel, 14, 3, 10) == Ack()  # scene B
    assert command(panel, 14, 14, 10) == Nak()
    assert command(panel, 19, 0, 2) == Ack()  # dim 3 steps
    assert panel.units.peek(2).state == 19
    assert command(panel, 15, 0, 2) == Ack()  # UPB status request


def test_buttons_run_their_macro(panel: EmulatedPanel) -> None:
    assert command(panel, 7, 0, 1) == Ack()
    pushes = panel.drain_pushes()
    assert events(pushes)[0] == ButtonExecuted(1)
    assert words(pushes) == [0x0001, 0x0A01, 0x0A02, 0x0A03, 0x0A04]
    assert [r.number for r in records(pushes)] == [1, 2, 3, 4]  # 2 and 4 were levels
    assert command(panel, 7, 0, 129) == Nak()
    assert command(panel, 7, 0, 100) == Ack()  # an unconfigured button has an empty macro


def test_thermostat_setters(panel: EmulatedPanel) -> None:
    steps = [
        (66, 110, "heat_setpoint", 110),
        (67, 140, "cool_setpoint", 140),
        (68, 2, "mode", 2),
        (69, 1, "fan", 1),
        (70, 1, "hold", 1),
        (73, 90, "humidify_setpoint", 90),
        (74, 120, "dehumidify_setpoint", 120),
        (71, 0xFE, "heat_setpoint", 108),  # lower by 2 steps of 0.5 C
        (72, 5, "cool_setpoint", 145),
    ]
    for cmd, p1, attr, value in steps:
        assert command(panel, cmd, p1, 1) == Ack()
        assert getattr(panel.thermostats.peek(1), attr) == value
    for cmd, p1 in ((66, 181), (68, 5), (69, 3), (70, 3), (73, 20), (71, 60)):
        assert command(panel, cmd, p1, 1) == Nak()
    assert command(panel, 66, 100, 65) == Nak()
    assert command(panel, 66, 100, 0) == Ack()  # 0 = every configured thermostat
    assert [panel.thermostats.peek(t).heat_setpoint for t in (1, 2)] == [100, 100]
    (record, _) = records(panel.drain_pushes(), T.THERMOSTAT)[-2:]
    assert record.heat_setpoint == 100  # type: ignore[attr-defined]


def test_messages_show_acknowledge_clear_and_log(panel: EmulatedPanel) -> None:
    assert command(panel, 80, 0, 1) == Ack()
    assert command(panel, 86, 1, 2) == Ack()
    assert [panel.messages.peek(m).display for m in (1, 2, 3)] == [2, 2, 0]
    assert ask(panel, AcknowledgeAlerts()) == Ack()
    assert [panel.messages.peek(m).display for m in (1, 2)] == [1, 1]
    assert command(panel, 82, 0, 1) == Ack()
    assert panel.messages.peek(1).display == 0
    assert command(panel, 82, 0, 0) == Ack()
    assert panel.messages.peek(2).display == 0
    assert command(panel, 81, 0, 3) == Ack()
    assert panel.event_log.entries()[-1].event_type == 138
    assert command(panel, 80, 0, 129) == Nak()
    assert [r.display for r in records(panel.drain_pushes(), T.MESSAGE)] == [2, 2, 1, 1, 0, 0]  # type: ignore[attr-defined]


def test_lock_unlock_and_relock(panel: EmulatedPanel) -> None:
    assert command(panel, 106, 10, 1) == Ack()  # UNLOCK for 10 s (106, not 105)
    assert not panel.locks.peek(1).locked
    panel.tick(10)
    assert panel.locks.peek(1).locked
    assert command(panel, 106, 0, 2) == Ack()  # until locked again
    panel.tick(1000)
    assert not panel.locks.peek(2).locked
    assert command(panel, 105, 0, 0) == Ack()  # LOCK every door
    assert panel.locks.peek(2).locked
    assert [r.lock_state for r in records(panel.drain_pushes(), T.ACCESS_LOCK)] == [1, 0, 1, 0]  # type: ignore[attr-defined]
    assert command(panel, 105, 0, 17) == Nak()


def test_audio_zones(panel: EmulatedPanel) -> None:
    for cmd, p1, attr, value in (
        (112, 1, "power", True),
        (112, 3, "mute", True),
        (112, 2, "mute", False),
        (113, 55, "volume", 55),
        (114, 2, "source", 2),
    ):
        assert command(panel, cmd, p1, 1) == Ack()
        assert getattr(panel.audio_zones.peek(1), attr) == value
    assert command(panel, 112, 0, 0) == Ack()
    assert not panel.audio_zones.peek(1).power
    assert command(panel, 113, 101, 1) == Nak()
    assert command(panel, 114, 9, 1) == Nak()
    assert command(panel, 115, 5, 1) == Ack()


def test_other_commands(panel: EmulatedPanel) -> None:
    assert command(panel, 103, 2, 0) == Ack()  # console beep
    assert command(panel, 102, 1, 17) == Nak()
    assert command(panel, 8, 2) == Ack()  # energy cost high
    assert words(panel.drain_pushes()) == [0x030C]
    assert command(panel, 8, 4) == Nak()
    assert command(panel, 100, 3) == Ack()
    assert command(panel, 55, 0, 1) == Nak()  # a program-condition value, not a command
    assert command(panel, 200, 0, 1) == Nak()
