"""Keep a known, harmless asyncio callback error of the MQTT library out of the error log.

aiomqtt asks the event loop to watch paho's socket through ``call_soon_threadsafe``. When the
broker goes away (killed, restarted, network loss) the socket can be closed before that call
runs, and asyncio then reports "Exception in callback ... add_writer(...)" with ``EBADF`` and a
traceback at error level. The connection loss itself is already handled: the broker connection
reconnects and everything is republished. Only that exact case is logged at debug level; every
other unhandled exception still goes to the handler that was there before.
"""

from __future__ import annotations

import asyncio
import errno
import logging
from typing import Any

_LOGGER = logging.getLogger(__name__)
_WATCHERS = ("add_reader", "add_writer")


def is_closed_socket_watch(context: dict[str, Any]) -> bool:
    exception = context.get("exception")
    message = str(context.get("message", ""))
    return (
        isinstance(exception, OSError)
        and exception.errno == errno.EBADF
        and any(name in message for name in _WATCHERS)
    )


class LoopGuard:
    """Installed on the running loop by :meth:`install`, removed by :meth:`remove`."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._previous: Any = None

    def install(self) -> None:
        loop = asyncio.get_running_loop()
        self._loop, self._previous = loop, loop.get_exception_handler()
        loop.set_exception_handler(self._handle)

    def remove(self) -> None:
        loop, self._loop = self._loop, None
        if loop is not None and loop.get_exception_handler() == self._handle:
            loop.set_exception_handler(self._previous)

    def _handle(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if is_closed_socket_watch(context):
            _LOGGER.debug("MQTT socket closed before the event loop watched it (connection lost)")
        elif self._previous is not None:
            self._previous(loop, context)
        else:
            loop.default_exception_handler(context)
