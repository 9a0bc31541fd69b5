"""The emulator's TCP server: one Omni-Link II session at a time over asyncio streams.

The simulation itself lives in the panel object (``EmulatedPanel``); this module only does what
a real panel's network side does (spec sections 3, 5, 8, 9, 21): the handshake with the configured
ControllerKey, the single-session rule, the idle timeout, replies that echo the request's seq,
pushes with seq 0, and the 15-block size limit. Faults from :mod:`.faults` are applied here.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from ..protocol.crypto import BLOCK_SIZE, KEY_SIZE, SESSION_ID_SIZE
from ..protocol.errors import ProtocolError
from ..protocol.messages.base import Message
from ..protocol.messages.generic import Nak
from ..protocol.packet import HEADER_SIZE, MAX_SENT_BLOCKS
from ..protocol.session import (
    InvalidMessage,
    MessageReceived,
    NewSessionRequested,
    PanelSession,
    SecureSessionRequested,
    SessionEvent,
    SessionState,
    SessionTerminated,
)
from .faults import FaultKind, FaultState, RequestFault, check_garbage_size, garbage_bytes
from .tcp import TcpService, peer_name

log = logging.getLogger(__name__)

DEFAULT_PORT = 4369
DEFAULT_IDLE_TIMEOUT = 300.0  # spec section 8: about 5 minutes
DEFAULT_TICK_INTERVAL = 0.1
_READ_SIZE = 4096
_MAX_PACKET = HEADER_SIZE + MAX_SENT_BLOCKS * BLOCK_SIZE


class PanelCore(Protocol):
    """What the server needs from the simulation (``EmulatedPanel`` provides it)."""

    notifications_enabled: bool

    def handle(self, message: Message) -> Message | None: ...

    def tick(self, seconds: float) -> None: ...

    def drain_pushes(self) -> list[Message]: ...

    def session_started(self) -> None: ...


P_co = TypeVar("P_co", bound=PanelCore, covariant=True)


@dataclass(eq=False)
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    session: PanelSession = field(repr=False)
    peer: str
    requests: asyncio.Queue[tuple[int, Message | None]] = field(default_factory=asyncio.Queue)
    worker: asyncio.Task[None] | None = None
    secure: bool = False
    closed: bool = False


class EmulatorServer(TcpService, Generic[P_co]):
    """Serves ``panel`` to one Omni-Link II client at a time.

    ``port=0`` binds a free port (read :attr:`port` after :meth:`start`). ``latency`` seconds are
    waited before each reply, in order. ``idle_timeout``: a connection that sends nothing for
    that long gets ControllerSessionTerminated and is closed.
    """

    def __init__(
        self,
        panel: P_co,
        controller_key: bytes,
        *,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        latency: float = 0.0,
        session_id_factory: Callable[[], bytes] | None = None,
        tick_interval: float = DEFAULT_TICK_INTERVAL,
        faults: FaultState | None = None,
    ) -> None:
        if idle_timeout <= 0 or tick_interval <= 0:
            raise ValueError("idle_timeout and tick_interval must be positive")
        if len(controller_key) != KEY_SIZE:
            raise ValueError(f"the controller key must be {KEY_SIZE} bytes")
        super().__init__(host, port)
        self.panel = panel
        self._key = controller_key
        self.idle_timeout = idle_timeout
        self.tick_interval = tick_interval
        self.faults = faults if faults is not None else FaultState()
        self.faults.set_latency(latency)
        self._session_id = session_id_factory or functools.partial(os.urandom, SESSION_ID_SIZE)
        self._tick_task: asyncio.Task[None] | None = None
        self._connections: set[_Connection] = set()
        self._owner: _Connection | None = None
        self.sessions_started = 0
        self.sessions_terminated_by_client = 0
        self.requests_handled = 0
        self.pushes_sent = 0

    def __repr__(self) -> str:
        return f"EmulatorServer(host={self.host!r}, port={self.port}, connected={self.connected})"

    # -- lifecycle -----------------------------------------------------------------------------

    def _on_started(self) -> None:
        self._tick_task = asyncio.create_task(self._tick_loop(), name="emulator-tick")

    async def _on_stopping(self) -> None:
        """Terminate the session with 06 and close every connection."""
        if self._tick_task is not None:
            self._tick_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._tick_task
            self._tick_task = None
        for conn in list(self._connections):
            self._terminate(conn)

    # -- state for the control channel -------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """A client holds a secure session."""
        return self._owner is not None and self._owner.secure

    def status(self) -> dict[str, object]:
        owner = self._owner
        return {
            "listening": self.listening,
            "port": self.port,
            "connections": len(self._connections),
            "session": owner is not None,
            "connected": self.connected,
            "peer": owner.peer if owner is not None else None,
            "notifications": self.connected and self.panel.notifications_enabled,
            "sessions_started": self.sessions_started,
            "sessions_terminated_by_client": self.sessions_terminated_by_client,
            "requests_handled": self.requests_handled,
            "pushes_sent": self.pushes_sent,
            "faults": self.faults.summary(),
        }

    # -- faults that act at once -----------------------------------------------------------------

    def drop_connection(self) -> bool:
        """Drop the session's TCP connection now, without 06 (as a network failure would)."""
        conn = self._owner
        if conn is None:
            return False
        self.faults.count(FaultKind.DROP)
        self._close(conn, abort=True)
        return True

    def send_garbage(self, size: int) -> bool:
        """Write ``size`` random bytes to the session's connection now."""
        check_garbage_size(size)
        conn = self._owner
        if conn is None:
            return False
        self.faults.count(FaultKind.GARBAGE)
        self._write(conn, garbage_bytes(size))
        return True

    # -- pushes ------------------------------------------------------------------------------------

    def flush_pushes(self) -> int:
        """Send the panel's queued pushes (seq 0) to the secure session; returns how many."""
        conn = self._owner
        live = conn is not None and conn.secure and not conn.closed
        if live and self.faults.stalled:
            return 0  # a stalled panel sends nothing; the pushes wait in the panel's queue
        pushes = self.panel.drain_pushes()
        if conn is None or not live:
            return 0
        sent = 0
        for message in pushes:
            if self._send_message(conn, conn.session.push, message):
                sent += 1
        self.pushes_sent += sent
        return sent

    async def drain(self) -> None:
        """Wait until the session's socket buffer has room (bursts use it for back-pressure)."""
        conn = self._owner
        if conn is not None and not conn.closed:
            with contextlib.suppress(ConnectionError):
                await conn.writer.drain()

    async def _tick_loop(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while True:
            await asyncio.sleep(self.tick_interval)
            now = loop.time()
            try:
                self.panel.tick(now - last)
                self.flush_pushes()
            except Exception:  # a simulation bug must not stop time for the whole emulator
                log.exception("emulator: panel tick failed")
            last = now

    # -- connections -------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = _Connection(reader, writer, PanelSession(self._key), peer_name(writer))
        conn.worker = asyncio.create_task(self._work(conn), name="emulator-requests")
        self._connections.add(conn)
        try:
            await self._read_loop(conn)
        finally:
            self._close(conn)
            self._connections.discard(conn)
            await asyncio.gather(conn.worker, return_exceptions=True)

    async def _read_loop(self, conn: _Connection) -> None:
        while not conn.closed:
            try:
                data = await asyncio.wait_for(conn.reader.read(_READ_SIZE), self.idle_timeout)
            except TimeoutError:
                log.info(
                    "emulator: %s idle for %.0f s, ending the session", conn.peer, self.idle_timeout
                )
                self._terminate(conn)
                return
            except ConnectionError:
                return
            if not data:
                return
            try:
                events = conn.session.receive_data(data)
            except ProtocolError as exc:
                # A real panel cannot resynchronise a stream either: it drops the connection.
                log.info("emulator: dropping %s: %s", conn.peer, exc)
                return
            for event in events:
                if conn.closed:
                    return
                self._on_event(conn, event)

    def _on_event(self, conn: _Connection, event: SessionEvent) -> None:
        session = conn.session
        if isinstance(event, MessageReceived):
            conn.requests.put_nowait((event.seq, event.message))
        elif isinstance(event, InvalidMessage):
            log.info("emulator: invalid message from %s: %s", conn.peer, event.error)
            conn.requests.put_nowait((event.seq, None))
        elif isinstance(event, NewSessionRequested):
            if self._owner is not None or self.faults.take_refusal():
                self._write(conn, session.refuse(event.seq))
                self._close(conn)
                return
            self._owner = conn
            self._write(conn, session.accept(event.seq, self._session_id()))
        elif isinstance(event, SecureSessionRequested):
            self._write(conn, session.complete_handshake(event.seq))
            if not event.key_ok:
                log.info("emulator: %s used a wrong controller key", conn.peer)
                self._close(conn)
                return
            conn.secure = True
            self.sessions_started += 1
            self.panel.session_started()
        elif isinstance(event, SessionTerminated):
            # Counted so tests can tell a clean ClientSessionTerminated from a bare TCP close.
            self.sessions_terminated_by_client += 1
            self._close(conn)

    async def _work(self, conn: _Connection) -> None:
        """Answer requests one by one, in arrival order, after the latency and any stall."""
        while not conn.closed:
            seq, message = await conn.requests.get()
            if self.faults.latency > 0:
                await asyncio.sleep(self.faults.latency)
            while (stall := self.faults.stall_remaining()) > 0:
                await asyncio.sleep(stall)
            if conn.closed:
                return
            try:
                self._answer(conn, seq, message)
                await conn.writer.drain()
            except ConnectionError:
                self._close(conn)
            except Exception:
                log.exception("emulator: answering %s failed", conn.peer)
                self._close(conn)

    def _answer(self, conn: _Connection, seq: int, message: Message | None) -> None:
        fault = self.faults.take_request_fault()
        if fault is RequestFault.DROP:
            # The request is lost with the connection: it is not executed.
            self._close(conn, abort=True)
            return
        if fault is RequestFault.IGNORE:
            return
        if fault is RequestFault.GARBAGE:
            self._write(conn, garbage_bytes(self.faults.garbage_size))
            return
        reply: Message | None
        if fault is RequestFault.NAK or message is None:
            reply = Nak()
        else:
            reply = self._handle(message)
            self.requests_handled += 1
        if reply is not None:
            self._send_message(conn, functools.partial(conn.session.reply, seq), reply)
        # Pushes caused by this request follow its reply, as on a real panel.
        self.flush_pushes()

    def _handle(self, message: Message) -> Message | None:
        try:
            return self.panel.handle(message)
        except Exception:
            # A simulation bug answers Nak, so the client sees a refusal instead of a hang.
            log.exception("emulator: panel failed on %s", type(message).__name__)
            return Nak()

    # -- writing -----------------------------------------------------------------------------------

    def _send_message(
        self, conn: _Connection, encode: Callable[[Message], bytes], message: Message
    ) -> bool:
        try:
            data = encode(message)
        except ProtocolError as exc:
            log.error("emulator: cannot encode %s: %s", type(message).__name__, exc)
            return False
        if len(data) > _MAX_PACKET:
            # Real panels never send more than 15 blocks; they stay silent instead.
            log.warning(
                "emulator: %s needs %d bytes, over the 15-block limit: not sent",
                type(message).__name__,
                len(data) - HEADER_SIZE,
            )
            return False
        self._write(conn, data)
        return True

    def _write(self, conn: _Connection, data: bytes) -> None:
        if not conn.closed:
            conn.writer.write(data)

    def _terminate(self, conn: _Connection) -> None:
        """ControllerSessionTerminated, then close (idle timeout, shutdown)."""
        if not conn.closed and conn.session.state is not SessionState.CLOSED:
            self._write(conn, conn.session.terminate())
        self._close(conn)

    def _close(self, conn: _Connection, *, abort: bool = False) -> None:
        if self._owner is conn:
            self._owner = None  # the slot is free at once, before the socket is gone
        if conn.closed:
            return
        conn.closed = True
        if conn.worker is not None and conn.worker is not asyncio.current_task():
            conn.worker.cancel()
        if abort:
            conn.writer.transport.abort()
        else:
            conn.writer.close()
