"""The real parts every figure runs on: mosquitto, the emulator, the gateway process, a
timestamping subscriber, and /proc readings.

The gateway runs as users run it, ``omni2mqtt run --config FILE`` in its own process, so its
memory and CPU are its own and the bench's subscriber never shares its event loop. The emulator
runs in the bench process: a push is timestamped the moment its bytes leave the "panel", and
every request the gateway sends is counted where it arrives. All timestamps are taken in this
process with ``time.perf_counter``.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiomqtt

from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.scenario import load_scenario
from omni2mqtt.emulator.server import EmulatorServer
from omni2mqtt.mqtt.probe import free_port, start_mosquitto
from omni2mqtt.protocol.messages.base import Message
from omni2mqtt.protocol.session import MessageReceived, SessionEvent

CONTROLLER_KEY = "00112233445566778899aabbccddeeff"
BASE_TOPIC = "omni2mqtt"
PANEL_ID = "house"
PANEL_PREFIX = f"{BASE_TOPIC}/{PANEL_ID}/"
EVENT_TOPIC = f"{PANEL_PREFIX}event"
REPO_ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Every client of the bench turns Nagle off, as the gateway does, so no side waits on delayed
# ACKs.
NO_DELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]


class Broker:
    """A mosquitto on a free loopback port, without persistence (a fresh one has no retained
    messages, which the start-up figures rely on)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        # No queue limit towards subscribers: a message lost in the bench is the gateway's.
        self.process = start_mosquitto(
            self.directory / f"mosquitto-{self.port}.conf",
            self.port,
            ["allow_anonymous true", "max_queued_messages 0"],
        )

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            stop_process(process)


def stop_process(process: subprocess.Popen[Any], timeout: float = 10) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Emulator:
    """The panel emulator in this process, logging when every request arrived and when it was
    answered (one at a time, so within a session the two logs pair up in order)."""

    def __init__(self, scenario: str, latency: float = 0.0) -> None:
        self.panel = EmulatedPanel(load_scenario(scenario))
        self.server: EmulatorServer[EmulatedPanel] = EmulatorServer(
            self.panel, bytes.fromhex(CONTROLLER_KEY), port=0, latency=latency
        )
        self.requests: list[tuple[float, str]] = []
        self.arrivals: list[float] = []
        handle = self.panel.handle
        on_event = self.server._on_event

        def logged(message: Message) -> Message | None:
            # Called once the round trip has been waited out, just before the reply is sent.
            self.requests.append((time.perf_counter(), type(message).__name__))
            return handle(message)

        def arrived(conn: Any, event: SessionEvent) -> None:
            if isinstance(event, MessageReceived):
                self.arrivals.append(time.perf_counter())
            on_event(conn, event)

        # Wrap the instances' methods: the server calls them for every request.
        setattr(self.panel, "handle", logged)  # noqa: B010
        setattr(self.server, "_on_event", arrived)  # noqa: B010

    def mark(self) -> tuple[int, int]:
        """Where the logs stand now (a request cut off by a closed session leaves an arrival
        without an answer, so each log keeps its own position)."""
        return len(self.arrivals), len(self.requests)

    def turnaround(self, mark: tuple[int, int], count: int) -> float:
        """Mean time from an answer to the client's next request over ``count`` requests
        after ``mark``: the client's own share of each round trip."""
        arrivals = self.arrivals[mark[0] + 1 : mark[0] + count]
        answers = self.requests[mark[1] : mark[1] + count - 1]
        gaps = [
            arrived - answered for arrived, (answered, _) in zip(arrivals, answers, strict=False)
        ]
        return sum(gaps) / len(gaps) if gaps else math.nan

    def panel_seconds(self, mark: tuple[int, int], count: int) -> float:
        """The panel's own time (arrival to answer) for ``count`` requests after ``mark``."""
        arrivals = self.arrivals[mark[0] : mark[0] + count]
        answers = self.requests[mark[1] : mark[1] + count]
        pairs = zip(arrivals, answers, strict=False)
        return sum(answered - arrived for arrived, (answered, _) in pairs)

    @property
    def port(self) -> int:
        return self.server.port

    def set_latency(self, seconds: float) -> None:
        self.server.faults.set_latency(seconds)

    async def start(self) -> None:
        await self.server.start()

    async def stop(self) -> None:
        await self.server.stop()


def write_config(directory: Path, broker: Broker, emulator: Emulator, cache: Path) -> Path:
    """A user's configuration, defaults kept (discovery on, QoS 1, time sync on)."""
    path = directory / f"config-{broker.port}.yaml"
    path.write_text(
        "\n".join(
            [
                "mqtt:",
                f"  url: mqtt://127.0.0.1:{broker.port}",
                "  client_id: omni2mqtt-bench",
                f"  base_topic: {BASE_TOPIC}",
                "panels:",
                f"  - id: {PANEL_ID}",
                "    host: 127.0.0.1",
                f"    port: {emulator.port}",
                f'    controller_key: "{CONTROLLER_KEY}"',
                f"cache_dir: {cache}",
                "log_level: info",
                "",
            ]
        )
    )
    return path


