"""Cold and warm start on a large panel at a real panel's round trip; memory and idle CPU.

Cold: no name cache, a fresh broker; the clock starts when ``omni2mqtt run`` is spawned and stops
at the arrival of the last retained state topic under ``<base>/<panel>/`` (the set of topics
is what the gateway published once everything went quiet). Warm: the same with the cache the
cold start wrote, and a fresh broker again; it stops when every topic of the cold set has
arrived. Both are judged against (requests the gateway actually sent x round trip): the
request count is the gateway's own (bridge ``panels`` action, ``sync_result.requests``); the
round trip is the panel's own time per request as measured at the emulator (arrival to answer:
the 20 ms it waits, plus what asyncio's timers overshoot and the emulator spends), so the panel's
time is not charged to the gateway. The nominal round trip is shown beside it.

The warm gateway then stays up: once the start-up work is over (the program list read in the
background, discovery updated), its CPU time is read over the idle period beside a bare aiomqtt
client's, and its peak RSS (VmHWM) beside the bare client's.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .harness import (
    BASE_TOPIC,
    PANEL_PREFIX,
    Broker,
    ChildProcess,
    Emulator,
    ExternalSubscriber,
    Subscriber,
    start_gateway,
    write_config,
)
from .results import Figure, Section, fmt

COLD_FACTOR = 1.1
WARM_TARGET_S = 1.5
RSS_TARGET_MB = 60.0  # the design's "60 MB", in decimal megabytes
RSS_TARGET_MIB = RSS_TARGET_MB * 1e6 / 2**20  # 57.2 MiB: what VmHWM is compared with
IDLE_CPU_TARGET = 0.5  # % of one core: "about zero"
WARM_TIMEOUT = 120.0
AVAILABILITY = f"{PANEL_PREFIX}availability"


def _state_topic(topic: str) -> bool:
    return topic.startswith(PANEL_PREFIX) and not topic.endswith(("/event", "/result"))


@dataclass
class Start:
    label: str
    seconds: float = math.nan
    connect_seconds: float = math.nan  # spawn -> the gateway's first panel request
    synced_seconds: float = math.nan  # spawn -> availability online
    requests: int = 0
    names_from_cache: bool | None = None
    # The check of the cached names once online (after all state, so not in the wall time).
    names_verified: bool | None = None
    verification_requests: int = 0
    topics: set[str] = field(default_factory=set)
    request_types: Counter[str] = field(default_factory=Counter)
    panel_rtt: float = math.nan  # measured seconds per request at the emulator
    turnaround: float = math.nan  # the gateway's seconds from an answer to its next request
    peak_rss_mib: float = math.nan
    state_rss_mib: float = math.nan  # resident memory once all state was retained


async def _panels_report(port: int) -> dict[str, Any]:
    """The gateway's own account of its last sync, from the bridge API."""
    sub = Subscriber(port)
    await sub.start(f"{BASE_TOPIC}/bridge/response/panels")
    try:
        await sub.client.publish(f"{BASE_TOPIC}/bridge/request/panels", b"{}", qos=1)
        reply = await sub.wait_message(f"{BASE_TOPIC}/bridge/response/panels", None, 0)
    finally:
        await sub.stop()
    panels = json.loads(reply.payload)["data"]["panels"]
    return dict(panels[0]["sync_result"] or {})


