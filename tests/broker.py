"""A real mosquitto broker for tests (design section 5), and a small subscriber helper."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiomqtt

from omni2mqtt.mqtt.probe import free_port, start_mosquitto


@dataclass
class Mosquitto:
    """Start/stop/restart a mosquitto on a free loopback port (no persistence)."""

    port: int = field(default_factory=free_port)
    directory: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="mosq")))
    process: subprocess.Popen[bytes] | None = None
    # user -> password: when given, anonymous clients are refused (a password file is written).
    users: dict[str, str] = field(default_factory=dict)
    extra_config: list[str] = field(default_factory=list)  # more mosquitto.conf lines

    def start(self) -> None:
        extra = self._auth_lines() if self.users else ["allow_anonymous true"]
        self.process = start_mosquitto(
            self.directory / "mosquitto.conf", self.port, [*extra, *self.extra_config]
        )

    def _auth_lines(self) -> list[str]:
        passwords = self.directory / "passwords"
        passwords.write_text("")
        for user, password in self.users.items():
            subprocess.run(
                [
                    shutil.which("mosquitto_passwd") or "/usr/bin/mosquitto_passwd",
                    "-b",
                    str(passwords),
                    user,
                    password,
                ],
                check=True,
                capture_output=True,
            )
        return ["allow_anonymous false", f"password_file {passwords}"]

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def __enter__(self) -> Mosquitto:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@dataclass
class Received:
    topic: str
    payload: str
    retain: bool

    def json(self) -> object:
        return json.loads(self.payload)


class Subscriber:
    """Collects every message on the filters it subscribed to; waits for conditions."""

    def __init__(self, port: int, username: str | None = None, password: str | None = None) -> None:
        self.port = port
        self.credentials = {"username": username, "password": password}
        self.messages: list[Received] = []
        self.retained: dict[str, str] = {}
        self._client: aiomqtt.Client | None = None
        self._task: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    async def start(self, *filters: str) -> None:
        self._client = aiomqtt.Client(
            "127.0.0.1", self.port, identifier=f"test-{id(self)}", **self.credentials
        )
        await self._client.__aenter__()
        for topic_filter in filters or ("#",):
            await self._client.subscribe(topic_filter, qos=1)
        self._task = asyncio.create_task(self._collect())

    async def _collect(self) -> None:
        assert self._client is not None
        async for message in self._client.messages:
            payload = message.payload
            text = (
                payload.decode("utf-8", "replace")
                if isinstance(payload, bytes | bytearray)
                else str(payload)
            )
            topic = message.topic.value
            self.messages.append(Received(topic, text, bool(message.retain)))
            if text:
                self.retained[topic] = text
            else:
                self.retained.pop(topic, None)
            self._changed.set()

    async def publish(self, topic: str, payload: str, retain: bool = False) -> None:
        assert self._client is not None
        await self._client.publish(topic, payload, qos=1, retain=retain)

    async def wait_for(self, topic: str, payload: str | None = None, timeout: float = 10) -> str:
        """The latest payload on ``topic`` (equal to ``payload`` when given)."""
        async with asyncio.timeout(timeout):
            while True:
                value = self.retained.get(topic)
                if value is not None and (payload is None or value == payload):
                    return value
                self._changed.clear()
                await self._changed.wait()

    async def wait_message(self, topic: str, timeout: float = 10, start: int = 0) -> Received:
        """The first message on ``topic`` received at index >= ``start``."""
        async with asyncio.timeout(timeout):
            while True:
                for message in self.messages[start:]:
                    if message.topic == topic:
                        return message
                self._changed.clear()
                await self._changed.wait()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, aiomqtt.MqttError):
                await self._task
        if self._client is not None:
            with contextlib.suppress(aiomqtt.MqttError):
                await self._client.__aexit__(None, None, None)


@contextlib.asynccontextmanager
async def subscribed(port: int, *filters: str) -> AsyncIterator[Subscriber]:
    subscriber = Subscriber(port)
    await subscriber.start(*filters)
    try:
        yield subscriber
    finally:
        await subscriber.stop()
