"""What each command topic does: payload -> a validated :class:`Action` on the panel client.

One builder per ``(kind, attribute)`` of the command topic table (README / design section 3).
A builder checks the whole payload and raises :class:`CommandError` for anything wrong, so a
junk payload never reaches the panel; the returned action only calls the client's typed API
(``client.commands``, ``.security``, ``.programs``). ``Action.command`` says what is done
("area 1 arm_away", "unit 2 level 50") and never contains a user code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from ..panel.client import PanelClient
from ..panel.commands import MAX_DURATION, PanelCommands
from ..protocol.errors import ProgramError
from ..protocol.messages.properties import ZoneProperties
from ..protocol.objects import ObjectType
from ..protocol.programs import Program, validate_slot
from ..protocol.security import SecurityMode
from ..protocol.thermostats import FanMode, HoldMode, ThermostatMode
from .command_payloads import (
    ON_OFF,
    Payload,
    bad_payload,
    choice,
    code_required,
    integer,
    number,
    optional_integer,
    shown,
)
from .gateway import PanelRuntime
from .topics import PROGRAM

V = TypeVar("V")
Run = Callable[[], Awaitable[object]]
# A command on object ``n`` of a panel, given its client.
Call = Callable[[PanelClient, int], Awaitable[object]]


@dataclass(frozen=True)
class Target:
    """The object a command topic names."""

    runtime: PanelRuntime
    kind: str
    number: int
    attribute: str | None = None

    @property
    def client(self) -> PanelClient:
        return self.runtime.client

    def describe(self, *what: object) -> str:
        """``"unit 2"``, ``"thermostat 1 mode heat"``: the result's ``command`` field."""
        parts = [self.kind, str(self.number)]
        if self.attribute is not None:
            parts.append(self.attribute)
        return " ".join((*parts, *map(str, what)))


@dataclass(frozen=True)
class Action:
    command: str
    run: Run
    changes_programs: bool = False  # program writes and clears change discovery's buttons


Builder = Callable[[Target, Payload], Action]
BUILDERS: dict[tuple[str, str | None], Builder] = {}


def build_action(target: Target, payload: Payload) -> Action:
    builder = BUILDERS.get((target.kind, target.attribute))
    if builder is None:
        topic = "/".join(filter(None, (target.kind, "<n>", target.attribute, "set")))
        raise bad_payload(f"{topic} is not a command topic of omni2mqtt")
    return builder(target, payload)


def _on(target: Target, call: Call) -> Run:
    return lambda: call(target.client, target.number)


def _for(seconds: int | None) -> str:
    return f" for {seconds} s" if seconds else ""


def choice_builder(options: Mapping[str, Call], what: str, *, quote: bool = True) -> Builder:
    """A topic whose payload names one of ``options`` (modes, ON/OFF, message actions)."""

    def build(target: Target, payload: Payload) -> Action:
        value = payload.value()
        call = choice(value, options, what, quote=quote)
        return Action(target.describe(value), _on(target, call))

    return build


def number_builder(
    call: Callable[[PanelCommands, int, int], Awaitable[None]], low: int, high: int, what: str
) -> Builder:
    """A topic whose payload is a whole number in ``low..high`` (levels, volume, counters)."""

    def build(target: Target, payload: Payload) -> Action:
        value = integer(payload.value(), low, high, what)
        return Action(
            target.describe(value), lambda: call(target.client.commands, target.number, value)
        )

    return build


def setpoint_builder(call: Callable[[PanelCommands, int, float], Awaitable[None]]) -> Builder:
    """Thermostat setpoints in the panel's unit; the typed API checks the range before sending."""

    def build(target: Target, payload: Payload) -> Action:
        value = number(payload.value(), "setpoint")
        shown_value = int(value) if value.is_integer() else value
        return Action(
            target.describe(shown_value),
            lambda: call(target.client.commands, target.number, value),
        )

    return build


def humidity_builder(
    call: Callable[[PanelCommands, int, float | None], Awaitable[None]],
) -> Builder:
    """Humidify/dehumidify setpoints: 1..100 %RH; ``off`` or 0 disables (the panel's raw 0)."""

    def build(target: Target, payload: Payload) -> Action:
        value = payload.value()
        percent = None if value in ("off", "none") else integer(value, 0, 100, "humidity %")
        setpoint = percent or None
        return Action(
            target.describe("off" if setpoint is None else setpoint),
            lambda: call(target.client.commands, target.number, setpoint),
        )

    return build


def value_calls(
    method: Callable[[PanelCommands, int, V], Awaitable[None]], names: Mapping[str, V]
) -> dict[str, Call]:
    """``{name: call}`` for a typed command method taking one value (a mode, on/off)."""

    def call_for(value: V) -> Call:
        return lambda client, n: method(client.commands, n, value)

    return {name: call_for(value) for name, value in names.items()}


