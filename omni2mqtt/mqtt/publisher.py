"""An ordered outgoing queue in front of the broker connection, with a retained-topic cache.

State-store callbacks are synchronous and run on the panel's push path; they only enqueue.
One task drains the queue in order, so a topic's values reach the broker in the order they
happened. Retained topics are published only when their payload changed; the cache is reset
after every broker (re)connect so everything is republished to a broker that may have lost it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

_LOGGER = logging.getLogger(__name__)


class Broker(Protocol):
    async def publish(
        self, topic: str, payload: str | bytes, *, retain: bool = False, qos: int | None = None
    ) -> bool: ...


class Publisher:
    def __init__(self, broker: Broker) -> None:
        self._broker = broker
        self._queue: asyncio.Queue[tuple[str, str, bool]] = asyncio.Queue()
        self._retained: dict[str, str] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._drain(), name="omni2mqtt-publisher")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def retained(self, topic: str, payload: str) -> None:
        """Publish a retained value unless the broker already has exactly this payload."""
        if self._retained.get(topic) == payload:
            return
        self._retained[topic] = payload
        self._queue.put_nowait((topic, payload, True))

    def clear(self, topic: str) -> None:
        """Remove a retained topic from the broker (empty retained payload)."""
        self._retained.pop(topic, None)
        self._queue.put_nowait((topic, "", True))

    def message(self, topic: str, payload: str) -> None:
        """A non-retained message (events, command results, bridge responses)."""
        self._queue.put_nowait((topic, payload, False))

    def forget(self) -> None:
        """Forget what the broker holds: the next retained() of every topic publishes again."""
        self._retained.clear()

    def cached(self, topic: str) -> str | None:
        return self._retained.get(topic)

    async def flush(self) -> None:
        """Wait until everything queued so far has been handed to the broker connection."""
        await self._queue.join()

    async def _drain(self) -> None:
        while True:
            topic, payload, retain = await self._queue.get()
            try:
                await self._broker.publish(topic, payload, retain=retain)
            except Exception:
                _LOGGER.exception("publishing to %s failed", topic)
            finally:
                self._queue.task_done()
