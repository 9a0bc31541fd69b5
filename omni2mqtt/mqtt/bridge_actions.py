"""What the bridge answers: the ``bridge/info`` payload and every ``bridge/request/<action>``.

Each action takes the request's JSON object (``panel`` picks the panel; optional when only one
is configured) and returns the response's ``data``; it raises :class:`BridgeError` for a bad
request and lets :class:`~omni2mqtt.panel.errors.PanelError` through, whose ``kind`` becomes the
error type. Nothing here may put a secret into a payload: the configuration is redacted, and
error texts name arguments, never their secret values.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, SecretStr

from .. import __version__
from ..config import Settings
from ..panel.errors import PanelError, PanelOfflineError
from ..panel.timesync import floor_minute
from .gateway import Gateway, PanelRuntime
from .state_publisher import panel_info

REDACTED = "**redacted**"
DEFAULT_EVENT_LOG = 20
MAX_EVENT_LOG = 250
RAW_COMMAND_DISABLED = "raw_command is disabled (bridge.raw_command in the config)"
# Keys every request may carry besides its own.
COMMON_KEYS = ("panel", "transaction")
# Fields redacted by name as well as by type, so a secret added later as a plain str does not
# leak through bridge/info (``*_file`` paths do not match and stay visible).
_SECRET_NAME = re.compile(r"(password|secret|token|key|code)$")

Args = dict[str, Any]
Data = dict[str, Any]


class BridgeError(Exception):
    """A request the bridge refuses; ``kind`` is the stable error type."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class BridgeContext:
    gateway: Gateway
    started: float = field(default_factory=time.monotonic)

    @property
    def uptime(self) -> float:
        return time.monotonic() - self.started


# -- bridge/info ------------------------------------------------------------------------------


def redacted_config(settings: Settings) -> Data:
    """``settings`` as JSON with every secret replaced by :data:`REDACTED`."""
    return _redact(settings, settings.model_dump(mode="json"))


def _redact(model: BaseModel, dumped: Data) -> Data:
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, SecretStr) or (value is not None and _SECRET_NAME.search(name)):
            dumped[name] = REDACTED
        elif isinstance(value, BaseModel):
            _redact(value, dumped[name])
        elif isinstance(value, list):
            for item, item_dump in zip(value, dumped[name], strict=True):
                if isinstance(item, BaseModel):
                    _redact(item, item_dump)
    return dumped


def error_info(error: PanelError | None) -> Data | None:
    return None if error is None else {"kind": error.kind, "text": str(error)}


def panel_summary(runtime: PanelRuntime) -> Data:
    client = runtime.client
    info = client.state.info
    return {
        "id": runtime.id,
        "name": runtime.settings.display_name,
        "host": runtime.settings.host,
        "port": runtime.settings.port,
        "available": client.available,
        "model": info.model_name if info else None,
        "firmware": info.firmware if info else None,
        "last_error": error_info(client.last_error),
    }


def bridge_info(gateway: Gateway) -> Data:
    mqtt = gateway.settings.mqtt
    scheme = "mqtts" if mqtt.tls_enabled else "mqtt"
    host = f"[{mqtt.host}]" if ":" in mqtt.host else mqtt.host
    return {
        "version": __version__,
        "panels": [panel_summary(runtime) for runtime in gateway.panels.values()],
        # Rebuilt from host and port so no user:password@ part can ever come through.
        "mqtt": {
            "url": f"{scheme}://{host}:{mqtt.port}",
            "base_topic": mqtt.base_topic,
            "discovery_prefix": mqtt.discovery_prefix,
            "protocol": mqtt.protocol,
        },
        "config": redacted_config(gateway.settings),
    }


# -- arguments --------------------------------------------------------------------------------


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def int_arg(args: Args, key: str, low: int, high: int, default: int | None = None) -> int:
    """``args[key]`` as an int in ``low..high`` (digit strings accepted)."""
    value = args.get(key, default)
    if value is None:
        raise BridgeError("bad_payload", f'"{key}" is required ({low}..{high})')
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BridgeError(
            "bad_payload", f'"{key}" must be an integer {low}..{high}, got {_show(value)}'
        )
    return value