# --- areas and zones (security: values are never quoted back, a code could be among them) --------

AREA_ACTIONS: dict[str, SecurityMode] = {
    "disarm": SecurityMode.OFF,
    "arm_home": SecurityMode.DAY,
    "arm_night": SecurityMode.NIGHT,
    "arm_away": SecurityMode.AWAY,
    "arm_vacation": SecurityMode.VACATION,
    "arm_custom_bypass": SecurityMode.DAY_INSTANT,
    "arm_night_delayed": SecurityMode.NIGHT_DELAYED,
}


def _area(target: Target, payload: Payload) -> Action:
    action = payload.value()
    mode = choice(action, AREA_ACTIONS, "area action", quote=False)
    code = payload.require_code()
    return Action(
        target.describe(action),
        lambda: target.client.security.set_mode(target.number, mode, code),
    )


def _zone_area(target: Target) -> int:
    info = target.client.state.object_info(ObjectType.ZONE, target.number)
    props = info.properties if info is not None else None
    return props.area if isinstance(props, ZoneProperties) and props.area else 1


def _zone_bypass(target: Target, payload: Payload) -> Action:
    state = payload.value()
    bypass = choice(state, ON_OFF, "bypass state (ON or OFF)", quote=False)
    code = payload.code()
    # An optional panel setting: the user number to bypass with when no code is sent.
    configured = getattr(target.runtime.settings, "bypass_user_number", None)
    if code is None and configured is None:
        raise code_required()
    fixed = 0 if configured is None else integer(configured, 1, 255, "bypass_user_number")
    commands = target.client.commands
    method = commands.bypass_zone if bypass else commands.restore_zone

    async def run() -> None:
        if code is None:
            user = fixed
        else:
            user = await target.client.security.code_number(_zone_area(target), code)
        await method(target.number, user)

    return Action(target.describe(state), run)


# --- units -----------------------------------------------------------------------------------


def _unit(target: Target, payload: Payload) -> Action:
    on = choice(payload.value(options=("brightness", "duration")), ON_OFF, "unit state")
    level = optional_integer(payload.option("brightness"), 0, 100, "brightness %")
    seconds = optional_integer(payload.option("duration"), 0, MAX_DURATION, "duration (s)") or 0
    commands, n = target.client.commands, target.number
    if not on:
        if level is not None:
            raise bad_payload("brightness applies only to ON")
        return Action(target.describe(f"off{_for(seconds)}"), lambda: commands.unit_off(n, seconds))
    if level is None:
        return Action(target.describe(f"on{_for(seconds)}"), lambda: commands.unit_on(n, seconds))
    what = target.describe(f"level {level}{_for(seconds)}")
    if seconds:
        return Action(what, lambda: commands.unit_timed_level(n, level, seconds))
    return Action(what, lambda: commands.unit_level(n, level))


def _unit_value(target: Target, payload: Payload) -> Action:
    """Flags and counters: 0..255, ``increment``, ``decrement``, or ON/OFF for a flag."""
    value = payload.value()
    commands, n = target.client.commands, target.number
    if value == "increment":
        return Action(target.describe(value), lambda: commands.increment_counter(n))
    if value == "decrement":
        return Action(target.describe(value), lambda: commands.decrement_counter(n))
    if isinstance(value, str) and value in ON_OFF:
        on = ON_OFF[value]
        return Action(target.describe(value), lambda: commands.set_flag(n, on))
    count = integer(value, 0, 255, "value (0..255, increment, decrement, ON or OFF)")
    return Action(target.describe(count), lambda: commands.set_counter(n, count))


# --- programs --------------------------------------------------------------------------------


def _program(target: Target, payload: Payload) -> Action:
    """``execute``; a JSON program (written and read back); ``{"clear": true}``."""
    programs = target.client.programs
    try:
        slot = validate_slot(target.number, programs.max_slot)
    except ProgramError as exc:
        raise bad_payload(str(exc)) from None
    fields = payload.fields
    action = payload.text if payload.text is not None else fields.get("action")
    if isinstance(action, str) and action.strip().lower() == "execute" and len(fields) <= 1:
        return Action(
            target.describe("execute"), lambda: target.client.commands.execute_program(slot)
        )
    if payload.text is not None:
        raise bad_payload(
            f"unknown program command {shown(payload.text)}; use execute, a JSON program "
            'or {"clear": true}'
        )
    if "clear" in fields:
        if fields.get("clear") is not True or len(fields) != 1:
            raise bad_payload('clear a program slot with exactly {"clear": true}')
        return Action(target.describe("clear"), lambda: programs.clear(slot), True)
    body = fields.get("program") if set(fields) == {"program"} else fields
    try:
        program = Program.from_json(body, programs.record_size)
    except ProgramError as exc:
        raise bad_payload(str(exc)) from None
    return Action(target.describe("write"), lambda: programs.write(slot, program), True)


