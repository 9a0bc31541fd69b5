"""Command (opcode 20): what each command does to the emulated panel (spec 16).

:meth:`CommandSim.execute` returns True for Ack, False for Nak (unknown command, object out of
range, bad parameter, refused security command). Choices where the spec is silent:
- Durations (P1 = D) that refer to a user setting (>= 219) or are invalid (100, 200) are Nak'd;
  so are setpoint and level values >= 201 / >= 101 (user-setting references).
- A timed ON turns the unit off when it expires, a timed OFF turns it on.
- Show (80) and show quietly (86) both leave the message "displayed, not acknowledged" (2);
  AcknowledgeAlerts makes it 1, clear (82) makes it 0.
- EXECUTE_PROGRAM (104) runs the slot's action unconditionally; a WHEN/AT/EVERY head runs the
  THEN records that follow it. P1 must be 0 (pitfall 26). Buttons run their macro steps as
  commands; a step that would Nak is skipped. Nesting stops at MAX_DEPTH.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ..protocol.capacities import PROGRAM_SLOTS
from ..protocol.commands import CommandType as C
from ..protocol.commands import EnergyCost as EnergyCostLevel
from ..protocol.commands import decode_duration, unpack_lo9_hi7
from ..protocol.events import AllUnits, ButtonExecuted, EnergyCost, UnitStateChanged
from ..protocol.messages.eventlog import EventLogType
from ..protocol.objects import ObjectType
from ..protocol.programs import Program, ProgramType
from ..protocol.security import SecurityMode, SecurityResult
from ..protocol.temperature import HUMIDITY_RAW_MAX, HUMIDITY_RAW_MIN, SETPOINT_RAW_MAX
from ..protocol.units import SWITCH_ONLY_UNIT_TYPES
from .devices import Thermostat
from .journal import EventLog, Journal
from .model import ObjectTable, PanelModel
from .objects import TIMER_EPSILON, Unit
from .security_sim import SecuritySim

T = TypeVar("T")
Handler = Callable[[int, int, int], bool]  # (p1, p2, depth) -> Ack?

MAX_DEPTH = 4
_HEADS = (ProgramType.WHEN, ProgramType.AT, ProgramType.EVERY)
_CLAUSES = (ProgramType.AND, ProgramType.OR)


def _signed(byte: int) -> int:
    return byte - 0x100 if byte & 0x80 else byte


def _valid_humidity(raw: int) -> bool:
    return raw == 0 or HUMIDITY_RAW_MIN <= raw <= HUMIDITY_RAW_MAX


class CommandSim:
    def __init__(
        self, model: PanelModel, journal: Journal, log: EventLog, security: SecuritySim
    ) -> None:
        self.model, self.journal, self.log, self.security = model, journal, log, security
        unit_state = self._unit_state_command
        self._handlers: dict[int, Handler] = {
            C.UNIT_OFF: lambda p1, p2, d: self._unit_on_off(False, p1, p2),
            C.UNIT_ON: lambda p1, p2, d: self._unit_on_off(True, p1, p2),
            C.ALL_OFF: lambda p1, p2, d: self._all_units(False, p2),
            C.ALL_ON: lambda p1, p2, d: self._all_units(True, p2),
            C.BYPASS_ZONE: lambda p1, p2, d: self.security.bypass(p2, p1, bypassed=True),
            C.RESTORE_ZONE: lambda p1, p2, d: self.security.bypass(p2, p1, bypassed=False),
            C.RESTORE_ALL_ZONES: lambda p1, p2, d: self.security.restore_all(p2, p1),
            C.EXECUTE_BUTTON: lambda p1, p2, d: self._button(p2, d),
            C.SET_ENERGY_COST: lambda p1, p2, d: self._energy_cost(p1),
            C.UNIT_LEVEL: lambda p1, p2, d: p1 <= 100 and unit_state(p2, 100 + p1),
            C.DECREMENT_COUNTER: lambda p1, p2, d: self._counter(p2, -1),
            C.INCREMENT_COUNTER: lambda p1, p2, d: self._counter(p2, +1),
            C.SET_COUNTER: lambda p1, p2, d: unit_state(p2, p1),
            C.ALC_RAMP: lambda p1, p2, d: self._lo9_level(p2, 0),
            C.COMPOSE_SCENE: lambda p1, p2, d: p1 <= 13 and unit_state(p2, p1),
            C.UNIT_TIMED_LEVEL: lambda p1, p2, d: self._lo9_level(p2, p1),
            C.EXECUTE_PROGRAM: lambda p1, p2, d: p1 == 0 and self._program(p2, d),
            C.LOCK: lambda p1, p2, d: self._lock(p2, None),
            C.UNLOCK: lambda p1, p2, d: self._lock(p2, decode_duration(p1)),
            C.AUDIO_ZONE: lambda p1, p2, d: self._audio(p2, p1, "power"),
            C.AUDIO_VOLUME: lambda p1, p2, d: self._audio(p2, p1, "volume"),
            C.AUDIO_SOURCE: lambda p1, p2, d: self._audio(p2, p1, "source"),
            C.AUDIO_KEY_PRESS: lambda p1, p2, d: (
                1 <= p1 <= 46 and self._exists(ObjectType.AUDIO_ZONE, p2)
            ),
            C.SHOW_MESSAGE: lambda p1, p2, d: self._show_message(p2),
            C.SHOW_MESSAGE_QUIET: lambda p1, p2, d: p1 <= 2 and self._show_message(p2),
            C.LOG_MESSAGE: lambda p1, p2, d: self._log_message(p2),
            C.CLEAR_MESSAGE: lambda p1, p2, d: self._clear_message(p2),
            C.SHOW_CAMERA: lambda p1, p2, d: 1 <= p1 <= 6,
            C.CONSOLE_BEEPER: lambda p1, p2, d: p1 <= 1 and self._consoles(p2),
            C.CONSOLE_BEEP: lambda p1, p2, d: p1 <= 6 and self._consoles(p2),
            C.SET_HEAT_SETPOINT: self._setpoint("heat_setpoint"),
            C.SET_COOL_SETPOINT: self._setpoint("cool_setpoint"),
            C.RAISE_LOWER_HEAT_SETPOINT: self._raise_lower("heat_setpoint"),
            C.RAISE_LOWER_COOL_SETPOINT: self._raise_lower("cool_setpoint"),
            C.SET_THERMOSTAT_MODE: self._thermostat_field("mode", lambda v: v <= 4),
            C.SET_FAN_MODE: self._thermostat_field("fan", lambda v: v <= 2),
            # 1 = hold per the SDK; the older HAI text's 255 is accepted too (spec 16).
            C.SET_HOLD: self._thermostat_field("hold", lambda v: v in (0, 1, 2, 255)),
            C.SET_HUMIDIFY_SETPOINT: self._thermostat_field("humidify_setpoint", _valid_humidity),
            C.SET_DEHUMIDIFY_SETPOINT: self._thermostat_field(
                "dehumidify_setpoint", _valid_humidity
            ),
        }
        for mode in SecurityMode:
            self._handlers[C.SECURITY_OFF + mode] = self._security(mode)
        # Dim / brighten 1-9 steps: the state byte records the last command (spec 15.2).
        for command in (*range(C.DIM_1, C.DIM_9 + 1), *range(C.BRIGHTEN_1, C.BRIGHTEN_9 + 1)):
            self._handlers[command] = self._fixed_state(command)
        # Accepted without a modelled effect, once the object is in range.
        for command in (C.UPB_STATUS_REQUEST, C.UPB_LED_OFF, C.UPB_LED_ON, C.UPB_STOP_BLINK):
            self._handlers[command] = lambda p1, p2, d: self._exists(ObjectType.UNIT, p2)
        self._handlers[C.UPB_BLINK] = lambda p1, p2, d: self._exists(
            ObjectType.UNIT, unpack_lo9_hi7(p2)[0]
        )
        for command in (C.ENERGY_SAVER_OFF, C.ENERGY_SAVER_ON):
            self._handlers[command] = lambda p1, p2, d: self._exists(ObjectType.ZONE, p2)
        for command in (C.SAY_MESSAGE, C.PHONE_AND_SAY_MESSAGE, C.SEND_MESSAGE_SERIAL):
            self._handlers[command] = lambda p1, p2, d: self._exists(ObjectType.MESSAGE, p2)
        for command in (
            C.UPB_LINK_OFF,
            C.UPB_LINK_ON,
            C.UPB_LINK_SET,
            C.CENTRALITE_SCENE_OFF,
            C.CENTRALITE_SCENE_ON,
            C.RADIORA_PHANTOM_OFF,
            C.RADIORA_PHANTOM_ON,
        ):
            self._handlers[command] = lambda p1, p2, d: 1 <= p2 <= 0xFF

    def execute(self, command: int, p1: int, p2: int, depth: int = 0) -> bool:
        handler = self._handlers.get(command)
        return handler is not None and bool(handler(p1, p2, depth))

    def tick(self, seconds: float) -> None:
        for unit in self.model.units:
            if unit.remaining > TIMER_EPSILON:
                unit.remaining -= seconds
                if unit.remaining <= TIMER_EPSILON:
                    self._set_unit(unit, unit.state_after)
        for lock in self.model.locks:
            if not lock.locked and lock.unlock_remaining > TIMER_EPSILON:
                lock.unlock_remaining -= seconds
                if lock.unlock_remaining <= TIMER_EPSILON:
                    self.journal.touch(ObjectType.ACCESS_LOCK, lock.number)
                    lock.locked, lock.unlock_remaining = True, 0.0

    # --- helpers -------------------------------------------------------------------------------

    def _exists(self, kind: ObjectType, number: int) -> bool:
        return 1 <= number <= self.model.capacity(kind)

    def _targets(self, table: ObjectTable[T], number: int) -> list[T]:
        """One object, or every stored one for number 0."""
        if number == 0:
            return list(table)
        return [table.obtain(number)] if number in table else []

    # --- units ---------------------------------------------------------------------------------

    def _set_unit(self, unit: Unit, state: int, seconds: float = 0.0, after: int = 0) -> None:
        self.journal.touch(ObjectType.UNIT, unit.number)
        unit.state, unit.remaining, unit.state_after = state, seconds, after
        self.journal.event(UnitStateChanged(unit.number, unit.is_on))

    def _unit_state_command(self, number: int, state: int) -> bool:
        if number not in self.model.units or state > 0xFF:
            return False
        self._set_unit(self.model.units.obtain(number), state)
        return True

    def _unit_on_off(self, on: bool, p1: int, number: int) -> bool:
        seconds = decode_duration(p1)
        if number not in self.model.units or seconds is None:
            return False
        unit = self.model.units.obtain(number)
        # A timed command ends in the opposite state (spec 16: the time field counts down).
        self._set_unit(unit, int(on), float(seconds), after=int(not on) if seconds else 0)
        return True

    def _lo9_level(self, p2: int, duration: int) -> bool:
        number, level = unpack_lo9_hi7(p2)
        seconds = decode_duration(duration)
        if number not in self.model.units or level > 100 or seconds is None:
            return False
        self._set_unit(self.model.units.obtain(number), 100 + level, float(seconds))
        return True

    def _fixed_state(self, state: int) -> Handler:
        return lambda p1, p2, depth: self._unit_state_command(p2, state)

    def _counter(self, number: int, step: int) -> bool:
        if number not in self.model.units:
            return False
        unit = self.model.units.obtain(number)
        self._set_unit(unit, max(0, min(0xFF, unit.state + step)))
        return True

    def _all_units(self, on: bool, area: int) -> bool:
        if not 0 <= area <= self.model.capacity(ObjectType.AREA):
            return False
        mask = 0xFF if area == 0 else 0x80 >> (area - 1)
        for unit in self.model.units:
            if unit.unit_type not in SWITCH_ONLY_UNIT_TYPES and unit.areas & mask:
                self.journal.touch(ObjectType.UNIT, unit.number)
                unit.state, unit.remaining = int(on), 0.0
        self.journal.event(AllUnits(on, area))
        return True

    # --- buttons, programs, energy -------------------------------------------------------------

    def _button(self, number: int, depth: int) -> bool:
        if number not in self.model.buttons or depth >= MAX_DEPTH:
            return False
        self.journal.event(ButtonExecuted(number))
        for step in self.model.buttons.peek(number).macro:
            self.execute(step.command, step.p1, step.p2, depth + 1)
        return True

    def _program_actions(self, slot: int) -> list[tuple[int, int, int]]:
        """(command, P1, P2) of what executing the slot runs."""
        record = self.model.programs.get(slot)
        if record is None:
            return []
        program = Program.from_record(record)
        if program.type_code not in _HEADS:
            return [] if program.action is None else [(program.cmd, program.par, program.pr2)]
        actions = []
        for following in range(slot + 1, PROGRAM_SLOTS + 1):
            record = self.model.programs.get(following)
            clause = None if record is None else Program.from_record(record)
            if clause is None or clause.type_code not in (*_CLAUSES, ProgramType.THEN):
                break
            if clause.type_code == ProgramType.THEN:
                actions.append((clause.cmd, clause.par, clause.pr2))
        return actions

    def _program(self, slot: int, depth: int) -> bool:
        actions = self._program_actions(slot) if depth < MAX_DEPTH else []
        for cmd, p1, p2 in actions:
            self.execute(cmd, p1, p2, depth + 1)
        return bool(actions)

    def _energy_cost(self, level: int) -> bool:
        if level > 3:
            return False
        self.model.energy_cost = level
        self.journal.event(EnergyCost(EnergyCostLevel(level)))
        return True

    def _security(self, mode: SecurityMode) -> Handler:
        def run(p1: int, p2: int, depth: int) -> bool:
            return self.security.command(mode, p1, p2) == SecurityResult.SUCCESS

        return run

    # --- thermostats ---------------------------------------------------------------------------

    def _thermostats(self, number: int, change: Callable[[Thermostat], None]) -> bool:
        targets = self._targets(self.model.thermostats, number)
        for thermostat in targets:
            self.journal.touch(ObjectType.THERMOSTAT, thermostat.number)
            change(thermostat)
        return bool(targets)

    def _thermostat_field(self, attr: str, valid: Callable[[int], bool]) -> Handler:
        def run(p1: int, p2: int, depth: int) -> bool:
            return valid(p1) and self._thermostats(p2, lambda t: setattr(t, attr, p1))

        return run

    def _setpoint(self, attr: str) -> Handler:
        return self._thermostat_field(attr, lambda v: v <= SETPOINT_RAW_MAX)

    def _raise_lower(self, attr: str) -> Handler:
        def run(p1: int, p2: int, depth: int) -> bool:
            steps = _signed(p1)

            def change(t: Thermostat) -> None:
                setattr(t, attr, max(0, min(SETPOINT_RAW_MAX, getattr(t, attr) + steps)))

            return -50 <= steps <= 50 and self._thermostats(p2, change)

        return run

    # --- messages, consoles, locks, audio ------------------------------------------------------

    def _set_display(self, number: int, display: int) -> None:
        self.journal.touch(ObjectType.MESSAGE, number)
        self.model.messages.obtain(number).display = display

    def _show_message(self, number: int) -> bool:
        if number not in self.model.messages:
            return False
        self._set_display(number, 2)
        return True

    def _log_message(self, number: int) -> bool:
        if number not in self.model.messages:
            return False
        self.log.add(EventLogType.MESSAGE_LOGGED, 0, number)
        return True

    def _clear_message(self, number: int) -> bool:
        targets = self._targets(self.model.messages, number)
        for message in targets:
            self._set_display(message.number, 0)
        return number == 0 or bool(targets)

    def _consoles(self, number: int) -> bool:
        return number == 0 or self._exists(ObjectType.CONSOLE, number)

    def _lock(self, number: int, unlock_seconds: int | None) -> bool:
        """Lock (seconds None) or unlock for ``unlock_seconds`` (0 = until locked)."""
        if self.model.capacity(ObjectType.ACCESS_LOCK) == 0:
            return False
        targets = self._targets(self.model.locks, number)
        for lock in targets:
            self.journal.touch(ObjectType.ACCESS_LOCK, lock.number)
            lock.locked = unlock_seconds is None
            lock.unlock_remaining = float(unlock_seconds or 0)
        return number == 0 or bool(targets)

    def _audio(self, number: int, value: int, what: str) -> bool:
        valid = {
            "power": value <= 3,
            "volume": value <= 100,
            "source": 1 <= value <= self.model.capacity(ObjectType.AUDIO_SOURCE),
        }[what]
        targets = self._targets(self.model.audio_zones, number) if valid else []
        for zone in targets:
            self.journal.touch(ObjectType.AUDIO_ZONE, zone.number)
            if what == "power":
                # P1: 0 off, 1 on, 2 mute off, 3 mute on.
                attr, setting = ("power", value == 1) if value < 2 else ("mute", value == 3)
                setattr(zone, attr, setting)
            else:
                setattr(zone, what, value)
        return valid and (number == 0 or bool(targets))
