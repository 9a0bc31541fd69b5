"""The demo's MQTT broker: one that already answers on the port, else an embedded amqtt.

amqtt is an optional dependency (``pip install 'omni2mqtt[demo]'``): a pure-Python broker that
starts in-process in milliseconds, so the demo needs nothing installed but the package. It is
good enough for a demo, not for tests: 0.12.1 sends retained messages to a client that connects
after another subscriber left, without the client subscribing (the live view filters by topic).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import socket
from dataclasses import dataclass
from enum import Enum
from importlib import metadata
from typing import Any

from ..cli_support import address

DEMO_EXTRA = "pip install 'omni2mqtt[demo]'"
_PROBE_ID = b"omni2mqtt-demo-probe"
# MQTT 3.1.1 CONNECT: protocol "MQTT" level 4, clean session, keepalive 60 s, the client id.
_CONNECT_BODY = bytes.fromhex("00044d5154540402003c") + len(_PROBE_ID).to_bytes(2) + _PROBE_ID
_CONNECT = bytes((0x10, len(_CONNECT_BODY))) + _CONNECT_BODY
_DISCONNECT = b"\xe0\x00"
_CONNACK = 0x20


class BrokerError(Exception):
    """No broker could be used; the message says what to do."""


class Probe(Enum):
    FREE = "nothing listens"
    MQTT = "an MQTT broker answers"
    REFUSED = "an MQTT broker answers but refuses anonymous clients"
    OTHER = "something that is not an MQTT broker listens"


async def probe(host: str, port: int, timeout: float = 1.5) -> Probe:
    """What listens on ``host:port``: an MQTT CONNECT must get a CONNACK within ``timeout``."""
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(host, port)
    except (OSError, TimeoutError):
        return Probe.FREE
    try:
        async with asyncio.timeout(timeout):
            writer.write(_CONNECT)
            await writer.drain()
            answer = await reader.readexactly(4)
    except (OSError, TimeoutError, asyncio.IncompleteReadError):
        return Probe.OTHER
    finally:
        with contextlib.suppress(OSError):
            writer.write(_DISCONNECT)
            writer.close()
            await writer.wait_closed()
    if answer[0] != _CONNACK or answer[1] != 2:
        return Probe.OTHER
    return Probe.MQTT if answer[3] == 0 else Probe.REFUSED


def free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class EmbeddedBroker:
    """amqtt on ``host:port``, anonymous clients allowed, no plugins beyond that."""

    def __init__(self, module: Any, host: str, port: int) -> None:
        self._module = module
        self.host = host
        self.port = port
        self._broker: Any = None

    @staticmethod
    def version() -> str:
        return metadata.version("amqtt")

    async def start(self) -> None:
        module = self._module
        config = {
            "listeners": {"default": {"type": "tcp", "bind": f"{self.host}:{self.port}"}},
            "plugins": {
                "amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}
            },
        }
        broker = module.Broker(config)
        try:
            await broker.start()
        except module.BrokerError as exc:
            raise OSError(f"amqtt cannot listen on {address(self.host, self.port)}") from exc
        self._broker = broker

    async def stop(self) -> None:
        broker, self._broker = self._broker, None
        if broker is not None:
            await broker.shutdown()


@dataclass
class BrokerChoice:
    """The broker the demo uses; ``embedded`` is None when one was already running."""

    host: str
    port: int
    embedded: EmbeddedBroker | None
    note: str | None = None

    @property
    def url(self) -> str:
        return f"mqtt://{address(self.host, self.port)}"

    @property
    def description(self) -> str:
        if self.embedded is None:
            return "already running: using it"
        return f"embedded amqtt {self.embedded.version()}"

    async def stop(self) -> None:
        if self.embedded is not None:
            await self.embedded.stop()


def _amqtt(host: str, port: int) -> Any:
    try:
        # Imported by name: an optional dependency without type hints.
        return importlib.import_module("amqtt.broker")
    except ImportError:
        where = address(host, port) if port else host
        raise BrokerError(
            f"no MQTT broker answers on {where} and the embedded broker is not installed: "
            f"{DEMO_EXTRA} (or start mosquitto)"
        ) from None


async def choose_broker(host: str, port: int) -> BrokerChoice:
    """Use a broker answering on ``port``; else start amqtt there, or on a free port when
    ``port`` is taken by something else (``note`` says so). ``port`` 0: amqtt on a free port."""
    note: str | None = None
    if port:
        found = await probe(host, port)
        if found is Probe.MQTT:
            return BrokerChoice(host, port, None)
        if found is not Probe.FREE:
            note = f"port {port}: {found.value}"
    module = _amqtt(host, port)
    if note is None and port:
        broker = EmbeddedBroker(module, host, port)
        try:
            await broker.start()
            return BrokerChoice(host, port, broker)
        except OSError:
            # Bound on another address, or taken between the probe and now.
            note = f"cannot listen on port {port}"
    broker = EmbeddedBroker(module, host, free_port(host))
    await broker.start()
    if note is not None:
        note = f"{note}; the embedded broker uses port {broker.port} instead"
    return BrokerChoice(host, broker.port, broker, note)


def quiet_broker_logs(level: str) -> None:
    """amqtt and its state machine log every connection at INFO and some at WARNING; the demo
    shows its own digest instead, unless asked for debug logs."""
    if level != "debug":
        for name in ("amqtt", "transitions"):
            logging.getLogger(name).setLevel(logging.ERROR)
