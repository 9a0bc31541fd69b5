"""The bridge API (zigbee2mqtt style): retained ``bridge/info`` and request/response actions.

A request on ``<base>/bridge/request/<action>`` (non-retained; a retained one is ignored) gets
exactly one non-retained response on ``<base>/bridge/response/<action>``:
``{"status": "ok"|"error", "data": {...}, "error"?: "message", "error_type"?: "kind",
"transaction"?: echoed}``. The actions live in :mod:`omni2mqtt.mqtt.bridge_actions`.

Requests run as tasks of their own: the broker connection awaits handlers in its receive loop,
and a program walk or a set_time waiting for the next minute must not hold up every other topic.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import TYPE_CHECKING, Any

import aiomqtt

from ..panel.errors import PanelError
from .bridge_actions import Args, BridgeContext, BridgeError, bridge_info, run_action
from .extension import Extension

if TYPE_CHECKING:
    from .gateway import Gateway

_LOGGER = logging.getLogger(__name__)

# Requests in flight at once; beyond that a flood of junk gets "busy" instead of piling up tasks.
MAX_IN_FLIGHT = 16
MAX_PAYLOAD = 64 * 1024


def parse_request(payload: Any) -> Args:
    """The request's JSON object; an empty payload (or ``null``, ``""``) is ``{}``."""
    if isinstance(payload, bytes | bytearray):
        if len(payload) > MAX_PAYLOAD:
            raise BridgeError("bad_payload", f"the payload is larger than {MAX_PAYLOAD} bytes")
        try:
            text = bytes(payload).decode()
        except UnicodeDecodeError:
            raise BridgeError("bad_payload", "the payload is not UTF-8 text") from None
    else:
        text = "" if payload is None else str(payload)
    if not text.strip():
        return {}
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise BridgeError(
            "bad_payload", f"the payload is not JSON: {exc.msg} (char {exc.pos})"
        ) from None
    except RecursionError:
        raise BridgeError("bad_payload", "the payload is nested too deeply") from None
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise BridgeError(
            "bad_payload", 'the payload must be a JSON object, e.g. {"panel": "house"}'
        )
    return value


def _no_constant(name: str) -> object:
    # NaN and Infinity are not JSON: echoing one back (a transaction) would emit invalid JSON.
    raise BridgeError("bad_payload", f"the payload is not JSON: {name} is not a number")


class Bridge(Extension):
    # Some changes never flip availability (a panel that rejects the key stays offline with a
    # new last_error), so bridge/info is also rebuilt this often; unchanged payloads are not
    # published again (Publisher.retained dedups).
    info_refresh = 30.0

    def __init__(self, gateway: Gateway) -> None:
        super().__init__(gateway)
        self.context = BridgeContext(gateway)
        self._tasks: set[asyncio.Task[None]] = set()  # requests in flight
        self._refresher: asyncio.Task[None] | None = None
        self._prefix = gateway.topics.bridge_request("")

    async def start(self) -> None:
        self.context.started = time.monotonic()
        for runtime in self.gateway.panels.values():
            runtime.client.subscribe_availability(self._on_availability)
        self.gateway.mqtt.subscribe(self.gateway.topics.bridge_request("#"), self._on_request)
        self.gateway.mqtt.on_connected(self._republish)
        self._refresher = asyncio.create_task(self._refresh_info(), name="omni2mqtt-bridge-info")

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, set()
        if self._refresher is not None:
            tasks.add(self._refresher)
            self._refresher = None
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # -- bridge/info ----------------------------------------------------------------------------

    def publish_info(self) -> None:
        self.gateway.publisher.retained(
            self.gateway.topics.bridge_info, json.dumps(bridge_info(self.gateway), sort_keys=True)
        )

    def _on_availability(self, available: bool) -> None:
        self.publish_info()

    async def _republish(self) -> None:
        self.publish_info()

    async def _refresh_info(self) -> None:
        while True:
            await asyncio.sleep(self.info_refresh)
            if self.gateway.mqtt.connected:
                self.publish_info()

    # -- requests -------------------------------------------------------------------------------

    async def _on_request(self, message: aiomqtt.Message) -> None:
        topic = message.topic.value
        if message.retain:
            # A retained request would run again on every reconnect.
            _LOGGER.warning("ignoring the retained bridge request on %s", topic)
            return
        action = topic[len(self._prefix) :] if topic.startswith(self._prefix) else ""
        if len(self._tasks) >= MAX_IN_FLIGHT:
            error = BridgeError("busy", f"more than {MAX_IN_FLIGHT} requests in flight; retry")
            self._respond(action, error_response(error), _transaction(message.payload))
            return
        task = asyncio.create_task(self._handle(action, message.payload), name="omni2mqtt-bridge")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, action: str, payload: Any) -> None:
        transaction: object = None
        try:
            args = parse_request(payload)
            transaction = args.get("transaction")
            response: dict[str, object] = {
                "status": "ok",
                "data": await run_action(self.context, action, args),
            }
        except (BridgeError, PanelError) as exc:
            response = error_response(exc)
        except Exception:
            _LOGGER.exception("bridge request %r failed", action)
            response = error_response(BridgeError("internal_error", "internal error; see the log"))
        self._respond(action, response, transaction)

    def _respond(self, action: str, response: dict[str, object], transaction: object) -> None:
        if transaction is not None:
            response["transaction"] = transaction
        self.gateway.publisher.message(
            self.gateway.topics.bridge_response(action),
            json.dumps(response, sort_keys=True, default=str),
        )


def error_response(error: BridgeError | PanelError) -> dict[str, object]:
    kind = error.kind
    # Panel errors carry their kind in the text too, so scripts matching on "error" alone
    # see e.g. "panel_offline: panel house is offline".
    text = f"{kind}: {error}" if isinstance(error, PanelError) else str(error)
    return {"status": "error", "data": {}, "error": text, "error_type": kind}


def _transaction(payload: Any) -> object:
    try:
        return parse_request(payload).get("transaction")
    except BridgeError:
        return None