async def _one_start(
    label: str,
    emulator: Emulator,
    workdir: Path,
    cache: Path,
    *,
    expected: set[str] | None,
    quiet: float,
) -> tuple[Start, ChildProcess, Broker, ExternalSubscriber]:
    """One start; ``quiet``: no message for this long after the panel went online means the
    start-up publishing is over."""
    broker = Broker(workdir)
    broker.start()
    sub = ExternalSubscriber(broker.port)
    await sub.start("#")
    mark = emulator.mark()
    first_request = mark[1]
    config = write_config(workdir, broker, emulator, cache)
    gateway = start_gateway(config, workdir / f"gateway-{label}.log")
    result = Start(label)
    online = b"online"
    await sub.wait_message(AVAILABILITY, online, 0, timeout=600)
    if expected is None:
        await sub.wait_quiet(quiet, timeout=600)
        result.topics = {t for t in sub.first_seen if _state_topic(t)}
    else:
        try:
            await sub.wait(lambda: expected <= sub.first_seen.keys(), timeout=WARM_TIMEOUT)
        except TimeoutError:
            missing = sorted(expected - sub.first_seen.keys())
            raise RuntimeError(
                f"{label} start: {len(missing)} state topics never came, e.g. {missing[:5]}"
            ) from None
        result.topics = set(expected)
    result.state_rss_mib = gateway.rss_mib()
    spawn = gateway.started
    result.seconds = max(sub.first_seen[t] for t in result.topics) - spawn
    online_at = next(m.at for m in sub.messages if m.topic == AVAILABILITY and m.payload == online)
    result.synced_seconds = online_at - spawn
    requests = emulator.requests[first_request:]
    if requests:
        result.connect_seconds = requests[0][0] - spawn
    result.request_types = Counter(name for at, name in requests if at <= online_at)
    report = await _panels_report(broker.port)
    result.requests = int(report.get("requests", 0))
    if result.requests:
        result.panel_rtt = emulator.panel_seconds(mark, result.requests) / result.requests
        result.turnaround = emulator.turnaround(mark, result.requests)
    result.names_from_cache = report.get("names_from_cache")
    return result, gateway, broker, sub


async def _finish(gateway: ChildProcess, broker: Broker, sub: ExternalSubscriber) -> None:
    await sub.stop()
    gateway.stop()
    broker.stop()


async def _idle(
    emulator: Emulator,
    gateway: ChildProcess,
    sub: ExternalSubscriber,
    *,
    seconds: float,
    quiet: float,
    workdir: Path,
) -> tuple[float, float, float]:
    """(gateway % CPU, bare client % CPU, bare client peak RSS MiB) over ``seconds`` of idle."""
    # The start-up's background work (program list, discovery update) must be over first.
    while True:
        count = len(emulator.requests)
        await sub.wait_quiet(quiet, timeout=600)
        if len(emulator.requests) == count:
            break
    port = str(sub.port)
    bare = ChildProcess(["-m", "bench.bare", "--port", port], workdir / "idle.log", stdin=True)
    try:
        if await bare.read_line() != "ready":
            raise RuntimeError("the bare client did not start")
        gateway_before, bare_before = gateway.cpu_seconds(), bare.cpu_seconds()
        await asyncio.sleep(seconds)
        gateway_cpu = 100 * (gateway.cpu_seconds() - gateway_before) / seconds
        bare_cpu = 100 * (bare.cpu_seconds() - bare_before) / seconds
        return gateway_cpu, bare_cpu, bare.peak_rss_mib()
    finally:
        bare.stop()


async def measure_startup(
    scenario: str, latency: float, idle_seconds: float, workdir: Path, quiet: float = 2.0
) -> Section:
    emulator = Emulator(scenario, latency)
    await emulator.start()
    cache = workdir / "cache"
    try:
        cold, gateway, broker, sub = await _one_start(
            "cold", emulator, workdir, cache, expected=None, quiet=quiet
        )
        cold.peak_rss_mib = gateway.peak_rss_mib()
        await _finish(gateway, broker, sub)
        warm, gateway, broker, sub = await _one_start(
            "warm", emulator, workdir, cache, expected=cold.topics, quiet=quiet
        )
        try:
            idle = await _idle(
                emulator, gateway, sub, seconds=idle_seconds, quiet=quiet, workdir=workdir
            )
            warm.peak_rss_mib = gateway.peak_rss_mib()
            report = await _panels_report(broker.port)
            warm.names_verified = report.get("names_verified")
            warm.verification_requests = int(report.get("verification_requests") or 0)
        finally:
            await _finish(gateway, broker, sub)
    finally:
        await emulator.stop()
    return startup_section(scenario, latency, idle_seconds, cold=cold, warm=warm, idle=idle)


