"""The emulated panel's security and lighting objects: mutable state, records, Properties.

Each object holds raw panel values (temperatures stay raw bytes) and knows how it looks on the
wire (``record()``, ``properties()``) and in the emulator's JSON snapshot (``snapshot()``).
Timers are floats in seconds; the wire shows them rounded up, so a timer reads its full length
until a whole second has passed and reads 1 until it has really run out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from ..protocol.messages.properties import (
    AreaProperties,
    AuxiliaryProperties,
    ButtonProperties,
    CodeProperties,
    PropertiesBody,
    UnitProperties,
    ZoneProperties,
)
from ..protocol.records import (
    AreaRecord,
    AuxiliaryRecord,
    StatusRecord,
    UnitRecord,
    ZoneRecord,
)
from ..protocol.security import (
    EXIT_DELAY_OFFSET,
    Authority,
    SecurityMode,
    alarm_names,
    ha_alarm_state,
)
from ..protocol.units import UnitState, UnitType
from ..protocol.zones import ZoneArming, ZoneCondition, ZoneLatched, ZoneStatus, zone_type_info
from .scenario import MacroStep
from .zone_rules import armed_in

# A float timer at or below this has run out (tick() sums many small steps).
TIMER_EPSILON = 1e-6


B = TypeVar("B", bound=PropertiesBody)


def with_record(body: type[B], record: StatusRecord, **extra: Any) -> B:
    """A Properties body repeating its status record's fields (the wire layouts share them)."""
    shared = {f.name: getattr(record, f.name) for f in fields(body) if hasattr(record, f.name)}
    return body(**shared, **extra)


def timer_value(seconds: float, limit: int = 0xFFFF) -> int:
    """What the wire shows for a running timer: whole seconds, rounded up."""
    if seconds <= TIMER_EPSILON:
        return 0
    return min(limit, math.ceil(seconds - TIMER_EPSILON))


@dataclass(eq=False)
class Area:
    number: int
    name: str = ""
    configured: bool = False  # defined by the scenario; others read "not enabled"
    exit_delay: int = 60
    entry_delay: int = 30
    mode: SecurityMode = SecurityMode.OFF  # while arming: the mode being armed
    arming: bool = False  # exit delay running
    exit_remaining: float = 0.0
    entry_remaining: float = 0.0
    entry_zone: int = 0  # the zone that started the entry delay
    alarms: int = 0  # AreaAlarms bits
    code: int = 0  # code number of the last mode change

    @property
    def mode_byte(self) -> int:
        return self.mode + EXIT_DELAY_OFFSET if self.arming else int(self.mode)

    @property
    def armed(self) -> bool:
        """Armed and in force (the exit delay has ended)."""
        return self.mode != SecurityMode.OFF and not self.arming

    @property
    def exit_timer(self) -> int:
        return timer_value(self.exit_remaining, 0xFF)

    @property
    def entry_timer(self) -> int:
        return timer_value(self.entry_remaining, 0xFF)

    def record(self) -> AreaRecord:
        return AreaRecord(
            number=self.number,
            mode=self.mode_byte,
            alarms=self.alarms,
            entry_timer=self.entry_timer,
            exit_timer=self.exit_timer,
        )

    def properties(self) -> AreaProperties:
        return with_record(
            AreaProperties,
            self.record(),
            name=self.name,
            enabled=int(self.configured),
            exit_delay=self.exit_delay,
            entry_delay=self.entry_delay,
        )

    def snapshot(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "mode": int(self.mode),
            "mode_byte": self.mode_byte,
            "arming": self.arming,
            "alarms": self.alarms,
            "alarm_names": alarm_names(self.alarms),
            "entry_timer": self.entry_timer,
            "exit_timer": self.exit_timer,
            "state": ha_alarm_state(self.mode_byte, self.alarms, self.entry_timer, self.exit_timer),
        }


