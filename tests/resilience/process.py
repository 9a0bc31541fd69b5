"""``omni2mqtt run`` as a real process: the whole stack as a user runs it, signals included."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from .stack import TIMEOUT


def write_config(
    path: Path,
    *,
    broker_port: int,
    panel_port: int,
    controller_key: str,
    username: str | None = None,
    cache_dir: Path,
) -> Path:
    """A configuration file as a user writes it (the MQTT password comes from the environment)."""
    user = f"  username: {username}\n" if username else ""
    path.write_text(
        "mqtt:\n"
        f"  url: mqtt://127.0.0.1:{broker_port}\n"
        f"{user}"
        "  client_id: omni2mqtt-process\n"
        "  reconnect_min_delay: 0.1\n"
        "  reconnect_max_delay: 0.5\n"
        "panels:\n"
        "  - id: house\n"
        "    name: House\n"
        "    host: 127.0.0.1\n"
        f"    port: {panel_port}\n"
        f"    controller_key: {controller_key}\n"
        "    request_timeout: 0.5\n"
        "    time_sync: false\n"
        f"cache_dir: {cache_dir}\n"
    )
    return path


class GatewayProcess:
    """``python -m omni2mqtt.cli run --config FILE --log-level debug``, stderr to ``log``."""

    def __init__(self, config: Path, log: Path, env: dict[str, str] | None = None) -> None:
        self.config = config
        self.log = log
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("OMNI2MQTT_")}
        self.env.update(env or {})
        self.process: asyncio.subprocess.Process | None = None
        self.stdout = ""

    async def start(self) -> None:
        with self.log.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "omni2mqtt.cli",
                "run",
                "--config",
                str(self.config),
                "--log-level",
                "debug",
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
                env=self.env,
            )

    async def stop(self, signum: signal.Signals = signal.SIGTERM) -> int:
        """Send ``signum`` and wait for the exit code."""
        process = self.process
        assert process is not None
        process.send_signal(signum)
        stdout, _ = await asyncio.wait_for(process.communicate(), TIMEOUT)
        self.stdout = stdout.decode(errors="replace")
        assert process.returncode is not None
        return process.returncode

    async def kill(self) -> None:
        process = self.process
        if process is not None and process.returncode is None:
            process.kill()
            await process.wait()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")
