"""10,000 junk payloads across every kind of command topic, through a real broker.

Each gets exactly one error result of the expected type, not one byte reaches the panel (counted
on the wire by a relay), the panel's state is untouched, nothing is logged as an error, and the
gateway still runs a good command afterwards. ``OMNI2MQTT_JUNK_COMMANDS`` sets the count.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from omni2mqtt.mqtt.attributes import ONLINE
from omni2mqtt.mqtt.gateway import Gateway

from ..broker import Mosquitto
from .conftest import CONTROLLER_KEY, FAST_RECONNECT, report
from .junk import CODE, junk_command
from .mirror import RetainedMirror
from .proxy import CountingProxy
from .stack import (
    AVAILABILITY,
    BASE,
    TIMEOUT,
    CountingEmulator,
    env_number,
    result_of,
    results,
    settings_for,
    watching_errors,
)
from .truth import settled

SEED = 90210
BATCH = 500


@pytest.fixture
async def proxy(emulator: CountingEmulator) -> AsyncIterator[CountingProxy]:
    async with CountingProxy(emulator.port) as relay:
        yield relay


def _state(emulator: CountingEmulator) -> dict[str, object]:
    return {k: v for k, v in emulator.panel.snapshot().items() if k != "clock"}


async def _send_batch(
    mirror: RetainedMirror, batch: list[tuple[str, bytes, str]], expected: Counter[tuple[str, str]]
) -> None:
    """Publish a batch, then wait until every one of its results is in."""
    start = len(mirror.log)
    await asyncio.gather(*(mirror.publish(f"{BASE}/{path}/set", body) for path, body, _ in batch))
    for path, _, kind in batch:
        expected[(f"{BASE}/{path}/result", kind)] += 1
    want = Counter(f"{BASE}/{path}/result" for path, _, _ in batch)
    got: Counter[str] = Counter()
    position = start

    def arrived() -> bool:
        nonlocal position
        for topic, _ in results(mirror, position):
            got[topic] += 1
        position = len(mirror.log)
        return all(got[topic] >= count for topic, count in want.items())

    await mirror.wait(arrived, TIMEOUT)


async def test_junk_on_every_command_topic(
    mosquitto: Mosquitto,
    emulator: CountingEmulator,
    mirror: RetainedMirror,
    proxy: CountingProxy,
    tmp_path: Path,
) -> None:
    count = env_number("OMNI2MQTT_JUNK_COMMANDS", 10_000)
    settings = settings_for(mosquitto, proxy.port, CONTROLLER_KEY, tmp_path / "cache")
    gateway = Gateway(settings, reconnect=FAST_RECONNECT)
    rng = random.Random(SEED)
    junk = [junk_command(rng) for _ in range(count)]
    with watching_errors() as errors:
        await gateway.start()
        try:
            await settled(mirror, emulator.panel, settings)
            sent_before, handled_before = proxy.to_panel, emulator.requests_handled
            state_before = _state(emulator)
            start, began = len(mirror.log), time.monotonic()
            expected: Counter[tuple[str, str]] = Counter()
            for first in range(0, count, BATCH):
                await _send_batch(mirror, junk[first : first + BATCH], expected)
            elapsed = time.monotonic() - began
            found = results(mirror, start)
            assert (proxy.to_panel, emulator.requests_handled) == (sent_before, handled_before)
            assert _state(emulator) == state_before
            assert mirror.retained[AVAILABILITY] == ONLINE
            # Still working: a good command reaches the panel and succeeds.
            await mirror.publish(
                f"{BASE}/unit/1/set", json.dumps({"state": "ON", "transaction": 1})
            )
            assert (await result_of(mirror, "unit/1", 1, start))["status"] == "ok"
            assert proxy.to_panel > sent_before
        finally:
            await gateway.stop()
    got = Counter(
        (topic, body.get("error", {}).get("type", body["status"])) for topic, body in found
    )
    by_kind = Counter(kind for _, kind in expected.elements())
    report(
        f"junk commands: {len(found)} results for {count} junk payloads on "
        f"{len({t for t, _ in expected})} topics in {elapsed:.1f} s; errors {dict(by_kind)}; "
        "0 bytes reached the panel"
    )
    assert not errors.records, "\n".join(errors.lines())
    assert all(body["status"] == "error" for _, body in found)
    assert got == expected, (got - expected, expected - got)
    # Codes are secrets: never echoed in a result.
    echoed = re.compile(rf"(?<!\d){CODE}(?!\d)")
    assert not [body for _, body in found if echoed.search(json.dumps(body))]
