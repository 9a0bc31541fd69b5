"""Machine details, the console table of targets, and docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .results import Figure, Section

SOAK = Figure(
    "reliability soak (100 panel faults + 20 broker restarts)",
    float("nan"),
    "",
    "measured by the resilience tests, not by the bench",
    "every fault recovered, final state equals the emulator's",
    None,
)

METHOD = """\
## Method

Everything is real: a Debian `mosquitto` on loopback, the project's panel emulator over TCP
(in the bench process, so a push is timestamped when its bytes leave the panel and every request
is counted where it arrives), and the gateway started as users start it, `omni2mqtt run --config
FILE`, in its own process with the default settings (discovery on, QoS 1). The machine is shared
and noisy, so no figure is an absolute timing on its own: each is set against a baseline
measured in the same run, on the same broker.

- **Push latency**: a zone opens on the emulator; the time until the subscriber receives the
  zone's `state` topic, against a bare aiomqtt client publishing one message to the same
  subscriber through the same broker (samples interleaved). The gateway's added share is the
  difference of the two distributions' percentiles.
- **Throughput**: the emulator pushes event words as fast as the gateway's socket accepts them;
  each becomes one `<panel>/event` message. Rate = events / (first push -> last arrival), and all
  must arrive. Baseline: a bare aiomqtt client in its own process publishing the same number of
  messages of the same size to the same subscriber, once awaiting each publish and once with 64
  in flight; the target is judged against the faster. Best of the rounds on both sides.
