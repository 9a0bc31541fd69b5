"""PanelCommands against the emulator over real TCP: every command kind changes the panel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.panel.commands import PanelCommands
from omni2mqtt.panel.connection import PanelConnection
from omni2mqtt.panel.errors import PanelArgumentError, PanelNakError
from omni2mqtt.protocol.commands import EnergyCost
from omni2mqtt.protocol.messages.base import Message
from omni2mqtt.protocol.messages.control import Command
from omni2mqtt.protocol.messages.generic import Ack
from omni2mqtt.protocol.messages.system import RequestSystemStatus, SystemStatus
from omni2mqtt.protocol.objects import ObjectType
from omni2mqtt.protocol.opcodes import Opcode
from omni2mqtt.protocol.temperature import TemperatureUnit
from omni2mqtt.protocol.thermostats import FanMode, HoldMode, ThermostatMode

from .command_helpers import read_record

Action = Callable[[PanelCommands], Awaitable[None]]
Probe = Callable[[Any], Any]


@pytest.fixture
def commands(connection: PanelConnection) -> PanelCommands:
    return PanelCommands(connection, TemperatureUnit.FAHRENHEIT)


def unit(n: int) -> Probe:
    return lambda m: m.units.peek(n).state


def thermostat(n: int, attr: str) -> Probe:
    return lambda m: getattr(m.thermostats.peek(n), attr)


def audio(n: int, attr: str) -> Probe:
    return lambda m: getattr(m.audio_zones.peek(n), attr)


@dataclass(frozen=True)
class Case:
    action: Action
    probe: Probe
    before: Any
    after: Any


# Each action changes one piece of emulator state from ``before`` to ``after`` (demo scenario).
CASES: dict[str, Case] = {
    "unit_on": Case(lambda c: c.unit_on(1), unit(1), 0, 1),
    "unit_off": Case(lambda c: c.unit_off(2), unit(2), 150, 0),
    "unit_level": Case(lambda c: c.unit_level(3, 50), unit(3), 0, 150),
    "unit_timed_level": Case(lambda c: c.unit_timed_level(5, 75, 600), unit(5), 0, 175),
    "set_counter": Case(lambda c: c.set_counter(395, 42), unit(395), 7, 42),
    "increment_counter": Case(lambda c: c.increment_counter(395), unit(395), 7, 8),
    "decrement_counter": Case(lambda c: c.decrement_counter(395), unit(395), 7, 6),
    "set_flag_on": Case(lambda c: c.set_flag(393, True), unit(393), 0, 1),
    "set_flag_off": Case(lambda c: c.set_flag(394, False), unit(394), 1, 0),
    "all_on": Case(lambda c: c.all_on(), unit(6), 0, 1),
    "all_off": Case(lambda c: c.all_off(), unit(4), 175, 0),
    "bypass_zone": Case(
        lambda c: c.bypass_zone(4, code_number=1), lambda m: m.zones.peek(4).bypassed, False, True
    ),
    "thermostat_mode": Case(
        lambda c: c.set_thermostat_mode(2, ThermostatMode.COOL), thermostat(2, "mode"), 1, 2
    ),
    "emergency_heat": Case(
        lambda c: c.set_thermostat_mode(2, ThermostatMode.EMERGENCY_HEAT),
        thermostat(2, "mode"),
        1,
        4,
    ),
    "fan": Case(lambda c: c.set_fan_mode(2, FanMode.ON), thermostat(2, "fan"), 0, 1),
    "hold": Case(lambda c: c.set_hold(2, HoldMode.HOLD), thermostat(2, "hold"), 0, 1),
    # 68 F = raw 120 and 76 F = raw 129 (spec 23.6); thermostat 2 starts at 118 / 131.
    "heat_setpoint": Case(
        lambda c: c.set_heat_setpoint(2, 68), thermostat(2, "heat_setpoint"), 118, 120
    ),
    "cool_setpoint": Case(
        lambda c: c.set_cool_setpoint(2, 76), thermostat(2, "cool_setpoint"), 131, 129
    ),
    # 40 % = raw 89, 55 % = raw 106 (spec 23.6); None disables (raw 0).
    "humidify": Case(
        lambda c: c.set_humidify_setpoint(1, 40), thermostat(1, "humidify_setpoint"), 83, 89
    ),
    "dehumidify_off": Case(
        lambda c: c.set_dehumidify_setpoint(1, None), thermostat(1, "dehumidify_setpoint"), 106, 0
    ),
    "button": Case(
        lambda c: c.execute_button(1),
        lambda m: [m.units.peek(n).state for n in (1, 3)],
        [0, 0],
        [1, 1],
    ),
    # Slot 2 of the demo: "porch light (unit 1) on".
    "execute_program": Case(lambda c: c.execute_program(2), unit(1), 0, 1),
    "show_message": Case(
        lambda c: c.show_message(2), lambda m: m.messages.peek(2).display > 0, False, True
    ),
    "show_message_quiet": Case(
        lambda c: c.show_message(3, beep=False, led=False),
        lambda m: m.messages.peek(3).display > 0,
        False,
        True,
    ),
    "unlock": Case(lambda c: c.unlock(2), lambda m: m.locks.peek(2).locked, True, False),
    "audio_power": Case(lambda c: c.audio_zone_power(1, True), audio(1, "power"), False, True),
    "audio_mute": Case(lambda c: c.audio_zone_mute(2, True), audio(2, "mute"), False, True),
    "audio_volume": Case(lambda c: c.audio_zone_volume(1, 55), audio(1, "volume"), 30, 55),
    "audio_source": Case(lambda c: c.audio_zone_source(1, 2), audio(1, "source"), 1, 2),
    "energy_cost": Case(
        lambda c: c.set_energy_cost(EnergyCost.HIGH), lambda m: m.model.energy_cost, 0, 2
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
async def test_command_changes_emulator_state(
    name: str, commands: PanelCommands, emulated_panel: EmulatedPanel
) -> None:
    case = CASES[name]
    assert case.probe(emulated_panel) == case.before
    await case.action(commands)  # Ack, or it raises
    assert case.probe(emulated_panel) == case.after


async def test_unit_state_through_status_replies(
    commands: PanelCommands, connection: PanelConnection
) -> None:
    await commands.unit_level(3, 50)
    record = await read_record(connection, ObjectType.UNIT, 3)
    assert record.state == 150  # type: ignore[attr-defined]
    await commands.unit_on(14, seconds=90)
    record = await read_record(connection, ObjectType.UNIT, 14)
    assert record.state == 1  # type: ignore[attr-defined]
    assert 80 <= record.remaining <= 90  # type: ignore[attr-defined]
    await commands.unit_off(14)
    record = await read_record(connection, ObjectType.UNIT, 14)
    assert (record.state, record.remaining) == (0, 0)  # type: ignore[attr-defined]


async def test_thermostat_and_audio_through_status_replies(
    commands: PanelCommands, connection: PanelConnection
) -> None:
    await commands.set_heat_setpoint(1, 68)
    await commands.set_thermostat_mode(1, ThermostatMode.HEAT)
    record: Any = await read_record(connection, ObjectType.THERMOSTAT, 1)
    assert (record.heat_setpoint, record.mode) == (120, 1)
    await commands.audio_zone_power(2, True)
    await commands.audio_zone_volume(2, 40)
    record = await read_record(connection, ObjectType.AUDIO_ZONE, 2)
    assert (record.power, record.volume) == (1, 40)


async def test_celsius_panel_converts_setpoints(
    connection: PanelConnection, emulated_panel: EmulatedPanel
) -> None:
    unit_source = [TemperatureUnit.CELSIUS]
    commands = PanelCommands(connection, lambda: unit_source[0])
    await commands.set_heat_setpoint(1, 20)  # 20 C = raw 120
    assert emulated_panel.thermostats.peek(1).heat_setpoint == 120
    await commands.set_cool_setpoint(1, 25.5)  # raw 131
    assert emulated_panel.thermostats.peek(1).cool_setpoint == 131


async def test_restore_zone_and_all_zones(
    commands: PanelCommands, emulated_panel: EmulatedPanel
) -> None:
    zones = emulated_panel.zones
    await commands.bypass_zone(3, 1)
    await commands.bypass_zone(4, 1)
    await commands.restore_zone(3, 1)
    assert (zones.peek(3).bypassed, zones.peek(4).bypassed) == (False, True)
    await commands.restore_all_zones(1, area=1)
    assert zones.peek(4).bypassed is False


async def test_lock_after_unlock_and_timed_unlock(
    commands: PanelCommands, emulated_panel: EmulatedPanel, connection: PanelConnection
) -> None:
    locks = emulated_panel.locks
    await commands.unlock(1)
    assert locks.peek(1).locked is False
    await commands.lock(1)  # 105 = LOCK, never swapped with 106
    assert locks.peek(1).locked is True
    await commands.unlock(1, seconds=10)
    record: Any = await read_record(connection, ObjectType.ACCESS_LOCK, 1)
    assert record.lock_state == 1
    assert 0 < record.unlock_timer <= 10


async def test_messages_clear_log_and_acknowledge(
    commands: PanelCommands, emulated_panel: EmulatedPanel
) -> None:
    messages = emulated_panel.messages
    await commands.show_message(1)
    await commands.show_message(2, beep=False)
    await commands.acknowledge_alerts()
    await commands.clear_message(1)
    assert messages.peek(1).display == 0
    assert messages.peek(2).display > 0
    await commands.clear_message()  # all messages, all areas
    assert messages.peek(2).display == 0
    await commands.log_message(3)
    await commands.console_beep(0, 3)
    await commands.console_beep(continuous=True)
    await commands.console_beep(2, 0)
    await commands.console_beeper(2, enabled=False)
    await commands.compose_scene(10, "C")


async def test_nak_becomes_panel_nak_error(commands: PanelCommands) -> None:
    # The Omni Pro II has 511 units and 176 zones: beyond that the panel Naks.
    with pytest.raises(PanelNakError, match="unit 600 on") as info:
        await commands.unit_on(600)
    assert info.value.kind == "panel_nak"
    with pytest.raises(PanelNakError, match="bypass zone 200"):
        await commands.bypass_zone(200, 1)


BAD_ARGUMENTS: dict[str, Action] = {
    "level above 100": lambda c: c.unit_level(1, 150),
    "negative level": lambda c: c.unit_level(1, -1),
    "unit 0": lambda c: c.unit_on(0),
    "negative duration": lambda c: c.unit_on(1, seconds=-1),
    "duration beyond 18 h": lambda c: c.unit_on(1, seconds=19 * 3600),
    "timed level unit beyond lo9": lambda c: c.unit_timed_level(512, 50, 60),
    "counter 256": lambda c: c.set_counter(395, 256),
    "setpoint 200 F": lambda c: c.set_heat_setpoint(1, 200),
    "setpoint -50 F": lambda c: c.set_cool_setpoint(1, -50),
    "setpoint not a number": lambda c: c.set_cool_setpoint(1, "70"),  # type: ignore[arg-type]
    "humidity 120 %": lambda c: c.set_humidify_setpoint(1, 120),
    "thermostat mode 5": lambda c: c.set_thermostat_mode(1, 5),
    "fan 3": lambda c: c.set_fan_mode(1, 3),
    "hold 255": lambda c: c.set_hold(1, 255),
    "scene Z": lambda c: c.compose_scene(10, "Z"),
    "beep without LED": lambda c: c.show_message(1, beep=True, led=False),
    "clear one message in an area": lambda c: c.clear_message(1, area=1),
    "six beeps": lambda c: c.console_beep(0, 6),
    "volume 101": lambda c: c.audio_zone_volume(1, 101),
    "bool as unit": lambda c: c.unit_on(True),
    "energy cost 4": lambda c: c.set_energy_cost(4),
}


@pytest.mark.parametrize("name", sorted(BAD_ARGUMENTS))
async def test_bad_arguments_fail_before_sending(
    name: str, commands: PanelCommands, connection: PanelConnection
) -> None:
    sent = connection.requests_sent
    with pytest.raises(PanelArgumentError) as info:
        await BAD_ARGUMENTS[name](commands)
    assert info.value.kind == "bad_payload"
    assert isinstance(info.value, ValueError)
    assert connection.requests_sent == sent


class _ClearPrograms(Message):
    """A stand-in for opcode 7; OPCODE is set after class creation so it is not registered."""


_ClearPrograms.OPCODE = Opcode.CLEAR_PROGRAMS


class _ClearNames(Message):
    pass


_ClearNames.OPCODE = Opcode.CLEAR_NAMES


async def test_raw_escape_hatch(
    commands: PanelCommands, connection: PanelConnection, emulated_panel: EmulatedPanel
) -> None:
    await commands.raw_command(1, 0, 5)
    assert emulated_panel.units.peek(5).state == 1
    reply = await commands.raw_request(RequestSystemStatus())
    assert isinstance(reply, SystemStatus)
    await commands.raw_request(Command(0, 0, 5))
    assert emulated_panel.units.peek(5).state == 0
    sent = connection.requests_sent
    for forbidden in (_ClearPrograms(), _ClearNames()):
        with pytest.raises(PanelArgumentError, match="never sent"):
            await commands.raw_request(forbidden)
    # 55 and 57..62 are program-condition values, 200 is nothing: not in the table.
    for command in (55, 60, 200):
        with pytest.raises(PanelArgumentError, match="not in the command table"):
            await commands.raw_command(command)
        with pytest.raises(PanelArgumentError, match="not in the command table"):
            await commands.raw_request(Command(command, 0, 0))
    with pytest.raises(PanelArgumentError):
        await commands.raw_command(1, 256, 5)
    assert connection.requests_sent == sent
    with pytest.raises(PanelNakError):
        await commands.raw_command(1, 0, 600)


class AckingSender:
    """Acks everything and keeps each request's payload: for exact wire bytes."""

    def __init__(self) -> None:
        self.payloads: list[str] = []

    async def request(self, message: Message, *, timeout: float | None = None) -> Message:
        self.payloads.append(message.encode_payload().hex())
        return Ack()