def startup_section(
    scenario: str,
    latency: float,
    idle_seconds: float,
    *,
    cold: Start,
    warm: Start,
    idle: tuple[float, float, float],
) -> Section:
    rtt_ms = 1000 * latency
    section = Section("Start-up, memory and idle CPU")
    figures = section.figures
    for start in (cold, warm):
        floor = start.requests * start.panel_rtt
        ratio = start.seconds / floor if floor else math.nan
        figures.append(
            Figure(
                f"{start.label} start to all state retained / (requests x RTT)",
                ratio,
                "x",
                f"{fmt(start.seconds)} s vs {start.requests} requests x "
                f"{fmt(1000 * start.panel_rtt)} ms measured RTT ({fmt(rtt_ms)} ms set) = "
                f"{fmt(floor)} s",
                f"<= {fmt(COLD_FACTOR)} x" if start is cold else "-",
                ratio <= COLD_FACTOR if start is cold else None,
            )
        )
    walked_once = cold.names_from_cache is False and warm.names_from_cache is True
    figures.append(
        Figure(
            "names walked once, cached for the warm start",
            warm.request_types.get("RequestProperties", 0),
            "name requests",
            f"cold start sent {cold.request_types.get('RequestProperties', 0)}",
            "walk on cold start only",
            walked_once,
        )
    )
    figures.append(
        Figure(
            "warm start (names cached) to all state retained",
            warm.seconds,
            "s",
            f"{len(warm.topics)} state topics; {warm.requests} requests x "
            f"{fmt(1000 * warm.panel_rtt)} ms = {fmt(warm.requests * warm.panel_rtt)} s",
            f"<= {fmt(WARM_TARGET_S)} s",
            warm.seconds <= WARM_TARGET_S,
        )
    )
    gateway_cpu, bare_cpu, bare_rss = idle
    peak = max(cold.peak_rss_mib, warm.peak_rss_mib)
    figures.append(
        Figure(
            f"peak RSS with the {scenario} scenario",
            peak,
            "MiB",
            f"bare aiomqtt client {fmt(bare_rss)} MiB",
            f"<= {fmt(RSS_TARGET_MB)} MB ({fmt(RSS_TARGET_MIB)} MiB)",
            peak <= RSS_TARGET_MIB,
        )
    )
    figures.append(
        Figure(
            f"idle CPU over {fmt(idle_seconds)} s",
            gateway_cpu,
            "% of a core",
            f"bare aiomqtt client {fmt(bare_cpu)} %",
            f"about 0 (<= {fmt(IDLE_CPU_TARGET)} %)",
            gateway_cpu <= IDLE_CPU_TARGET,
        )
    )
    rows = [
        "| start | wall s | spawn -> first request s | spawn -> panel online s | requests "
        "| panel RTT ms | turnaround ms | names | state topics | RSS at all state MiB "
        "| peak RSS MiB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in (cold, warm):
        names = "from cache" if s.names_from_cache else "walked"
        rows.append(
            f"| {s.label} | {fmt(s.seconds)} | {fmt(s.connect_seconds)} | "
            f"{fmt(s.synced_seconds)} | {s.requests} | {fmt(1000 * s.panel_rtt)} | "
            f"{fmt(1000 * s.turnaround)} | {names} | {len(s.topics)} | "
            f"{fmt(s.state_rss_mib)} | {fmt(s.peak_rss_mib)} |"
        )
    kinds = ", ".join(f"{name} {n}" for name, n in sorted(warm.request_types.items()))
    section.details = [
        f"Scenario `{scenario}`, emulator round trip {fmt(rtt_ms)} ms per request.",
        "",
        *rows,
        "",
        f"Warm start requests until the panel was online: {kinds}. Then, with all state "
        f"retained, it checked the cached names with {warm.verification_requests} requests "
        f"(first and last named object of each kind; they "
        f"{'still matched' if warm.names_verified else 'did not match'}).",
        "",
        "Panel RTT: the emulator's own time per request (arrival to answer). Turnaround: from "
        "an answer to the arrival of the next request, that is the gateway's work plus both "
        "processes waking up and the emulator encoding its reply. The warm gateway's peak RSS "
        "includes the work after the start: the program list read in the background, then "
        "discovery's start-up scan and the program buttons.",
    ]
    return section
