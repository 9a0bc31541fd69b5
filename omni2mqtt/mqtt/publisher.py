"""An ordered outgoing queue in front of the broker connection, with a retained-topic cache.

State-store callbacks are synchronous and run on the panel's push path; they only enqueue.
Messages reach the broker in the order they were queued, so a topic's values arrive in the
order they happened. Retained topics are published only when their payload changed; the cache
is reset after every broker (re)connect so everything is republished to a broker that may have
lost it.

Publishes are pipelined: up to ``window`` are in flight at once instead of each waiting for its
PUBACK (a broker round trip) before the next goes out. Order is still kept: publishing tasks
are started in queue order, asyncio runs new tasks in the order they were created, each hands
its message to the MQTT client before its first suspension, the client writes them to its one
socket in that order, and the broker forwards a connection's messages in the order it read them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from typing import Protocol

_LOGGER = logging.getLogger(__name__)


class Broker(Protocol):
    async def publish(
        self, topic: str, payload: str | bytes, *, retain: bool = False, qos: int | None = None
    ) -> bool: ...


# paho-mqtt's own default limit of QoS 1 messages in flight: more would only wait in its queue.
DEFAULT_WINDOW = 20
# How long the rest of a change may wait behind its first message (see _put).
FIRST_ALONE = 0.0005

_Item = tuple[str, str, bool]


class Publisher:
    def __init__(self, broker: Broker, *, window: int = DEFAULT_WINDOW) -> None:
        self._broker = broker
        self._retained: dict[str, str] = {}
        self._window = max(1, window)
        self._backlog: deque[_Item] = deque()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._running = False
        self._unfinished = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._hold: asyncio.TimerHandle | None = None

    def start(self) -> None:
        self._running = True
        self._fill(self._window)

    async def stop(self) -> None:
        self._running = False
        if self._hold is not None:
            self._hold.cancel()
            self._hold = None
        for task in list(self._in_flight):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

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
        if not self._running:
            return  # start() sends the backlog
        if not self._in_flight:
            # After a quiet spell the first message (a zone's state, say) goes out alone and
            # at once: the rest of its change is held back a moment (until its PUBACK or
            # FIRST_ALONE, whichever comes first) so the client does not write it to the socket
            # behind them. A timer, not the PUBACK alone: a broker without TCP_NODELAY may sit
            # on that for tens of milliseconds.
            self._fill(1)
            self._hold = asyncio.get_running_loop().call_later(FIRST_ALONE, self._release)
        elif self._hold is None:
            self._fill(self._window)

    def _release(self) -> None:
        if self._hold is not None:
            self._hold.cancel()
            self._hold = None
        self._fill(self._window)

    def _fill(self, limit: int) -> None:
        # Tasks are started here, with no queue-draining task in between: one event-loop turn
        # less for every message.
        while self._running and self._backlog and len(self._in_flight) < limit:
            task = asyncio.get_running_loop().create_task(self._publish(self._backlog.popleft()))
            self._in_flight.add(task)

    async def _publish(self, item: _Item) -> None:
        topic, payload, retain = item
        try:
            await self._broker.publish(topic, payload, retain=retain)
        except Exception:
            _LOGGER.exception("publishing to %s failed", topic)
        finally:
            self._in_flight.discard(asyncio.current_task())
            self._unfinished -= 1
            if not self._unfinished:
                self._idle.set()
            self._release()
