"""The live figures (push latency, throughput) on one running gateway process."""

from __future__ import annotations

from pathlib import Path

import aiomqtt

from .harness import (
    EVENT_TOPIC,
    NO_DELAY,
    PANEL_PREFIX,
    Broker,
    Emulator,
    Subscriber,
    start_gateway,
    write_config,
)
from .latency import DIRECT_TOPIC, push_latency
from .results import Section
from .throughput import BUTTON_1_EXECUTED, measure_throughput


async def _event_payload(emulator: Emulator, sub: Subscriber) -> str:
    """One event message exactly as the gateway publishes it."""
    start = len(sub.messages)
    emulator.panel.emit_event_words([BUTTON_1_EXECUTED])
    emulator.server.flush_pushes()
    return (await sub.wait_message(EVENT_TOPIC, None, start)).payload.decode()


async def measure_live(
    scenario: str, samples: int, events: int, *, rounds: int, workdir: Path, quiet: float = 1.0
) -> list[Section]:
    broker = Broker(workdir)
    broker.start()
    emulator = Emulator(scenario)
    await emulator.start()
    sub = Subscriber(broker.port)
    gateway = None
    try:
        await sub.start(f"{PANEL_PREFIX}#", DIRECT_TOPIC)
        config = write_config(workdir, broker, emulator, workdir / "live-cache")
        gateway = start_gateway(config, workdir / "gateway-live.log")
        await sub.wait_message(f"{PANEL_PREFIX}availability", b"online", 0, timeout=300)
        # Start-up traffic (state, the program list read in the background) must be over.
        while True:
            count = len(emulator.requests)
            await sub.wait_quiet(quiet, timeout=300)
            if len(emulator.requests) == count:
                break
        async with aiomqtt.Client(
            "127.0.0.1", broker.port, identifier="bench-direct", socket_options=NO_DELAY
        ) as direct:
            latency = await push_latency(emulator, sub, direct, samples)
        payload = await _event_payload(emulator, sub)
        await sub.stop()  # a Python subscriber would only load the machine during the bursts
        throughput = await measure_throughput(
            emulator, broker.port, payload, events, rounds=rounds, workdir=workdir
        )
        return [latency, throughput]
    finally:
        await sub.stop()
        if gateway is not None:
            gateway.stop()
        await emulator.stop()
        broker.stop()
