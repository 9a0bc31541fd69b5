"""``omni2mqtt addon`` as a real process: options.json, the broker from a fake Supervisor, the
emulator as the panel, and the container healthcheck against it."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.server import EmulatorServer

from ..broker import Mosquitto, Subscriber
from ..fake_supervisor import TOKEN, FakeSupervisor, running
from .conftest import CONTROLLER_KEY
from .test_run_cli import _environment, _omni2mqtt

TIMEOUT = 30
SERVICE_PASSWORD = "service-Pa55word"


async def test_addon_runs_with_the_supervisor_broker(
    tmp_path: Path,
    mosquitto: Mosquitto,
    emulator: EmulatorServer[EmulatedPanel],
    subscriber: Subscriber,
) -> None:
    options = {
        "panels": [
            {
                "id": "house",
                "name": "House",
                "host": "127.0.0.1",
                "port": emulator.port,
                "controller_key": CONTROLLER_KEY,
            }
        ],
        "mqtt": {},
        "log_level": "debug",
    }
    (tmp_path / "options.json").write_text(json.dumps(options))
    service = {
        "host": "127.0.0.1",
        "port": mosquitto.port,
        "ssl": False,
        "protocol": "3.1.1",
        "username": "addons",
        "password": SERVICE_PASSWORD,
    }
    log_path = tmp_path / "addon.log"
    with running(FakeSupervisor(service=service)) as supervisor, log_path.open("wb") as log:
        env = _environment(OMNI2MQTT_SUPERVISOR_URL=supervisor.url, SUPERVISOR_TOKEN=TOKEN)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "omni2mqtt.cli",
            "addon",
            "--data-dir",
            str(tmp_path),
            stdout=asyncio.subprocess.PIPE,
            stderr=log,
            env=env,
        )
        try:
            assert process.stdout is not None
            first = (await asyncio.wait_for(process.stdout.readline(), TIMEOUT)).decode()
            assert first == (
                f"omni2mqtt addon: MQTT broker 127.0.0.1:{mosquitto.port} from the "
                "Supervisor's MQTT service as addons\n"
            )
            await subscriber.wait_for("omni2mqtt/house/availability", "online", TIMEOUT)
            await subscriber.wait_for("omni2mqtt/house/zone/1/state", "OFF", TIMEOUT)
            # The container's check, as Docker would run it, with a configuration that
            # points at the same broker.
            config = tmp_path / "health.yaml"
            config.write_text(
                f"mqtt:\n  url: {mosquitto.url}\npanels:\n  - id: house\n    host: x\n"
                f"    controller_key: {CONTROLLER_KEY}\n"
            )
            checked = await _omni2mqtt("healthcheck", "--config", str(config), "--require-panels")
            assert checked.code == 0, checked.stdout + checked.stderr
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), TIMEOUT) == 0
            rest = (await process.stdout.read()).decode()
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    await subscriber.wait_for("omni2mqtt/bridge/state", "offline", TIMEOUT)
    assert (tmp_path / "cache").is_dir()  # names are cached in the add-on's data
    output = first + rest + log_path.read_text()
    assert "DEBUG" in output  # the log_level option
    for secret in (CONTROLLER_KEY, CONTROLLER_KEY.upper(), SERVICE_PASSWORD, TOKEN):
        assert secret not in output
