"""The top-level command line: one subcommand loads only its own module, with the same parser."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from omni2mqtt.cli import SUBCOMMANDS, build_parser, main

NAMES = [name for name, _, _ in SUBCOMMANDS]
# What `omni2mqtt run` must not load: other subcommands, test tools, and pydantic-settings
# while no OMNI2MQTT_* variable names a key.
NOT_FOR_RUN = (
    "omni2mqtt.emulator",
    "omni2mqtt.demo",
    "omni2mqtt.addon",
    "omni2mqtt.pca",
    "omni2mqtt.pca_cli",
    "omni2mqtt.watch",
    "omni2mqtt.healthcheck",
    "pydantic_settings",
    "hypothesis",
    "pytest",
)
# Runs `omni2mqtt run` up to the point where the gateway would start, then lists the modules.
PROBE = """
import json, sys
from omni2mqtt import cli, gateway_cli
gateway_cli.serve = lambda settings, level=None: print(json.dumps(sorted(sys.modules))) or 0
sys.exit(cli.main(["run", "--config", sys.argv[1]]))
"""


def _loaded_by_run(config: Path, **env: str) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if not k.upper().startswith("OMNI2MQTT_")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(config)],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    modules: list[str] = json.loads(done.stdout)
    return modules


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        "panels:\n  - id: house\n    host: 127.0.0.1\n"
        '    controller_key: "00112233445566778899aabbccddeeff"\n'
    )
    return path


def test_run_loads_only_what_the_gateway_needs(config: Path) -> None:
    modules = _loaded_by_run(config, OMNI2MQTT_CONFIG=str(config))
    assert "omni2mqtt.mqtt.gateway" in modules
    unwanted = [m for m in modules if m.startswith(NOT_FOR_RUN)]
    assert unwanted == []


def test_environment_overrides_still_load_pydantic_settings(config: Path) -> None:
    modules = _loaded_by_run(config, OMNI2MQTT_MQTT__BASE_TOPIC="elsewhere")
    assert "pydantic_settings" in modules


def _output(argv: list[str], parser_command: str | None) -> tuple[str, str]:
    """(stdout, stderr) of parsing ``argv`` with the full parser or one subcommand's."""
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        pytest.raises(SystemExit),
    ):
        build_parser(parser_command).parse_args(argv)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("name", NAMES)
def test_one_subcommands_parser_is_the_full_parsers(name: str) -> None:
    assert _output([name, "--help"], name) == _output([name, "--help"], None)
    assert _output([name, "--no-such-option"], name) == _output([name, "--no-such-option"], None)


def test_the_top_level_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    text = capsys.readouterr().out
    assert all(f"    {name}" in text for name in NAMES)
    with pytest.raises(SystemExit):
        main(["no-such-command"])
    assert "invalid choice: 'no-such-command'" in capsys.readouterr().err