- **Cold / warm start**: the `full` Omni Pro II scenario, the emulator waiting 20 ms before each
  reply. Wall time from spawning the gateway process (Python start-up included) to the arrival
  of the last retained state topic, against (requests the gateway reports for its sync x the
  panel's round trip). That round trip is measured at the emulator, request arrival to answer
  (20 ms plus asyncio's timer overshoot and the emulator's own work), so the panel's time is not
  charged to the gateway; the nominal 20 ms is shown beside it. Each start gets a fresh broker
  (no retained messages left over); the warm start uses the name cache the cold start wrote.
- **Memory and idle CPU**: peak RSS (`VmHWM`) of the gateway process over both starts, and its
  CPU time (`/proc/<pid>/stat`) over an idle period once all start-up work is over, beside a bare
  aiomqtt client connected to the same broker for the same period.

Benchmarks never fail a build; `tests/test_bench_smoke.py` runs a tiny version to keep this
working.
"""


NOTES = """\
## Optimisation notes (2026-11-21)

One full run before and one after the changes below, same machine, same day (single runs on a
shared machine: differences under about 0.1 ms or 5 % are noise):

| figure | before | after |
|---|---|---|
| push latency added, p50 / p99 | 0.87 / 1.92 ms | 0.92 / 0.92 ms |
| events/s through the gateway (share of bare aiomqtt) | 4,380 (46 %) | 12,010 (105 %) |
| cold start / (requests x RTT) | 1.16 x | 1.12 x |
| warm start to all state retained | 4.41 s | 3.33 s |
| peak RSS (at all state retained) | 66.9 (60.9) MiB | 68.2 (61.1) MiB |
| idle CPU | 0.05 % | 0.02 % |

- `mqtt/publisher.py`: up to 20 publishes in flight (paho's own in-flight limit) instead of
  waiting for every PUBACK before the next; still in order (tasks start in queue order and hand
  their message to the client before their first suspension). Tasks are started by the caller,
  with no queue-draining task in between. After a quiet spell the first message of a change
  goes out alone and the rest follow its PUBACK or 0.5 ms later, whichever is first, so a
  zone's `state` is not written behind the rest of its change (a timer and not the PUBACK
  alone: mosquitto leaves Nagle on and may hold a PUBACK for tens of milliseconds).
- `mqtt/connection.py`: the publish timeout is an `asyncio.timeout` around aiomqtt's publish
  instead of aiomqtt's own `wait_for`, which starts one more task per message on Python 3.11.
- `mqtt/state_publisher.py`: each object's topics and the panel's include/exclude decision are
  worked out once (the filters were rebuilt as a pydantic model on every change); attributes go
  to the publisher as they are rendered; the event topic is kept and the event time text is
  formatted once per second.

Where the targets are still missed:

- **Push latency p50**: a direct publish through the broker already takes about 0.9 ms on this
  machine. The gateway adds a process hop from the panel, decrypting and decoding, applying the
  change (the zone, its area's readiness, the event: about 0.1 to 0.3 ms of Python), and the
  publishes only start once that is done.
- **Push latency p99**: 0.9 to 2.8 ms added from run to run after the changes; the tail follows
  whatever else the shared machine runs at the time (garbage collection in the gateway pauses
  it for 0.3 to 0.9 ms now and then, too little to explain the rest).
- **Warm start**: the panel's time alone is above the target: 80 requests x 20.6 ms = 1.65 s
  (13 capacity reads, 24 name-cache checks, 39 status windows at the reference's recommended
  sizes), plus Python's start-up (0.5 to 0.7 s) and about 0.7 s to publish some 7,400 retained
  topics (discovery configs first, then states). Fewer requests would need the capacities
  cached with the names, the cache checked after the panel is online, or status windows beyond
  the reference's "at most 32 zones / 8 thermostats".
- **Cold start**: 1.12 x; the overhead is Python's start-up, about 1 ms of turnaround per
  request (two processes waking up on this machine) and the final publish.
- **Memory**: 48 MiB of it is the imports (asyncio with ssl, aiomqtt, pydantic, cryptography,
  the protocol tables). The full panel brings it to about 61 MiB when all state is retained;
  discovery's start-up scan afterwards (the broker replays its own ~2,500 retained configs into
  aiomqtt's incoming queue) and the program buttons add the last 7 MiB.
"""


def _tool_version(command: list[str]) -> str:
    binary = shutil.which(command[0]) or f"/usr/sbin/{command[0]}"
    try:
        result = subprocess.run(
            [binary, *command[1:]], capture_output=True, text=True, timeout=5, check=False
        )
    except OSError:
        return "unknown"
    lines = (result.stdout or result.stderr).splitlines()
    return lines[0].strip() if lines else "unknown"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _package(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def machine_details() -> list[str]:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPUs ({_cpu_model()})",
        f"- system: {platform.platform()}",
        f"- Python {platform.python_version()}, aiomqtt {_package('aiomqtt')}, "
        f"paho-mqtt {_package('paho-mqtt')}, cryptography {_package('cryptography')}",
        f"- broker: {_tool_version(['mosquitto', '-h'])}",
        f"- load average at the start: {load}",
    ]


def all_figures(sections: list[Section]) -> list[Figure]:
    return [figure for section in sections for figure in section.figures] + [SOAK]


def console_table(sections: list[Section]) -> str:
    figures = all_figures(sections)
    width = max(len(f.name) for f in figures)
    measured = max(len(f.measured()) for f in figures)
    target = max(len(f.target) for f in figures)
    lines = []
    for f in figures:
        lines.append(
            f"{f.name:<{width}}  {f.measured():>{measured}}  {f.target:<{target}}  {f.verdict}"
        )
        if f.baseline:
            lines.append(f"{'':<{width}}    {f.baseline}")
    return "\n".join(lines)


def markdown(sections: list[Section], machine: list[str], command: str) -> str:
    figures = all_figures(sections)
    out = [
        "# Benchmarks",
        "",
        "Generated by `./scripts/bench.sh` (`python -m bench`); targets from the design, "
        "section 6. Run it again to refresh this page.",
        "",
        "## Results",
        "",
        "| figure | measured | baseline (same run) | target | |",
        "|---|---|---|---|---|",
    ]
    out += [
        f"| {f.name} | {f.measured()} | {f.baseline} | {f.target} | {f.verdict} |" for f in figures
    ]
    out += ["", "## Machine", "", *machine, f"- command: `{command}`", ""]
    for section in sections:
        out += [f"## {section.title}", "", *section.details, ""]
    out.append(METHOD)
    out.append(NOTES)
    return "\n".join(out)
