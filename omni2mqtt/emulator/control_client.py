"""Client side of the emulator's control channel (JSON lines over TCP), for tests and demos."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any, Self

DEFAULT_CONTROL_HOST = "127.0.0.1"
_LINE_LIMIT = 1 << 20

JsonObject = dict[str, Any]


class ControlError(Exception):
    """A control request failed; the message is the channel's ``error`` text."""


def encode_line(message: JsonObject) -> bytes:
    """One JSON object as one line (the channel's framing)."""
    return json.dumps(message, separators=(",", ":"), default=str).encode() + b"\n"


class ControlClient:
    """asyncio client for the control channel (tests, demo, benchmarks).

    ``await client.call("trip_zone", zone=5)`` returns the response object or raises
    :class:`ControlError` with the emulator's error text.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._lock = asyncio.Lock()

    @classmethod
    async def connect(cls, host: str = DEFAULT_CONTROL_HOST, port: int = 0) -> ControlClient:
        reader, writer = await asyncio.open_connection(host, port, limit=_LINE_LIMIT)
        return cls(reader, writer)

    async def request(self, request: JsonObject, timeout: float = 30.0) -> JsonObject:
        """Send one request object; return the raw response object (``ok`` may be false)."""
        return await self.request_line(encode_line(request), timeout)

    async def request_line(self, line: bytes, timeout: float = 30.0) -> JsonObject:
        async with self._lock:
            self._writer.write(line if line.endswith(b"\n") else line + b"\n")
            await self._writer.drain()
            raw = await asyncio.wait_for(self._reader.readline(), timeout)
        if not raw:
            raise ControlError("the emulator closed the control connection")
        response = json.loads(raw)
        if not isinstance(response, dict):
            raise ControlError(f"unexpected control response {raw!r}")
        return response

    async def call(self, op: str, timeout: float = 30.0, **params: Any) -> JsonObject:
        response = await self.request({"op": op, **params}, timeout)
        if not response.get("ok"):
            raise ControlError(str(response.get("error", "request failed")))
        return response

    async def close(self) -> None:
        self._writer.close()
        with contextlib.suppress(ConnectionError):
            await self._writer.wait_closed()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
