"""Which retained topics each object publishes, and their payloads: defined once.

The state publisher renders these; Home Assistant discovery points its ``state_topic``s at the
same names and uses the same payload constants, so the two cannot drift apart. Plain payloads
(``ON``, ``50``, ``armed_away``) serve Node-RED and ``mosquitto_sub``; JSON only where a value
is naturally structured (``attributes``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..panel.views import (
    AreaView,
    AudioZoneView,
    AuxiliaryView,
    LockView,
    MessageView,
    SystemView,
    ThermostatView,
    UnitView,
    UserSettingView,
    View,
    ZoneView,
)
from ..protocol.objects import ObjectType
from ..protocol.zones import ZoneType

ON = "ON"
OFF = "OFF"
LOCKED = "LOCKED"
UNLOCKED = "UNLOCKED"
TROUBLE = "trouble"
OK = "ok"
ONLINE = "online"
OFFLINE = "offline"

# Name of the retained attribute holding every field of a view as JSON.
ATTRIBUTES = "attributes"
NAME = "name"

Render = Callable[[Any], str | None]


def on_off(value: bool) -> str:
    return ON if value else OFF


def number(value: float | None) -> str | None:
    """Numbers without a pointless ``.0``; None (no reading) is not published."""
    if value is None:
        return None
    return str(int(value)) if float(value).is_integer() else str(value)


def as_json(view: View) -> str:
    return json.dumps(view.to_dict(), sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Attribute:
    name: str
    render: Render


def _attrs(*pairs: tuple[str, Render]) -> tuple[Attribute, ...]:
    return (
        *(Attribute(name, render) for name, render in pairs),
        Attribute(ATTRIBUTES, as_json),
        Attribute(NAME, lambda v: v.name),
    )


def _zone_value(kind: str) -> Render:
    def render(view: ZoneView) -> str | None:
        if not view.analog or view.value is None:
            return None
        is_humidity = view.zone_type == ZoneType.HUMIDITY
        return number(view.value) if (kind == "humidity") == is_humidity else None

    return render


def _unit_brightness(view: UnitView) -> str | None:
    return None if view.is_flag else number(view.level)


def _unit_value(view: UnitView) -> str | None:
    return str(view.value) if view.is_flag else None


OBJECT_ATTRIBUTES: dict[ObjectType, tuple[Attribute, ...]] = {
    ObjectType.AREA: _attrs(
        ("state", lambda v: v.ha_state),
        ("mode", lambda v: v.mode_name),
        ("ready", lambda v: on_off(v.ready)),
        ("alarm", lambda v: on_off(bool(v.alarms))),
    ),
    ObjectType.ZONE: _attrs(
        ("state", lambda v: on_off(v.open)),
        ("bypass", lambda v: on_off(v.bypassed)),
        ("alarm", lambda v: on_off(v.alarm)),
        ("trouble", lambda v: on_off(v.trouble)),
        ("temperature", _zone_value("temperature")),
        ("humidity", _zone_value("humidity")),
    ),
    ObjectType.UNIT: _attrs(
        ("state", lambda v: on_off(v.on)),
        ("brightness", _unit_brightness),
        ("value", _unit_value),
    ),
    ObjectType.THERMOSTAT: _attrs(
        ("temperature", lambda v: number(v.temperature)),
        ("heat_setpoint", lambda v: number(v.heat_setpoint)),
        ("cool_setpoint", lambda v: number(v.cool_setpoint)),
        ("mode", lambda v: v.mode),
        ("fan_mode", lambda v: v.fan),
        ("hold", lambda v: v.hold),
        ("action", lambda v: v.hvac_action),
        ("humidity", lambda v: number(v.humidity)),
        ("humidify_setpoint", lambda v: number(v.humidify_setpoint)),
        ("dehumidify_setpoint", lambda v: number(v.dehumidify_setpoint)),
        ("outdoor_temperature", lambda v: number(v.outdoor_temperature)),
        ("communicating", lambda v: on_off(v.communicating)),
    ),
    ObjectType.MESSAGE: _attrs(("state", lambda v: v.state)),
    ObjectType.AUXILIARY: _attrs(
        ("value", lambda v: number(v.value)),
        ("low_setpoint", lambda v: number(v.low_setpoint)),
        ("high_setpoint", lambda v: number(v.high_setpoint)),
    ),
    ObjectType.AUDIO_ZONE: _attrs(
        ("state", lambda v: on_off(v.on)),
        ("source", lambda v: str(v.source)),
        ("volume", lambda v: str(v.volume)),
        ("mute", lambda v: on_off(v.muted)),
    ),
    ObjectType.ACCESS_LOCK: _attrs(("state", lambda v: LOCKED if v.locked else UNLOCKED)),
    ObjectType.USER_SETTING: _attrs(("value", lambda v: str(v.value))),
    ObjectType.BUTTON: _attrs(),
    ObjectType.AUDIO_SOURCE: _attrs(),
    ObjectType.CODE: _attrs(),
}

# The view class each kind publishes; other views (e.g. a raw record of an undocumented kind)
# are ignored by the state publisher.
VIEW_TYPES: dict[ObjectType, type[View]] = {
    ObjectType.AREA: AreaView,
    ObjectType.ZONE: ZoneView,
    ObjectType.UNIT: UnitView,
    ObjectType.THERMOSTAT: ThermostatView,
    ObjectType.MESSAGE: MessageView,
    ObjectType.AUXILIARY: AuxiliaryView,
    ObjectType.AUDIO_ZONE: AudioZoneView,
    ObjectType.ACCESS_LOCK: LockView,
    ObjectType.USER_SETTING: UserSettingView,
}


def _trouble(attribute: str) -> Render:
    def render(view: SystemView) -> str | None:
        ok = getattr(view, attribute)
        return None if ok is None else (OK if ok else TROUBLE)

    return render


# ``<panel>/system/<name>``: "ok" or "trouble" for each trouble, so a Node-RED flow reading
# "ac_power" never has to guess whether ON means "power on" or "problem on".
SYSTEM_ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("ac_power", _trouble("ac_power_ok")),
    Attribute("battery", _trouble("battery_ok")),
    Attribute("phone_line", _trouble("phone_ok")),
    Attribute("communicator", _trouble("communicator_ok")),
    Attribute("freeze", _trouble("freeze_ok")),
    Attribute("fuse", _trouble("fuse_ok")),
    Attribute("phone_state", lambda v: v.phone_line),
    Attribute("energy_cost", lambda v: v.energy_cost),
    Attribute("troubles", lambda v: json.dumps(sorted(v.troubles))),
)


def render_view(kind: ObjectType, view: View) -> dict[str, str | None]:
    """Every attribute topic leaf of one object and its payload (None = nothing to publish)."""
    return {a.name: a.render(view) for a in OBJECT_ATTRIBUTES.get(kind, ())}


def render_system(view: SystemView) -> dict[str, str | None]:
    return {a.name: a.render(view) for a in SYSTEM_ATTRIBUTES}
