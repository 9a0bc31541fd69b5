"""Control channel: drive a running emulator from outside over JSON lines on a local TCP port.

One JSON object per line in, one per line out::

    {"op": "trip_zone", "zone": 5}   ->  {"ok": true, "op": "trip_zone", "zone": 5, "pushed": 2}
    {"op": "frobnicate"}             ->  {"ok": false, "error": "unknown op 'frobnicate'; ..."}

An ``id`` in a request is echoed in its response. Nothing a client sends can stop the emulator:
bad JSON, unknown ops and bad parameters get ``{"ok": false, "error": ...}``. The channel has
no authentication, so it listens on 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable

from ..protocol.messages.notifications import MAX_EVENT_WORDS
from ..protocol.system_tables import Trouble
from .control_client import (
    DEFAULT_CONTROL_HOST,
    ControlClient,
    ControlError,
    JsonObject,
    encode_line,
)
from .faults import RequestFault
from .panel import EmulatedPanel
from .server import EmulatorServer
from .tcp import TcpService

log = logging.getLogger(__name__)

_MAX_BURST = 10_000_000
# Button 1 executed: a pure event word that changes no state the gateway mirrors.
DEFAULT_BURST_WORDS = (0x0001,)


class _Params:
    """Typed access to a request's parameters; every problem is a ControlError naming the key."""

    def __init__(self, request: JsonObject) -> None:
        self._request = request

    def integer(self, key: str, lo: int, hi: int, default: int | None = None) -> int:
        value = self._request.get(key, default)
        if value is None:
            raise ControlError(f"missing parameter {key!r} (integer {lo}..{hi})")
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise ControlError(f"parameter {key!r} must be an integer {lo}..{hi}, got {value!r}")
        return value

    def optional_int(self, key: str, lo: int, hi: int) -> int | None:
        return self.integer(key, lo, hi) if self._request.get(key) is not None else None

    def number(self, key: str, lo: float, hi: float) -> float:
        value = self._request.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            raise ControlError(f"parameter {key!r} must be a number {lo}..{hi}, got {value!r}")
        return float(value)

    def flag(self, key: str) -> bool | None:
        value = self._request.get(key)
        if value is not None and not isinstance(value, bool):
            raise ControlError(f"parameter {key!r} must be true or false, got {value!r}")
        return value

    def has(self, key: str) -> bool:
        return self._request.get(key) is not None

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self._request.get(key, choices[0])
        if value not in choices:
            raise ControlError(f"parameter {key!r} must be one of {', '.join(choices)}")
        return str(value)

    def trouble(self) -> Trouble:
        value = self._request.get("trouble")
        try:
            if isinstance(value, str):
                return Trouble[value.strip().upper()]
            if isinstance(value, int) and not isinstance(value, bool):
                return Trouble(value)
        except (KeyError, ValueError):
            pass
        names = ", ".join(t.slug for t in Trouble)
        raise ControlError(f"parameter 'trouble' must be one of {names}, got {value!r}")

    def words(self) -> tuple[int, ...]:
        value = self._request.get("words")
        if value is None:
            return DEFAULT_BURST_WORDS
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(w, int) and not isinstance(w, bool) for w in value)
            or not all(0 <= w <= 0xFFFF for w in value)
        ):
            raise ControlError("parameter 'words' must be a non-empty list of integers 0..65535")
        return tuple(value)


Handler = Callable[[_Params], Awaitable[JsonObject]]


