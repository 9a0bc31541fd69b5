"""The extension base: one concern of the gateway (state, discovery, commands, bridge, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .gateway import Gateway


class Extension:
    """Started after the broker connection is created and before panels connect; stopped in
    reverse order. Subscribe with ``gateway.mqtt.subscribe`` and republish retained state in an
    ``gateway.mqtt.on_connected`` callback."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    async def start(self) -> None:
        """Register subscriptions and callbacks."""

    async def stop(self) -> None:
        """Release what start() took; publish nothing that a clean exit must not leave behind."""
