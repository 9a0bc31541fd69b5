"""Home Assistant discovery: what every entity config shares, and the context builders read.

Ids are built from the panel id, the object kind and number (and an attribute), never from a
name, so renaming a zone on the panel renames the entity instead of creating a new one. Configs
use only keys that Home Assistant 2024.3 and current releases (2026.x) read the same way:
``object_id`` for the old releases and ``default_entity_id`` for the new ones (which ignore
``object_id``); discovery schemas drop keys a release does not know.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .. import __version__
from ..protocol.objects import ObjectType
from ..protocol.temperature import TemperatureUnit
from .attributes import ATTRIBUTES, OBJECT_ATTRIBUTES, OFF, OFFLINE, ON, ONLINE
from .topics import KIND_TOPICS, SET, Topics

# No support_url: the project has no public home yet, and a made-up URL would send users to
# somebody else's page. HA needs only the name.
ORIGIN = {"name": "omni2mqtt", "sw_version": __version__}
MANUFACTURER = "HAI/Leviton"
DIAGNOSTIC = "diagnostic"
CONFIG = "config"
# Field sets many entities share.
ON_OFF: dict[str, Any] = {"payload_on": ON, "payload_off": OFF}
SWITCH: dict[str, Any] = {**ON_OFF, "state_on": ON, "state_off": OFF}
MEASURED: dict[str, Any] = {"state_class": "measurement"}
PERCENT: dict[str, Any] = {"unit_of_measurement": "%"}

# Leaves each kind publishes (attributes.py): a config pointing anywhere else is a bug.
_LEAVES: dict[ObjectType, frozenset[str]] = {
    kind: frozenset(a.name for a in attrs) for kind, attrs in OBJECT_ATTRIBUTES.items()
}


def node_id(panel_id: str) -> str:
    """The discovery topic's node level: every config of one panel lives under it."""
    return f"omni2mqtt_{panel_id}"


def discovery_topic(prefix: str, panel_id: str, component: str, key: str) -> str:
    return f"{prefix}/{component}/{node_id(panel_id)}/{key}/config"


def config_filter(prefix: str, panel_id: str) -> str:
    """Every discovery config this gateway may own for one panel (and nothing of others)."""
    return f"{prefix}/+/{node_id(panel_id)}/+/config"


@dataclass(frozen=True)
class EntityConfig:
    """One discovery config: ``key`` is unique within the panel (``zone_5_bypass``)."""

    component: str
    key: str
    payload: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps(self.payload, sort_keys=True, separators=(",", ":"))


@dataclass
class DiscoveryContext:
    """Panel-wide facts the per-kind builders need."""

    panel_id: str
    panel_name: str
    topics: Topics
    model: str
    firmware: str
    temperature_unit: TemperatureUnit = TemperatureUnit.FAHRENHEIT
    qos: int = 1
    # Named audio sources, number -> option label (labels unique).
    audio_sources: dict[int, str] = field(default_factory=dict)
    # (thermostat, reading) pairs that have reported a value in this process.
    readings: set[tuple[int, str]] = field(default_factory=set)

    @property
    def temperature_symbol(self) -> str:
        return self.temperature_unit.symbol

    # One device block and availability list shared by every payload of a build: a payload
    # is serialised at once and never changed, and a panel has thousands of them.
    @cached_property
    def device(self) -> dict[str, Any]:
        # Full device block in every config: HA needs at least identifiers and name in each.
        return {
            "identifiers": [node_id(self.panel_id)],
            "name": self.panel_name,
            "manufacturer": MANUFACTURER,
            "model": self.model,
            "sw_version": self.firmware,
        }

    @cached_property
    def availability(self) -> list[dict[str, str]]:
        return [
            {"topic": topic, "payload_available": ONLINE, "payload_not_available": OFFLINE}
            for topic in (self.topics.bridge_state, self.topics.availability(self.panel_id))
        ]

    def state(self, kind: ObjectType, number: int, leaf: str) -> str:
        """A state topic of attributes.py; anything else is refused."""
        if leaf not in _LEAVES.get(kind, ()):
            raise ValueError(f"{KIND_TOPICS[kind]} publishes no {leaf!r} topic")
        return self.topics.object(self.panel_id, kind, number, leaf)

    def command(self, kind: ObjectType | str, number: int, *attribute: str) -> str:
        return self.topics.object(self.panel_id, kind, number, *attribute, SET)

    def entity(self, component: str, key: str, name: str, **fields: Any) -> EntityConfig:
        """A config with the shared keys; fields that are None are left out."""
        object_id = f"omni2mqtt_{self.panel_id.replace('-', '_')}_{key}"
        payload: dict[str, Any] = {
            "name": name,
            "unique_id": f"{node_id(self.panel_id)}_{key}",
            "object_id": object_id,
            "default_entity_id": f"{component}.{object_id}",
            "device": self.device,
            "origin": ORIGIN,
            "availability": self.availability,
            "availability_mode": "all",
            "qos": self.qos,
        }
        payload.update((k, v) for k, v in fields.items() if v is not None)
        return EntityConfig(component, key, payload)


@dataclass(frozen=True)
class ObjectEntities:
    """Entities of one panel object: keys, names and topics follow from its kind and number.

    The ``main`` entity is keyed ``<kind>_<n>`` and named like the object; the others are
    keyed ``<kind>_<n>_<leaf>`` and named ``"<object name> <label>"``. The command topic of a
    state leaf ``X`` is ``X/set``; of ``state``, the object's own ``set``.
    """

    ctx: DiscoveryContext
    kind: ObjectType
    number: int
    name: str

    def state(self, leaf: str) -> str:
        return self.ctx.state(self.kind, self.number, leaf)

    def command(self, leaf: str = "state") -> str:
        attribute = () if leaf == "state" else (leaf,)
        return self.ctx.command(self.kind, self.number, *attribute)

    def main(self, component: str, leaf: str = "state", **fields: Any) -> EntityConfig:
        key = object_key(self.kind, self.number)
        fields.setdefault("json_attributes_topic", self.state(ATTRIBUTES))
        return self._entity(component, key, self.name, leaf=leaf, **fields)

    def sub(self, component: str, leaf: str, label: str, **fields: Any) -> EntityConfig:
        key = object_key(self.kind, self.number, leaf)
        return self._entity(component, key, f"{self.name} {label}", leaf=leaf, **fields)

    def _entity(
        self,
        component: str,
        key: str,
        name: str,
        *,
        leaf: str,
        command: bool = False,
        **fields: Any,
    ) -> EntityConfig:
        topics = {"state_topic": self.state(leaf)}
        if command:
            topics["command_topic"] = self.command(leaf)
        return self.ctx.entity(component, key, name, **topics, **fields)


def object_key(kind: ObjectType | str, number: int, *attribute: str) -> str:
    """``zone_5``, ``zone_5_bypass``: the id part naming one entity within its panel."""
    name = KIND_TOPICS[kind] if isinstance(kind, ObjectType) else kind
    return "_".join((name, str(number), *attribute))


def option_labels(names: Iterable[tuple[int, str]]) -> dict[int, str]:
    """Unique select options from panel names: a repeated name gets its number appended.
    Braces become parentheses: the labels are quoted inside Jinja templates."""
    pairs = [(n, name.replace("{", "(").replace("}", ")")) for n, name in names]
    counts: dict[str, int] = {}
    for _, name in pairs:
        counts[name] = counts.get(name, 0) + 1
    return {n: name if counts[name] == 1 else f"{name} ({n})" for n, name in pairs}
