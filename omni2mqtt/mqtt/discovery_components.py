"""Home Assistant discovery: which entities each panel object becomes (design section 3).

Every state topic comes from attributes.py through :meth:`DiscoveryContext.state`, and every
command topic and payload is the command router's (mqtt-common command table): the command
topic of a state leaf ``X`` is ``X/set``, of ``state`` the object's own ``set``. Lights use the
default schema with plain topics: its keys are the same in Home Assistant 2024.3 and 2026.x,
unlike the JSON schema's colour-mode flags.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..panel.state import PanelState
from ..panel.views import (
    AreaView,
    AudioZoneView,
    ButtonView,
    LockView,
    MessageView,
    ThermostatView,
    UnitView,
    View,
    ZoneView,
)
from ..protocol import events
from ..protocol.event_bits import Event
from ..protocol.objects import ObjectType
from ..protocol.units import SWITCH_ONLY_UNIT_TYPES
from ..protocol.zones import ZoneType, zone_type_info
from .attributes import LOCKED, OK, TROUBLE, UNLOCKED
from .discovery_climate import thermostat
from .discovery_entities import (
    CONFIG,
    DIAGNOSTIC,
    MEASURED,
    ON_OFF,
    PERCENT,
    SWITCH,
    DiscoveryContext,
    EntityConfig,
    ObjectEntities,
    object_key,
)
from .topics import KIND_TOPICS, PROGRAM

_AREA, _ZONE, _UNIT = ObjectType.AREA, ObjectType.ZONE, ObjectType.UNIT
_THERMOSTAT, _MESSAGE = ObjectType.THERMOSTAT, ObjectType.MESSAGE
_AUDIO, _LOCK, _BUTTON = ObjectType.AUDIO_ZONE, ObjectType.ACCESS_LOCK, ObjectType.BUTTON

# HA renders this with the action and the code typed on its keypad; the router reads the JSON
# and the panel, not HA, validates the code (``code: REMOTE_CODE``).
AREA_COMMAND_TEMPLATE = '{"action": "{{ action }}", "code": "{{ code }}"}'
AREA_FEATURES = ["arm_home", "arm_away", "arm_night", "arm_vacation", "arm_custom_bypass"]
# The system/<name> topics that carry "ok"/"trouble", and their entity names.
TROUBLES = {
    "ac_power": "AC power",
    "battery": "Battery",
    "phone_line": "Phone line",
    "communicator": "Communicator",
    "freeze": "Freeze",
    "fuse": "Fuse",
}
MESSAGE_STATES = ["off", "displayed", "displayed_not_acknowledged", "unknown"]
MESSAGE_ACTIONS = ("show", "clear")
BUTTON_PRESS = "PRESS"
PROGRAM_EXECUTE = "execute"


def event_types() -> list[str]:
    """Every ``event_type`` a push event can carry: the event entity's list."""
    classes = (getattr(events, name) for name in events.__all__)
    return sorted(
        {
            cls.event_type
            for cls in classes
            if isinstance(cls, type) and issubclass(cls, Event) and "event_type" in vars(cls)
        }
    )


def area(ctx: DiscoveryContext, v: AreaView) -> list[EntityConfig]:
    o = ObjectEntities(ctx, _AREA, v.number, v.name)
    panel = o.main(
        "alarm_control_panel",
        command=True,
        command_template=AREA_COMMAND_TEMPLATE,
        code="REMOTE_CODE",
        code_arm_required=True,
        code_disarm_required=True,
        supported_features=AREA_FEATURES,
    )
    ready = o.sub("binary_sensor", "ready", "ready", **ON_OFF, entity_category=DIAGNOSTIC)
    return [panel, ready]


def zone(ctx: DiscoveryContext, v: ZoneView) -> list[EntityConfig]:
    o = ObjectEntities(ctx, _ZONE, v.number, v.name)
    if v.analog:
        humidity = v.zone_type == ZoneType.HUMIDITY
        leaf = "humidity" if humidity else "temperature"
        unit = "%" if humidity else ctx.temperature_symbol
        return [o.main("sensor", leaf, device_class=leaf, unit_of_measurement=unit, **MEASURED)]
    device_class = None if v.zone_type is None else zone_type_info(v.zone_type).ha_device_class
    return [
        o.main("binary_sensor", device_class=device_class, **ON_OFF),
        o.sub("switch", "bypass", "bypass", command=True, **SWITCH, entity_category=CONFIG),
    ]


def unit(ctx: DiscoveryContext, v: UnitView) -> list[EntityConfig]:
    o = ObjectEntities(ctx, _UNIT, v.number, v.name)
    if v.is_flag or v.unit_type in SWITCH_ONLY_UNIT_TYPES:
        main = o.main("switch", command=True, **SWITCH)
    else:
        # on_command_type "brightness": HA turns the light on with one brightness command
        # instead of ON followed by a level, which would flash it to full first.
        main = o.main(
            "light",
            command=True,
            **ON_OFF,
            brightness_state_topic=o.state("brightness"),
            brightness_command_topic=o.command("brightness"),
            brightness_scale=100,
            on_command_type="brightness",
        )
    if not v.is_flag:
        return [main]
    value = o.sub("number", "value", "value", command=True, min=0, max=255, step=1, mode="box")
    return [main, value]


def button(ctx: DiscoveryContext, v: ButtonView) -> list[EntityConfig]:
    command = ctx.command(_BUTTON, v.number)
    key = object_key(_BUTTON, v.number)
    return [ctx.entity("button", key, v.name, command_topic=command, payload_press=BUTTON_PRESS)]


