"""The demo's live view: an MQTT client on ``<base>/#`` printing the digest as it happens.

It is an ordinary MQTT client of the demo's broker, like ``mosquitto_sub`` would be, so what it
shows is what reached the broker. The activity sends its commands through it too (a command
topic write, as Home Assistant would). Colours only on a terminal, and never with ``NO_COLOR``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from typing import TextIO

import aiomqtt

from .digest import Digest, Line, Tone

_COLOURS = {
    Tone.PLAIN: "",
    Tone.GOOD: "\033[32m",
    Tone.NOTICE: "\033[33m",
    Tone.ALERT: "\033[1;31m",
    Tone.EVENT: "\033[36m",
    Tone.MUTED: "\033[2m",
}
_DIM = "\033[2m"
_RESET = "\033[0m"


def use_colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ


class Printer:
    """Writes digest lines with a time stamp; ``enabled=False`` shows nothing (``--quiet``)."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool = True) -> None:
        self.stream = stream or sys.stdout
        self.enabled = enabled
        self.colour = use_colour(self.stream)

    def line(self, line: Line) -> None:
        if not self.enabled:
            return
        stamp = time.strftime("%H:%M:%S")
        if self.colour:
            colour = _COLOURS[line.tone]
            text = f"{_DIM}{stamp}{_RESET}  {colour}{line.text.rstrip()}{_RESET if colour else ''}"
        else:
            text = f"{stamp}  {line.text.rstrip()}"
        print(text, file=self.stream, flush=True)


class LiveView:
    """Subscribes to ``<base>/#`` on the broker and prints what changes."""

    def __init__(self, host: str, port: int, base: str, printer: Printer) -> None:
        self.base = base
        self.printer = printer
        self.digest = Digest(base)
        self.latest: dict[str, str] = {}
        self._client = aiomqtt.Client(host, port, identifier=f"omni2mqtt-demo-view-{os.getpid()}")
        self._task: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    async def start(self) -> None:
        await self._client.__aenter__()
        await self._client.subscribe(f"{self.base}/#", qos=1)
        self._task = asyncio.create_task(self._read(), name="omni2mqtt-demo-view")

    async def _read(self) -> None:
        async for message in self._client.messages:
            payload = message.payload
            if isinstance(payload, bytes | bytearray):
                text = payload.decode("utf-8", "replace")
            else:
                text = "" if payload is None else str(payload)
            topic = message.topic.value
            self.latest[topic] = text
            self._changed.set()
            for line in self.digest.feed(topic, text):
                self.printer.line(line)

    async def publish(self, topic: str, payload: str) -> None:
        """A command, as a user would send it (not retained: retained commands are ignored)."""
        with contextlib.suppress(aiomqtt.MqttError):
            await self._client.publish(topic, payload, qos=1)

    async def wait_for(self, topic: str, payload: str, timeout: float) -> bool:
        """True once ``topic`` carried ``payload``; False after ``timeout`` seconds."""
        try:
            async with asyncio.timeout(timeout):
                while self.latest.get(topic) != payload:
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            return False
        return True

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, aiomqtt.MqttError):
                await task
        with contextlib.suppress(aiomqtt.MqttError):
            await self._client.__aexit__(None, None, None)
