"""The gateway: one broker connection, one panel client per configured panel, the extensions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from ..config import PanelSettings, Settings
from ..panel.client import PanelClient, PanelClientOptions
from ..panel.reconnect import ReconnectPolicy
from .connection import MqttConnection
from .extension import Extension
from .loop_guard import LoopGuard
from .publisher import Publisher
from .topics import Topics

_LOGGER = logging.getLogger(__name__)

ClientFactory = Callable[[PanelClientOptions], PanelClient]
ProgramsChanged = Callable[[str], Awaitable[None]]


@dataclass
class PanelRuntime:
    """A configured panel and its live client."""

    settings: PanelSettings
    client: PanelClient

    @property
    def id(self) -> str:
        return self.settings.id

    def allows(self, kind: str, number: int) -> bool:
        return self.settings.filters.allows(kind, number)


def client_options(
    panel: PanelSettings, cache_dir: Path | None, reconnect: ReconnectPolicy | None = None
) -> PanelClientOptions:
    return PanelClientOptions(
        host=panel.host,
        port=panel.port,
        controller_key=panel.key_bytes(),
        panel_id=panel.id,
        request_timeout=panel.request_timeout,
        poll_interval=panel.poll_interval,
        cache_dir=cache_dir,
        time_sync_interval=panel.time_sync_interval if panel.time_sync else 0.0,
        reconnect=reconnect or ReconnectPolicy(),
    )


class Gateway:
    """Runs until :meth:`stop`; extensions are created by ``extension_types``."""

    def __init__(
        self,
        settings: Settings,
        extension_types: list[type[Extension]] | None = None,
        *,
        reconnect: ReconnectPolicy | None = None,
    ) -> None:
        self.settings = settings
        self.topics = Topics(settings.mqtt.base_topic)
        password = self._mqtt_password()
        self.mqtt = MqttConnection(settings.mqtt, self.topics.bridge_state, password)
        self.publisher = Publisher(self.mqtt)
        # Registered before any extension's callback: a broker that reconnects may have lost
        # retained messages (no persistence), so every extension republishes from scratch.
        self.mqtt.on_connected(self._forget_published)
        cache = settings.name_cache_dir
        self.panels: dict[str, PanelRuntime] = {
            p.id: PanelRuntime(p, PanelClient(client_options(p, cache, reconnect)))
            for p in settings.panels
        }
        if extension_types is None:
            from .extensions import DEFAULT_EXTENSIONS  # noqa: PLC0415 - extensions import us

            extension_types = DEFAULT_EXTENSIONS
        self.extensions = [cls(self) for cls in extension_types]
        self._mqtt_task: asyncio.Task[None] | None = None
        self._programs_changed: list[ProgramsChanged] = []
        self._loop_guard = LoopGuard()
        self.started = asyncio.Event()

    def on_programs_changed(self, callback: ProgramsChanged) -> None:
        """Called with the panel id after a program was written, cleared or cloned."""
        self._programs_changed.append(callback)

    async def programs_changed(self, panel_id: str) -> None:
        for callback in self._programs_changed:
            try:
                await callback(panel_id)
            except Exception:
                _LOGGER.exception("panel %s: updating after a program change failed", panel_id)

    async def _forget_published(self) -> None:
        self.publisher.forget()

    def _mqtt_password(self) -> str | None:
        mqtt = self.settings.mqtt
        return mqtt.password.get_secret_value() if mqtt.password is not None else None

    def __repr__(self) -> str:
        return f"<Gateway {self.topics.base} panels={list(self.panels)}>"

    async def start(self) -> None:
        self._loop_guard.install()
        self.publisher.start()
        for extension in self.extensions:
            await extension.start()
        self._mqtt_task = asyncio.create_task(self.mqtt.run(), name="omni2mqtt-mqtt")
        for runtime in self.panels.values():
            await runtime.client.start()
        self.started.set()

    async def stop(self) -> None:
        """Close every panel session cleanly, publish ``offline``, disconnect."""
        for runtime in self.panels.values():
            await runtime.client.stop()
        for extension in reversed(self.extensions):
            await extension.stop()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.publisher.flush(), 5)
        await self.mqtt.stop()
        await self.publisher.stop()
        task, self._mqtt_task = self._mqtt_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._loop_guard.remove()

    async def run(self, stop: asyncio.Event) -> None:
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()