# --- the rest --------------------------------------------------------------------------------


def _button(target: Target, payload: Payload) -> Action:
    # Any payload presses it (HA sends PRESS).
    return Action(target.describe("press"), _on(target, lambda c, n: c.commands.execute_button(n)))


def _lock(target: Target, payload: Payload) -> Action:
    lock = choice(
        payload.value(options=("duration",)), {"lock": True, "unlock": False}, "lock state"
    )
    seconds = optional_integer(payload.option("duration"), 0, MAX_DURATION, "duration (s)") or 0
    commands, n = target.client.commands, target.number
    if lock:
        if seconds:
            raise bad_payload("duration applies only to UNLOCK")
        return Action(target.describe("lock"), lambda: commands.lock(n))
    return Action(target.describe(f"unlock{_for(seconds)}"), lambda: commands.unlock(n, seconds))


def _audio_source(target: Target, payload: Payload) -> Action:
    """A source number, or a source's panel name (what a Home Assistant select sends)."""
    value = payload.value()
    names = {
        info.name.strip().lower(): info.number
        for info in target.client.state.objects(ObjectType.AUDIO_SOURCE)
        if info.name
    }
    if isinstance(value, str) and value in names:
        source = names[value]
    else:
        source = integer(value, 1, 255, "audio source (a number or a source name)")
    return Action(
        target.describe(source),
        lambda: target.client.commands.audio_zone_source(target.number, source),
    )


MESSAGE_ACTIONS: dict[str, Call] = {
    "show": lambda c, n: c.commands.show_message(n),
    "show_no_beep": lambda c, n: c.commands.show_message(n, beep=False),
    "show_no_beep_no_led": lambda c, n: c.commands.show_message(n, beep=False, led=False),
    "clear": lambda c, n: c.commands.clear_message(n),
    "log": lambda c, n: c.commands.log_message(n),
}
THERMOSTAT_MODES = {
    "off": ThermostatMode.OFF,
    "heat": ThermostatMode.HEAT,
    "cool": ThermostatMode.COOL,
    "auto": ThermostatMode.AUTO,
    "heat_cool": ThermostatMode.AUTO,  # Home Assistant's name for auto changeover
    "emergency_heat": ThermostatMode.EMERGENCY_HEAT,
}
FAN_MODES = {"auto": FanMode.AUTO, "on": FanMode.ON, "cycle": FanMode.CYCLE}
HOLD_MODES = {
    "off": HoldMode.OFF,
    "none": HoldMode.OFF,  # Home Assistant's "no preset"
    "hold": HoldMode.HOLD,
    "vacation": HoldMode.VACATION,
}

C = PanelCommands
BUILDERS.update(
    {
        ("area", None): _area,
        ("zone", "bypass"): _zone_bypass,
        ("unit", None): _unit,
        ("unit", "brightness"): number_builder(C.unit_level, 0, 100, "brightness %"),
        ("unit", "value"): _unit_value,
        ("thermostat", "mode"): choice_builder(
            value_calls(C.set_thermostat_mode, THERMOSTAT_MODES), "thermostat mode"
        ),
        ("thermostat", "fan_mode"): choice_builder(value_calls(C.set_fan_mode, FAN_MODES), "fan"),
        ("thermostat", "hold"): choice_builder(value_calls(C.set_hold, HOLD_MODES), "hold mode"),
        ("thermostat", "heat_setpoint"): setpoint_builder(C.set_heat_setpoint),
        ("thermostat", "cool_setpoint"): setpoint_builder(C.set_cool_setpoint),
        ("thermostat", "humidify_setpoint"): humidity_builder(C.set_humidify_setpoint),
        ("thermostat", "dehumidify_setpoint"): humidity_builder(C.set_dehumidify_setpoint),
        ("button", None): _button,
        (PROGRAM, None): _program,
        ("message", None): choice_builder(MESSAGE_ACTIONS, "message action"),
        ("lock", None): _lock,
        ("audio_zone", None): choice_builder(value_calls(C.audio_zone_power, ON_OFF), "state"),
        ("audio_zone", "volume"): number_builder(C.audio_zone_volume, 0, 100, "volume %"),
        ("audio_zone", "source"): _audio_source,
        ("audio_zone", "mute"): choice_builder(
            value_calls(C.audio_zone_mute, ON_OFF), "mute state"
        ),
    }
)
