"""A subscriber that keeps an exact copy of the broker's retained store, across broker restarts.

MQTT 5 with *retain as published*: a live message keeps the retain flag it was published with,
so the copy can apply retained publishes (and empty ones, which delete) as they happen and
ignore events and results, while still logging every message for the secret checks. After a
reconnect the copy starts from scratch: a restarted broker without persistence lost everything,
and the new subscription replays whatever it holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from dataclasses import dataclass

import aiomqtt
from paho.mqtt.subscribeoptions import SubscribeOptions

RETRY_DELAY = 0.05


@dataclass(frozen=True)
class Seen:
    topic: str
    payload: bytes
    retain: bool

    @property
    def text(self) -> str:
        return self.payload.decode("utf-8", "replace")


class RetainedMirror:
    """``retained``: topic -> payload as the broker holds it now; ``log``: every message."""

    def __init__(
        self, port: int, *, username: str | None = None, password: str | None = None
    ) -> None:
        self.port = port
        self.username = username
        self.password = password
        self.retained: dict[str, str] = {}
        self.log: list[Seen] = []
        self.connections = 0
        self.connection_losses = 0
        self._client: aiomqtt.Client | None = None
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="retained-mirror")
        await self.wait(lambda: self.connected)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def __aenter__(self) -> RetainedMirror:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def connected(self) -> bool:
        return self._client is not None

    async def _run(self) -> None:
        while True:
            client = aiomqtt.Client(
                "127.0.0.1",
                self.port,
                identifier=f"mirror-{id(self)}",
                username=self.username,
                password=self.password,
                protocol=aiomqtt.ProtocolVersion.V5,
                timeout=5,
                # As the gateway does: without it Nagle's algorithm and delayed ACKs make each
                # publish wait tens of milliseconds for the previous PUBACK.
                socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
            )
            try:
                async with client:
                    self.retained.clear()
                    options = SubscribeOptions(qos=1, retainAsPublished=True)
                    await client.subscribe("#", options=options)
                    self._client = client
                    self.connections += 1
                    self._notify()
                    async for message in client.messages:
                        self._apply(message)
            except aiomqtt.MqttError:
                pass
            if self._client is not None:
                self.connection_losses += 1
            self._client = None
            self._notify()
            await asyncio.sleep(RETRY_DELAY)

    def _apply(self, message: aiomqtt.Message) -> None:
        raw = message.payload
        payload = bytes(raw) if isinstance(raw, bytes | bytearray) else str(raw).encode()
        topic = message.topic.value
        self.log.append(Seen(topic, payload, bool(message.retain)))
        if message.retain:
            if payload:
                self.retained[topic] = payload.decode("utf-8", "replace")
            else:
                self.retained.pop(topic, None)
        self._notify()

    def _notify(self) -> None:
        self._changed.set()

    async def wait(self, condition: object, timeout: float = 30) -> None:
        """Until ``condition()`` is true, re-checked after every message and (re)connect."""
        assert callable(condition)
        async with asyncio.timeout(timeout):
            while not condition():
                self._changed.clear()
                await self._changed.wait()

    async def wait_payload(self, topic: str, payload: str, timeout: float = 30) -> None:
        await self.wait(lambda: self.retained.get(topic) == payload, timeout)

    def payloads(self, topic: str, start: int = 0) -> list[str]:
        """Every payload logged on ``topic`` from log index ``start`` on."""
        return [seen.text for seen in self.log[start:] if seen.topic == topic]

    async def publish(self, topic: str, payload: str | bytes, retain: bool = False) -> None:
        """Publish once connected (waits through a broker restart)."""
        while True:
            await self.wait(lambda: self.connected)
            client = self._client
            assert client is not None
            try:
                await client.publish(topic, payload, qos=1, retain=retain)
                return
            except aiomqtt.MqttError:
                await asyncio.sleep(RETRY_DELAY)
