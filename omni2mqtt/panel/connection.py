"""One TCP session with a panel: connect, handshake, lock-step requests, pushes, keep-alive.

Built on the sans-I/O :class:`~omni2mqtt.protocol.session.ClientSession`; this module only adds
sockets and time. It does not reconnect: :mod:`omni2mqtt.panel.reconnect` owns that, so a
connection object lives exactly as long as one panel session.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TypeVar

from ..protocol.errors import ProtocolError, SessionRefusedError, WrongKeyError
from ..protocol.messages.base import Message
from ..protocol.messages.generic import Nak
from ..protocol.messages.system import RequestSystemStatus
from ..protocol.session import (
    ClientSession,
    InvalidMessage,
    MessageReceived,
    NewSessionAcknowledged,
    SecureSessionEstablished,
    SessionEvent,
    SessionState,
    SessionTerminated,
)
from .errors import (
    PanelAuthenticationError,
    PanelBusyError,
    PanelConnectionError,
    PanelError,
    PanelNakError,
    PanelOfflineError,
    PanelProtocolError,
    PanelTimeoutError,
)

_LOGGER = logging.getLogger(__name__)

PushHandler = Callable[[Message], None]
LostHandler = Callable[[PanelError], None]
M = TypeVar("M", bound=Message)

HANDSHAKE_STEP_TIMEOUT = 5.0
# One unanswered request can be a lost packet on a panel's 10 Mbit/s half-duplex link; two in a
# row mean the session is dead (spec 9: "the session is suspect: reconnect").
MAX_CONSECUTIVE_TIMEOUTS = 2


class PanelConnection:
    """A single secure session. Create, ``await connect()``, then ``await request(msg)``.

    Requests are lock-step (one outstanding, as every public client does). Pushes (seq 0) go
    to ``on_push`` in arrival order, even while a reply is pending. ``on_lost`` is called once
    if the session ends for any reason other than :meth:`close`.
    """

    def __init__(
        self,
        host: str,
        port: int,
        controller_key: bytes,
        *,
        on_push: PushHandler | None = None,
        on_lost: LostHandler | None = None,
        connect_timeout: float = 5.0,
        request_timeout: float = 10.0,
        keepalive_interval: float = 240.0,
        first_seq: int = 1,
    ) -> None:
        self.host = host
        self.port = port
        self._session = ClientSession(controller_key, first_seq=first_seq)
        self._on_push = on_push
        self._on_lost = on_lost
        self.connect_timeout = connect_timeout
        self.request_timeout = request_timeout
        self.keepalive_interval = keepalive_interval
        self._transport: asyncio.Transport | None = None
        self._closed: asyncio.Future[None] | None = None  # done when the socket is closed
        self._request_lock = asyncio.Lock()
        self._pending: tuple[int, asyncio.Future[Message]] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._handshake_events: asyncio.Queue[SessionEvent] = asyncio.Queue()
        self._secure = False
        self._closing = False
        self._lost: PanelError | None = None
        self._lost_event = asyncio.Event()
        self._last_sent = 0.0
        self._timeouts_in_row = 0
        self.requests_sent = 0

    def __repr__(self) -> str:
        state = "secure" if self._secure else "closed" if self._closing else "not secure"
        return f"<PanelConnection {self.host}:{self.port} {state}>"

    @property
    def connected(self) -> bool:
        return self._secure and not self._closing and self._lost is None

    # -- connect and handshake -------------------------------------------------------------

    async def connect(self) -> None:
        """Open TCP and complete the handshake; raises a :class:`PanelError` on failure."""
        loop = asyncio.get_running_loop()
        self._closed = loop.create_future()
        try:
            async with asyncio.timeout(self.connect_timeout):
                self._transport, _ = await loop.create_connection(
                    lambda: _PanelProtocol(self), self.host, self.port
                )
        except TimeoutError:
            raise PanelTimeoutError(
                f"no TCP connection to {self.host}:{self.port} within {self.connect_timeout} s"
            ) from None
        except OSError as exc:
            raise PanelConnectionError(
                f"cannot connect to {self.host}:{self.port}: {exc.strerror or exc}"
            ) from None
        try:
            self._write(self._session.initiate())
            await self._handshake_step(NewSessionAcknowledged, "ControllerAckNewSession")
            self._write(self._session.request_secure_session())
            await self._handshake_step(SecureSessionEstablished, "ControllerAckSecureSession")
        except BaseException:
            await self._shutdown(send_terminate=False)
            raise
        self._secure = True
        self._tasks.append(asyncio.create_task(self._keepalive_loop(), name="omni2mqtt-keepalive"))

    async def _handshake_step(self, expected: type[SessionEvent], what: str) -> None:
        try:
            async with asyncio.timeout(HANDSHAKE_STEP_TIMEOUT):
                while True:
                    if self._lost is not None:
                        raise self._lost
                    event = await self._handshake_events.get()
                    if isinstance(event, expected):
                        return
        except TimeoutError:
            raise PanelTimeoutError(
                f"the panel did not answer the handshake ({what}) within "
                f"{HANDSHAKE_STEP_TIMEOUT} s; is its network interface set to TCP?"
            ) from None

    # -- requests --------------------------------------------------------------------------

    async def request(
        self, message: Message, *, timeout: float | None = None, may_be_silent: bool = False
    ) -> Message:
        """Send one request and return the panel's reply (which may be Nak or EOD).

        ``may_be_silent``: the panel is known to ignore some requests of this shape (a status
        window too large for one reply), so a timeout says nothing about the session's health.
        """
        if not self.connected:
            raise self._lost or PanelOfflineError()
        async with self._request_lock:
            if not self.connected:
                raise self._lost or PanelOfflineError()
            seq, data = self._session.send(message)
            future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
            self._pending = (seq, future)
            try:
                self._write(data)
                self.requests_sent += 1
                async with asyncio.timeout(timeout or self.request_timeout):
                    reply = await future
                self._timeouts_in_row = 0
                return reply
            except TimeoutError:
                error = PanelTimeoutError(
                    f"no reply to {type(message).__name__} within "
                    f"{timeout or self.request_timeout} s"
                )
                self._timeouts_in_row += 0 if may_be_silent else 1
                if self._timeouts_in_row >= MAX_CONSECUTIVE_TIMEOUTS:
                    self._connection_lost(error)
                raise error from None
            finally:
                self._pending = None

    async def request_ok(self, message: Message, *, timeout: float | None = None) -> Message:
        """Like :meth:`request`, but a Nak raises :class:`PanelNakError`."""
        reply = await self.request(message, timeout=timeout)
        if isinstance(reply, Nak):
            raise PanelNakError(f"the panel refused {type(message).__name__} (Nak)")
        return reply

    async def request_as(
        self, message: Message, reply_type: type[M], *, timeout: float | None = None
    ) -> M:
        """Send a request whose only good answer is ``reply_type``; anything else raises."""
        reply = await self.request_ok(message, timeout=timeout)
        if not isinstance(reply, reply_type):
            raise PanelProtocolError(
                f"{type(message).__name__} was answered with {type(reply).__name__}, "
                f"expected {reply_type.__name__}"
            )
        return reply

    # -- I/O loops ----------------------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        transport = self._transport
        if transport is None or transport.is_closing():
            raise self._lost or PanelOfflineError()
        transport.write(data)
        self._last_sent = asyncio.get_running_loop().time()

    def _received(self, data: bytes) -> None:
        # Called by the protocol as bytes arrive: a push is decoded and applied in the same
        # event-loop turn, not one later in a reader task (it is the start of the push path).
        if self._lost is not None or self._closing:
            return
        error: PanelError
        try:
            for event in self._session.receive_data(data):
                self._dispatch(event)
            if self._session.state is not SessionState.CLOSED:
                return
            error = PanelConnectionError("the panel ended the session")
        except WrongKeyError as exc:
            error = PanelAuthenticationError(str(exc))
        except SessionRefusedError as exc:
            error = PanelBusyError(str(exc))
        except ProtocolError as exc:
            error = PanelProtocolError(f"unusable data from the panel: {exc}")
        self._connection_lost(error)

    def _socket_closed(self, exc: Exception | None) -> None:
        if self._closed is not None and not self._closed.done():
            self._closed.set_result(None)
        self._connection_lost(
            PanelConnectionError(f"connection to the panel failed: {exc}")
            if exc is not None
            else PanelConnectionError("the panel closed the connection")
        )

    def _dispatch(self, event: SessionEvent) -> None:
        if isinstance(event, MessageReceived):
            if event.is_push:
                if self._on_push is not None:
                    self._on_push(event.message)
                return
            self._resolve(event.seq, event.message, None)
        elif isinstance(event, InvalidMessage):
            _LOGGER.warning(
                "undecodable message from the panel (seq %d): %s", event.seq, event.error
            )
            self._resolve(event.seq, None, PanelProtocolError(str(event.error)))
        elif isinstance(event, SessionTerminated):
            _LOGGER.info("the panel ended the session (ControllerSessionTerminated)")
        else:
            self._handshake_events.put_nowait(event)

    def _resolve(self, seq: int, reply: Message | None, error: PanelError | None) -> None:
        pending = self._pending
        if pending is None or pending[0] != seq or pending[1].done():
            # A late reply to a request that already timed out, or a seq we never sent.
            _LOGGER.debug("dropping a reply with unexpected sequence number %d", seq)
            return
        if error is not None:
            pending[1].set_exception(error)
        else:
            assert reply is not None
            pending[1].set_result(reply)

    def _connection_lost(self, error: PanelError) -> None:
        if self._closing or self._lost is not None:
            return
        self._lost = error
        self._lost_event.set()
        if self._pending is not None and not self._pending[1].done():
            self._pending[1].set_exception(error)
        self._handshake_events.put_nowait(SessionTerminated())
        if self._transport is not None:
            self._transport.close()
        if self._secure and self._on_lost is not None:
            self._on_lost(error)

    async def _keepalive_loop(self) -> None:
        # The panel drops a session after ~5 minutes of silence (spec 8): send a cheap request
        # whenever nothing has been sent for keepalive_interval.
        loop = asyncio.get_running_loop()
        while self.connected:
            idle = loop.time() - self._last_sent
            if idle < self.keepalive_interval:
                await asyncio.sleep(self.keepalive_interval - idle)
                continue
            try:
                await self.request(RequestSystemStatus())
            except PanelError as exc:
                # A timeout counts towards MAX_CONSECUTIVE_TIMEOUTS; keep probing until the
                # session is declared lost or answers again.
                _LOGGER.warning("keep-alive request failed: %s", exc)

    # -- close -------------------------------------------------------------------------------

    async def wait_lost(self) -> PanelError:
        """Wait until the session ends on its own (not through close()); returns why."""
        await self._lost_event.wait()
        assert self._lost is not None
        return self._lost

    async def close(self) -> None:
        """Send ClientSessionTerminated (so the panel frees its only slot) and close."""
        await self._shutdown(send_terminate=True)

    async def _shutdown(self, *, send_terminate: bool) -> None:
        if self._closing:
            return
        was_secure = self.connected
        self._closing = True
        self._secure = False
        current = asyncio.current_task()
        for task in self._tasks:
            if task is not current:
                task.cancel()
        for task in self._tasks:
            if task is not current:
                with contextlib.suppress(BaseException):
                    await task
        transport = self._transport
        if transport is None:
            return
        if send_terminate and was_secure and not transport.is_closing():
            # close() sends what is buffered before it closes the socket.
            transport.write(self._session.close())
        transport.close()
        if self._closed is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._closed), 2.0)


class _PanelProtocol(asyncio.Protocol):
    """Hands the socket's bytes and its end to the connection, as they happen."""

    def __init__(self, connection: PanelConnection) -> None:
        self._connection = connection

    def data_received(self, data: bytes) -> None:
        self._connection._received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        self._connection._socket_closed(exc)
