"""Retained state topics, events and availability through a real mosquitto."""

from __future__ import annotations

import json

from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.server import EmulatorServer
from omni2mqtt.mqtt.gateway import Gateway
from omni2mqtt.protocol.system_tables import Trouble

from ..broker import Mosquitto, Subscriber, subscribed
from .conftest import FAST_RECONNECT, SettingsFactory

BASE = "omni2mqtt/house"


async def test_every_kind_publishes_retained_state(
    gateway: Gateway, subscriber: Subscriber
) -> None:
    await subscriber.wait_for(f"{BASE}/availability", "online")
    await subscriber.wait_for("omni2mqtt/bridge/state", "online")
    expected = {
        f"{BASE}/area/1/state": "disarmed",
        f"{BASE}/area/1/mode": "Off",
        f"{BASE}/area/1/name": "HOUSE",
        f"{BASE}/zone/1/state": "OFF",
        f"{BASE}/zone/1/name": "FRONT DOOR",
        f"{BASE}/zone/1/bypass": "OFF",
        f"{BASE}/zone/20/temperature": "50.9",
        f"{BASE}/zone/21/humidity": "50",
        f"{BASE}/unit/2/state": "ON",
        f"{BASE}/unit/2/brightness": "50",
        f"{BASE}/unit/395/value": "7",
        f"{BASE}/thermostat/1/temperature": "69.8",
        f"{BASE}/thermostat/1/mode": "auto",
        f"{BASE}/thermostat/1/humidity": "45",
        f"{BASE}/message/1/state": "off",
        f"{BASE}/audio_zone/2/volume": "45",
        f"{BASE}/lock/1/state": "LOCKED",
        f"{BASE}/button/1/name": "ALL LIGHTS",
        f"{BASE}/system/ac_power": "ok",
    }
    for topic, payload in expected.items():
        assert await subscriber.wait_for(topic) == payload, topic
    info = json.loads(await subscriber.wait_for(f"{BASE}/info"))
    assert (info["model"], info["firmware"], info["objects"]["zone"]) == (
        "Omni Pro II",
        "3.16b",
        21,
    )
    # A late subscriber gets them from the broker's store: they were published retained.
    async with subscribed(subscriber.port, f"{BASE}/#") as late:
        assert await late.wait_for(f"{BASE}/zone/1/state") == "OFF"
        assert all(m.retain for m in late.messages)


async def test_changes_publish_once_and_events_are_not_retained(
    gateway: Gateway,
    subscriber: Subscriber,
    emulated_panel: EmulatedPanel,
    emulator: EmulatorServer[EmulatedPanel],
) -> None:
    await subscriber.wait_for(f"{BASE}/zone/3/state", "OFF")
    start = len(subscriber.messages)
    emulated_panel.set_zone_open(3, True)
    await subscriber.wait_for(f"{BASE}/zone/3/state", "ON")
    event = await subscriber.wait_message(f"{BASE}/event", start=start)
    assert not event.retain
    body = json.loads(event.payload)
    assert (body["event_type"], body["zone"], body["not_ready"]) == ("zone_state", 3, True)
    assert "time" in body
    await subscriber.wait_for(f"{BASE}/area/1/ready", "OFF")
    zone_messages = [m for m in subscriber.messages[start:] if m.topic == f"{BASE}/zone/3/state"]
    assert [m.payload for m in zone_messages] == ["ON"]
    emulated_panel.set_trouble(Trouble.AC_POWER, True)
    await subscriber.wait_for(f"{BASE}/system/ac_power", "trouble")


async def test_panel_drop_goes_offline_then_online_with_fresh_state(
    gateway: Gateway,
    subscriber: Subscriber,
    emulated_panel: EmulatedPanel,
    emulator: EmulatorServer[EmulatedPanel],
) -> None:
    await subscriber.wait_for(f"{BASE}/availability", "online")
    await emulator.stop()
    await subscriber.wait_for(f"{BASE}/availability", "offline")
    emulated_panel.set_zone_open(8, True)
    await emulator.start()
    await subscriber.wait_for(f"{BASE}/availability", "online")
    await subscriber.wait_for(f"{BASE}/zone/8/state", "ON")


async def test_broker_restart_republishes_everything(
    gateway: Gateway, mosquitto: Mosquitto, emulated_panel: EmulatedPanel
) -> None:
    first = Subscriber(mosquitto.port)
    await first.start("#")
    await first.wait_for(f"{BASE}/zone/1/name", "FRONT DOOR")
    await first.stop()
    mosquitto.restart()  # no persistence: every retained message is gone
    emulated_panel.set_zone_open(2, True)
    second = Subscriber(mosquitto.port)
    await second.start("#")
    try:
        await second.wait_for("omni2mqtt/bridge/state", "online", timeout=15)
        await second.wait_for(f"{BASE}/availability", "online")
        await second.wait_for(f"{BASE}/zone/1/name", "FRONT DOOR")
        await second.wait_for(f"{BASE}/zone/2/state", "ON")
    finally:
        await second.stop()


async def test_clean_stop_publishes_offline_and_ends_the_panel_session(
    make_settings: SettingsFactory, mosquitto: Mosquitto, emulator: EmulatorServer[EmulatedPanel]
) -> None:
    gw = Gateway(make_settings(), reconnect=FAST_RECONNECT)
    await gw.start()
    sub = Subscriber(mosquitto.port)
    await sub.start("#")
    try:
        await sub.wait_for(f"{BASE}/availability", "online")
        await gw.stop()
        await sub.wait_for("omni2mqtt/bridge/state", "offline")
        await sub.wait_for(f"{BASE}/availability", "offline")
        assert emulator.sessions_terminated_by_client == 1
    finally:
        await sub.stop()
