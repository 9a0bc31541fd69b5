"""Which discovery configs the broker retains under a panel's node id, read once at start-up so
that those of objects that no longer exist can be removed.

A scan subscribes to the panel's configs, then publishes a probe on a topic it also subscribed
to: the broker sends a subscription's retained messages before handling the next publish, so
when the probe is back every retained config has been seen. The broker replays all of them at
once (thousands on a large panel), faster than they are handled, so for a moment the gateway
holds them all. The scan therefore starts as soon as the broker connection is up, while the
panel is still syncing and before its state and configs take their memory, and it keeps only
the topics, interned: the configs built later for the same topics share those strings.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys

import aiomqtt

from .connection import MqttConnection
from .discovery_entities import config_filter, node_id

_LOGGER = logging.getLogger(__name__)

Found = set[str] | None


class ConfigScan:
    """At most one scan per panel; its result is kept until :meth:`forget`."""

    # A scan ends when its probe comes back; this bounds the wait if it never does.
    TIMEOUT = 10.0

    def __init__(self, mqtt: MqttConnection, base_topic: str, prefix: str) -> None:
        self._mqtt = mqtt
        self._base_topic = base_topic
        self._prefix = prefix
        self._scans: dict[str, asyncio.Task[Found]] = {}

    def start(self, panel_id: str) -> asyncio.Task[Found]:
        """The panel's scan: the one running or done, or a new one if the last failed."""
        scan = self._scans.get(panel_id)
        if scan is None or (scan.done() and (scan.cancelled() or scan.result() is None)):
            scan = asyncio.get_running_loop().create_task(self._scan(panel_id))
            self._scans[panel_id] = scan
        return scan

    async def result(self, panel_id: str) -> Found:
        """The config topics the broker retained (scanning now if no scan ran or the last one
        failed), or None when the broker went away or never answered."""
        # Shielded: a new sync cancels its predecessor's cleanup, but the scan goes on for it.
        return await asyncio.shield(self.start(panel_id))

    def forget(self, panel_id: str) -> None:
        """Drop the panel's result once used: the topics are not needed again."""
        self._scans.pop(panel_id, None)

    async def stop(self) -> None:
        scans = list(self._scans.values())
        self._scans.clear()
        for scan in scans:
            scan.cancel()
        for scan in scans:
            with contextlib.suppress(asyncio.CancelledError):
                await scan

    async def _scan(self, panel_id: str) -> Found:
        mqtt = self._mqtt
        await mqtt.wait_connected()
        found: set[str] = set()
        probe_back = asyncio.Event()
        configs_filter = config_filter(self._prefix, panel_id)
        probe = f"{self._base_topic}/bridge/probe/{node_id(panel_id)}"

        # Each config is reduced to its topic as soon as it is handled.
        async def on_config(message: aiomqtt.Message) -> None:
            if message.retain and message.payload:
                found.add(sys.intern(message.topic.value))

        async def on_probe(message: aiomqtt.Message) -> None:
            probe_back.set()

        mqtt.subscribe(configs_filter, on_config)
        mqtt.subscribe(probe, on_probe)
        try:
            await asyncio.sleep(0)  # the subscribe tasks send SUBSCRIBE before the probe
            if not await mqtt.publish(probe, "discovery scan"):
                return None  # the broker went away: scan again later
            try:
                await asyncio.wait_for(probe_back.wait(), self.TIMEOUT)
            except TimeoutError:
                _LOGGER.warning("panel %s: the discovery scan got no answer", panel_id)
                return None
        finally:
            mqtt.unsubscribe(configs_filter, on_config)
            mqtt.unsubscribe(probe, on_probe)
        return found