@dataclass(eq=False)
class Zone:
    number: int
    area: Area
    name: str = ""
    # 64 = "auxiliary (panel default)": an unconfigured zone takes no part in security.
    zone_type: int = 64
    loop: int = 0
    condition: ZoneCondition = ZoneCondition.SECURE
    latched: ZoneLatched = ZoneLatched.SECURE
    bypassed: bool = False
    trouble_unacknowledged: bool = False
    low_setpoint: int = 0
    high_setpoint: int = 0

    @property
    def analog(self) -> bool:
        return zone_type_info(self.zone_type).analog

    @property
    def is_open(self) -> bool:
        return self.condition != ZoneCondition.SECURE

    @property
    def arming(self) -> ZoneArming:
        if self.bypassed:
            return ZoneArming.BYPASSED_BY_USER
        if self.area.armed and armed_in(self.zone_type, self.area.mode):
            return ZoneArming.ARMED
        return ZoneArming.DISARMED

    @property
    def status(self) -> int:
        return ZoneStatus(
            self.condition, self.latched, self.arming, self.trouble_unacknowledged
        ).to_byte()

    def record(self) -> ZoneRecord:
        return ZoneRecord(number=self.number, status=self.status, loop=self.loop)

    def properties(self) -> ZoneProperties:
        return with_record(
            ZoneProperties,
            self.record(),
            name=self.name,
            zone_type=self.zone_type,
            area=self.area.number,
            options=0,
        )

    # The auxiliary object with the same number: only analog zones have a meaningful one.

    @property
    def aux_name(self) -> str:
        return self.name if self.analog else ""

    def aux_record(self) -> AuxiliaryRecord:
        analog = self.analog
        return AuxiliaryRecord(
            number=self.number,
            output=0,
            value=self.loop if analog else 0,
            low_setpoint=self.low_setpoint if analog else 0,
            high_setpoint=self.high_setpoint if analog else 0,
        )

    def aux_properties(self) -> AuxiliaryProperties:
        sensor_type = self.zone_type if self.analog else 0
        return with_record(
            AuxiliaryProperties, self.aux_record(), name=self.aux_name, sensor_type=sensor_type
        )

    def snapshot(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.zone_type,
            "area": self.area.number,
            "status": self.status,
            "condition": int(self.condition),
            "latched": int(self.latched),
            "arming": int(self.arming),
            "open": self.is_open,
            "bypassed": self.bypassed,
            "loop": self.loop,
        }

    def aux_snapshot(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.zone_type,
            "value": self.loop,
            "low_setpoint": self.low_setpoint,
            "high_setpoint": self.high_setpoint,
        }


@dataclass(eq=False)
class Unit:
    number: int
    name: str = ""
    unit_type: int = UnitType.STANDARD
    state: int = 0
    areas: int = 0x80  # bit 7 = area 1
    remaining: float = 0.0  # timed command left
    state_after: int = 0  # state when the timer runs out

    @property
    def is_on(self) -> bool:
        if self.unit_type == UnitType.FLAG:
            return self.state != 0
        return UnitState.from_byte(self.state).is_on

    def record(self) -> UnitRecord:
        return UnitRecord(
            number=self.number, state=self.state, remaining=timer_value(self.remaining)
        )

    def properties(self) -> UnitProperties:
        return with_record(
            UnitProperties, self.record(), name=self.name, unit_type=self.unit_type, area=self.areas
        )

    def snapshot(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.unit_type,
            "state": self.state,
            "on": self.is_on,
            "remaining": timer_value(self.remaining),
        }


@dataclass(eq=False)
class Button:
    number: int
    name: str = ""
    macro: tuple[MacroStep, ...] = ()

    def properties(self) -> ButtonProperties:
        return ButtonProperties(number=self.number, name=self.name)

    def snapshot(self) -> dict[str, Any]:
        return {"name": self.name}


@dataclass(eq=False)
class UserCode:
    number: int
    name: str = ""
    code: str | None = field(default=None, repr=False)  # a secret: never in a repr or log
    authority: Authority = Authority.INVALID
    areas: frozenset[int] = frozenset()

    def valid_for(self, area: int) -> bool:
        return self.code is not None and area in self.areas

    def properties(self) -> CodeProperties:
        return CodeProperties(number=self.number, name=self.name)

    def snapshot(self) -> dict[str, Any]:
        # The code itself stays out: snapshots travel over the control channel and into logs.
        return {"name": self.name, "authority": int(self.authority), "areas": sorted(self.areas)}
