"""Status record + Properties + panel formats -> view (spec 15 semantics).

Pure functions (plus the small tracker of panel-wide values): the store (``state.py``) calls
them for the one object that changed.
Raw 0 is "no reading" for temperatures and humidity (spec 15.4 for thermostats; applied to analog
zones and auxiliary sensors too, where a missing sensor also reads 0).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from functools import lru_cache
from typing import Any, NamedTuple, TypeAlias

from ..protocol.events import (
    AcPower,
    Battery,
    Communicator,
    EnergyCost,
    Event,
    PhoneLine,
    PhoneLineState,
)
from ..protocol.messages.properties import (
    AuxiliaryProperties,
    ThermostatProperties,
    UnitProperties,
    ZoneProperties,
)
from ..protocol.objects import ObjectType
from ..protocol.records import (
    AccessLockRecord,
    AccessReaderRecord,
    AreaRecord,
    AudioZoneRecord,
    AuxiliaryRecord,
    ExpansionRecord,
    MessageRecord,
    RawRecord,
    StatusRecord,
    ThermostatRecord,
    UnitRecord,
    UserSettingRecord,
    ZoneRecord,
)
from ..protocol.security import alarm_names, area_mode_name, code_source_name
from ..protocol.system_tables import Trouble
from ..protocol.temperature import TemperatureUnit, raw_to_humidity, raw_to_temperature
from ..protocol.units import UnitStateKind, UnitType
from ..protocol.zones import ZoneCondition, ZoneLatched, ZoneStatus, ZoneType, zone_type_info
from .views import (
    AccessReaderView,
    AreaView,
    AudioSourceView,
    AudioZoneView,
    AuxiliaryView,
    ButtonView,
    CodeView,
    ExpansionView,
    LockView,
    MessageView,
    RawView,
    SystemView,
    ThermostatView,
    UnitView,
    UserSettingView,
    View,
    ViewContext,
    ZoneView,
)

# Zone types whose open state keeps an area from arming (spec 15.6 types 0-8). Emergency (24-hour),
# tamper, trouble, auxiliary and analog types do not make an area "not ready".
BURGLARY_ZONE_TYPES = frozenset(range(ZoneType.ENTRY_EXIT, ZoneType.LATCHING_AWAY_INTERIOR + 1))


def member_slug(member: Enum | None) -> str:
    return "unknown" if member is None else member.name.lower()


def temperature(raw: int | None, unit: TemperatureUnit) -> float | None:
    """A temperature byte in ``unit``; None when absent or 0 (no reading)."""
    return raw_to_temperature(raw, unit) if raw else None


def humidity(raw: int | None) -> int | None:
    """A humidity byte in %; None when absent or 0 (no reading)."""
    return raw_to_humidity(raw) if raw else None


def _analog(raw: int, sensor_type: int | None, unit: TemperatureUnit) -> float | None:
    """An analog zone / auxiliary byte: % for humidity sensors, else a temperature."""
    return humidity(raw) if sensor_type == ZoneType.HUMIDITY else temperature(raw, unit)


# --- zones -------------------------------------------------------------------------------------


class _ZoneBits(NamedTuple):
    open: bool
    condition: str
    arming: str
    bypassed: bool
    latched: str
    tripped: bool
    trouble: bool
    unacknowledged: bool


@lru_cache(maxsize=256)
def _zone_bits(byte: int) -> _ZoneBits:
    # Cached per status byte: decoding the enums is most of a zone update's cost (hot path).
    status = ZoneStatus.from_byte(byte)
    unknown = status.latched is ZoneLatched.UNKNOWN_3
    return _ZoneBits(
        open=status.is_open,
        condition=member_slug(status.condition),
        arming=member_slug(status.arming),
        bypassed=status.is_bypassed,
        latched="unknown" if unknown else member_slug(status.latched),
        tripped=status.latched is ZoneLatched.TRIPPED,
        trouble=status.condition in (ZoneCondition.TROUBLE, ZoneCondition.TAMPER),
        unacknowledged=status.trouble_unacknowledged,
    )


_zone_type_info = lru_cache(maxsize=256)(zone_type_info)


def zone_view(record: ZoneRecord, name: str, props: object, ctx: ViewContext) -> ZoneView:
    bits = _zone_bits(record.status)
    zone = props if isinstance(props, ZoneProperties) else None
    kind = _zone_type_info(zone.zone_type) if zone is not None else None
    analog = kind is not None and kind.analog
    unit = ctx.temperature_unit
    return ZoneView(
        number=record.number,
        name=name,
        zone_type=zone.zone_type if zone is not None else None,
        zone_type_name=kind.name if kind is not None else None,
        area=zone.area if zone is not None else None,
        open=bits.open,
        condition=bits.condition,
        arming=bits.arming,
        bypassed=bits.bypassed,
        latched=bits.latched,
        alarm=bits.tripped and kind is not None and (kind.latching or kind.emergency_24h),
        trouble=bits.trouble,
        trouble_unacknowledged=bits.unacknowledged,
        analog=analog,
        value=_analog(record.loop, zone.zone_type, unit) if zone is not None and analog else None,
        raw_loop=record.loop,
    )


def zone_blocks_area(record: ZoneRecord, props: object) -> int | None:
    """The area this zone keeps from being ready: open, not bypassed, burglary type."""
    if not isinstance(props, ZoneProperties) or props.zone_type not in BURGLARY_ZONE_TYPES:
        return None
    bits = _zone_bits(record.status)
    return props.area if bits.open and not bits.bypassed else None


# --- units -------------------------------------------------------------------------------------


def unit_view(record: UnitRecord, name: str, props: object, last_level: int | None) -> UnitView:
    unit_type = props.unit_type if isinstance(props, UnitProperties) else None
    is_flag = unit_type == UnitType.FLAG
    state = record.unit_state
    # Flags hold a number: 0 is off and anything else on (spec 15.2), never a level or a scene.
    on = record.state != 0 if is_flag else state.is_on
    return UnitView(
        number=record.number,
        name=name,
        unit_type=unit_type,
        on=on,
        level=None if is_flag else state.level(last_level),
        state=("on" if on else "off") if is_flag else state.kind.value,
        scene=None if is_flag else state.scene_letter,
        remaining=record.remaining,
        is_flag=is_flag,
        value=record.state,
    )


def remembered_level(record: UnitRecord, props: object) -> int | None:
    """The brightness to remember for later "on" states: a non-zero level of a non-flag."""
    if isinstance(props, UnitProperties) and props.unit_type == UnitType.FLAG:
        return None
    state = record.unit_state
    return state.value if state.kind is UnitStateKind.LEVEL and state.value > 0 else None


# --- areas -------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _alarm_names(bits: int) -> tuple[str, ...]:
    # Cached: the IntFlag walk is the slowest part of an area view, and there are 256 values.
    return tuple(alarm_names(bits))


def area_view(
    record: AreaRecord,
    name: str,
    ctx: ViewContext,
    not_ready_zones: tuple[int, ...],
    last_user: int | None,
) -> AreaView:
    mode = record.security_mode
    return AreaView(
        number=record.number,
        name=name,
        ha_state=record.ha_state,
        mode=None if mode is None else int(mode),
        mode_name=area_mode_name(record.mode, ctx.lumina),
        arming=record.exit_delay_running or record.exit_timer > 0,
        alarms=_alarm_names(record.alarms),
        entry_timer=record.entry_timer,
        exit_timer=record.exit_timer,
        ready=not not_ready_zones,
        not_ready_zones=not_ready_zones,
        last_user=None if last_user is None else code_source_name(last_user),
    )


# --- thermostats -------------------------------------------------------------------------------


def thermostat_view(
    record: ThermostatRecord, name: str, props: object, ctx: ViewContext
) -> ThermostatView:
    unit = ctx.temperature_unit
    return ThermostatView(
        number=record.number,
        name=name,
        thermostat_type=props.thermostat_type if isinstance(props, ThermostatProperties) else None,
        communicating=record.communicating,
        freeze_alarm=record.freeze_alarm,
        temperature=temperature(record.temperature, unit),
        heat_setpoint=temperature(record.heat_setpoint, unit),
        cool_setpoint=temperature(record.cool_setpoint, unit),
        outdoor_temperature=temperature(record.outdoor_temperature, unit),
        humidity=humidity(record.humidity),
        humidify_setpoint=record.humidify_percent,
        dehumidify_setpoint=record.dehumidify_percent,
        mode=member_slug(record.system_mode),
        fan=member_slug(record.fan_mode),
        hold=member_slug(record.hold_mode),
        hvac_action=record.hvac_action,
    )


# --- the smaller object types ------------------------------------------------------------------


def auxiliary_view(
    record: AuxiliaryRecord, name: str, props: object, ctx: ViewContext
) -> AuxiliaryView:
    sensor = props.sensor_type if isinstance(props, AuxiliaryProperties) else None
    unit = ctx.temperature_unit
    return AuxiliaryView(
        number=record.number,
        name=name,
        sensor_type=sensor,
        kind="humidity" if sensor == ZoneType.HUMIDITY else "temperature",
        energised=record.energised,
        value=_analog(record.value, sensor, unit),
        low_setpoint=_analog(record.low_setpoint, sensor, unit),
        high_setpoint=_analog(record.high_setpoint, sensor, unit),
    )


def message_view(record: MessageRecord, name: str, props: object, ctx: ViewContext) -> MessageView:
    state = member_slug(record.display_state)
    return MessageView(number=record.number, name=name, state=state, displayed=record.display != 0)


def audio_zone_view(
    record: AudioZoneRecord, name: str, props: object, ctx: ViewContext
) -> AudioZoneView:
    return AudioZoneView(
        number=record.number,
        name=name,
        on=record.is_on,
        source=record.source,
        volume=record.volume,
        muted=record.is_muted,
    )


def lock_view(record: AccessLockRecord, name: str, props: object, ctx: ViewContext) -> LockView:
    return LockView(
        number=record.number, name=name, locked=record.locked, unlock_timer=record.unlock_timer
    )


def access_reader_view(
    record: AccessReaderRecord, name: str, props: object, ctx: ViewContext
) -> AccessReaderView:
    return AccessReaderView(
        number=record.number, name=name, granted=record.granted, last_user=record.last_user
    )


def expansion_view(
    record: ExpansionRecord, name: str, props: object, ctx: ViewContext
) -> ExpansionView:
    return ExpansionView(
        number=record.number,
        name=name,
        communicating=record.communicating != 0,
        battery=record.battery,
    )


def user_setting_view(
    record: UserSettingRecord, name: str, props: object, ctx: ViewContext
) -> UserSettingView:
    return UserSettingView(
        number=record.number, name=name, setting_type=member_slug(record.kind), value=record.value
    )


def raw_view(record: StatusRecord, name: str, props: object, ctx: ViewContext) -> RawView:
    data = record.data.hex() if isinstance(record, RawRecord) else ""
    return RawView(number=record.number, name=name, data=data)


# Object types that have a name but no status: their view exists as soon as they are named.
NAME_ONLY_VIEWS: dict[ObjectType, type[View]] = {
    ObjectType.BUTTON: ButtonView,
    ObjectType.CODE: CodeView,
    ObjectType.AUDIO_SOURCE: AudioSourceView,
}

# Record -> view for the types that need nothing but the record, its Properties and the context.
# Zones need no extra state either; units and areas do and are derived by the store itself.
RecordViewFn: TypeAlias = Callable[[Any, str, object, ViewContext], View]
RECORD_VIEWS: dict[ObjectType, RecordViewFn] = {
    ObjectType.ZONE: zone_view,
    ObjectType.THERMOSTAT: thermostat_view,
    ObjectType.MESSAGE: message_view,
    ObjectType.AUXILIARY: auxiliary_view,
    ObjectType.AUDIO_ZONE: audio_zone_view,
    ObjectType.EXPANSION: expansion_view,
    ObjectType.USER_SETTING: user_setting_view,
    ObjectType.ACCESS_READER: access_reader_view,
    ObjectType.ACCESS_LOCK: lock_view,
}


# --- the system --------------------------------------------------------------------------------


def trouble_slug(code: int) -> str:
    try:
        return Trouble(code).slug
    except ValueError:
        return f"trouble_{code}"


class SystemTracker:
    """Panel-wide values from SystemTroubles replies and event words.

    A trouble's ``*_ok`` flag stays None until a SystemTroubles reply or an event word has told
    us about it; the SystemStatus battery byte is never used (pitfall 19).
    """

    __slots__ = ("_active", "_energy_cost", "_known", "_phone_line")

    def __init__(self) -> None:
        self._active: frozenset[int] = frozenset()
        self._known: frozenset[int] = frozenset()
        self._phone_line: str | None = None
        self._energy_cost: str | None = None

    def set_troubles(self, codes: tuple[int, ...]) -> None:
        """A SystemTroubles reply: the complete list of active troubles."""
        self._active = frozenset(codes)
        self._known = frozenset(Trouble) | self._active
        # The phone line state comes only from event words; words missed while disconnected
        # must not leave "dead" standing against the panel's own trouble list.
        dead = member_slug(PhoneLineState.DEAD)
        if Trouble.PHONE_LINE in self._active:
            self._phone_line = dead
        elif self._phone_line == dead:
            self._phone_line = None

    def apply_event(self, event: Event) -> bool:
        """Apply an event word; False when it is not a system event."""
        match event:
            case AcPower():
                self._set(Trouble.AC_POWER, not event.on)
            case Battery():
                self._set(Trouble.BATTERY_LOW, event.low)
            case Communicator():
                self._set(Trouble.COMMUNICATOR, not event.ok)
            case PhoneLine():
                self._phone_line = member_slug(PhoneLineState(event.state))
                self._set(Trouble.PHONE_LINE, event.state == PhoneLineState.DEAD)
            case EnergyCost():
                self._energy_cost = member_slug(event.level)
            case _:
                return False
        return True

    def _set(self, code: Trouble, active: bool) -> None:
        self._known |= {code}
        self._active = self._active | {code} if active else self._active - {code}

    def view(self) -> SystemView:
        active, known = self._active, self._known

        def ok(code: Trouble) -> bool | None:
            return (code not in active) if code in known else None

        return SystemView(
            number=0,
            name="",
            troubles=frozenset(trouble_slug(code) for code in active),
            ac_power_ok=ok(Trouble.AC_POWER),
            battery_ok=ok(Trouble.BATTERY_LOW),
            phone_ok=ok(Trouble.PHONE_LINE),
            communicator_ok=ok(Trouble.COMMUNICATOR),
            freeze_ok=ok(Trouble.FREEZE),
            fuse_ok=ok(Trouble.FUSE),
            phone_line=self._phone_line,
            energy_cost=self._energy_cost,
        )
