"""Shared fixtures for emulator tests: a raw-socket Omni-Link II client on the protocol package.

The client deliberately uses only ``omni2mqtt.protocol`` (never ``omni2mqtt.panel``): asyncio
streams plus :class:`ClientSession`, a background reader that files replies by seq and collects
seq-0 pushes, and helpers that wait for conditions with generous timeouts (no timing asserts).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.scenario import load_scenario
from omni2mqtt.emulator.server import EmulatorServer
from omni2mqtt.protocol.errors import ProtocolError
from omni2mqtt.protocol.messages.base import Message
from omni2mqtt.protocol.session import (
    ClientSession,
    InvalidMessage,
    MessageReceived,
    NewSessionAcknowledged,
    SecureSessionEstablished,
    SessionState,
    SessionTerminated,
)

KEY = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
WRONG_KEY = bytes.fromhex("ffeeddccbbaa99887766554433221100")
SESSION_ID = bytes.fromhex("1011121314")
TIMEOUT = 10.0  # generous: the shared machine is slow and noisy


async def eventually(predicate: Callable[[], bool], timeout: float = TIMEOUT) -> bool:
    """Poll ``predicate`` until it holds (for state that no client event announces)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


class RawClient:
    """One TCP connection to the emulator, speaking through :class:`ClientSession`."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        key: bytes,
        first_seq: int = 1,
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.session = ClientSession(key, first_seq=first_seq)
        self.replies: dict[int, Message] = {}
        self.reply_order: list[int] = []  # seqs in arrival order
        self.pushes: list[Message] = []
        self.invalid: list[InvalidMessage] = []
        self.handshake_events: list[object] = []
        self.error: ProtocolError | None = None
        self.terminated = False  # got 06 after the handshake
        self.eof = False
        self.received_bytes = bytearray()
        self._changed = asyncio.Condition()
        self._task = asyncio.create_task(self._read())

    @classmethod
    async def connect(cls, port: int, key: bytes = KEY, first_seq: int = 1) -> RawClient:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer, key, first_seq)

    async def _read(self) -> None:
        try:
            while data := await self.reader.read(4096):
                self.received_bytes += data
                try:
                    events = self.session.receive_data(data)
                except ProtocolError as exc:
                    self.error = exc
                    break
                for event in events:
                    self._file(event)
                await self._notify()
        except ConnectionError:
            pass
        self.eof = True
        await self._notify()

    def _file(self, event: object) -> None:
        if isinstance(event, MessageReceived):
            if event.is_push:
                self.pushes.append(event.message)
            else:
                self.replies[event.seq] = event.message
                self.reply_order.append(event.seq)
        elif isinstance(event, InvalidMessage):
            self.invalid.append(event)
        elif isinstance(event, SessionTerminated):
            self.terminated = True
        elif isinstance(event, NewSessionAcknowledged | SecureSessionEstablished):
            self.handshake_events.append(event)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = TIMEOUT) -> bool:
        """Wait until ``predicate()`` holds; False on timeout (never raises for it)."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(predicate), timeout)
            except TimeoutError:
                return predicate()
        return True

    async def _await_handshake_step(self, count: int) -> None:
        ok = await self.wait_for(
            lambda: len(self.handshake_events) >= count or self.error is not None or self.eof
        )
        if self.error is not None:
            raise self.error
        if not ok or len(self.handshake_events) < count:
            raise AssertionError(f"handshake step {count} did not complete (eof={self.eof})")

    async def handshake(self) -> None:
        """Raises WrongKeyError / SessionRefusedError as the session reports them."""
        self.writer.write(self.session.initiate())
        await self._await_handshake_step(1)
        self.writer.write(self.session.request_secure_session())
        await self._await_handshake_step(2)
        assert self.session.state is SessionState.SECURE

    def send(self, message: Message) -> int:
        seq, data = self.session.send(message)
        self.writer.write(data)
        return seq

    async def reply(self, seq: int, timeout: float = TIMEOUT) -> Message:
        if not await self.wait_for(lambda: seq in self.replies or self.eof, timeout):
            raise AssertionError(f"no reply to seq {seq} within {timeout} s")
        if seq not in self.replies:
            raise AssertionError(f"connection closed before the reply to seq {seq}")
        return self.replies.pop(seq)

    async def request(self, message: Message, timeout: float = TIMEOUT) -> Message:
        return await self.reply(self.send(message), timeout)

    async def silent(self, seq: int, wait: float = 1.0) -> bool:
        """True when no reply to ``seq`` arrives within ``wait`` seconds."""
        return not await self.wait_for(lambda: seq in self.replies, wait)

    async def push(
        self, predicate: Callable[[Message], bool], timeout: float = TIMEOUT
    ) -> Message | None:
        """The first collected push matching ``predicate`` (waits for it), else None."""

        def found() -> Message | None:
            return next((m for m in self.pushes if predicate(m)), None)

        await self.wait_for(lambda: found() is not None, timeout)
        return found()

    async def wait_closed(self, timeout: float = TIMEOUT) -> bool:
        return await self.wait_for(lambda: self.eof, timeout)

    async def close(self) -> None:
        """ClientSessionTerminated (when the session got that far), then close the socket."""
        if self.session.state not in (SessionState.CLOSED, SessionState.IDLE) and not self.eof:
            with contextlib.suppress(ConnectionError):
                self.writer.write(self.session.close())
                await self.writer.drain()
        self.writer.close()
        with contextlib.suppress(ConnectionError):
            await self.writer.wait_closed()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


@pytest.fixture
async def open_client() -> AsyncIterator[Callable[..., Any]]:
    """``await open_client(port, key=KEY, first_seq=1)``: a RawClient closed at teardown."""
    clients: list[RawClient] = []

    async def factory(port: int, key: bytes = KEY, first_seq: int = 1) -> RawClient:
        client = await RawClient.connect(port, key, first_seq)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        await client.close()


@pytest.fixture
async def start_emulator() -> AsyncIterator[Callable[..., Any]]:
    """``await start_emulator(scenario="demo", **server_kwargs)``: a running EmulatorServer on a
    free port with a fixed session id, stopped at teardown."""
    servers: list[EmulatorServer[Any]] = []

    async def factory(
        scenario: str = "demo",
        *,
        panel: Any = None,
        max_status_records: int | None = None,
        **kwargs: Any,
    ) -> EmulatorServer[Any]:
        if panel is None:
            panel = EmulatedPanel(load_scenario(scenario), max_status_records=max_status_records)
        kwargs.setdefault("session_id_factory", lambda: SESSION_ID)
        server = EmulatorServer(panel, KEY, host="127.0.0.1", port=0, **kwargs)
        await server.start()
        servers.append(server)
        return server

    yield factory
    for server in servers:
        await server.stop()
