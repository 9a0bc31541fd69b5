"""Push latency: a zone opens on the panel -> its state topic reaches a subscriber.

Each sample alternates the two paths through the same broker, so machine noise hits both alike:

- gateway: the emulator pushes a zone change (timestamp once its bytes are on the socket); the
  gateway decrypts, applies and publishes ``<panel>/zone/<n>/state``; the subscriber timestamps
  its arrival.
- direct: a bare aiomqtt client in this process publishes one message, timestamped just before
  the publish call; the same subscriber timestamps its arrival.

The gateway's added share is the difference of the two distributions' percentiles.
"""

from __future__ import annotations

import asyncio
import random
import time

import aiomqtt

from omni2mqtt.protocol.zones import ZoneType

from .harness import PANEL_PREFIX, Emulator, Subscriber
from .results import Figure, Section, fmt, percentile

DIRECT_TOPIC = "bench/direct"
P50_TARGET_MS = 0.3
P99_TARGET_MS = 1.0


def quiet_zone(emulator: Emulator) -> int:
    """A plain perimeter zone: opening it in a disarmed area changes state but raises nothing."""
    for zone in emulator.panel.scenario.zones:
        if zone.type == ZoneType.PERIMETER:
            return zone.number
    raise RuntimeError("the scenario has no perimeter zone")


async def gateway_sample(emulator: Emulator, sub: Subscriber, zone: int, is_open: bool) -> float:
    topic = f"{PANEL_PREFIX}zone/{zone}/state"
    start = len(sub.messages)
    emulator.panel.set_zone_open(zone, is_open)
    emulator.server.flush_pushes()
    sent = time.perf_counter()
    received = await sub.wait_message(topic, b"ON" if is_open else b"OFF", start, timeout=10)
    return received.at - sent


async def _direct_sample(client: aiomqtt.Client, sub: Subscriber, payload: bytes) -> float:
    start = len(sub.messages)
    sent = time.perf_counter()
    publish = asyncio.create_task(client.publish(DIRECT_TOPIC, payload, qos=1))
    received = await sub.wait_message(DIRECT_TOPIC, payload, start, timeout=10)
    await publish
    return received.at - sent


async def push_latency(
    emulator: Emulator, sub: Subscriber, direct: aiomqtt.Client, samples: int
) -> Section:
    zone = quiet_zone(emulator)
    gateway_ms: list[float] = []
    direct_ms: list[float] = []
    for i in range(samples):
        is_open = i % 2 == 0
        gateway_ms.append(1000 * await gateway_sample(emulator, sub, zone, is_open))
        # Let the rest of the change (attributes, the area's readiness) go out first, and
        # jitter the pace so no timer of either side lines up with the samples.
        await sub.wait_quiet(0.005, timeout=10)
        direct_ms.append(1000 * await _direct_sample(direct, sub, b"ON" if is_open else b"OFF"))
        await asyncio.sleep(random.uniform(0.002, 0.01))
    return latency_section(gateway_ms, direct_ms, zone)


def latency_section(gateway_ms: list[float], direct_ms: list[float], zone: int) -> Section:
    section = Section("Push latency")
    added: dict[str, float] = {}
    for label, fraction, target in (("p50", 0.5, P50_TARGET_MS), ("p99", 0.99, P99_TARGET_MS)):
        gateway, direct = percentile(gateway_ms, fraction), percentile(direct_ms, fraction)
        added[label] = gateway - direct
        section.figures.append(
            Figure(
                f"push latency {label}, gateway's added share",
                added[label],
                "ms",
                f"gateway {fmt(gateway)} ms vs direct publish->subscribe {fmt(direct)} ms",
                f"<= {fmt(target)} ms",
                added[label] <= target,
            )
        )
    rows = ["| path | samples | p50 | p90 | p99 | max |", "|---|---|---|---|---|---|"]
    for name, values in (("gateway (zone push -> state topic)", gateway_ms), ("direct", direct_ms)):
        cells = " | ".join(fmt(percentile(values, f)) for f in (0.5, 0.9, 0.99, 1.0))
        rows.append(f"| {name} | {len(values)} | {cells} |")
    section.details = [
        f"Zone {zone} opened and closed in turn; times in ms, nearest-rank percentiles.",
        "",
        *rows,
    ]
    return section
