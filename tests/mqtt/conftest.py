"""Fixtures for gateway tests: real mosquitto, the emulator over TCP, a running gateway."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from omni2mqtt.config import Settings
from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.scenario import load_scenario
from omni2mqtt.emulator.server import EmulatorServer
from omni2mqtt.mqtt.gateway import Gateway
from omni2mqtt.panel.reconnect import ReconnectPolicy

from ..broker import Mosquitto, Subscriber

CONTROLLER_KEY = "00112233445566778899aabbccddeeff"
FAST_RECONNECT = ReconnectPolicy(min_delay=0.05, max_delay=0.5, busy_delay=0.5)


@pytest.fixture
def mosquitto() -> Iterator[Mosquitto]:
    broker = Mosquitto()
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture
def emulated_panel() -> EmulatedPanel:
    return EmulatedPanel(load_scenario("demo"))


@pytest.fixture
async def emulator(emulated_panel: EmulatedPanel) -> AsyncIterator[EmulatorServer[EmulatedPanel]]:
    server = EmulatorServer(emulated_panel, bytes.fromhex(CONTROLLER_KEY), port=0)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


SettingsFactory = Callable[..., Settings]


@pytest.fixture
def make_settings(
    mosquitto: Mosquitto, emulator: EmulatorServer[EmulatedPanel], tmp_path: Any
) -> SettingsFactory:
    def make(**overrides: Any) -> Settings:
        panel: dict[str, Any] = {
            "id": "house",
            "name": "House",
            "host": "127.0.0.1",
            "port": emulator.port,
            "controller_key": CONTROLLER_KEY,
            "request_timeout": 2.0,
            "time_sync": False,
        }
        panel.update(overrides.pop("panel", {}))
        data: dict[str, Any] = {
            "mqtt": {
                "url": mosquitto.url,
                "client_id": "omni2mqtt-test",
                "reconnect_min_delay": 0.1,
                "reconnect_max_delay": 0.5,
                # Off unless a test asks: discovery reads the program list in the background
                # after every sync, which would race tests that count panel requests.
                "discovery": False,
            },
            "panels": overrides.pop("panels", [panel]),
            "homeassistant": {"birth_delay_min": 0.0, "birth_delay_max": 0.1},
            "cache_dir": str(tmp_path / "cache"),
        }
        for key, value in overrides.items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
        return Settings.model_validate(data)

    return make


@pytest.fixture
async def gateway(make_settings: SettingsFactory) -> AsyncIterator[Gateway]:
    gw = Gateway(make_settings(), reconnect=FAST_RECONNECT)
    await gw.start()
    try:
        yield gw
    finally:
        await gw.stop()


@pytest.fixture
async def subscriber(mosquitto: Mosquitto) -> AsyncIterator[Subscriber]:
    sub = Subscriber(mosquitto.port)
    await sub.start("#")
    try:
        yield sub
    finally:
        await sub.stop()
