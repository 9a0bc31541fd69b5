"""The whole stack for the resilience tests: real mosquitto, the emulator over TCP, a gateway.

Also the checks every resilience test shares: a log watcher that fails on any error-level
record or unhandled exception, and waiting for one command result by its transaction.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from omni2mqtt.config import Settings
from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.server import EmulatorServer
from omni2mqtt.protocol.messages.base import Message

from ..broker import Mosquitto
from .mirror import RetainedMirror

BASE = "omni2mqtt/house"
AVAILABILITY = f"{BASE}/availability"
BRIDGE_STATE = "omni2mqtt/bridge/state"
BRIDGE_INFO = "omni2mqtt/bridge/info"
TIMEOUT = 60.0  # generous: machines running the suite can be slow and busy


class CountingEmulator(EmulatorServer[EmulatedPanel]):
    """Counts every request the panel executed, by message type (``handled``).

    ``intercept``, when set, sees each request first: a message it returns is the reply (a
    Nak, say), None lets the panel answer (after whatever the hook changed).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.handled: Counter[str] = Counter()
        self.intercept: Callable[[Message], Message | None] | None = None

    def _handle(self, message: Message) -> Message | None:
        self.handled[type(message).__name__] += 1
        if self.intercept is not None and (reply := self.intercept(message)) is not None:
            return reply
        return super()._handle(message)


def settings_for(
    broker: Mosquitto,
    panel_port: int,
    key: str,
    cache_dir: Path,
    **mqtt: Any,
) -> Settings:
    """One panel ``house``, fast reconnects, short request timeout, discovery on."""
    return Settings.model_validate(
        {
            "mqtt": {
                "url": broker.url,
                "client_id": "omni2mqtt-resilience",
                "reconnect_min_delay": 0.05,
                "reconnect_max_delay": 0.5,
                **mqtt,
            },
            "panels": [
                {
                    "id": "house",
                    "name": "House",
                    "host": "127.0.0.1",
                    "port": panel_port,
                    "controller_key": key,
                    "request_timeout": 0.5,
                    "time_sync": False,
                }
            ],
            "homeassistant": {"birth_delay_min": 0.0, "birth_delay_max": 0.1},
            "cache_dir": str(cache_dir),
        }
    )


def env_number(name: str, default: int) -> int:
    """A positive whole number from the environment (the long runs), else ``default``."""
    text = os.environ.get(name, "").strip().replace("_", "")
    return int(text) if text else default


class ErrorLog(logging.Handler):
    """Every error-level record and every record with a traceback, from any logger."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if (record.levelno >= logging.ERROR or record.exc_info) and not _connection_loss(record):
            self.records.append(record)

    def lines(self) -> list[str]:
        formatter = logging.Formatter("%(name)s %(levelname)s: %(message)s")
        return [formatter.format(record) for record in self.records]


def _connection_loss(record: logging.LogRecord) -> bool:
    # paho logs a socket closed by the broker (the broker was killed) at error level; the
    # gateway handles it by reconnecting, which the soak checks.
    return record.name == "mqtt" and record.msg == "failed to receive on socket: %s"


@contextmanager
def watching_errors() -> Iterator[ErrorLog]:
    """Collect error logs and the event loop's unhandled exceptions ("Task exception was never
    retrieved", exceptions in callbacks) while the block runs. Enter it before a gateway starts:
    the gateway's own loop handler then passes everything it does not expect on to this one."""
    handler = ErrorLog()
    root = logging.getLogger()
    root.addHandler(handler)
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()

    def on_unhandled(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exception = context.get("exception")
        exc_info = (type(exception), exception, exception.__traceback__) if exception else None
        handler.records.append(
            logging.LogRecord(
                "asyncio", logging.ERROR, "", 0, context.get("message"), None, exc_info
            )
        )

    loop.set_exception_handler(on_unhandled)
    try:
        yield handler
    finally:
        loop.set_exception_handler(previous)
        root.removeHandler(handler)


async def wait_until(condition: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    """Poll an in-process condition (client availability, counters) until it holds."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


def results(mirror: RetainedMirror, start: int = 0) -> list[tuple[str, dict[str, Any]]]:
    """(topic, body) of every command result logged from index ``start`` on."""
    found: list[tuple[str, dict[str, Any]]] = []
    for seen in mirror.log[start:]:
        if seen.topic.endswith("/result") and not seen.retain:
            body = json.loads(seen.text)
            assert isinstance(body, dict), seen
            found.append((seen.topic, body))
    return found


async def result_of(
    mirror: RetainedMirror, path: str, transaction: object, start: int = 0
) -> dict[str, Any]:
    """The result of the command on ``<BASE>/<path>/set`` that carried ``transaction``,
    looking at messages from log index ``start`` on."""
    topic = f"{BASE}/{path}/result"
    found: list[dict[str, Any]] = []
    position = start

    def arrived() -> bool:
        nonlocal position
        for seen_topic, body in results(mirror, position):
            if seen_topic == topic and body.get("transaction") == transaction:
                found.append(body)
        position = len(mirror.log)
        return bool(found)

    await mirror.wait(arrived, TIMEOUT)
    return found[0]
