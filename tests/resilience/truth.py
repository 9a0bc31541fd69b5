"""The emulator's truth as the retained MQTT topics a healthy gateway must show for it.

The emulated panel is frozen (deep copy, served by a second emulator server that never ticks),
then a fresh panel client syncs it from scratch over TCP and the gateway's own extensions render
what they would publish: the state publisher (:mod:`omni2mqtt.mqtt.attributes`), availability and
discovery. Nothing goes to a broker: a recording publisher keeps the retained topics. So the
expected store comes from the panel's state through a clean session, with none of the history
(faults, reconnects, lost pushes, broker restarts) the gateway under test went through.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

from omni2mqtt.config import Settings
from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.server import EmulatorServer
from omni2mqtt.mqtt.attributes import ONLINE
from omni2mqtt.mqtt.availability import Availability
from omni2mqtt.mqtt.discovery import Discovery
from omni2mqtt.mqtt.gateway import Gateway
from omni2mqtt.mqtt.publisher import Publisher
from omni2mqtt.mqtt.state_publisher import StatePublisher
from omni2mqtt.panel.reconnect import ReconnectPolicy

from .mirror import RetainedMirror

# Topics whose payload depends on the gateway's history or configuration (uptime-like fields,
# last error, the broker URL): checked on their own, not compared with the truth.
NOT_COMPARED = ("bridge/info",)
_NO_RETRY = ReconnectPolicy(min_delay=0.05, max_delay=0.2, busy_delay=0.2)
_FROZEN = 3600.0  # tick interval of the truth server: the copy's clock never moves


class RecordingPublisher(Publisher):
    """The retained store a broker would hold after these publishes; sends nothing."""

    def __init__(self, gateway: Gateway) -> None:
        super().__init__(gateway.mqtt)
        self.store: dict[str, str] = {}

    def retained(self, topic: str, payload: str) -> None:
        self.store[topic] = payload

    def clear(self, topic: str) -> None:
        self.store.pop(topic, None)

    def message(self, topic: str, payload: str) -> None:
        pass


def _with_panel_port(settings: Settings, port: int, cache_dir: Path) -> Settings:
    panels = [panel.model_copy(update={"port": port}) for panel in settings.panels]
    return settings.model_copy(update={"panels": panels, "cache_dir": cache_dir})


async def expected_retained(panel: EmulatedPanel, settings: Settings, key: bytes) -> dict[str, str]:
    """topic -> payload of every retained topic the gateway configured by ``settings`` must hold
    for the current state of ``panel`` (one panel; compared topics only)."""
    frozen = copy.deepcopy(panel)
    server = EmulatorServer(frozen, key, port=0, tick_interval=_FROZEN)
    await server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="truth-cache") as cache:
            truth = Gateway(
                _with_panel_port(settings, server.port, Path(cache)),
                [Availability, Discovery, StatePublisher],
                reconnect=_NO_RETRY,
            )
            return await _render(truth)
    finally:
        await server.stop()


async def _render(gateway: Gateway) -> dict[str, str]:
    recorder = RecordingPublisher(gateway)
    gateway.publisher = recorder
    (runtime,) = gateway.panels.values()
    for extension in gateway.extensions:
        await extension.start()
    await runtime.client.start()
    try:
        await runtime.client.wait_available(60)
        for extension in gateway.extensions:
            if isinstance(extension, Discovery):
                # What the gateway reads in the background after every sync; awaited here.
                await extension.refresh_programs(runtime.id)
        store = dict(recorder.store)  # before stop(): that publishes "offline"
    finally:
        await runtime.client.stop()
        for extension in reversed(gateway.extensions):
            await extension.stop()
    store[gateway.topics.bridge_state] = ONLINE
    return compared(store, gateway.settings)


def compared(retained: dict[str, str], settings: Settings) -> dict[str, str]:
    """The part of a broker's retained store that :func:`expected_retained` describes."""
    mqtt = settings.mqtt
    prefixes = (mqtt.base_topic + "/", mqtt.discovery_prefix + "/")
    return {
        topic: payload
        for topic, payload in retained.items()
        if topic.startswith(prefixes)
        and not topic.endswith(NOT_COMPARED)
        and not _only_from_history(topic, payload)
    }


def _only_from_history(topic: str, payload: str) -> bool:
    """The phone line state is only known from event words (the gateway saw them, a fresh
    client did not), except "dead", which the trouble list says too and must match."""
    return topic.endswith("/system/phone_state") and payload != "dead"


def difference(actual: dict[str, str], expected: dict[str, str], limit: int = 20) -> list[str]:
    """Readable lines for what differs (missing, unexpected, different payloads)."""
    lines = [
        f"{topic}: expected {expected.get(topic)!r}, got {actual.get(topic)!r}"
        for topic in sorted(actual.keys() | expected.keys())
        if actual.get(topic) != expected.get(topic)
    ]
    return lines[:limit] + ([f"... {len(lines) - limit} more"] if len(lines) > limit else [])


async def settled(mirror: RetainedMirror, panel: EmulatedPanel, settings: Settings) -> None:
    """Until the broker holds the truth: the gateway is synced and discovery has read the
    programs, so it sends the panel nothing more on its own (until the backstop poll)."""
    key = settings.panels[0].key_bytes()
    expected = await expected_retained(panel, settings, key)
    await mirror.wait(lambda: compared(mirror.retained, settings) == expected)
