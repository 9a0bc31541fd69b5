"""Fixtures for client tests: the project's emulator over real TCP, and a connected session."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.scenario import load_scenario
from omni2mqtt.emulator.server import EmulatorServer
from omni2mqtt.panel.connection import PanelConnection
from omni2mqtt.protocol.messages.base import Message

CONTROLLER_KEY = bytes.fromhex("00112233445566778899aabbccddeeff")


@pytest.fixture
def emulated_panel() -> EmulatedPanel:
    return EmulatedPanel(load_scenario("demo"))


@pytest.fixture
async def emulator(emulated_panel: EmulatedPanel) -> AsyncIterator[EmulatorServer[EmulatedPanel]]:
    server = EmulatorServer(emulated_panel, CONTROLLER_KEY, host="127.0.0.1", port=0)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def pushes() -> list[Message]:
    return []


@pytest.fixture
async def connection(
    emulator: EmulatorServer[EmulatedPanel], pushes: list[Message]
) -> AsyncIterator[PanelConnection]:
    conn = PanelConnection("127.0.0.1", emulator.port, CONTROLLER_KEY, on_push=pushes.append)
    await conn.connect()
    try:
        yield conn
    finally:
        await conn.close()
