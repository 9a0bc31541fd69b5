"""Typed panel commands (spec 16): one method per thing a user does, each sent as one request.

Every method validates its arguments BEFORE anything is sent (:class:`PanelArgumentError`, kind
``bad_payload``), then expects an Ack: a Nak becomes :class:`PanelNakError` naming the action,
any other reply :class:`PanelProtocolError`. Offline, timeout and connection errors come from
the sender unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ..protocol.commands import AudioZoneAction, CommandType, EnergyCost
from ..protocol.messages.base import Message
from ..protocol.messages.control import AcknowledgeAlerts, Command
from ..protocol.opcodes import FORBIDDEN_OPCODES, Opcode
from ..protocol.temperature import (
    SETPOINT_RAW_MAX,
    TemperatureUnit,
    humidity_to_raw,
    temperature_to_raw,
)
from ..protocol.thermostats import FanMode, HoldMode, ThermostatMode
from .errors import PanelArgumentError
from .request_helpers import (
    RequestSender,
    argument_errors,
    exchange,
    member,
    prepared,
    require,
    send_acked,
)

_LOGGER = logging.getLogger(__name__)

U16_MAX = 0xFFFF
MAX_COUNTER = 255
MAX_BEEPS = 5
MAX_DURATION = 18 * 3600  # the duration byte tops out at 18 hours
# Compose / HLC room P1: 0 off, 1 on, 2..13 = scenes A..L.
_SCENE_LETTERS = "ABCDEFGHIJKL"


TemperatureUnitSource = TemperatureUnit | Callable[[], TemperatureUnit]


# --- The commands -------------------------------------------------------------------------------


class PanelCommands:
    """Typed commands for one panel.

    ``temperature_unit`` is the panel's display unit (SystemFormats) or a callable returning it;
    setpoints given to the thermostat methods are in that unit.
    """

    def __init__(
        self,
        sender: RequestSender,
        temperature_unit: TemperatureUnitSource = TemperatureUnit.FAHRENHEIT,
    ) -> None:
        self._sender = sender
        self._temperature_unit = temperature_unit

    def __repr__(self) -> str:
        return f"<PanelCommands via {self._sender!r}>"

    @property
    def temperature_unit(self) -> TemperatureUnit:
        unit = self._temperature_unit
        return unit if isinstance(unit, TemperatureUnit) else unit()

    async def command(self, command: CommandType, p1: int, p2: int, what: str) -> None:
        """Send one Command and expect Ack. Arguments must already be validated."""
        _LOGGER.debug("command %s (%d, %d): %s", command.name, p1, p2, what)
        await send_acked(self._sender, Command(command, p1, p2), what)

    async def _build(self, build: Callable[[], Command], what: str) -> None:
        with argument_errors():
            message = build()
        await send_acked(self._sender, message, what)

    # --- units -----------------------------------------------------------------------------

    async def unit_on(self, unit: int, seconds: int = 0) -> None:
        """Turn a unit (light, output, flag) on; ``seconds`` > 0 turns it off again after that.

        Durations the panel cannot represent exactly round to the nearest minute or hour.
        """
        require(unit, 1, U16_MAX, "unit")
        await self._build(lambda: Command.unit_on(unit, seconds), f"unit {unit} on")

    async def unit_off(self, unit: int, seconds: int = 0) -> None:
        require(unit, 1, U16_MAX, "unit")
        await self._build(lambda: Command.unit_off(unit, seconds), f"unit {unit} off")

    async def unit_level(self, unit: int, percent: int) -> None:
        require(unit, 1, U16_MAX, "unit")
        require(percent, 0, 100, "level %")
        await self.command(CommandType.UNIT_LEVEL, percent, unit, f"unit {unit} level {percent} %")

    async def unit_timed_level(self, unit: int, percent: int, seconds: int) -> None:
        """Set a level for ``seconds`` (P2 = Lo9 unit | Hi7 level, so units 1..511)."""
        require(unit, 1, 0x1FF, "unit")
        require(percent, 0, 100, "level %")
        require(seconds, 1, MAX_DURATION, "duration (s)")
        await self._build(
            lambda: Command.timed_level(unit, percent, seconds),
            f"unit {unit} level {percent} % for {seconds} s",
        )

    async def all_on(self, area: int = 0) -> None:
        """All lighting units on, in ``area`` (0 = every area)."""
        require(area, 0, 255, "area")
        await self.command(CommandType.ALL_ON, 0, area, f"all on (area {area})")

    async def all_off(self, area: int = 0) -> None:
        require(area, 0, 255, "area")
        await self.command(CommandType.ALL_OFF, 0, area, f"all off (area {area})")

    async def set_counter(self, unit: int, value: int) -> None:
        """Set a flag/counter unit to 0..255 (flags: 0 off, non-zero on)."""
        require(unit, 1, U16_MAX, "unit")
        require(value, 0, MAX_COUNTER, "counter value")
        await self.command(CommandType.SET_COUNTER, value, unit, f"counter {unit} = {value}")

    async def increment_counter(self, unit: int) -> None:
        require(unit, 1, U16_MAX, "unit")
        await self.command(CommandType.INCREMENT_COUNTER, 0, unit, f"counter {unit} + 1")

    async def decrement_counter(self, unit: int) -> None:
        require(unit, 1, U16_MAX, "unit")
        await self.command(CommandType.DECREMENT_COUNTER, 0, unit, f"counter {unit} - 1")

    async def set_flag(self, unit: int, on: bool) -> None:
        """A flag unit on (1) or off (0)."""
        await self.set_counter(unit, 1 if on else 0)

    async def compose_scene(self, unit: int, scene: str | int) -> None:
        """Compose / HLC room: ``"A"``..``"L"`` or 2..13 for a scene, 0 off, 1 on."""
        require(unit, 1, U16_MAX, "unit")
        if isinstance(scene, str):
            letter = scene.strip().upper()
            if len(letter) != 1 or letter not in _SCENE_LETTERS:
                raise PanelArgumentError(f"scene must be a letter A..L, got {scene!r}")
            p1 = 2 + _SCENE_LETTERS.index(letter)
        else:
            p1 = require(scene, 0, 1 + len(_SCENE_LETTERS), "scene")
        await self.command(CommandType.COMPOSE_SCENE, p1, unit, f"unit {unit} scene {scene}")

    # --- zones -----------------------------------------------------------------------------

    async def bypass_zone(self, zone: int, code_number: int) -> None:
        """Bypass a zone. P1 is the user code NUMBER (from ValidateCode), never the code."""
        await self._zone_command(CommandType.BYPASS_ZONE, zone, code_number, "bypass")

    async def restore_zone(self, zone: int, code_number: int) -> None:
        await self._zone_command(CommandType.RESTORE_ZONE, zone, code_number, "restore")

    async def restore_all_zones(self, code_number: int, area: int = 0) -> None:
        """Restore every bypassed zone of ``area`` (0 = every area)."""
        require(code_number, 0, 255, "code number")
        require(area, 0, 255, "area")
        await self.command(
            CommandType.RESTORE_ALL_ZONES, code_number, area, f"restore all zones (area {area})"
        )

    async def _zone_command(
        self, command: CommandType, zone: int, code_number: int, verb: str
    ) -> None:
        require(zone, 1, U16_MAX, "zone")
        require(code_number, 0, 255, "code number")
        await self.command(command, code_number, zone, f"{verb} zone {zone}")

    # --- thermostats -----------------------------------------------------------------------

    async def set_thermostat_mode(self, thermostat: int, mode: ThermostatMode | int) -> None:
        typed = member(ThermostatMode, mode, "thermostat mode")
        await self._thermostat(CommandType.SET_THERMOSTAT_MODE, thermostat, typed, "mode")

    async def set_fan_mode(self, thermostat: int, fan: FanMode | int) -> None:
        typed = member(FanMode, fan, "fan mode")
        await self._thermostat(CommandType.SET_FAN_MODE, thermostat, typed, "fan")

    async def set_hold(self, thermostat: int, hold: HoldMode | int) -> None:
        """Hold 0 off, 1 hold, 2 vacation hold (1 per the SDK; older texts use 255)."""
        typed = member(HoldMode, hold, "hold mode")
        await self._thermostat(CommandType.SET_HOLD, thermostat, typed, "hold")

    async def set_heat_setpoint(self, thermostat: int, temperature: float) -> None:
        """Heat (low) setpoint in the panel's temperature unit."""
        raw = self._setpoint_raw(temperature)
        await self._thermostat(CommandType.SET_HEAT_SETPOINT, thermostat, raw, "heat setpoint")

    async def set_cool_setpoint(self, thermostat: int, temperature: float) -> None:
        """Cool (high) setpoint in the panel's temperature unit."""
        raw = self._setpoint_raw(temperature)
        await self._thermostat(CommandType.SET_COOL_SETPOINT, thermostat, raw, "cool setpoint")

    async def set_humidify_setpoint(self, thermostat: int, percent: float | None) -> None:
        """Humidify setpoint in %RH; None disables it."""
        raw = self._humidity_raw(percent)
        await self._thermostat(CommandType.SET_HUMIDIFY_SETPOINT, thermostat, raw, "humidify")

    async def set_dehumidify_setpoint(self, thermostat: int, percent: float | None) -> None:
        """Dehumidify setpoint in %RH; None disables it."""
        raw = self._humidity_raw(percent)
        await self._thermostat(CommandType.SET_DEHUMIDIFY_SETPOINT, thermostat, raw, "dehumidify")

    def _setpoint_raw(self, temperature: float) -> int:
        unit = self.temperature_unit
        if not isinstance(temperature, int | float) or isinstance(temperature, bool):
            raise PanelArgumentError(f"setpoint must be a number, got {temperature!r}")
        with argument_errors():
            return temperature_to_raw(temperature, unit, SETPOINT_RAW_MAX)

    @staticmethod
    def _humidity_raw(percent: float | None) -> int:
        if percent is None:
            return 0
        if not isinstance(percent, int | float) or isinstance(percent, bool):
            raise PanelArgumentError(f"humidity setpoint must be a number, got {percent!r}")
        with argument_errors():
            return humidity_to_raw(percent)

    async def _thermostat(self, command: CommandType, thermostat: int, p1: int, what: str) -> None:
        require(thermostat, 1, U16_MAX, "thermostat")
        await self.command(command, int(p1), thermostat, f"thermostat {thermostat} {what} {p1}")

    # --- buttons, programs, energy ---------------------------------------------------------

    async def execute_button(self, button: int) -> None:
        """Run a macro button: the verified way to trigger panel automation."""
        require(button, 1, U16_MAX, "button")
        await self.command(CommandType.EXECUTE_BUTTON, 0, button, f"button {button}")

    async def execute_program(self, slot: int) -> None:
        """Run a program's action with command 104, P1 = 0, P2 = slot, as PC Access does.

        UNVERIFIED on real panels: HAI's SDK calls command 104 "UserSetting" and older HAI text
        "set user setting". Prefer a macro button (:meth:`execute_button`) where it matters.
        """
        require(slot, 1, U16_MAX, "program slot")
        await self.command(CommandType.EXECUTE_PROGRAM, 0, slot, f"execute program {slot}")

    async def set_energy_cost(self, cost: EnergyCost | int) -> None:
        typed = member(EnergyCost, cost, "energy cost")
        await self.command(CommandType.SET_ENERGY_COST, typed, 0, f"energy cost {typed.name}")

    # --- messages --------------------------------------------------------------------------

    async def show_message(self, message: int, *, beep: bool = True, led: bool = True) -> None:
        """Show a message on the consoles: with beep and LED (80), no beep (86/1) or neither
        (86/2). The panel has no "beep without LED" form."""
        require(message, 1, U16_MAX, "message")
        if beep and not led:
            raise PanelArgumentError("a message can beep only together with the LED")
        if beep:
            command, p1 = CommandType.SHOW_MESSAGE, 0
        else:
            command, p1 = CommandType.SHOW_MESSAGE_QUIET, 1 if led else 2
        await self.command(command, p1, message, f"show message {message}")

    async def clear_message(self, message: int = 0, area: int = 0) -> None:
        """Clear one message, or with ``message`` 0 every message of ``area`` (0 = all)."""
        require(message, 0, U16_MAX, "message")
        require(area, 0, 255, "area")
        if message and area:
            raise PanelArgumentError("area applies only when clearing all messages (message 0)")
        await self.command(CommandType.CLEAR_MESSAGE, area, message, f"clear message {message}")

    async def log_message(self, message: int) -> None:
        require(message, 1, U16_MAX, "message")
        await self.command(CommandType.LOG_MESSAGE, 0, message, f"log message {message}")

    # --- locks (105 LOCK, 106 UNLOCK: the SDK order, never swapped) ------------------------

    async def lock(self, door: int = 0) -> None:
        """Lock a door (reader), 0 = all. Command 105."""
        require(door, 0, U16_MAX, "door")
        await self._build(lambda: Command.lock(door), f"lock door {door}")

    async def unlock(self, door: int = 0, seconds: int = 0) -> None:
        """Unlock a door (0 = all), for ``seconds`` (0 = until locked). Command 106."""
        require(door, 0, U16_MAX, "door")
        await self._build(lambda: Command.unlock(door, seconds), f"unlock door {door}")

    # --- audio -----------------------------------------------------------------------------

    async def audio_zone_power(self, zone: int, on: bool) -> None:
        action = AudioZoneAction.ON if on else AudioZoneAction.OFF
        await self._audio(CommandType.AUDIO_ZONE, zone, action, "power")

    async def audio_zone_mute(self, zone: int, muted: bool) -> None:
        action = AudioZoneAction.MUTE_ON if muted else AudioZoneAction.MUTE_OFF
        await self._audio(CommandType.AUDIO_ZONE, zone, action, "mute")

    async def audio_zone_volume(self, zone: int, percent: int) -> None:
        require(percent, 0, 100, "volume %")
        await self._audio(CommandType.AUDIO_VOLUME, zone, percent, "volume")

    async def audio_zone_source(self, zone: int, source: int) -> None:
        require(source, 1, 255, "audio source")
        await self._audio(CommandType.AUDIO_SOURCE, zone, source, "source")

    async def _audio(self, command: CommandType, zone: int, p1: int, what: str) -> None:
        # Zone 0 (all audio zones) is valid only for the power/mute command.
        require(zone, 0 if command is CommandType.AUDIO_ZONE else 1, U16_MAX, "audio zone")
        await self.command(command, int(p1), zone, f"audio zone {zone} {what} {int(p1)}")

    # --- consoles and alerts -----------------------------------------------------------------

    async def console_beep(
        self, console: int = 0, beeps: int = 1, *, continuous: bool = False
    ) -> None:
        """Beep ``beeps`` (1..5) times, continuously, or stop (``beeps`` 0). Console 0 = all."""
        require(console, 0, 255, "console")
        require(beeps, 0, MAX_BEEPS, "beeps")
        p1 = 1 if continuous else beeps + 1 if beeps else 0
        await self.command(CommandType.CONSOLE_BEEP, p1, console, f"console {console} beep")

    async def console_beeper(self, console: int = 0, *, enabled: bool) -> None:
        require(console, 0, 255, "console")
        await self.command(
            CommandType.CONSOLE_BEEPER, int(enabled), console, f"console {console} beeper"
        )

    async def acknowledge_alerts(self) -> None:
        """Acknowledge pending alerts and troubles as a keypad would (effects unverified)."""
        await send_acked(self._sender, AcknowledgeAlerts(), "acknowledge alerts")

    # --- escape hatches --------------------------------------------------------------------

    async def raw_command(self, command: int, p1: int = 0, p2: int = 0) -> None:
        """Any Command in the spec's table, unchecked beyond byte ranges; Ack or raises."""
        typed = _known_command(command)
        require(p1, 0, 255, "P1")
        require(p2, 0, U16_MAX, "P2")
        await self.command(typed, p1, p2, f"command {int(typed)} ({typed.name})")

    async def raw_request(self, message: Message) -> Message:
        """Send any message except the destructive ones (ClearPrograms, ClearNames, firmware
        erase, restarts) and Commands outside the table; returns the reply (Nak raises)."""
        opcode = getattr(type(message), "OPCODE", None)
        if opcode is None or opcode in FORBIDDEN_OPCODES:
            name = Opcode(opcode).name if opcode is not None else type(message).__name__
            raise PanelArgumentError(f"{name} is never sent: it is destructive or unsupported")
        if isinstance(message, Command):
            _known_command(message.command)
        return await exchange(self._sender, prepared(message), type(message).__name__)


def _known_command(command: int) -> CommandType:
    try:
        return CommandType(command)
    except ValueError:
        raise PanelArgumentError(
            f"command {command!r} is not in the command table (spec 16); it is not sent"
        ) from None
