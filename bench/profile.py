"""Profile the gateway's hot paths in one process (``python -m bench.profile push|start``).

``push``: a burst of panel events through the gateway (emulator push -> PanelState ->
StatePublisher -> Publisher -> MqttConnection); ``zone``: zone changes one at a time, each
waited for at the subscriber (``--events`` of them). ``start``: a sync of the ``full`` scenario and
the publish of everything retained. Prints cProfile's top functions by own and cumulative time.
For finding where time goes, not for figures: everything shares one event loop here.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import tempfile
from pathlib import Path

from omni2mqtt.config import Settings
from omni2mqtt.mqtt.gateway import Gateway

from .harness import (
    CONTROLLER_KEY,
    EVENT_TOPIC,
    PANEL_ID,
    PANEL_PREFIX,
    Broker,
    Emulator,
    Subscriber,
)
from .latency import gateway_sample, quiet_zone
from .throughput import gateway_run


def _settings(broker: Broker, emulator: Emulator, cache: Path) -> Settings:
    return Settings.model_validate(
        {
            "mqtt": {"url": f"mqtt://127.0.0.1:{broker.port}", "client_id": "omni2mqtt-profile"},
            "panels": [
                {
                    "id": PANEL_ID,
                    "host": "127.0.0.1",
                    "port": emulator.port,
                    "controller_key": CONTROLLER_KEY,
                }
            ],
            "cache_dir": str(cache),
        }
    )


async def _profile(what: str, scenario: str, events: int, profiler: cProfile.Profile) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="omni2mqtt-profile-"))
    broker = Broker(workdir)
    broker.start()
    emulator = Emulator(scenario)
    await emulator.start()
    sub = Subscriber(broker.port)
    await sub.start(f"{PANEL_PREFIX}#")
    gateway = Gateway(_settings(broker, emulator, workdir / "cache"))
    try:
        if what == "start":
            profiler.enable()
        await gateway.start()
        await sub.wait_message(f"{PANEL_PREFIX}availability", b"online", 0, timeout=300)
        await sub.wait_quiet(1.0, timeout=300)
        profiler.disable()
        if what == "push":
            profiler.enable()
            run = await gateway_run(emulator, broker.port, events, workdir)
            profiler.disable()
            print(f"{run.received}/{run.count} events on {EVENT_TOPIC} at {run.rate:,.0f}/s")
        elif what == "zone":
            zone = quiet_zone(emulator)
            profiler.enable()
            for i in range(events):
                await gateway_sample(emulator, sub, zone, i % 2 == 0)
                await sub.wait_quiet(0.002, timeout=10)
            profiler.disable()
    finally:
        await gateway.stop()
        await sub.stop()
        await emulator.stop()
        broker.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("what", choices=("push", "zone", "start"))
    parser.add_argument("--scenario", default="full")
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args()
    profiler = cProfile.Profile()
    asyncio.run(_profile(args.what, args.scenario, args.events, profiler))
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