# Spec 23.6 command payloads, produced through the typed methods.
VECTORS: list[tuple[Action, str]] = [
    (lambda c: c.unit_off(5), "00000005"),
    (lambda c: c.unit_on(5), "01000005"),
    (lambda c: c.unit_on(14, seconds=90), "015a000e"),
    (lambda c: c.unit_on(257, seconds=600), "016e0101"),
    (lambda c: c.unit_off(20, seconds=7200), "00ca0014"),
    (lambda c: c.unit_level(3, 50), "09320003"),
    (lambda c: c.unit_level(257, 75), "094b0101"),
    (lambda c: c.all_off(), "02000000"),
    (lambda c: c.all_on(2), "03000002"),
    (lambda c: c.bypass_zone(12, 2), "0402000c"),
    (lambda c: c.restore_zone(12, 2), "0502000c"),
    (lambda c: c.restore_all_zones(2, area=1), "06020001"),
    (lambda c: c.execute_button(4), "07000004"),
    (lambda c: c.increment_counter(400), "0b000190"),
    (lambda c: c.set_counter(400, 7), "0c070190"),
    (lambda c: c.set_heat_setpoint(1, 68), "42780001"),
    (lambda c: c.set_cool_setpoint(1, 76), "43810001"),
    (lambda c: c.set_thermostat_mode(2, ThermostatMode.COOL), "44020002"),
    (lambda c: c.set_fan_mode(2, FanMode.ON), "45010002"),
    (lambda c: c.set_hold(2, HoldMode.HOLD), "46010002"),
    (lambda c: c.set_humidify_setpoint(1, 40), "49590001"),
    (lambda c: c.set_dehumidify_setpoint(1, 55), "4a6a0001"),
    (lambda c: c.show_message(2), "50000002"),
    (lambda c: c.show_message(2, beep=False), "56010002"),
    (lambda c: c.show_message(2, beep=False, led=False), "56020002"),
    (lambda c: c.clear_message(2), "52000002"),
    (lambda c: c.clear_message(), "52000000"),
    (lambda c: c.lock(2), "69000002"),
    (lambda c: c.unlock(2), "6a000002"),
    (lambda c: c.unlock(2, seconds=10), "6a0a0002"),
    (lambda c: c.console_beeper(2, enabled=False), "66000002"),
    (lambda c: c.console_beeper(2, enabled=True), "66010002"),
    (lambda c: c.console_beep(0, 3), "67040000"),
    (lambda c: c.audio_zone_power(3, True), "70010003"),
    (lambda c: c.audio_zone_volume(3, 40), "71280003"),
    (lambda c: c.audio_zone_source(3, 2), "72020003"),
    (lambda c: c.set_energy_cost(EnergyCost.HIGH), "08020000"),
    # Not in 23.6, from the table in spec 16.
    (lambda c: c.execute_program(7), "68000007"),  # 104, P1 = 0
    (lambda c: c.console_beep(continuous=True), "67010000"),
    (lambda c: c.console_beep(1, 0), "67000001"),
    (lambda c: c.audio_zone_mute(3, True), "70030003"),
    (lambda c: c.compose_scene(10, "A"), "0e02000a"),
    (lambda c: c.unit_timed_level(3, 50, 60), "653c6403"),  # P2 = 3 | 50 << 9
]


@pytest.mark.parametrize(("action", "payload"), VECTORS, ids=[v[1] for v in VECTORS])
async def test_command_payloads_match_the_spec_vectors(action: Action, payload: str) -> None:
    sender = AckingSender()
    await action(PanelCommands(sender, TemperatureUnit.FAHRENHEIT))
    assert sender.payloads == [payload]
