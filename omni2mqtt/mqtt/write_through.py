"""Write a publish to the broker's socket the moment it is queued (the push path's last hop).

aiomqtt drives paho from the event loop: when paho has something to send it asks for the
socket to be watched for writability, which aiomqtt schedules with ``call_soon_threadsafe``,
so the bytes leave one or two event-loop turns later, after whatever else the loop is doing.
For a zone push that is the rest of the change (attributes, the area's readiness, the event),
a few hundred microseconds in front of the state the subscriber is waiting for.

paho itself writes at once when no external loop watches its socket; this restores that for
calls made on the event loop's thread: try the write now, and only ask aiomqtt to watch the
socket when something is left over (a full socket buffer) or when paho calls from another
thread (aiomqtt connects from an executor thread), and only for the first message of an
event-loop turn (see ``_Turn``). paho's ``on_socket_register_write`` hook is
public paho API; reaching paho through aiomqtt's ``_client`` is not public aiomqtt API, so
:func:`install` checks what it finds and leaves the client alone when it does not match
(tests assert that it does, so an aiomqtt upgrade that changes this is noticed).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import aiomqtt
import paho.mqtt.client as paho

_LOGGER = logging.getLogger(__name__)


def install(client: aiomqtt.Client) -> bool:
    """Make ``client`` write publishes through; returns False when it could not."""
    inner = getattr(client, "_client", None)
    if not isinstance(inner, paho.Client):
        _LOGGER.debug("aiomqtt without a paho client at _client: writes stay deferred")
        return False
    deferred = inner.on_socket_register_write
    # paho's own guard for writing at once: not from inside one of its callbacks, where a QoS 0
    # write would call on_publish under a lock that is already held.
    in_callback = getattr(inner, "_in_callback_mutex", None)
    if deferred is None or in_callback is None:
        return False
    loop = asyncio.get_running_loop()
    loop_thread = threading.get_ident()
    turn = _Turn()

    def register_write(mqttc: paho.Client, userdata: Any, sock: Any) -> None:
        # paho has just marked the socket as watched; if the write below empties its queue,
        # loop_write itself calls the unregister hook, which clears that mark again.
        if (
            threading.get_ident() == loop_thread
            and turn.first(loop)
            and in_callback.acquire(blocking=False)
        ):
            in_callback.release()
            try:
                mqttc.loop_write()
            except Exception:  # aiomqtt's own writer reports it below
                _LOGGER.debug("immediate write failed; leaving it to the event loop")
            if mqttc.socket() is None or not mqttc.want_write():
                return  # all written, or the connection is gone (aiomqtt has been told)
        deferred(mqttc, userdata, sock)

    inner.on_socket_register_write = register_write
    return True


class _Turn:
    """Only the first write of an event-loop turn goes out at once.

    That one is what a subscriber waits for (a zone's state); the rest of a burst (its
    attributes, a status window's hundred topics) is written by aiomqtt's writer on the next
    turn, so whatever the caller does next (the next request to the panel) is not held up by
    one send() per message.
    """

    __slots__ = ("_busy",)

    def __init__(self) -> None:
        self._busy = False

    def first(self, loop: asyncio.AbstractEventLoop) -> bool:
        if self._busy:
            return False
        self._busy = True
        loop.call_soon(self._reset)
        return True

    def _reset(self) -> None:
        self._busy = False
