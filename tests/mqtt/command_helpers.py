"""Sending commands through the broker and reading their results, for the command tests."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from omni2mqtt.config import Settings
from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.mqtt.availability import Availability
from omni2mqtt.mqtt.commands import CommandRouter
from omni2mqtt.mqtt.extension import Extension
from omni2mqtt.mqtt.gateway import Gateway
from omni2mqtt.mqtt.state_publisher import StatePublisher
from omni2mqtt.protocol.messages.base import Message

from ..broker import Subscriber
from .conftest import FAST_RECONNECT

BASE = "omni2mqtt/house"
# Only what the command tests watch: other extensions (discovery reading the programs, ...)
# would add panel requests of their own to the counts these tests compare.
COMMAND_EXTENSIONS: list[type[Extension]] = [Availability, StatePublisher, CommandRouter]


@contextlib.asynccontextmanager
async def running_gateway(settings: Settings) -> AsyncIterator[Gateway]:
    gateway = Gateway(settings, COMMAND_EXTENSIONS, reconnect=FAST_RECONNECT)
    await gateway.start()
    try:
        yield gateway
    finally:
        await gateway.stop()


async def online(subscriber: Subscriber) -> None:
    await subscriber.wait_for(f"{BASE}/availability", "online")


async def send(subscriber: Subscriber, path: str, payload: str) -> dict[str, Any]:
    """Publish ``payload`` on ``<BASE>/<path>/set`` and return the result that follows."""
    start = len(subscriber.messages)
    await subscriber.publish(f"{BASE}/{path}/set", payload)
    message = await subscriber.wait_message(f"{BASE}/{path}/result", start=start)
    assert not message.retain
    result = json.loads(message.payload)
    assert isinstance(result, dict)
    return result


async def ok(subscriber: Subscriber, path: str, payload: str, command: str) -> dict[str, Any]:
    result = await send(subscriber, path, payload)
    assert result == {"status": "ok", "command": command}, result
    return result


async def error(subscriber: Subscriber, path: str, payload: str, kind: str) -> dict[str, Any]:
    """Send a command that must fail with error type ``kind``; return the result."""
    result = await send(subscriber, path, payload)
    assert result["status"] == "error", (path, payload, result)
    assert result["error"]["type"] == kind, (path, payload, result)
    assert result["error"]["title"] and result["error"]["detail"]
    return result


async def wait_results(
    subscriber: Subscriber, path: str, count: int, start: int = 0
) -> list[dict[str, Any]]:
    """The first ``count`` results on ``path`` received at index >= ``start``."""
    topic = f"{BASE}/{path}/result"
    while True:
        found = [m for m in subscriber.messages[start:] if m.topic == topic]
        if len(found) >= count:
            return [json.loads(m.payload) for m in found[:count]]
        await subscriber.wait_message(topic, start=len(subscriber.messages))


def results(subscriber: Subscriber, path: str) -> list[dict[str, Any]]:
    found = [m.json() for m in subscriber.messages if m.topic == f"{BASE}/{path}/result"]
    return [r for r in found if isinstance(r, dict)]


Handle = Callable[[Message], Message | None]


def intercept(
    panel: EmulatedPanel,
    monkeypatch: pytest.MonkeyPatch,
    wrapper: Callable[[Message, Handle], Message | None],
) -> None:
    """Route every request the emulated panel handles through ``wrapper(message, real_handle)``."""
    real_handle = panel.handle
    monkeypatch.setattr(panel, "handle", lambda message: wrapper(message, real_handle))


def record_requests(panel: EmulatedPanel, monkeypatch: pytest.MonkeyPatch) -> list[Message]:
    """Every request the emulated panel handles, in order."""
    seen: list[Message] = []

    def record(message: Message, handle: Handle) -> Message | None:
        seen.append(message)
        return handle(message)

    intercept(panel, monkeypatch, record)
    return seen


def snapshot(panel: EmulatedPanel, kind: str, number: int) -> dict[str, Any]:
    """The emulator's state of one object (``kind`` as in its snapshot: units, areas ...)."""
    state: dict[str, Any] = panel.snapshot()[kind][str(number)]
    return state