def select_panel(context: BridgeContext, args: Args) -> PanelRuntime:
    panels = context.gateway.panels
    wanted = args.get("panel")
    names = ", ".join(panels)
    if wanted is None:
        if len(panels) == 1:
            return next(iter(panels.values()))
        raise BridgeError(
            "panel_required", f'several panels are configured ({names}): give "panel"'
        )
    if not isinstance(wanted, str) or wanted not in panels:
        raise BridgeError("unknown_panel", f"unknown panel {_show(wanted)}; configured: {names}")
    return panels[wanted]


def online_panel(context: BridgeContext, args: Args) -> PanelRuntime:
    """The selected panel, refused at once when it has no synced session (nothing is queued)."""
    runtime = select_panel(context, args)
    if not runtime.client.available:
        raise PanelOfflineError(f"panel {runtime.id} is offline")
    return runtime


def selected_panels(context: BridgeContext, args: Args) -> list[PanelRuntime]:
    """Every panel, or only the one named by ``panel`` when given."""
    if args.get("panel") is None:
        return list(context.gateway.panels.values())
    return [select_panel(context, args)]


# -- actions ----------------------------------------------------------------------------------


async def _health(context: BridgeContext, args: Args) -> Data:
    panels = [
        {
            "id": runtime.id,
            "available": runtime.client.available,
            "connected": runtime.client.connected,
            "sessions": runtime.client.sessions,
            "last_error": error_info(runtime.client.last_error),
        }
        for runtime in selected_panels(context, args)
    ]
    mqtt_connected = context.gateway.mqtt.connected
    return {
        "healthy": mqtt_connected and all(p["available"] for p in panels),
        "version": __version__,
        "uptime": round(context.uptime, 1),
        "mqtt": {"connected": mqtt_connected, "connections": context.gateway.mqtt.connections},
        "panels": panels,
    }


async def _info(context: BridgeContext, args: Args) -> Data:
    return bridge_info(context.gateway)


def _panel_details(runtime: PanelRuntime) -> Data:
    client = runtime.client
    details = panel_summary(runtime)
    if client.state.info is not None:
        # panel_info: the same counts and capacities as <panel>/info.
        details.update(panel_info(runtime))
    sync = client.sync_result
    details["sync_result"] = (
        None
        if sync is None
        else {
            "requests": sync.requests,
            "names_from_cache": sync.names_from_cache,
            "capacities_from_cache": sync.capacities_from_cache,
            "names_verified": sync.names_verified,
            "verification_requests": sync.verification_requests,
            "notifications": sync.notifications,
        }
    )
    return details


async def _panels(context: BridgeContext, args: Args) -> Data:
    return {"panels": [_panel_details(runtime) for runtime in selected_panels(context, args)]}


async def _resync(context: BridgeContext, args: Args) -> Data:
    runtime = online_panel(context, args)
    runtime.client.request_resync()
    return {"panel": runtime.id}


async def _programs_list(context: BridgeContext, args: Args) -> Data:
    runtime = online_panel(context, args)
    programs = await runtime.client.programs.read_all()
    return {
        "panel": runtime.id,
        "programs": [{"slot": slot, "program": p.to_json()} for slot, p in programs.items()],
    }


def _slot(runtime: PanelRuntime, args: Args, key: str) -> int:
    return int_arg(args, key, 1, runtime.client.programs.max_slot)


async def _program_get(context: BridgeContext, args: Args) -> Data:
    runtime = online_panel(context, args)
    slot = _slot(runtime, args, "slot")
    program = await runtime.client.programs.read(slot)
    return {
        "panel": runtime.id,
        "slot": slot,
        "program": None if program is None else program.to_json(),
    }


async def _program_clone(context: BridgeContext, args: Args) -> Data:
    runtime = online_panel(context, args)
    source, target = _slot(runtime, args, "from"), _slot(runtime, args, "to")
    program = await runtime.client.programs.clone(source, target)
    await context.gateway.programs_changed(runtime.id)
    return {"panel": runtime.id, "from": source, "to": target, "program": program.to_json()}


