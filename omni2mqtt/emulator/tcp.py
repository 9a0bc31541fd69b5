"""A small asyncio TCP listener base shared by the panel server and the control channel."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Self

log = logging.getLogger(__name__)

_STOP_GRACE = 5.0


class TcpService:
    """Listens on ``host:port`` (0 = a free port) and runs :meth:`_serve` per connection."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self._requested_port = port
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        """The bound port (the requested one until :meth:`start`)."""
        if self._server is not None and self._server.sockets:
            return int(self._server.sockets[0].getsockname()[1])
        return self._requested_port

    @property
    def listening(self) -> bool:
        return self._server is not None

    async def start(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(
                self._on_connect, self.host, self._requested_port
            )
            # Keep the port a free-port request got, so a stopped service restarts where its
            # clients will look for it (outage tests stop and start the same emulator).
            self._requested_port = self.port
            self._on_started()

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        await self._on_stopping()
        if self._handlers:
            await asyncio.wait(self._handlers, timeout=_STOP_GRACE)
        for task in list(self._handlers):
            task.cancel()
        await server.wait_closed()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def _on_connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            await self._serve(reader, writer)
        except Exception:
            log.exception("%s: connection handler failed", type(self).__name__)
        finally:
            self._handlers.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    # -- for subclasses --------------------------------------------------------------------------

    def _on_started(self) -> None:
        """Called once the listener is bound."""

    async def _on_stopping(self) -> None:
        """Called after the listener closed, before waiting for the connections to end."""

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError


def peer_name(writer: asyncio.StreamWriter) -> str:
    peer = writer.get_extra_info("peername")
    return f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer)
