"""Checks of discovery configs against the MQTT contract, for the discovery tests."""

from __future__ import annotations

import json
import re
from typing import Any

from omni2mqtt.mqtt.attributes import OBJECT_ATTRIBUTES, SYSTEM_ATTRIBUTES
from omni2mqtt.mqtt.discovery import Discovery
from omni2mqtt.mqtt.gateway import Gateway
from omni2mqtt.mqtt.topics import TOPIC_KINDS, CommandTopic, Topics

from ..broker import Subscriber

BASE = "omni2mqtt/house"
NODE = "homeassistant/{}/omni2mqtt_house/{}/config"
LAST_PROGRAM = NODE.format("button", "program_20")  # the demo's last program slot
# HA's required keys per platform (its MQTT platform docs).
REQUIRED = {
    "alarm_control_panel": {"command_topic", "state_topic"},
    "binary_sensor": {"state_topic"},
    "button": {"command_topic"},
    "climate": {"mode_command_topic", "current_temperature_topic"},
    "event": {"state_topic", "event_types"},
    "light": {"command_topic"},
    "lock": {"command_topic"},
    "number": {"command_topic"},
    "select": {"command_topic", "options"},
    "sensor": {"state_topic"},
    "switch": {"command_topic"},
}
# (kind, attribute) of every command topic (the mqtt-common command table).
COMMANDS = {
    ("area", None),
    ("zone", "bypass"),
    ("unit", None),
    ("unit", "brightness"),
    ("unit", "value"),
    *(
        ("thermostat", a)
        for a in (
            "mode",
            "fan_mode",
            "hold",
            "heat_setpoint",
            "cool_setpoint",
            "humidify_setpoint",
            "dehumidify_setpoint",
        )
    ),
    ("button", None),
    ("program", None),
    ("message", None),
    ("lock", None),
    ("audio_zone", None),
    ("audio_zone", "volume"),
    ("audio_zone", "source"),
    ("audio_zone", "mute"),
}


def configs(subscriber: Subscriber) -> dict[str, dict[str, Any]]:
    return {
        topic: json.loads(payload)
        for topic, payload in subscriber.retained.items()
        if topic.startswith("homeassistant/")
    }


def discovery_of(gateway: Gateway) -> Discovery:
    return next(e for e in gateway.extensions if isinstance(e, Discovery))


async def all_published(gateway: Gateway, subscriber: Subscriber) -> dict[str, dict[str, Any]]:
    """Wait until the broker has every config the gateway holds, programs included."""
    await subscriber.wait_for(LAST_PROGRAM)
    for topic, payload in discovery_of(gateway).configs("house").items():
        await subscriber.wait_for(topic, payload)
    return configs(subscriber)


def check_state_topic(topic: str) -> None:
    """A topic a config reads must be one the state publisher writes (attributes.py)."""
    if topic in (f"{BASE}/event", "omni2mqtt/bridge/state", f"{BASE}/availability"):
        return
    levels = topic.split("/")
    assert levels[:2] == ["omni2mqtt", "house"], topic
    if levels[2] == "system":
        assert levels[3] in {a.name for a in SYSTEM_ATTRIBUTES}, topic
        return
    kind, _, leaf = levels[2:]
    assert leaf in {a.name for a in OBJECT_ATTRIBUTES[TOPIC_KINDS[kind]]}, topic


def check_config(topic: str, config: dict[str, Any], subscriber: Subscriber) -> None:
    component, node, key = topic.split("/")[1:4]
    assert node == "omni2mqtt_house"
    assert REQUIRED[component] <= config.keys(), (topic, config)
    assert config["unique_id"] == f"omni2mqtt_house_{key}"
    assert config["object_id"] == f"omni2mqtt_house_{key}"
    assert config["default_entity_id"] == f"{component}.omni2mqtt_house_{key}"
    assert config["origin"]["name"] == "omni2mqtt"
    assert config["origin"]["sw_version"] and config["origin"]["name"] == "omni2mqtt"
    assert config["device"] == {
        "identifiers": ["omni2mqtt_house"],
        "name": "House",
        "manufacturer": "HAI/Leviton",
        "model": "Omni Pro II",
        "sw_version": "3.16b",
    }
    assert config["availability_mode"] == "all"
    assert [a["topic"] for a in config["availability"]] == [
        "omni2mqtt/bridge/state",
        f"{BASE}/availability",
    ]
    for name, value in config.items():
        if not name.endswith("_topic"):
            continue
        parsed = CommandTopic.parse(Topics("omni2mqtt"), value)
        if parsed is None:
            check_state_topic(value)
        else:
            assert parsed.panel_id == "house"
            assert (parsed.kind, parsed.attribute) in COMMANDS, (topic, name, value)
    if re.fullmatch(r"[a-z_]+_\d+", key) and "state_topic" in config:
        # The main entity of every object reads a topic that really has a value.
        assert config["state_topic"] in subscriber.retained, topic
