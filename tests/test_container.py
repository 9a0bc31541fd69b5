"""The Dockerfile and docker-compose.yml, checked without a Docker engine.

The compose file is validated against the Compose Specification's JSON schema (vendored in
tests/data); the Dockerfile is parsed and every command it runs is checked to find what it
needs: COPY sources in the build context, the console script, the subcommands.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from omni2mqtt.cli import build_parser, main
from omni2mqtt.config_loader import SettingsLoader
from omni2mqtt.emulator.cli import run_emulator
from omni2mqtt.gateway_cli import run_gateway
from omni2mqtt.healthcheck import run_healthcheck
from omni2mqtt.mqtt.probe import connack_received, free_port

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    result: list[tuple[str, str]] = []
    pending = ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, rest = (pending + stripped).partition(" ")
        result.append((keyword.upper(), rest.strip()))
        pending = ""
    assert not pending, "a continuation line at the end"
    return result


def exec_form(arguments: str) -> list[str]:
    value = json.loads(arguments)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value)
    return value


def dockerignore() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    return instructions(ROOT / "Dockerfile")


def test_dockerfile_stages_and_user(dockerfile: list[tuple[str, str]]) -> None:
    stages = [args for keyword, args in dockerfile if keyword == "FROM"]
    assert stages[-1] == "python:3.11-slim"
    assert all(s.startswith("python:3.11-slim") for s in stages)
    users = [args for keyword, args in dockerfile if keyword == "USER"]
    assert users and users[-1] not in {"root", "0", "0:0"}
    runs = " ".join(args for keyword, args in dockerfile if keyword == "RUN")
    assert "useradd" in runs and users[-1] in runs  # the user exists in the image
    assert "--no-cache-dir" in runs
    env = " ".join(args for keyword, args in dockerfile if keyword == "ENV")
    assert "OMNI2MQTT_CACHE_DIR=/data/cache" in env
    volumes = [exec_form(args) for keyword, args in dockerfile if keyword == "VOLUME"]
    assert ["/config", "/data"] in volumes


def test_dockerfile_copies_what_the_build_needs(dockerfile: list[tuple[str, str]]) -> None:
    ignored = dockerignore()
    copied: list[str] = []
    for keyword, args in dockerfile:
        if keyword != "COPY" or args.startswith("--from="):
            continue
        *sources, _target = args.split()
        for source in sources:
            assert (ROOT / source).exists(), f"COPY source {source} is not in the repository"
            assert source not in ignored, f"COPY source {source} is excluded by .dockerignore"
            copied.append(source)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    # pip install . reads pyproject.toml, its readme and the package.
    assert {"pyproject.toml", project["project"]["readme"], "omni2mqtt"} <= set(copied)
    for secret in ("config.yaml", "*.pca", ".venv", ".git"):
        assert secret in ignored


def test_dockerfile_commands_exist(dockerfile: list[tuple[str, str]]) -> None:
    entrypoint = [exec_form(a) for k, a in dockerfile if k == "ENTRYPOINT"][-1]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert entrypoint == ["omni2mqtt"] and scripts["omni2mqtt"] == "omni2mqtt.cli:main"
    command = [exec_form(a) for k, a in dockerfile if k == "CMD"][-1]
    assert command == ["run", "--config", "/config/config.yaml"]
    assert build_parser().parse_args(command).handler is run_gateway

    healthcheck = [a for k, a in dockerfile if k == "HEALTHCHECK"][-1]
    options, _, check = healthcheck.partition("CMD ")
    check_command = exec_form(check)
    assert check_command[:2] == ["omni2mqtt", "healthcheck"]
    assert build_parser().parse_args(check_command[1:]).handler is run_healthcheck
    with pytest.raises(SystemExit) as info:
        main([*check_command[1:], "--help"])
    assert info.value.code == 0
    # Docker kills a check that outlives its --timeout: give the command's own timeout room.
    docker_timeout = float(options.split("--timeout=")[1].split("s")[0])
    default = build_parser().parse_args(check_command[1:]).timeout
    assert docker_timeout > default


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(data, dict)
    return data


def test_compose_file_follows_the_specification(compose: dict[str, Any]) -> None:
    schema = json.loads((DATA / "compose-spec.json").read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(compose), key=lambda e: list(e.path))
    assert not errors, "; ".join(f"{list(e.path)}: {e.message}" for e in errors)
    # The schema catches misspelt keys: a broken file must fail.
    broken = {**compose, "services": {**compose["services"], "x": {"imagee": "a"}}}
    assert list(validator.iter_errors(broken))


def test_compose_services(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["mosquitto"]["image"].startswith("eclipse-mosquitto:2")
    gateway = services["omni2mqtt"]
    assert gateway["build"] == "." and (ROOT / "Dockerfile").is_file()
    assert "mosquitto" in gateway["depends_on"]
    assert "profiles" not in gateway and "profiles" not in services["mosquitto"]
    emulator = services["emulator"]
    assert emulator["profiles"] == ["emulator"]
    args = build_parser().parse_args(emulator["command"])
    assert args.handler is run_emulator
    assert (args.host, args.scenario) == ("0.0.0.0", "demo")
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).is_file(), f"volume source {source} is missing"


def test_emulator_config_reaches_the_emulator(compose: dict[str, Any]) -> None:
    """The stack's gateway, with the compose environment, points at the emulator service."""
    gateway_env = compose["services"]["omni2mqtt"]["environment"]
    settings = SettingsLoader(gateway_env).load(ROOT / "docker" / "config.emulator.yaml")
    emulator = compose["services"]["emulator"]
    (panel,) = settings.panels
    assert panel.host == "emulator" and panel.port == 4369
    assert panel.key_bytes().hex() == emulator["environment"]["OMNI2MQTT_CONTROLLER_KEY"]
    assert settings.mqtt.host == "mosquitto"
    assert str(settings.cache_dir) == "/data/cache"
    volume = compose["services"]["omni2mqtt"]["volumes"][0]
    assert volume.endswith(":/config/config.yaml:ro")


def test_mosquitto_accepts_the_stack_config(tmp_path: Path) -> None:
    """Real mosquitto starts with docker/mosquitto.conf (only the port and paths moved)."""
    port = free_port()
    text = (ROOT / "docker" / "mosquitto.conf").read_text()
    assert "listener 1883\n" in text
    text = text.replace("listener 1883\n", f"listener {port} 127.0.0.1\n")
    text = text.replace("/mosquitto/data/", f"{tmp_path}/")
    if os.geteuid() == 0:
        text += "user root\n"
    conf = tmp_path / "mosquitto.conf"
    conf.write_text(text)
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    process = subprocess.Popen(
        [binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 10
        while not connack_received(port):
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "mosquitto did not answer"
            time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(10)
