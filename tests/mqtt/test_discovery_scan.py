"""The start-up scan of retained discovery configs, through a real mosquitto."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from omni2mqtt.mqtt.connection import MqttConnection
from omni2mqtt.mqtt.discovery_scan import ConfigScan
from omni2mqtt.mqtt.gateway import Gateway
from omni2mqtt.mqtt.probe import free_port

from ..broker import Mosquitto, Subscriber, subscribed
from .conftest import FAST_RECONNECT, SettingsFactory
from .discovery_checks import NODE, discovery_of

HOUSE = {NODE.format("binary_sensor", "zone_99"), NODE.format("light", "unit_7")}
GARAGE = "homeassistant/binary_sensor/omni2mqtt_garage/zone_1/config"
PROBE = "omni2mqtt/bridge/probe/omni2mqtt_house"


@pytest.fixture
async def seeded(mosquitto: Mosquitto) -> AsyncIterator[None]:
    """Retained configs of an earlier run, one of them cleared again."""
    async with subscribed(mosquitto.port, "seed/none") as seeder:
        for topic in (*HOUSE, GARAGE, NODE.format("switch", "zone_1_bypass")):
            await seeder.publish(topic, '{"name": "old"}', retain=True)
        await seeder.publish(NODE.format("switch", "zone_1_bypass"), "", retain=True)
    yield


@pytest.fixture
async def connection(make_settings: SettingsFactory) -> AsyncIterator[MqttConnection]:
    mqtt = MqttConnection(make_settings().mqtt, "omni2mqtt/bridge/state", None)
    task = asyncio.create_task(mqtt.run())
    try:
        await mqtt.wait_connected(10)
        yield mqtt
    finally:
        await mqtt.stop()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_scan_finds_the_panels_retained_configs_only(
    seeded: None, connection: MqttConnection
) -> None:
    scan = ConfigScan(connection, "omni2mqtt", "homeassistant")
    try:
        found = await scan.result("house")
        assert found == HOUSE
        # The result is kept for the cleanup: no second scan.
        assert await scan.result("house") is found
        scan.forget("house")
        assert await scan.result("house") is not found
    finally:
        await scan.stop()


async def test_start_up_scan_runs_before_the_panel_syncs(
    seeded: None, make_settings: SettingsFactory, subscriber: Subscriber
) -> None:
    # Nothing listens on the panel's port: the panel never syncs, yet the broker's configs are
    # read while the gateway holds no panel state, and none is removed without a sync.
    settings = make_settings(mqtt={"discovery": True}, panel={"port": free_port()})
    gw = Gateway(settings, reconnect=FAST_RECONNECT)
    await gw.start()
    try:
        await subscriber.wait_message(PROBE)
        assert subscriber.retained.get("omni2mqtt/house/availability") != "online"
        assert discovery_of(gw).configs("house") == {}
    finally:
        await gw.stop()
    assert subscriber.retained.keys() >= HOUSE
    assert not [m for m in subscriber.messages if m.topic in HOUSE and not m.payload]
