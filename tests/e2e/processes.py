"""The real parts of the end-to-end test as processes: the emulator (with its control channel),
the gateway (``omni2mqtt run``) and an MQTT watcher. Home Assistant lives in homeassistant.py.

Everything here is synchronous: the tests talk to Home Assistant over REST like a user's
automation would, and wait for conditions by polling with generous timeouts.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import paho.mqtt.client as paho
import yaml
from paho.mqtt.enums import CallbackAPIVersion

from omni2mqtt.emulator.scenario import Scenario

from ..broker import free_port

CONTROLLER_KEY = "00112233445566778899aabbccddeeff"
MASTER_CODE = "1234"


def wait_until(what: str, check: Callable[[], Any], timeout: float, interval: float = 0.2) -> Any:
    """Poll ``check`` until it returns something truthy; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        last = check()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class Process:
    """A child process whose output goes to a log file (appended across restarts)."""

    def __init__(self, name: str, log: Path) -> None:
        self.name = name
        self.log = log
        self._process: subprocess.Popen[bytes] | None = None
        self._out: IO[bytes] | None = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def spawn(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self._out = self.log.open("ab")
        self._process = subprocess.Popen(
            argv,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
        )

    def check_alive(self) -> None:
        if self._process is not None and self._process.poll() is not None:
            raise AssertionError(
                f"{self.name} exited with {self._process.returncode}; its log:\n{self.tail()}"
            )

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def pause(self) -> None:
        """SIGSTOP: the process keeps its connections but answers nothing."""
        if self._process is not None:
            self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self._process is not None:
            self._process.send_signal(signal.SIGCONT)

    def stop(self, timeout: float = 30) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGCONT)  # a paused process cannot handle SIGTERM
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._out is not None:
            self._out.close()
            self._out = None


def omni2mqtt_command(*args: str) -> list[str]:
    # The console script installed beside the interpreter running the tests: what users run.
    script = Path(sys.executable).parent / "omni2mqtt"
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "omni2mqtt.cli", *args]


def write_scenario(scenario: Scenario, path: Path) -> Path:
    path.write_text(yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False))
    return path


class Emulator(Process):
    """``omni2mqtt emulator`` on fixed ports, so it can be stopped and started again."""

    def __init__(self, scenario_file: Path, log: Path) -> None:
        super().__init__("emulator", log)
        self.scenario_file = scenario_file
        self.port = free_port()
        self.control_port = free_port()

    def start(self) -> None:
        self.spawn(
            omni2mqtt_command(
                "emulator",
                "--host=127.0.0.1",
                f"--port={self.port}",
                f"--control-port={self.control_port}",
                f"--scenario={self.scenario_file}",
            ),
            env={"OMNI2MQTT_CONTROLLER_KEY": CONTROLLER_KEY},
        )

        def listening() -> bool:
            self.check_alive()
            return port_open(self.control_port)

        wait_until("the emulator to listen", listening, 30)

    def control(self, op: str, **params: Any) -> dict[str, Any]:
        """One request on the control channel; fails the test when the emulator refuses it."""
        with socket.create_connection(("127.0.0.1", self.control_port), timeout=10) as sock:
            sock.sendall(json.dumps({"op": op, **params}).encode() + b"\n")
            answer = sock.makefile("rb").readline()
        response: dict[str, Any] = json.loads(answer)
        assert response.get("ok"), f"emulator refused {op}: {response}"
        return response

    def snapshot(self) -> dict[str, Any]:
        snapshot: dict[str, Any] = self.control("snapshot")["snapshot"]
        return snapshot


class GatewayProcess(Process):
    """``omni2mqtt run --config FILE``: the product as a user runs it."""

    def __init__(self, config_file: Path, log: Path) -> None:
        super().__init__("omni2mqtt run", log)
        self.config_file = config_file

    def start(self) -> None:
        self.spawn(omni2mqtt_command("run", "--config", str(self.config_file)))


def gateway_config(path: Path, broker_port: int, emulator_port: int, cache: Path) -> Path:
    config = {
        "mqtt": {
            "url": f"mqtt://127.0.0.1:{broker_port}",
            "base_topic": "omni2mqtt",
            "discovery_prefix": "homeassistant",
            "client_id": "omni2mqtt-e2e",
            "reconnect_min_delay": 0.2,
            "reconnect_max_delay": 1.0,
        },
        "panels": [
            {
                "id": "house",
                "name": "House",
                "host": "127.0.0.1",
                "port": emulator_port,
                "controller_key": CONTROLLER_KEY,
                "time_sync": False,
                # Home Assistant's bypass switch sends a plain ON/OFF: the panel needs a user.
                "bypass_user_number": 1,
            }
        ],
        "homeassistant": {"birth_delay_min": 0.1, "birth_delay_max": 0.5},
        "cache_dir": str(cache),
        "log_level": "info",
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


@dataclass
class Message:
    topic: str
    payload: str
    retain: bool


class MqttWatcher:
    """Records every message on the broker (paho's network thread), for the few facts the
    REST API cannot show: the discovery configs and the command results."""

    def __init__(self, port: int) -> None:
        self.messages: list[Message] = []
        self.retained: dict[str, str] = {}
        self._lock = threading.Lock()
        self._client = paho.Client(CallbackAPIVersion.VERSION2, client_id="e2e-watcher")
        self._client.on_message = self._on_message
        self._client.on_connect = lambda client, *_: client.subscribe("#", qos=1)
        self._client.connect("127.0.0.1", port)
        self._client.loop_start()

    def _on_message(self, client: Any, userdata: Any, message: Any) -> None:
        text = message.payload.decode("utf-8", "replace")
        with self._lock:
            self.messages.append(Message(message.topic, text, bool(message.retain)))
            if text:
                self.retained[message.topic] = text
            else:
                self.retained.pop(message.topic, None)

    def mark(self) -> int:
        with self._lock:
            return len(self.messages)

    def wait_message(self, topic: str, start: int, timeout: float = 30) -> Message:
        def found() -> Message | None:
            with self._lock:
                return next((m for m in self.messages[start:] if m.topic == topic), None)

        result: Message = wait_until(f"a message on {topic}", found, timeout, 0.05)
        return result

    def configs(self, node: str) -> dict[str, dict[str, Any]]:
        """The retained discovery configs under a node id: topic -> config."""
        with self._lock:
            items = list(self.retained.items())
        return {
            topic: json.loads(payload)
            for topic, payload in items
            if topic.startswith("homeassistant/") and f"/{node}/" in topic
        }

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._client.loop_stop()
            self._client.disconnect()