class ChildProcess:
    """A Python child (the gateway or the bare aiomqtt client) with its /proc readings."""

    def __init__(self, args: list[str], log: Path, *, stdin: bool = False) -> None:
        self.started = time.perf_counter()
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, *args],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE if stdin else self._log,
            stderr=self._log,
        )
        self.log = log

    @property
    def pid(self) -> int:
        return self.process.pid

    def _status_mib(self, key: str) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no {key} in /proc status")

    def peak_rss_mib(self) -> float:
        """VmHWM: the most resident memory the process ever had."""
        return self._status_mib("VmHWM")

    def rss_mib(self) -> float:
        """VmRSS: resident memory now."""
        return self._status_mib("VmRSS")

    def cpu_seconds(self) -> float:
        """User plus system CPU time so far (/proc/<pid>/stat fields 14 and 15)."""
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def alive(self) -> bool:
        return self.process.poll() is None

    async def send_line(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text.encode() + b"\n")
        self.process.stdin.flush()

    async def read_line(self, timeout: float = 30) -> str:
        stdout = self.process.stdout
        assert stdout is not None
        line = await asyncio.wait_for(asyncio.to_thread(stdout.readline), timeout)
        if not line:
            raise RuntimeError(f"child exited early; see {self.log}")
        return line.decode().strip()

    def stop(self) -> None:
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        stop_process(self.process)
        self._log.close()


def start_gateway(config: Path, log: Path) -> ChildProcess:
    return ChildProcess(["-m", "omni2mqtt.cli", "run", "--config", str(config)], log)


@dataclass
class Received:
    at: float
    topic: str
    payload: bytes


class Arrivals:
    """Messages as they arrived, timestamped; waiting for one, for a condition, for quiet."""

    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.first_seen: dict[str, float] = {}
        self._changed = asyncio.Event()

    def arrived(self, at: float, topic: str, payload: bytes) -> None:
        self.messages.append(Received(at, topic, payload))
        self.first_seen.setdefault(topic, at)
        self._changed.set()

    async def wait(self, condition: Callable[[], bool], timeout: float) -> None:
        """Until ``condition()`` holds, checked after every message."""
        async with asyncio.timeout(timeout):
            while not condition():
                self._changed.clear()
                await self._changed.wait()

    async def wait_message(
        self, topic: str, payload: bytes | None, start: int, timeout: float = 30
    ) -> Received:
        """The first message on ``topic`` (with ``payload``) at index >= ``start``."""
        found: list[Received] = []
        position = start

        def seen() -> bool:
            nonlocal position
            for message in self.messages[position:]:
                if message.topic == topic and (payload is None or message.payload == payload):
                    found.append(message)
                    return True
            position = len(self.messages)
            return False

        await self.wait(seen, timeout)
        return found[0]

    async def wait_quiet(self, quiet: float, timeout: float) -> None:
        """Until no message arrived for ``quiet`` seconds."""
        async with asyncio.timeout(timeout):
            while True:
                count = len(self.messages)
                await asyncio.sleep(quiet)
                if len(self.messages) == count:
                    return


class Subscriber(Arrivals):
    """An aiomqtt subscriber in this process, timestamping every message at arrival."""

    def __init__(self, port: int) -> None:
        super().__init__()
        self.port = port
        self._client: aiomqtt.Client | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self, *filters: str) -> None:
        self._client = aiomqtt.Client(
            "127.0.0.1", self.port, identifier=f"bench-{id(self)}", socket_options=NO_DELAY
        )
        await self._client.__aenter__()
        for topic_filter in filters:
            await self._client.subscribe(topic_filter, qos=1)
        self._task = asyncio.create_task(self._collect())

    async def _collect(self) -> None:
        assert self._client is not None
        clock, arrived = time.perf_counter, self.arrived
        async for message in self._client.messages:
            at = clock()
            payload = message.payload
            arrived(
                at, message.topic.value, payload if isinstance(payload, bytes) else b"%r" % payload
            )

    @property
    def client(self) -> aiomqtt.Client:
        assert self._client is not None
        return self._client

    async def stop(self) -> None:
        """Idempotent."""
        task, self._task = self._task, None
        client, self._client = self._client, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if client is not None:
            with contextlib.suppress(aiomqtt.MqttError):
                await client.__aexit__(None, None, None)


class ExternalSubscriber(Arrivals):
    """``mosquitto_sub`` in its own process, for the start-up figures.

    Thousands of retained topics arrive during a start; a Python subscriber in this process
    would share the event loop with the emulator and slow the "panel" down (its measured
    turnaround went from about 1 to about 4 ms), charging the bench's own work to the gateway.
    mosquitto_sub stamps each message itself (wall clock, converted to this process's
    ``perf_counter``); this process only reads the lines.
    """

    def __init__(self, port: int) -> None:
        super().__init__()
        self.port = port
        self._process: asyncio.subprocess.Process | None = None
        self._task: asyncio.Task[None] | None = None
        self._offset = time.perf_counter() - time.time()

    async def start(self, topic_filter: str) -> None:
        binary = shutil.which("mosquitto_sub") or "/usr/bin/mosquitto_sub"
        self._process = await asyncio.create_subprocess_exec(
            binary,
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-q",
            "1",
            "-i",
            f"bench-sub-{os.getpid()}",
            "-F",
            "%U %t %p",
            "-t",
            topic_filter,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._task = asyncio.create_task(self._collect())
        # Subscribed once it receives: a probe topic under the filter's own prefix.
        probe = topic_filter.rstrip("#") + "bench-probe"
        async with aiomqtt.Client("127.0.0.1", self.port, identifier="bench-probe") as client:
            while probe not in self.first_seen:
                await client.publish(probe, b"1", qos=1)
                with contextlib.suppress(TimeoutError):
                    await self.wait(lambda: probe in self.first_seen, timeout=0.2)

    async def _collect(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        stdout, offset = self._process.stdout, self._offset
        while line := await stdout.readline():
            stamp, topic, payload = [*line.rstrip(b"\n").split(b" ", 2), b""][:3]
            self.arrived(float(stamp) + offset, topic.decode(), payload)

    async def stop(self) -> None:
        """Idempotent."""
        process, self._process = self._process, None
        task, self._task = self._task, None
        if process is not None and process.returncode is None:
            process.terminate()
            await process.wait()
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def scratch_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="omni2mqtt-bench-"))