async def _event_log(context: BridgeContext, args: Args) -> Data:
    runtime = online_panel(context, args)
    count = int_arg(args, "count", 1, MAX_EVENT_LOG, DEFAULT_EVENT_LOG)
    info = runtime.client.state.info
    # The log stores no year: the host's local clock supplies it (the panel keeps local time).
    entries = await runtime.client.event_log.recent(
        count, datetime.now(), lumina=info.lumina if info else False
    )
    return {
        "panel": runtime.id,
        "entries": [
            {
                "number": entry.number,
                "time": entry.time.isoformat(timespec="minutes") if entry.time else None,
                "type": entry.log_type.name.lower()
                if entry.log_type
                else f"type_{entry.event_type}",
                "description": entry.description,
            }
            for entry in entries
        ],
    }


async def _acknowledge_alerts(context: BridgeContext, args: Args) -> Data:
    runtime = online_panel(context, args)
    await runtime.client.commands.acknowledge_alerts()
    return {"panel": runtime.id}


def _requested_time(value: object) -> datetime:
    if not isinstance(value, str):
        raise BridgeError("bad_payload", f'"time" must be an ISO 8601 string, got {_show(value)}')
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BridgeError(
            "bad_payload", f'"time" is not ISO 8601 (2024-05-01T18:30): {_show(value)}'
        ) from None
    # The panel has no time zone: an explicit offset is converted to this host's local time.
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment


async def _set_time(context: BridgeContext, args: Args) -> Data:
    runtime = online_panel(context, args)
    clock = runtime.client.time
    if args.get("time") is None:
        # Waits for the host's next hh:mm:00 (up to a minute): SetTime carries no seconds.
        moment = await clock.set_time_now()
    else:
        moment = _requested_time(args["time"])
        await clock.set_time(moment)
    return {"panel": runtime.id, "time": floor_minute(moment).isoformat(timespec="minutes")}


async def _raw_command(context: BridgeContext, args: Args) -> Data:
    if not context.gateway.settings.bridge.raw_command:
        raise BridgeError("disabled", RAW_COMMAND_DISABLED)
    runtime = online_panel(context, args)
    command = int_arg(args, "command", 0, 255)
    p1 = int_arg(args, "p1", 0, 255, 0)
    p2 = int_arg(args, "p2", 0, 0xFFFF, 0)
    await runtime.client.commands.raw_command(command, p1, p2)
    return {"panel": runtime.id, "command": command, "p1": p1, "p2": p2}


Handler = Callable[[BridgeContext, Args], Awaitable[Data]]


@dataclass(frozen=True)
class Action:
    handler: Handler
    keys: tuple[str, ...] = ()


ACTIONS: dict[str, Action] = {
    "health": Action(_health),
    "info": Action(_info),
    "panels": Action(_panels),
    "resync": Action(_resync),
    "programs/list": Action(_programs_list),
    "program/get": Action(_program_get, ("slot",)),
    "program/clone": Action(_program_clone, ("from", "to")),
    "event_log": Action(_event_log, ("count",)),
    "acknowledge_alerts": Action(_acknowledge_alerts),
    "set_time": Action(_set_time, ("time",)),
    "raw_command": Action(_raw_command, ("command", "p1", "p2")),
}


async def run_action(context: BridgeContext, name: str, args: Args) -> Data:
    """Validate the request's keys and run the action; BridgeError/PanelError on failure."""
    action = ACTIONS.get(name)
    if action is None:
        raise BridgeError(
            "unknown_action", f"unknown action {_show(name)}; valid actions: {', '.join(ACTIONS)}"
        )
    allowed = (*COMMON_KEYS, *action.keys)
    unknown = sorted(key for key in args if key not in allowed)
    if unknown:
        raise BridgeError(
            "bad_payload",
            f"unknown key {_show(unknown[0])} for {name} (accepted: {', '.join(allowed)})",
        )
    return await action.handler(context, args)
