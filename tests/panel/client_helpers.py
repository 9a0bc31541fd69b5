"""Helpers shared by the PanelClient tests: client options for an emulator, polling waits."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.server import EmulatorServer
from omni2mqtt.panel.client import PanelClientOptions
from omni2mqtt.panel.reconnect import ReconnectPolicy

from .conftest import CONTROLLER_KEY

FAST_RETRY = ReconnectPolicy(min_delay=0.05, max_delay=0.2, busy_delay=0.3)


async def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


def options(server: EmulatorServer[EmulatedPanel], **overrides: object) -> PanelClientOptions:
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": server.port,
        "controller_key": CONTROLLER_KEY,
        "panel_id": "house",
        "request_timeout": 1.0,
        "reconnect": FAST_RETRY,
    }
    values.update(overrides)
    return PanelClientOptions(**values)  # type: ignore[arg-type]
