"""``<base>/<panel>/availability``: ``online`` only while the panel session is up and synced.

The bridge's own ``online``/``offline`` (``<base>/bridge/state``) is the broker connection's
last will and is handled by :mod:`omni2mqtt.mqtt.connection`.
"""

from __future__ import annotations

from .attributes import OFFLINE, ONLINE
from .extension import Extension
from .gateway import PanelRuntime


class Availability(Extension):
    async def start(self) -> None:
        for runtime in self.gateway.panels.values():
            self._watch(runtime)
            self._publish(runtime, available=False)
        self.gateway.mqtt.on_connected(self._republish)

    def _watch(self, runtime: PanelRuntime) -> None:
        def on_availability(available: bool) -> None:
            self._publish(runtime, available)

        runtime.client.subscribe_availability(on_availability)

    def _publish(self, runtime: PanelRuntime, available: bool) -> None:
        self.gateway.publisher.retained(
            self.gateway.topics.availability(runtime.id), ONLINE if available else OFFLINE
        )

    async def _republish(self) -> None:
        for runtime in self.gateway.panels.values():
            self._publish(runtime, runtime.client.available)
