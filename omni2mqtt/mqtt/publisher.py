"""An ordered outgoing queue in front of the broker connection, with a retained-topic cache.

State-store callbacks are synchronous and run on the panel's push path; they never wait.
Messages reach the broker in the order they were queued, so a topic's values arrive in the
order they happened. Retained topics are published only when their payload changed; the cache
is reset after every broker (re)connect so everything is republished to a broker that may have
lost it.

Publishes are pipelined: up to ``window`` are in flight at once instead of each waiting for its
PUBACK (a broker round trip) before the next goes out. Each is handed to the MQTT client the
moment it is queued when the window has room (``start_publish`` runs synchronously up to the
client's queue, and write-through puts it on the socket), so the first message of a change (a
zone's ``state``) is on the wire before the rest of the change is even rendered. Order is kept:
messages are handed over in queue order, and the client writes them to its one socket in that
order; the broker forwards a connection's messages in the order it read them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from typing import Protocol

_LOGGER = logging.getLogger(__name__)


class Broker(Protocol):
    def start_publish(
        self, topic: str, payload: str | bytes, *, retain: bool = False, qos: int | None = None
    ) -> asyncio.Future[bool]: ...


# paho-mqtt's own default limit of QoS 1 messages in flight: more would only wait in its queue.
DEFAULT_WINDOW = 20

_Item = tuple[str, str, bool]


class Publisher:
    def __init__(self, broker: Broker, *, window: int = DEFAULT_WINDOW) -> None:
        self._broker = broker
        self._retained: dict[str, str] = {}
        self._window = max(1, window)
        self._backlog: deque[_Item] = deque()
        self._in_flight: set[asyncio.Future[bool]] = set()
        self._running = False
        self._unfinished = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def start(self) -> None:
        self._running = True
        self._fill()

    async def stop(self) -> None:
        self._running = False
        for future in list(self._in_flight):
            future.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await future

    def retained(self, topic: str, payload: str) -> None:
        """Publish a retained value unless the broker already has exactly this payload."""
        if self._retained.get(topic) == payload:
            return
        self._retained[topic] = payload
        self._put((topic, payload, True))

    def clear(self, topic: str) -> None:
        """Remove a retained topic from the broker (empty retained payload)."""
        self._retained.pop(topic, None)
        self._put((topic, "", True))

    def message(self, topic: str, payload: str) -> None:
        """A non-retained message (events, command results, bridge responses)."""
        self._put((topic, payload, False))

    def forget(self) -> None:
        """Forget what the broker holds: the next retained() of every topic publishes again."""
        self._retained.clear()

    def cached(self, topic: str) -> str | None:
        return self._retained.get(topic)

    async def flush(self) -> None:
        """Wait until everything queued so far has been published (acknowledged at QoS 1)."""
        await self._idle.wait()

    # -- the pipeline --------------------------------------------------------------------------

    def _put(self, item: _Item) -> None:
        self._unfinished += 1
        self._idle.clear()
        self._backlog.append(item)
        self._fill()

    def _fill(self) -> None:
        while self._running and self._backlog and len(self._in_flight) < self._window:
            topic, payload, retain = self._backlog.popleft()
            future = self._broker.start_publish(topic, payload, retain=retain)
            self._in_flight.add(future)
            future.add_done_callback(self._finished)

    def _finished(self, future: asyncio.Future[bool]) -> None:
        self._in_flight.discard(future)
        if not future.cancelled() and (exc := future.exception()) is not None:
            _LOGGER.error("publishing failed", exc_info=exc)
        self._unfinished -= 1
        if not self._unfinished:
            self._idle.set()
        self._fill()
