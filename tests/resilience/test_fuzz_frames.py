"""Mutated and random panel frames through the decoders, the live state and the stream reader.

The default run fuzzes 50,000 frames in a few seconds; ``OMNI2MQTT_FUZZ_FRAMES=1000000`` is
the acceptance run. Hypothesis draws one seed per batch of frames, so a failure names the seed
(and the frame's hex) to replay it.
"""

from __future__ import annotations

import random
import time

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from .conftest import report
from .frames import FrameFuzzer, capture_corpus
from .stack import env_number

BATCH = 1000


async def test_fuzz_frames() -> None:
    frames = env_number("OMNI2MQTT_FUZZ_FRAMES", 50_000)
    corpus, state = await capture_corpus()
    fuzzer = FrameFuzzer(corpus, state)
    seeds: set[int] = set()

    @settings(
        max_examples=max(1, frames // BATCH),
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(seed=st.integers(0, 2**64 - 1))
    def batch(seed: int) -> None:
        seeds.add(seed)
        fuzzer.run(random.Random(seed), BATCH)

    started = time.monotonic()
    batch()
    elapsed = time.monotonic() - started
    counts = fuzzer.counts
    report(
        f"frame fuzz: {counts['frames']:,} frames from a corpus of {len(corpus)} real ones in "
        f"{elapsed:.1f} s ({len(seeds)} seeds): {dict(counts)}"
    )
    assert counts["frames"] >= frames - frames % BATCH
    # The mix reaches every layer: typed messages, state changes, stream events and resets.
    for layer in ("decoded", "state_changes", "stream_events", "stream_reset"):
        assert counts[layer] > frames // 100, dict(counts)