def message(ctx: DiscoveryContext, v: MessageView) -> list[EntityConfig]:
    o = ObjectEntities(ctx, _MESSAGE, v.number, v.name)
    actions = [
        ctx.entity(
            "button",
            object_key(_MESSAGE, v.number, action),
            f"{v.name} {action}",
            command_topic=o.command(),
            payload_press=action,
        )
        for action in MESSAGE_ACTIONS
    ]
    return [o.main("sensor", device_class="enum", options=MESSAGE_STATES), *actions]


def lock(ctx: DiscoveryContext, v: LockView) -> list[EntityConfig]:
    o = ObjectEntities(ctx, _LOCK, v.number, v.name)
    payloads = {"payload_lock": "LOCK", "payload_unlock": "UNLOCK"}
    states = {"state_locked": LOCKED, "state_unlocked": UNLOCKED}
    return [o.main("lock", command=True, **payloads, **states)]


def _lookup(mapping: dict[str, Any], default: str | None) -> str:
    """A template looking ``value`` up in ``mapping`` (a JSON object is a Jinja dict)."""
    table = json.dumps(mapping, sort_keys=True)
    if default is None:
        return "{{ " + table + "[value] }}"
    return "{{ " + table + ".get(value, " + json.dumps(default) + ") }}"


def audio_zone(ctx: DiscoveryContext, v: AudioZoneView) -> list[EntityConfig]:
    o = ObjectEntities(ctx, _AUDIO, v.number, v.name)
    entities = [
        o.main("switch", command=True, **SWITCH),
        o.sub("number", "volume", "volume", command=True, min=0, max=100, step=1, **PERCENT),
        o.sub("switch", "mute", "mute", command=True, **SWITCH),
    ]
    labels = ctx.audio_sources
    if labels:
        # "None" is HA's payload for "no option": an unnamed source shows as unknown.
        entities.append(
            o.sub(
                "select",
                "source",
                "source",
                command=True,
                options=list(labels.values()),
                value_template=_lookup({str(k): label for k, label in labels.items()}, "None"),
                command_template=_lookup({label: k for k, label in labels.items()}, None),
            )
        )
    return entities


def system(ctx: DiscoveryContext) -> list[EntityConfig]:
    return [
        ctx.entity(
            "binary_sensor",
            f"system_{name}",
            label,
            state_topic=ctx.topics.system(ctx.panel_id, name),
            payload_on=TROUBLE,
            payload_off=OK,
            device_class="problem",
            entity_category=DIAGNOSTIC,
        )
        for name, label in TROUBLES.items()
    ]


def event(ctx: DiscoveryContext) -> EntityConfig:
    # No value_template: HA reads the JSON's event_type and keeps the rest as attributes.
    topic = ctx.topics.event(ctx.panel_id)
    return ctx.entity("event", "event", "Events", state_topic=topic, event_types=event_types())


def program(ctx: DiscoveryContext, slot: int) -> EntityConfig:
    # Programs have no names and are rarely run by hand: present but disabled.
    return ctx.entity(
        "button",
        object_key(PROGRAM, slot),
        f"Program {slot}",
        command_topic=ctx.command(PROGRAM, slot),
        payload_press=PROGRAM_EXECUTE,
        enabled_by_default=False,
    )


Builder = Callable[[DiscoveryContext, Any], list[EntityConfig]]
BUILDERS: dict[ObjectType, tuple[type[View], Builder]] = {
    _AREA: (AreaView, area),
    _ZONE: (ZoneView, zone),
    _UNIT: (UnitView, unit),
    _THERMOSTAT: (ThermostatView, thermostat),
    _BUTTON: (ButtonView, button),
    _MESSAGE: (MessageView, message),
    _LOCK: (LockView, lock),
    _AUDIO: (AudioZoneView, audio_zone),
}


def signature(view: View) -> tuple[object, ...]:
    """What an object's configs depend on: when it changes, discovery is rebuilt."""
    return (
        view.name,
        getattr(view, "zone_type", None),
        getattr(view, "unit_type", None),
        getattr(view, "thermostat_type", None),
    )


Allows = Callable[[str, int], bool]


def panel_entities(
    ctx: DiscoveryContext, state: PanelState, allows: Allows, programs: Iterable[int]
) -> Iterator[tuple[str, list[EntityConfig]]]:
    """Every config of one panel (named, allowed objects, troubles, events, programs),
    grouped by object: ``zone_5``, ``program_3``, ``system``, ``event``. One group at a time:
    a large panel has thousands of configs, and each is needed only until it is serialised."""
    yield "system", system(ctx)
    yield "event", [event(ctx)]
    for kind, (view_type, build) in BUILDERS.items():
        for view in state.views(kind):
            if isinstance(view, view_type) and view.name and allows(KIND_TOPICS[kind], view.number):
                yield object_key(kind, view.number), build(ctx, view)
    for slot in programs:
        if allows(PROGRAM, slot):
            yield object_key(PROGRAM, slot), [program(ctx, slot)]


def named_objects(state: PanelState, allows: Allows) -> set[str]:
    """Group keys of the named objects the filters allow, whether or not they have status."""
    keys: set[str] = set()
    for kind in BUILDERS:
        # Locks are the doors of the access readers and carry their names.
        source = ObjectType.ACCESS_READER if kind is _LOCK else kind
        keys.update(
            object_key(kind, info.number)
            for info in state.objects(source)
            if info.name and allows(KIND_TOPICS[kind], info.number)
        )
    return keys
