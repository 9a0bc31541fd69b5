"""The benchmark keeps working: a tiny run produces every figure and the report.

No thresholds: figures depend on the machine, and benchmarks never fail a build.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIGURES = (
    "push latency p50, gateway's added share",
    "push latency p99, gateway's added share",
    "sustained events through the gateway",
    "gateway rate / bare aiomqtt publisher's rate",
    "cold start to all state retained / (requests x RTT)",
    "warm start to all state retained / (requests x RTT)",
    "names walked once, cached for the warm start",
    "warm start (names cached) to all state retained",
    "peak RSS with the demo scenario",
    "idle CPU over 0.5 s",
    "reliability soak",
)


@pytest.mark.skipif(
    shutil.which("mosquitto_sub") is None, reason="the bench needs mosquitto-clients"
)
def test_quick_bench_produces_every_figure(tmp_path: Path) -> None:
    report = tmp_path / "benchmarks.md"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--output", str(report)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    text = report.read_text()
    table = text.split("## Machine")[0]
    for figure in FIGURES:
        assert figure in result.stdout
        (row,) = [line for line in table.splitlines() if line.startswith(f"| {figure}")]
        assert "not measured" not in row or figure == "reliability soak", row
        assert row.rstrip().endswith(("| met |", "| NOT MET |", "| - |")), row
    for section in ("## Machine", "## Push latency", "## Throughput", "## Start-up", "## Method"):
        assert section in text
