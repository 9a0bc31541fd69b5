"""Home Assistant discovery through a real mosquitto and the emulated demo house."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.server import EmulatorServer
from omni2mqtt.mqtt.gateway import Gateway

from ..broker import Mosquitto, Subscriber, subscribed
from .command_helpers import send
from .conftest import FAST_RECONNECT, SettingsFactory
from .discovery_checks import BASE, NODE, all_published, check_config, discovery_of


@pytest.fixture
async def gateway(make_settings: SettingsFactory) -> AsyncIterator[Gateway]:
    """The conftest gateway with discovery on (the shared fixture leaves it off)."""
    gw = Gateway(make_settings(mqtt={"discovery": True}), reconnect=FAST_RECONNECT)
    await gw.start()
    try:
        yield gw
    finally:
        await gw.stop()


async def test_every_entity_matches_the_mqtt_contract(
    subscriber: Subscriber, gateway: Gateway
) -> None:
    found = await all_published(gateway, subscriber)
    for topic, config in found.items():
        check_config(topic, config, subscriber)

    def get(component: str, key: str) -> dict[str, Any]:
        return found[NODE.format(component, key)]

    area = get("alarm_control_panel", "area_1")
    assert (area["code"], area["code_arm_required"], area["code_disarm_required"]) == (
        "REMOTE_CODE",
        True,
        True,
    )
    assert area["supported_features"] == [
        "arm_home",
        "arm_away",
        "arm_night",
        "arm_vacation",
        "arm_custom_bypass",
    ]
    assert area["state_topic"] == f"{BASE}/area/1/state"
    assert area["json_attributes_topic"] == f"{BASE}/area/1/attributes"
    assert get("binary_sensor", "area_1_ready")["entity_category"] == "diagnostic"
    assert get("binary_sensor", "zone_1")["device_class"] == "door"
    assert get("binary_sensor", "zone_10")["device_class"] == "smoke"
    assert get("switch", "zone_1_bypass")["entity_category"] == "config"
    temperature, humidity = get("sensor", "zone_20"), get("sensor", "zone_21")
    assert (temperature["device_class"], temperature["unit_of_measurement"]) == (
        "temperature",
        "\N{DEGREE SIGN}F",
    )
    assert (humidity["state_topic"], humidity["unit_of_measurement"]) == (
        f"{BASE}/zone/21/humidity",
        "%",
    )
    light = get("light", "unit_2")
    assert (light["brightness_scale"], light["on_command_type"]) == (100, "brightness")
    assert "schema" not in light and "color_mode" not in light
    assert get("switch", "unit_257")["command_topic"] == f"{BASE}/unit/257/set"
    assert get("number", "unit_395_value")["max"] == 255
    assert NODE.format("light", "unit_393") not in found
    downstairs, upstairs = get("climate", "thermostat_1"), get("climate", "thermostat_2")
    assert downstairs["modes"] == ["off", "heat", "cool", "auto"]
    assert upstairs["modes"] == ["off", "heat", "cool"]
    assert downstairs["temperature_unit"] == "F"
    assert downstairs["preset_modes"] == ["hold", "vacation"]
    assert get("sensor", "thermostat_1_outdoor_temperature")["enabled_by_default"] is True
    assert get("sensor", "thermostat_2_outdoor_temperature")["enabled_by_default"] is False
    assert get("number", "thermostat_1_humidify_setpoint")["max"] == 100
    assert get("lock", "lock_1")["payload_unlock"] == "UNLOCK"
    select = get("select", "audio_zone_1_source")
    assert select["options"] == ["RADIO", "STREAMER"]
    assert get("button", "message_2_clear")["payload_press"] == "clear"
    assert get("sensor", "message_1")["options"][0] == "off"
    trouble = get("binary_sensor", "system_ac_power")
    assert (trouble["payload_on"], trouble["payload_off"]) == ("trouble", "ok")
    assert {"zone_state", "arming", "button"} <= set(get("event", "event")["event_types"])
    programs = {t for t in found if "/program_" in t}
    assert programs == {NODE.format("button", f"program_{s}") for s in (1, 2, 3, 10, 11, 20)}
    assert get("button", "program_1")["enabled_by_default"] is False
    # States go out while the panel syncs, so before the configs (built once it is online):
    # both are retained, and Home Assistant reads the state when the config makes it subscribe.
    topics = [m.topic for m in subscriber.messages]
    assert topics.index(f"{BASE}/zone/1/state") < topics.index(
        NODE.format("binary_sensor", "zone_1")
    )


def _render(template: str, **values: str) -> str:
    for name, value in values.items():
        template = template.replace("{{ " + name + " }}", value)
    return template


async def test_what_home_assistant_sends_is_accepted(
    gateway: Gateway, subscriber: Subscriber
) -> None:
    found = await all_published(gateway, subscriber)

    def get(component: str, key: str) -> dict[str, Any]:
        return found[NODE.format(component, key)]

    async def accepted(topic: str, payload: str) -> None:
        path = topic.removeprefix(f"{BASE}/").removesuffix("/set")
        result = await send(subscriber, path, payload)
        assert result["status"] == "ok", (topic, payload, result)

    area = get("alarm_control_panel", "area_2")
    for action in ("ARM_AWAY", "DISARM"):
        body = _render(area["command_template"], action=action, code="1234")
        await accepted(area["command_topic"], body)
    light = get("light", "unit_3")
    await accepted(light["brightness_command_topic"], "60")
    await accepted(light["command_topic"], light["payload_off"])
    flag = get("number", "unit_395_value")
    await accepted(flag["command_topic"], "9")
    climate = get("climate", "thermostat_1")
    await accepted(climate["mode_command_topic"], "heat")
    await accepted(climate["fan_mode_command_topic"], "cycle")
    await accepted(climate["preset_mode_command_topic"], "none")
    await accepted(climate["temperature_low_command_topic"], "66")
    await accepted(get("number", "thermostat_1_humidify_setpoint")["command_topic"], "40")
    lock = get("lock", "lock_2")
    await accepted(lock["command_topic"], lock["payload_unlock"])
    message = get("button", "message_1_show")
    await accepted(message["command_topic"], message["payload_press"])
    button = get("button", "button_3")
    await accepted(button["command_topic"], button["payload_press"])
    power = get("switch", "audio_zone_2")
    await accepted(power["command_topic"], power["payload_on"])
    await accepted(get("number", "audio_zone_2_volume")["command_topic"], "20")
    select = get("select", "audio_zone_2_source")
    table = json.loads(select["command_template"].removeprefix("{{ ").removesuffix("[value] }}"))
    await accepted(select["command_topic"], str(table["RADIO"]))
    await subscriber.wait_for(f"{BASE}/audio_zone/2/source", "1")


async def test_rename_keeps_ids_and_home_assistant_birth_republishes(
    gateway: Gateway, subscriber: Subscriber, emulated_panel: EmulatedPanel
) -> None:
    found = await all_published(gateway, subscriber)
    topic = NODE.format("light", "unit_2")
    before = found[topic]
    start = len(subscriber.messages)
    emulated_panel.units.obtain(2).name = "HALLWAY"
    gateway.panels["house"].client.request_resync()
    after = json.loads(await _changed(subscriber, topic, start))
    assert after["name"] == "HALLWAY"
    for key in ("unique_id", "object_id", "default_entity_id", "state_topic"):
        assert after[key] == before[key]

    start = len(subscriber.messages)
    await subscriber.publish("homeassistant/status", "online")
    config = await subscriber.wait_message(NODE.format("binary_sensor", "zone_1"), start=start)
    state = await subscriber.wait_message(f"{BASE}/zone/1/state", start=start)
    # By identity: an equal message (same topic and payload) may have come earlier.
    positions = {id(m): i for i, m in enumerate(subscriber.messages)}
    assert positions[id(config)] < positions[id(state)]
    assert json.loads(config.payload)["unique_id"] == "omni2mqtt_house_zone_1"


async def _changed(subscriber: Subscriber, topic: str, start: int) -> str:
    """The first payload on ``topic`` from message ``start`` on that differs from the last."""
    current = subscriber.retained[topic]
    while True:
        message = await subscriber.wait_message(topic, start=start)
        if message.payload != current:
            return message.payload
        start = subscriber.messages.index(message) + 1


STALE = {
    NODE.format("binary_sensor", "zone_99"): '{"name": "gone"}',
    NODE.format("binary_sensor", "zone_3"): '{"name": "excluded now"}',
    NODE.format("light", "unit_2"): '{"name": "excluded now"}',
    NODE.format("button", "program_1"): '{"name": "excluded program"}',
    NODE.format("button", "program_99"): '{"name": "deleted program"}',
}
OTHER_NODE = "homeassistant/binary_sensor/omni2mqtt_garage/zone_99/config"
CURRENT = NODE.format("binary_sensor", "zone_1")


@pytest.fixture
async def seeded(mosquitto: Mosquitto) -> AsyncIterator[None]:
    """Retained configs from an earlier run, before the gateway starts."""
    async with subscribed(mosquitto.port, "seed/none") as seeder:
        for topic, payload in {**STALE, OTHER_NODE: "{}", CURRENT: '{"name": "old"}'}.items():
            await seeder.publish(topic, payload, retain=True)
    yield


async def test_start_up_removes_stale_configs_and_honours_filters(
    seeded: None, make_settings: SettingsFactory, subscriber: Subscriber, mosquitto: Mosquitto
) -> None:
    settings = make_settings(
        mqtt={"discovery": True},
        panel={"include": {"zone": [1, 2]}, "exclude": {"unit": [2], "program": [1]}},
    )
    gw = Gateway(settings, reconnect=FAST_RECONNECT)
    await gw.start()
    try:
        for topic in STALE:
            cleared = await subscriber.wait_message(topic, start=0)
            while cleared.payload:
                cleared = await subscriber.wait_message(
                    topic, start=subscriber.messages.index(cleared) + 1
                )
        found = await all_published(gw, subscriber)
    finally:
        await gw.stop()
    keys = {topic.split("/")[3] for topic in found if topic.split("/")[2] == "omni2mqtt_house"}
    assert {k for k in keys if k.startswith("zone_")} == {
        "zone_1",
        "zone_1_bypass",
        "zone_2",
        "zone_2_bypass",
    }
    assert "unit_1" in keys and "unit_2" not in keys
    assert "program_2" in keys and "program_1" not in keys
    assert json.loads(subscriber.retained[CURRENT])["unique_id"] == "omni2mqtt_house_zone_1"
    assert all(m.payload for m in subscriber.messages if m.topic == CURRENT)
    async with subscribed(mosquitto.port, "homeassistant/#") as late:
        assert await late.wait_for(OTHER_NODE) == "{}"


async def test_discovery_disabled_publishes_nothing(
    seeded: None,
    make_settings: SettingsFactory,
    subscriber: Subscriber,
    emulator: EmulatorServer[EmulatedPanel],
) -> None:
    gw = Gateway(make_settings(mqtt={"discovery": False}), reconnect=FAST_RECONNECT)
    await gw.start()
    try:
        await subscriber.wait_for(f"{BASE}/zone/1/state")
        await subscriber.publish("homeassistant/status", "online")
        await gw.publisher.flush()
        # A marker sent after the gateway's last publish comes back after all of them.
        await subscriber.publish("test/marker", "done")
        await subscriber.wait_message("test/marker")
    finally:
        await gw.stop()
    ours = [
        m
        for m in subscriber.messages
        if m.topic.startswith("homeassistant/") and m.topic != "homeassistant/status"
    ]
    # Only the seeded configs, replayed to the subscriber; nothing cleared or added.
    assert {m.topic for m in ours} == {*STALE, OTHER_NODE, CURRENT}
    assert all(m.payload for m in ours)
    assert discovery_of(gw).configs("house") == {}


async def test_broker_restart_republishes_configs(
    gateway: Gateway, subscriber: Subscriber, mosquitto: Mosquitto
) -> None:
    await all_published(gateway, subscriber)
    mosquitto.restart()  # no persistence: every retained config is gone
    async with subscribed(mosquitto.port, "homeassistant/#") as fresh:
        for topic, payload in discovery_of(gateway).configs("house").items():
            assert await fresh.wait_for(topic, timeout=15) == payload


async def test_objects_without_status_keep_their_entities(
    gateway: Gateway, subscriber: Subscriber
) -> None:
    await all_published(gateway, subscriber)
    discovery = discovery_of(gateway)
    before = discovery.configs("house")
    runtime = gateway.panels["house"]
    discovery.publish_panel(runtime)
    # A rebuild keeps the very strings held before, which the publisher caches too.
    rebuilt = discovery.configs("house")
    assert all(rebuilt[t] is before[t] is gateway.publisher.cached(t) for t in before)
    assert rebuilt.keys() == before.keys()
    # As if every status poll of a sync went unanswered: names stay, views are gone.
    runtime.client.state.clear_status()
    discovery.publish_panel(runtime)
    assert discovery.configs("house") == before
    await gateway.publisher.flush()
    assert not [
        m for m in subscriber.messages if m.topic.startswith("homeassistant/") and not m.payload
    ]


async def test_program_writes_and_clears_update_the_program_buttons(
    subscriber: Subscriber, gateway: Gateway
) -> None:
    button = NODE.format("button", "program_42")
    await all_published(gateway, subscriber)
    assert button not in subscriber.retained
    record = {"type": "timed", "days": ["mon"], "time": {"hour": 7, "minute": 15}}
    program = {**record, "action": {"command": "unit_on", "p1": 0, "p2": 1}}
    result = await send(subscriber, "program/42", json.dumps(program))
    assert result["status"] == "ok", result
    config = json.loads(await subscriber.wait_for(button))
    assert config["command_topic"] == f"{BASE}/program/42/set"
    result = await send(subscriber, "program/42", '{"clear": true}')
    assert result["status"] == "ok", result
    async with asyncio.timeout(10):
        while button in subscriber.retained:
            await asyncio.sleep(0.05)
