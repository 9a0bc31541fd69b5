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
  Arrivals are stamped by `mosquitto_sub` in its own process: a Python subscriber in the bench
  process would share the event loop with the emulator, and thousands of messages arriving
  while the gateway syncs would slow the "panel" down (its turnaround went from about 1 to 4 ms).
- **Memory and idle CPU**: peak RSS (`VmHWM`) of the gateway process over both starts, and its
  CPU time (`/proc/<pid>/stat`) over an idle period once all start-up work is over, beside a bare
  aiomqtt client connected to the same broker for the same period. The target's "60 MB" is read
  as decimal megabytes: 57.2 MiB.

Benchmarks never fail a build; `tests/test_bench_smoke.py` runs a tiny version to keep this
working.
"""


NOTES = """\
## Optimisation notes (2026-11-21, second round)

Before: the run of 2026-11-21 19:46 UTC on this machine (after the first round below). After:
the run of 22:12 UTC the same day, one full run each (the p50 margin is thin: 0.25 to 0.29 ms
over three runs while optimising; p99 0.16 to 1.1 ms, following the machine's other load).

| figure | before | after |
|---|---|---|
| push latency added, p50 / p99 | 0.94 / 2.76 ms | 0.25 / 0.25 ms |
| cold start / (requests x RTT) | 1.12 x (1234 requests) | 1.05 x (1221 requests) |
| warm start to all state retained | 3.01 s (80 requests) | 1.12 s (30 requests) |
| peak RSS | 68.1 MiB | 56.1 MiB |

- **Push path** (`mqtt/publisher.py`, `mqtt/eager.py`, `mqtt/write_through.py`,
  `panel/connection.py`, `protocol/crypto.py`): the trace of one zone push showed the state's
  publish waiting behind the whole change (attributes JSON, the area's readiness, the event)
  before its task even started, then one or two more loop turns for aiomqtt's writer. Now each
  publish is handed to paho at once (the coroutine runs to its first suspension in the caller,
  like Python 3.12's eager tasks), and the first one of a loop turn is written to the socket
  right away (paho's own direct write, restored for calls on the loop's thread); the rest of a
  burst still goes through aiomqtt's writer. Panel bytes are decoded in `data_received`
  instead of waking a reader task, and one AES-ECB context per session replaces one per
  packet.
- **Warm start** (`panel/sync.py`, `names_cache.py`, `windows.py`): capacities and learned window
  sizes are cached with the names; the cached names are checked (two requests per kind) once
  the panel is online instead of before; status windows are as large as one reply holds. 30
  requests until online instead of 80.
- **Publishing during the sync** (`mqtt/state_publisher.py`, `mqtt/extensions.py`): each status
  reply's objects are published on the next loop turn, while the next request is with the
  panel, instead of all at once after the sync; the states go before the discovery configs.
- **Memory and start-up** (`cli.py`, `config_loader.py`, `mqtt/discovery*.py`): `run` imports
  only the gateway's modules (-3.8 MiB, -80 ms), pydantic-settings only when an environment
  variable sets a key; discovery rebuilds one group at a time and keeps the strings the
  publisher already holds; the stale-config scan runs at broker connect, keeping topics only.
- Tried and dropped: `gc.freeze()` after the sync (no full collection happened during 1,000
  latency samples; gen0 pauses were under 0.15 ms), `defer_build` on the config models.

## Optimisation notes (2026-11-21, first round)

| figure | before | after |
|---|---|---|
| push latency added, p50 / p99 | 0.87 / 1.92 ms | 0.92 / 0.92 ms |
| events/s through the gateway (share of bare aiomqtt) | 4,380 (46 %) | 12,010 (105 %) |
| cold start / (requests x RTT) | 1.16 x | 1.12 x |
| warm start to all state retained | 4.41 s | 3.33 s |
| peak RSS (at all state retained) | 66.9 (60.9) MiB | 68.2 (61.1) MiB |
| idle CPU | 0.05 % | 0.02 % |

- `mqtt/publisher.py`: up to 20 publishes in flight (paho's own in-flight limit) instead of
  waiting for every PUBACK before the next, still in order.
- `mqtt/connection.py`: the publish timeout is an `asyncio.timeout` around aiomqtt's publish
  instead of aiomqtt's own `wait_for`, which starts one more task per message on Python 3.11.
- `mqtt/state_publisher.py`: each object's topics and the panel's include/exclude decision are
  worked out once; the event topic is kept and the event time text is formatted once per
  second.
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
