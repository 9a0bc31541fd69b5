"""``omni2mqtt run`` and ``omni2mqtt check`` as real processes, with mosquitto and the emulator."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.server import EmulatorServer

from ..broker import Mosquitto, Subscriber, free_port
from .conftest import CONTROLLER_KEY

WRONG_KEY = "ffeeddccbbaa99887766554433221100"
PASSWORD = "broker-Pa55-word"
TIMEOUT = 30


@dataclass
class Finished:
    code: int
    stdout: str
    stderr: str


def _config(tmp_path: Path, broker_url: str, panel_port: int, key: str | None = None) -> Path:
    password_file = tmp_path / "mqtt-password"
    password_file.write_text(PASSWORD + "\n")
    key_line = f"    controller_key: {key}\n" if key else ""
    path = tmp_path / "config.yaml"
    path.write_text(
        f"mqtt:\n  url: {broker_url}\n  username: omni\n  password_file: {password_file}\n"
        f"  client_id: omni2mqtt-run-test\n  reconnect_min_delay: 0.1\n"
        f"  reconnect_max_delay: 0.5\n"
        f"panels:\n  - id: house\n    name: House\n    host: 127.0.0.1\n    port: {panel_port}\n"
        f"{key_line}    request_timeout: 2\n    time_sync: false\n"
        f"cache_dir: {tmp_path / 'cache'}\n"
    )
    return path


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("OMNI2MQTT_")}
    env.update(extra)
    return env


async def _omni2mqtt(*args: str, env: dict[str, str] | None = None) -> Finished:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "omni2mqtt.cli",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env or _environment(),
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), TIMEOUT)
    assert process.returncode is not None
    return Finished(process.returncode, stdout.decode(), stderr.decode())


async def _wait_until(condition: object, timeout: float = TIMEOUT) -> None:
    async with asyncio.timeout(timeout):
        while not callable(condition) or not condition():
            await asyncio.sleep(0.02)


async def test_run_bridges_and_stops_cleanly_on_sigterm(
    tmp_path: Path,
    mosquitto: Mosquitto,
    emulator: EmulatorServer[EmulatedPanel],
    subscriber: Subscriber,
) -> None:
    # The key arrives by environment variable, addressed by panel id; the password by file.
    config = _config(tmp_path, mosquitto.url, emulator.port)
    log_path = tmp_path / "run.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "omni2mqtt.cli",
            "run",
            "--config",
            str(config),
            "--log-level",
            "debug",
            stdout=asyncio.subprocess.PIPE,
            stderr=log,
            env=_environment(OMNI2MQTT_PANELS__HOUSE__CONTROLLER_KEY=CONTROLLER_KEY.upper()),
        )
        try:
            assert process.stdout is not None
            first = (await asyncio.wait_for(process.stdout.readline(), TIMEOUT)).decode()
            assert first.startswith(
                f"omni2mqtt: bridging panel house (127.0.0.1:{emulator.port}) to {mosquitto.url}"
            )
            await subscriber.wait_for("omni2mqtt/bridge/state", "online", TIMEOUT)
            await subscriber.wait_for("omni2mqtt/house/availability", "online", TIMEOUT)
            await subscriber.wait_for("omni2mqtt/house/zone/1/state", "OFF", TIMEOUT)
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), TIMEOUT) == 0
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    await subscriber.wait_for("omni2mqtt/bridge/state", "offline", TIMEOUT)
    await subscriber.wait_for("omni2mqtt/house/availability", "offline", TIMEOUT)
    await _wait_until(lambda: emulator.sessions_terminated_by_client >= 1)
    log_text = log_path.read_text()
    assert "DEBUG" in log_text  # the level came from the flag
    for secret in (CONTROLLER_KEY, CONTROLLER_KEY.upper(), PASSWORD):
        assert secret not in log_text
        assert secret not in first


async def test_check_succeeds_against_broker_and_panel(
    tmp_path: Path, mosquitto: Mosquitto, emulator: EmulatorServer[EmulatedPanel]
) -> None:
    config = _config(tmp_path, mosquitto.url, emulator.port, CONTROLLER_KEY)
    result = await _omni2mqtt("check", "--config", str(config))
    assert result.code == 0, result.stderr
    assert "configuration ok (1 panel)" in result.stdout
    assert f"broker {mosquitto.url}: ok (connected as omni)" in result.stdout
    assert (
        f"panel house (127.0.0.1:{emulator.port}): ok: Omni Pro II firmware 3.16b; "
        "named objects: " in result.stdout
    )
    assert "21 zone" in result.stdout
    # The check ends its session cleanly, so the panel is free for the gateway at once.
    await _wait_until(lambda: emulator.sessions_terminated_by_client >= 1)
    assert CONTROLLER_KEY not in result.stdout + result.stderr


async def test_check_reports_a_wrong_key(
    tmp_path: Path, mosquitto: Mosquitto, emulator: EmulatorServer[EmulatedPanel]
) -> None:
    config = _config(tmp_path, mosquitto.url, emulator.port, WRONG_KEY)
    result = await _omni2mqtt("check", "--config", str(config))
    assert result.code == 1
    assert f"omni2mqtt check: panel house (127.0.0.1:{emulator.port}): FAILED: " in result.stderr
    assert "[wrong_key]; check the panel's controller_key" in result.stderr
    assert WRONG_KEY not in result.stdout + result.stderr


async def test_check_reports_an_unreachable_broker(
    tmp_path: Path, emulator: EmulatorServer[EmulatedPanel]
) -> None:
    url = f"mqtt://127.0.0.1:{free_port()}"
    config = _config(tmp_path, url, emulator.port, CONTROLLER_KEY)
    result = await _omni2mqtt("check", "--config", str(config), "--timeout", "10")
    assert result.code == 1
    assert f"omni2mqtt check: broker {url}: FAILED: cannot connect" in result.stderr
    assert "panel house" in result.stdout  # the panels are still checked


async def test_invalid_configuration_exits_with_2(tmp_path: Path) -> None:
    config = _config(tmp_path, "mqtt://127.0.0.1:1883", 70000, CONTROLLER_KEY)
    for command in ("run", "check"):
        result = await _omni2mqtt(command, "--config", str(config))
        assert result.code == 2
        assert result.stderr == (
            f"omni2mqtt {command}: invalid configuration: {config}: "
            "panels.0.port: must be <= 65535\n"
        )
    missing = tmp_path / "missing.yaml"
    result = await _omni2mqtt("run", "--config", str(missing))
    assert (result.code, result.stderr) == (
        2,
        f"omni2mqtt run: invalid configuration: {missing}: no such file\n",
    )
    # Without --config, $OMNI2MQTT_CONFIG names the file.
    env = _environment(OMNI2MQTT_CONFIG=str(config), OMNI2MQTT_PANELS__HOUSE__PORT="99999")
    result = await _omni2mqtt("check", env=env)
    assert result.code == 2
    assert "panels.0.port: must be <= 65535 (set by an environment variable)" in result.stderr
