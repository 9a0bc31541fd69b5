"""``python -m bench``: measure the gateway the way a user feels it; see docs/benchmarks.md.

Every figure is printed beside its target from the design (section 6) with met / not met, and
written with the machine's details to docs/benchmarks.md. The exit status is 0 whatever the
figures say: benchmarks inform, they never fail a build. ``--quick`` is the smoke-test size.
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import shutil
import sys
from pathlib import Path

from .harness import REPO_ROOT, scratch_dir
from .live import measure_live
from .report import console_table, machine_details, markdown
from .results import Section
from .startup import measure_startup


def _found(tool: str) -> bool:
    return bool(shutil.which(tool)) or Path("/usr/sbin", tool).exists()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny counts (smoke test)")
    parser.add_argument("--samples", type=int, help="latency samples per path (1000)")
    parser.add_argument("--events", type=int, help="events per throughput run (20000)")
    parser.add_argument("--rounds", type=int, help="throughput rounds per side (2)")
    parser.add_argument("--idle", type=float, help="idle CPU window, seconds (60)")
    parser.add_argument("--scenario", help="emulator scenario for start-up and memory (full)")
    parser.add_argument("--live-scenario", help="scenario for latency and throughput (full)")
    parser.add_argument("--rtt-ms", type=float, help="emulator round trip for start-up (20)")
    parser.add_argument(
        "--quiet", type=float, help="silence that ends start-up publishing, seconds (2)"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=REPO_ROOT / "docs" / "benchmarks.md",
        help="markdown report (%(default)s); '-' for none",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (logs)")
    parser.add_argument(
        "--only", choices=("live", "startup"), help="only these figures (while optimising)"
    )
    return parser


def _settings(args: argparse.Namespace) -> argparse.Namespace:
    quick = {
        "samples": 20,
        "events": 300,
        "rounds": 1,
        "idle": 0.5,
        "scenario": "demo",
        "live_scenario": "demo",
        "rtt_ms": 2.0,
        "quiet": 0.5,
    }
    full = {
        "samples": 1000,
        "events": 20000,
        "rounds": 2,
        "idle": 60.0,
        "scenario": "full",
        "live_scenario": "full",
        "rtt_ms": 20.0,
        "quiet": 2.0,
    }
    for key, value in (quick if args.quick else full).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


async def run(args: argparse.Namespace, workdir: Path) -> list[Section]:
    sections: list[Section] = []
    if args.only != "startup":
        print(f"bench: live figures on the {args.live_scenario} scenario ...", flush=True)
        sections += await measure_live(
            args.live_scenario,
            args.samples,
            args.events,
            rounds=args.rounds,
            workdir=workdir,
            quiet=args.quiet,
        )
    if args.only == "live":
        return sections
    print(
        f"bench: cold and warm start on the {args.scenario} scenario at {args.rtt_ms} ms, "
        f"then {args.idle} s idle ...",
        flush=True,
    )
    sections.append(
        await measure_startup(args.scenario, args.rtt_ms / 1000, args.idle, workdir, args.quiet)
    )
    return sections


def main(argv: list[str] | None = None) -> int:
    args = _settings(_parser().parse_args(argv))
    missing = [t for t in ("mosquitto", "mosquitto_sub", "mosquitto_pub") if not _found(t)]
    if missing:
        print(
            f"bench: needs {', '.join(missing)} (Debian: apt-get install mosquitto "
            "mosquitto-clients)",
            file=sys.stderr,
        )
        return 2
    machine = machine_details()
    workdir = scratch_dir()
    try:
        sections = asyncio.run(run(args, workdir))
    finally:
        if args.keep:
            print(f"bench: logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(console_table(sections))
    if str(args.output) != "-":
        command = "python -m bench " + shlex.join(argv if argv is not None else sys.argv[1:])
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(markdown(sections, machine, command.strip()) + "\n")
        print(f"\nbench: report written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
