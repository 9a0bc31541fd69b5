"""A warm start goes online with the cached names and checks them afterwards: what the check
finds changed on the panel (a renamed, added or removed last zone) reaches Home Assistant's
discovery configs and the state topics. Real mosquitto, the emulator over TCP."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator

import pytest

from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.mqtt.gateway import Gateway
from omni2mqtt.panel.sync import WALK_KINDS

from ..broker import Subscriber
from ..panel.client_helpers import wait_until
from .conftest import FAST_RECONNECT, SettingsFactory
from .discovery_checks import BASE, NODE, all_published, discovery_of
from .test_bridge import ask, ok

RENAMED, ADDED = "CELLAR RH", "SHED DOOR"
HUMIDITY_21 = NODE.format("sensor", "zone_21")  # the demo's last zone: a humidity sensor
DOOR_22 = NODE.format("binary_sensor", "zone_22")


@contextlib.asynccontextmanager
async def running(make_settings: SettingsFactory) -> AsyncIterator[Gateway]:
    gateway = Gateway(make_settings(mqtt={"discovery": True}), reconnect=FAST_RECONNECT)
    await gateway.start()
    try:
        yield gateway
    finally:
        await gateway.stop()


async def published_config(gateway: Gateway, subscriber: Subscriber, topic: str) -> dict[str, str]:
    """The gateway's current config on ``topic``, once the broker holds it."""
    payload = discovery_of(gateway).configs("house")[topic]
    await subscriber.wait_for(topic, payload)
    config = json.loads(payload)
    assert isinstance(config, dict)
    return config


@pytest.mark.parametrize("change", ["renamed", "added", "removed"])
async def test_warm_start_follows_names_changed_since_the_cache_was_written(
    make_settings: SettingsFactory,
    subscriber: Subscriber,
    emulated_panel: EmulatedPanel,
    change: str,
) -> None:
    async with running(make_settings) as gateway:
        found = await all_published(gateway, subscriber)  # the cold start wrote the cache
    assert found[HUMIDITY_21]["name"] != RENAMED
    zone = emulated_panel.zones.obtain(22 if change == "added" else 21)
    zone.name = {"renamed": RENAMED, "added": ADDED, "removed": ""}[change]

    async with running(make_settings) as gateway:
        client = gateway.panels["house"].client
        await client.wait_available(10)
        result = client.sync_result
        assert result is not None and result.names_from_cache
        await wait_until(lambda: result.names_verified is not None)
        if change == "renamed":
            assert (await published_config(gateway, subscriber, HUMIDITY_21))["name"] == RENAMED
            await subscriber.wait_for(f"{BASE}/zone/21/name", RENAMED)
        elif change == "added":
            assert (await published_config(gateway, subscriber, DOOR_22))["name"] == ADDED
            await subscriber.wait_for(f"{BASE}/zone/22/name", ADDED)
            await subscriber.wait_for(f"{BASE}/zone/22/state")
        else:
            assert HUMIDITY_21 not in discovery_of(gateway).configs("house")
            await wait_until(lambda: HUMIDITY_21 not in subscriber.retained)
            # Its state topics go too: the zone is no longer on the panel.
            for leaf in ("name", "humidity", "attributes"):
                await wait_until(
                    lambda leaf=leaf: f"{BASE}/zone/21/{leaf}" not in subscriber.retained
                )
        zones = {"renamed": 21, "added": 22, "removed": 20}[change]
        await wait_until(
            lambda: json.loads(subscriber.retained[f"{BASE}/info"])["objects"]["zone"] == zones
        )
        [panel] = ok(await ask(subscriber, "panels"))["panels"]
        sync = panel["sync_result"]
        assert (sync["names_from_cache"], sync["capacities_from_cache"]) == (True, True)
        assert sync["names_verified"] is False
        # The check (two requests per kind) found the change and walked the zones again.
        assert sync["verification_requests"] > 2 * len(WALK_KINDS)