class ControlServer(TcpService):
    """Serves the JSON-lines control channel for one :class:`EmulatorServer`."""

    def __init__(
        self,
        emulator: EmulatorServer[EmulatedPanel],
        *,
        host: str = DEFAULT_CONTROL_HOST,
        port: int = 0,
    ) -> None:
        super().__init__(host, port)
        self.emulator = emulator
        self._ops: dict[str, Handler] = {
            "trip_zone": self._trip_zone,
            "restore_zone": self._restore_zone,
            "set_zone_loop": self._set_zone_loop,
            "set_thermostat": self._set_thermostat,
            "set_trouble": self._set_trouble,
            "clear_trouble": self._clear_trouble,
            "burst": self._burst,
            "drop": self._drop,
            "garbage": self._garbage,
            "stall": self._stall,
            "refuse_next_session": self._refuse_next_session,
            "nak_next": self._nak_next,
            "latency": self._latency,
            "clear_faults": self._clear_faults,
            "snapshot": self._snapshot,
            "status": self._status,
        }

    @property
    def ops(self) -> tuple[str, ...]:
        return tuple(self._ops)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                line = await reader.readline()
            except ValueError:  # line over the limit: the stream cannot be re-split reliably
                writer.write(encode_line({"ok": False, "error": "request line too long"}))
                return
            except ConnectionError:
                return
            if not line:
                return
            if not line.strip():
                continue
            writer.write(encode_line(await self.execute_line(line)))
            try:
                await writer.drain()
            except ConnectionError:
                return

    async def execute_line(self, line: bytes | str) -> JsonObject:
        """One request line in, its response object out (never raises)."""
        try:
            request = json.loads(line)
        except (ValueError, UnicodeDecodeError) as exc:
            return {"ok": False, "error": f"request is not valid JSON: {exc}"}
        if not isinstance(request, dict):
            return {"ok": False, "error": "request must be a JSON object with an 'op' key"}
        return await self.execute(request)

    async def execute(self, request: JsonObject) -> JsonObject:
        """Run one request object; the in-process equivalent of a control line."""
        op = request.get("op")
        handler = self._ops.get(op) if isinstance(op, str) else None
        response: JsonObject
        if handler is None:
            known = ", ".join(self._ops)
            response = {"ok": False, "error": f"unknown op {op!r}; known ops: {known}"}
        else:
            try:
                response = {"ok": True, "op": op, **await handler(_Params(request))}
            except ControlError as exc:
                response = {"ok": False, "op": op, "error": str(exc)}
            except (ValueError, LookupError, TypeError) as exc:
                # The simulation rejects unknown objects and bad values with these.
                response = {"ok": False, "op": op, "error": _describe(exc)}
            except Exception as exc:
                log.exception("control: op %r failed", op)
                response = {"ok": False, "op": op, "error": f"internal error: {_describe(exc)}"}
        if "id" in request:
            response["id"] = request["id"]
        return response

    # -- simulation ---------------------------------------------------------------------------

    @property
    def _panel(self) -> EmulatedPanel:
        return self.emulator.panel

    def _pushed(self) -> JsonObject:
        return {"pushed": self.emulator.flush_pushes()}

    async def _set_zone(self, params: _Params, is_open: bool) -> JsonObject:
        zone = params.integer("zone", 1, 0xFFFF)
        self._panel.set_zone_open(zone, is_open)
        return {"zone": zone, **self._pushed()}

    async def _trip_zone(self, params: _Params) -> JsonObject:
        return await self._set_zone(params, True)

    async def _restore_zone(self, params: _Params) -> JsonObject:
        return await self._set_zone(params, False)

    async def _set_zone_loop(self, params: _Params) -> JsonObject:
        zone = params.integer("zone", 1, 0xFFFF)
        self._panel.set_zone_loop(zone, params.integer("loop", 0, 255))
        return {"zone": zone, **self._pushed()}

    async def _set_thermostat(self, params: _Params) -> JsonObject:
        number = params.integer("thermostat", 1, 0xFFFF)
        values = {
            key: params.optional_int(key, 0, 255)
            for key in ("temperature", "humidity", "outdoor_temperature")
        }
        communicating = params.flag("communicating")
        if communicating is None and all(v is None for v in values.values()):
            raise ControlError(
                "give at least one of temperature, humidity, outdoor_temperature, communicating"
            )
        self._panel.set_thermostat(number, communicating=communicating, **values)
        return {"thermostat": number, **self._pushed()}

    async def _set_trouble_state(self, params: _Params, active: bool) -> JsonObject:
        trouble = params.trouble()
        self._panel.set_trouble(trouble, active)
        return {"trouble": trouble.slug, **self._pushed()}

    async def _set_trouble(self, params: _Params) -> JsonObject:
        return await self._set_trouble_state(params, True)

    async def _clear_trouble(self, params: _Params) -> JsonObject:
        return await self._set_trouble_state(params, False)

    async def _burst(self, params: _Params) -> JsonObject:
        """``count`` event words as fast as the socket takes them, cycling through ``words``."""
        count = params.integer("count", 1, _MAX_BURST)
        words = params.words()
        started = time.perf_counter()
        messages = 0
        for offset in range(0, count, MAX_EVENT_WORDS):
            size = min(MAX_EVENT_WORDS, count - offset)
            self._panel.emit_event_words([words[(offset + i) % len(words)] for i in range(size)])
            messages += self.emulator.flush_pushes()
            await self.emulator.drain()
        return {
            "count": count,
            "messages": messages,
            "seconds": round(time.perf_counter() - started, 6),
        }

    async def _snapshot(self, params: _Params) -> JsonObject:
        return {"snapshot": self._panel.snapshot()}

    async def _status(self, params: _Params) -> JsonObject:
        return self.emulator.status()

    # -- faults --------------------------------------------------------------------------------

    def _require_session(self, done: bool) -> JsonObject:
        if not done:
            raise ControlError("no client session to act on now (use when=next_request to arm)")
        return {"when": "now"}

    def _armed(self, fault: RequestFault, count: int, size: int | None = None) -> JsonObject:
        self.emulator.faults.arm(fault, count, size=size)
        return {"when": "next_request", "count": count}

    async def _drop(self, params: _Params) -> JsonObject:
        if params.choice("when", ("now", "next_request")) == "now":
            return self._require_session(self.emulator.drop_connection())
        return self._armed(RequestFault.DROP, params.integer("count", 1, 100_000, 1))

    async def _garbage(self, params: _Params) -> JsonObject:
        size = params.integer("size", 1, 65536, 32)
        if params.choice("when", ("now", "next_request")) == "now":
            return {"size": size, **self._require_session(self.emulator.send_garbage(size))}
        return {"size": size, **self._armed(RequestFault.GARBAGE, 1, size)}

    async def _stall(self, params: _Params) -> JsonObject:
        """``seconds``: hold replies that long; ``when=next_request``: never answer it."""
        if params.choice("when", ("now", "next_request")) == "next_request":
            return self._armed(RequestFault.IGNORE, params.integer("count", 1, 100_000, 1))
        seconds = params.number("seconds", 0.001, 3600.0)
        self.emulator.faults.stall(seconds)
        return {"when": "now", "seconds": seconds}

    async def _refuse_next_session(self, params: _Params) -> JsonObject:
        count = params.integer("count", 1, 100_000, 1)
        self.emulator.faults.refuse_next_sessions(count)
        return {"count": count}

    async def _nak_next(self, params: _Params) -> JsonObject:
        return self._armed(RequestFault.NAK, params.integer("count", 1, 100_000, 1))

    async def _latency(self, params: _Params) -> JsonObject:
        seconds = params.number("ms", 0, 60_000) / 1000 if params.has("ms") else None
        if seconds is None:
            seconds = params.number("seconds", 0, 60)
        self.emulator.faults.set_latency(seconds)
        return {"latency_ms": round(seconds * 1000, 3)}

    async def _clear_faults(self, params: _Params) -> JsonObject:
        self.emulator.faults.clear()
        return {}


def _describe(exc: BaseException) -> str:
    text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    return text or type(exc).__name__


__all__ = [
    "DEFAULT_CONTROL_HOST",
    "ControlClient",
    "ControlError",
    "ControlServer",
]
