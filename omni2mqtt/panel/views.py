"""Derived views of panel objects (what users, Home Assistant and the MQTT layer see), and the
other immutable values the state store hands out: object and panel info, changes, snapshots.

A view is a frozen, comparable dataclass computed (by ``derive``) from an object's status record,
its static Properties and the panel's formats. The state store keeps one per object and reports a
change only when the view differs, so a view holds values only, never a timestamp. Temperatures
are in the panel's configured unit, humidity in %; ``None`` means "no reading".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import Enum
from operator import attrgetter
from types import MappingProxyType
from typing import TypeAlias

from ..protocol.messages.properties import PropertiesBody
from ..protocol.messages.system import SystemInformation
from ..protocol.objects import Model, ObjectType
from ..protocol.temperature import TemperatureUnit

JsonValue: TypeAlias = str | int | float | bool | list["JsonValue"] | None


@dataclass(frozen=True, slots=True)
class ViewContext:
    """Panel-wide facts the views depend on; a change re-derives every view."""

    temperature_unit: TemperatureUnit = TemperatureUnit.FAHRENHEIT
    lumina: bool = False


def _json(value: object) -> JsonValue:
    if isinstance(value, frozenset):
        return [_json(item) for item in sorted(value, key=str)]
    if isinstance(value, tuple):
        return [_json(item) for item in value]
    if isinstance(value, Enum):
        return _json(value.value)
    assert value is None or isinstance(value, str | int | float)
    return value


@dataclass(frozen=True, kw_only=True, slots=True)
class View:
    """Base of every view: the object number and its panel name ("" when unnamed)."""

    number: int
    name: str

    def to_dict(self) -> dict[str, JsonValue]:
        """JSON-serialisable form (tuples and sets become lists), e.g. for MQTT attributes."""
        return {f.name: _json(getattr(self, f.name)) for f in fields(self)}


# --- zones -------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class ZoneView(View):
    zone_type: int | None
    zone_type_name: str | None
    area: int | None
    open: bool  # current condition is not secure
    condition: str  # secure | not_ready | trouble | tamper
    arming: str  # disarmed | armed | bypassed_by_user | bypassed_by_system
    bypassed: bool
    latched: str  # secure | tripped | reset | unknown
    alarm: bool  # latched alarm tripped, for latching and 24-hour emergency types only
    trouble: bool  # current condition is trouble or tamper
    trouble_unacknowledged: bool
    analog: bool
    value: float | None  # analog types: temperature in the panel's unit, or humidity %
    raw_loop: int


# --- units -------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class UnitView(View):
    unit_type: int | None
    on: bool
    level: int | None  # 0-100 %; 0 when off; an "on" state keeps the last known level
    state: str  # off | on | level | scene | dim | brighten | unknown
    scene: str | None  # "A".."L"
    remaining: int  # seconds left of a timed command
    is_flag: bool
    value: int  # the raw state byte: a flag's or counter's value 0-255


# --- areas -------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class AreaView(View):
    ha_state: str  # Home Assistant alarm_control_panel state (spec 15.3)
    mode: int | None  # security mode 0-6; None for a mode byte the tables do not know
    mode_name: str  # Omni or Lumina name, e.g. "Arming Away" / "Setting Home"
    arming: bool  # exit (Lumina: mode-change) delay running
    alarms: tuple[str, ...]
    entry_timer: int
    exit_timer: int
    ready: bool  # no open, not bypassed burglary zone in the area
    not_ready_zones: tuple[int, ...]
    last_user: str | None  # who last changed the mode, from event words


# --- thermostats -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class ThermostatView(View):
    thermostat_type: int | None
    communicating: bool
    freeze_alarm: bool
    temperature: float | None
    heat_setpoint: float | None
    cool_setpoint: float | None
    outdoor_temperature: float | None
    humidity: int | None
    humidify_setpoint: int | None  # None when absent or disabled
    dehumidify_setpoint: int | None
    mode: str  # off | heat | cool | auto | emergency_heat | unknown
    fan: str  # auto | on | cycle | unknown
    hold: str  # off | hold | vacation
    hvac_action: str | None  # heating | cooling | drying | idle | off; None without H/C status


# --- the smaller object types ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class AuxiliaryView(View):
    sensor_type: int | None  # zone type 80-87
    kind: str  # temperature | humidity
    energised: bool
    value: float | None
    low_setpoint: float | None
    high_setpoint: float | None


@dataclass(frozen=True, kw_only=True, slots=True)
class MessageView(View):
    state: str  # off | displayed | displayed_not_acknowledged | unknown
    displayed: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class AudioZoneView(View):
    on: bool
    source: int
    volume: int
    muted: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class LockView(View):
    locked: bool
    unlock_timer: int


@dataclass(frozen=True, kw_only=True, slots=True)
class AccessReaderView(View):
    granted: bool
    last_user: int


@dataclass(frozen=True, kw_only=True, slots=True)
class ExpansionView(View):
    communicating: bool
    battery: int  # raw reading (scale unverified)


@dataclass(frozen=True, kw_only=True, slots=True)
class UserSettingView(View):
    setting_type: str  # number | duration | temperature | ... | unknown
    value: int  # raw u16 (its encoding depends on the type; unverified beyond the spec)


@dataclass(frozen=True, kw_only=True, slots=True)
class RawView(View):
    """An object type without a known record layout (e.g. consoles): the bytes in hex."""

    data: str


@dataclass(frozen=True, kw_only=True, slots=True)
class ButtonView(View):
    pass


@dataclass(frozen=True, kw_only=True, slots=True)
class CodeView(View):
    pass


@dataclass(frozen=True, kw_only=True, slots=True)
class AudioSourceView(View):
    pass


# --- the system --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class SystemView(View):
    """Panel-wide state. The ``*_ok`` flags are None until a SystemTroubles reply or an event
    has told us (a freshly connected gateway must not claim "AC OK" before it knows)."""

    troubles: frozenset[str]  # active trouble slugs; unknown codes as "trouble_<code>"
    ac_power_ok: bool | None
    battery_ok: bool | None
    phone_ok: bool | None
    communicator_ok: bool | None
    freeze_ok: bool | None
    fuse_ok: bool | None
    phone_line: str | None  # dead | ringing | off_hook | on_hook, from event words
    energy_cost: str | None  # low | mid | high | critical, from event words


# --- what the store hands out besides views --------------------------------------------------


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """Static facts of a named object, from the Properties walk (type, area, sensor type...)."""

    object_type: ObjectType
    number: int
    name: str
    properties: PropertiesBody | None = None

    @classmethod
    def from_properties(cls, body: PropertiesBody) -> ObjectInfo:
        return cls(ObjectType(body.object_type), body.number, body.name, body)


@dataclass(frozen=True, kw_only=True)
class PanelInfo:
    """Identity and formats of the panel, read once per session."""

    model: int
    model_name: str
    firmware: str
    firmware_major: int
    firmware_minor: int
    firmware_revision: int
    temperature_unit: TemperatureUnit = TemperatureUnit.FAHRENHEIT
    capacities: Mapping[ObjectType, int] = field(default_factory=dict)
    phone: str = ""

    def __post_init__(self) -> None:
        # A private read-only copy: the info is shared by snapshots and must never change.
        object.__setattr__(self, "capacities", MappingProxyType(dict(self.capacities)))

    @property
    def lumina(self) -> bool:
        """Lumina panels name the modes differently (Home, Sleep, Party...)."""
        try:
            return Model(self.model).is_lumina
        except ValueError:
            return False

    @property
    def supports_extended_status(self) -> bool:
        return self.firmware_major >= 3

    @classmethod
    def from_system_information(
        cls,
        system: SystemInformation,
        temperature_unit: TemperatureUnit = TemperatureUnit.FAHRENHEIT,
        capacities: Mapping[ObjectType, int] | None = None,
    ) -> PanelInfo:
        return cls(
            model=system.model,
            model_name=system.model_name,
            firmware=system.firmware,
            firmware_major=system.firmware_major,
            firmware_minor=system.firmware_minor,
            firmware_revision=system.firmware_revision,
            temperature_unit=temperature_unit,
            capacities=capacities or {},
            phone=system.phone,
        )


@dataclass(frozen=True, slots=True)
class StateChange:
    """One view that changed. ``object_type`` None is the system view (number 0)."""

    object_type: ObjectType | None
    number: int
    old: View | None
    new: View


@dataclass(frozen=True)
class PanelSnapshot:
    """An immutable, consistent copy of the whole store at one moment."""

    info: PanelInfo | None
    system: SystemView
    objects: Mapping[ObjectType, Mapping[int, ObjectInfo]]
    object_views: Mapping[ObjectType, Mapping[int, View]]

    def view(self, object_type: ObjectType, number: int) -> View | None:
        return self.object_views[object_type].get(number)

    def views(self, object_type: ObjectType) -> list[View]:
        return sorted(self.object_views[object_type].values(), key=attrgetter("number"))
