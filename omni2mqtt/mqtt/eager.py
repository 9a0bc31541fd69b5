"""Run a coroutine up to its first suspension now, and the rest in a task (3.12's eager tasks).

Why: on the push path the first publish of a change must reach the MQTT client (and the socket)
while the rest of the change is still being worked out. ``loop.create_task`` would only start it
on the next event-loop turn, after all of that synchronous work. Python 3.12 has
``asyncio.eager_task_factory``; this is the same idea for one coroutine on 3.11, built on the
public coroutine protocol only (``send``/``throw``, the future it yields).

The eager part runs in the caller's context and task (or in none, from a plain callback), so it
must not rely on ``asyncio.current_task()``: no ``asyncio.timeout`` before the first suspension.
"""

from __future__ import annotations

from collections.abc import Coroutine, Generator
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Started(Generic[T]):
    """A coroutine already run to its first suspension; awaiting this finishes it.

    Await it exactly once, from a task: the task then waits on the very future the coroutine
    yielded, and every resumption, exception and cancellation is passed straight through.
    """

    __slots__ = ("_coro", "_yielded")

    def __init__(self, coro: Coroutine[Any, Any, T], yielded: Any) -> None:
        self._coro = coro
        self._yielded = yielded

    def __await__(self) -> Generator[Any, Any, T]:
        coro, value = self._coro, self._yielded
        while True:
            try:
                try:
                    sent = yield value
                except BaseException as exc:  # cancellation included: pass it on
                    value = coro.throw(exc)
                else:
                    value = coro.send(sent)
            except StopIteration as stop:
                result: T = stop.value
                return result

    def close(self) -> None:
        """Abandon it without awaiting (no 'never awaited' warning; finally blocks run)."""
        self._coro.close()


def start_eagerly(coro: Coroutine[Any, Any, T]) -> Started[T] | Finished[T]:
    """Run ``coro`` until it first suspends; exceptions raised before that propagate here."""
    try:
        yielded = coro.send(None)
    except StopIteration as stop:
        return Finished(stop.value)
    return Started(coro, yielded)


class Finished(Generic[T]):
    """A coroutine that completed without suspending: its result, awaitable for symmetry."""

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value

    def __await__(self) -> Generator[Any, Any, T]:
        return self.value
        yield  # pragma: no cover - makes this a generator

    def close(self) -> None:
        """Nothing left to abandon."""
