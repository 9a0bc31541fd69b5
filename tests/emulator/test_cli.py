"""``omni2mqtt emulator`` as a real subprocess, plus its argument errors in-process."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest

from omni2mqtt.cli import main
from omni2mqtt.emulator.control import ControlClient
from omni2mqtt.protocol.messages.generic import Ack
from omni2mqtt.protocol.messages.notifications import EnableNotifications

from .conftest import KEY, RawClient

READY = re.compile(
    r'^omni2mqtt emulator: Omni Pro II "demo" listening on 127\.0\.0\.1:(\d+) '
    r"\(control 127\.0\.0\.1:(\d+)\)$"
)
STARTUP_TIMEOUT = 60.0  # a cold interpreter on a busy 2-core machine


class Emulator:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.port = 0
        self.control_port = 0
        self.first_line = ""

    async def read_ready_line(self) -> None:
        assert self.process.stdout is not None
        raw = await asyncio.wait_for(self.process.stdout.readline(), STARTUP_TIMEOUT)
        self.first_line = raw.decode().rstrip("\n")
        match = READY.match(self.first_line)
        assert match, f"unexpected first line {self.first_line!r}"
        self.port, self.control_port = int(match[1]), int(match[2])

    async def finish(self, signum: int) -> tuple[int, str, str]:
        self.process.send_signal(signum)
        stdout, stderr = await asyncio.wait_for(self.process.communicate(), STARTUP_TIMEOUT)
        assert self.process.returncode is not None
        return self.process.returncode, stdout.decode(), stderr.decode()


async def _spawn(*args: str, env: dict[str, str] | None = None) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "omni2mqtt.cli",
        "emulator",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    process = await _spawn(
        "--port", "0", "--control-port", "0", "--scenario", "demo", "--controller-key", KEY.hex()
    )
    running = Emulator(process)
    try:
        await running.read_ready_line()
        yield running
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_serves_a_session_and_stops_on_sigterm(emulator: Emulator, open_client: Any) -> None:
    client: RawClient = await open_client(emulator.port)
    await client.handshake()
    assert isinstance(await client.request(EnableNotifications(True)), Ack)
    async with await ControlClient.connect("127.0.0.1", emulator.control_port) as control:
        assert (await control.call("status"))["notifications"] is True
    code, stdout, stderr = await emulator.finish(signal.SIGTERM)
    assert code == 0
    assert stdout == ""  # exactly one line, already read
    assert await client.wait_closed()
    assert client.terminated  # the session got ControllerSessionTerminated
    for text in (emulator.first_line, stdout, stderr):
        assert KEY.hex() not in text.lower()


async def test_stops_cleanly_on_sigint(emulator: Emulator) -> None:
    code, _, stderr = await emulator.finish(signal.SIGINT)
    assert code == 0
    assert "Traceback" not in stderr


async def test_bad_key_exits_2_with_one_line() -> None:
    secret_ish = "00112233445566778899aabbccddeeXX"
    process = await _spawn("--port", "0", "--controller-key", secret_ish)
    stdout, stderr = await asyncio.wait_for(process.communicate(), STARTUP_TIMEOUT)
    assert process.returncode == 2
    assert stdout == b""
    lines = stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("omni2mqtt emulator: controller key")
    assert secret_ish.lower() not in stderr.decode().lower()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--controller-key", "0011"], "32 hex digits"),
        ([], "--controller-key"),
        (["--controller-key", KEY.hex(), "--scenario", "/nonexistent/house.yaml"], "cannot read"),
    ],
)
def test_usage_errors_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    monkeypatch.delenv("OMNI2MQTT_CONTROLLER_KEY", raising=False)
    assert main(["emulator", "--port", "0", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1 and message in captured.err


def test_port_in_use_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(
            ["emulator", "--port", str(port), "--no-control", "--controller-key", KEY.hex()]
        )
    assert code == 2
    assert "cannot listen on 127.0.0.1:" in capsys.readouterr().err


def test_key_from_the_environment_is_accepted(
    monkeypatch: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    # Only the parsing path: a bad scenario stops it after the key was accepted.
    monkeypatch.setenv("OMNI2MQTT_CONTROLLER_KEY", ":".join(f"{b:02x}" for b in KEY))
    assert main(["emulator", "--scenario", "/nonexistent.yaml"]) == 2
    assert "cannot read scenario" in capsys.readouterr().err


def test_help_lists_the_subcommand_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    assert "emulator" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["emulator", "--help"])
    out = capsys.readouterr().out
    assert "examples:" in out and "--latency-ms" in out
    # The silence threshold is a fault knob now; by default only what cannot fit goes unanswered.
    assert "--max-status-records" in out and "would not fit one packet" in " ".join(out.split())
