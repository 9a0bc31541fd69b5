"""``omni2mqtt watch``: connect to a panel (no MQTT) and print its state changes and events.

Handy to check a panel's network setup and key before configuring the gateway, and to see what
the panel pushes. It uses the same client as the gateway, so a clean exit on SIGINT or SIGTERM
sends ClientSessionTerminated and frees the panel's single session slot at once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

from .cli_support import (
    KEY_ENV,
    UsageError,
    add_key_option,
    add_log_option,
    address,
    controller_key,
    fail,
    port_number,
    setup_logging,
    stop_on_signals,
)
from .panel.client import PanelClient, PanelClientOptions
from .panel.errors import PanelAuthenticationError
from .panel.state import StateChange
from .panel.sync import WALK_KINDS
from .protocol.event_bits import Event
from .protocol.events import describe

_PREFIX = "omni2mqtt watch"
EXIT_PANEL_FAILED = 1

EPILOG = f"""\
examples:
  # print every change and event of the panel at 192.168.1.50 until Ctrl-C
  omni2mqtt watch --host 192.168.1.50 --controller-key 00112233445566778899aabbccddeeff

  # the same as JSON lines, key from the environment, names cached for fast restarts
  {KEY_ENV}=0011...eeff omni2mqtt watch --host 192.168.1.50 --json --cache-dir ~/.cache/omni2mqtt

The panel accepts one client at a time: stop the gateway or PC Access first.
"""


def add_watch_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "watch",
        help="connect to a panel and print its state changes and events (no MQTT)",
        description="Connect to an Omni-Link II panel, sync it, then print every state change "
        "and pushed event until interrupted.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", required=True, help="the panel's address")
    parser.add_argument("--port", type=port_number, default=4369, help="TCP port (%(default)s)")
    add_key_option(parser)
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--cache-dir", type=Path, help="cache object names here (warm starts)")
    add_log_option(parser)
    parser.set_defaults(handler=run_watch)
    return parser


def run_watch(args: argparse.Namespace) -> int:
    try:
        key = controller_key(args)
    except UsageError as exc:
        return fail(_PREFIX, str(exc))
    setup_logging(args.log_level)
    options = PanelClientOptions(
        host=args.host, port=args.port, controller_key=key, cache_dir=args.cache_dir
    )
    try:
        return asyncio.run(_watch(PanelClient(options), args.json))
    except KeyboardInterrupt:  # a signal before the handlers were installed
        return 0


class _Printer:
    def __init__(self, as_json: bool, lumina: bool = False) -> None:
        self.as_json = as_json
        self.lumina = lumina

    def emit(self, record: dict[str, Any], text: str) -> None:
        print(json.dumps(record, sort_keys=True) if self.as_json else text, flush=True)

    def change(self, change: StateChange) -> None:
        kind = change.object_type.slug if change.object_type is not None else "system"
        state = change.new.to_dict()
        name = state.get("name") or ""
        self.emit(
            {"type": "change", "kind": kind, "number": change.number, "state": state},
            f"{kind} {change.number} {name}: {_summary(state)}".replace("  ", " "),
        )

    def event(self, event: Event) -> None:
        self.emit({"type": "event", **event.to_dict()}, f"event: {describe(event)}")

    def availability(self, client: PanelClient, up: bool) -> None:
        error = str(client.last_error) if client.last_error and not up else None
        self.emit(
            {"type": "availability", "online": up, "error": error},
            "panel online" if up else f"panel offline{': ' + error if error else ''}",
        )


_SUMMARY_KEYS = ("ha_state", "open", "on", "level", "temperature", "value", "locked", "troubles")


def _summary(state: dict[str, Any]) -> str:
    parts = [f"{k}={state[k]}" for k in _SUMMARY_KEYS if state.get(k) is not None]
    return " ".join(parts) or json.dumps(state, sort_keys=True)


async def _watch(client: PanelClient, as_json: bool) -> int:
    printer = _Printer(as_json)
    stop = stop_on_signals()
    client.subscribe_availability(lambda up: printer.availability(client, up))
    await client.start()
    first = asyncio.create_task(client.wait_available())
    stopped = asyncio.create_task(stop.wait())
    gave_up = asyncio.create_task(client.wait_finished())
    done, _ = await asyncio.wait({first, stopped, gave_up}, return_when=asyncio.FIRST_COMPLETED)
    first.cancel()
    gave_up.cancel()
    if gave_up in done and isinstance(client.last_error, PanelAuthenticationError):
        await client.stop()
        return fail(_PREFIX, str(client.last_error), EXIT_PANEL_FAILED)
    if stopped not in done:
        info = client.state.info
        assert info is not None
        counts = ", ".join(
            f"{len(client.state.objects(kind))} {kind.slug}s"
            for kind in WALK_KINDS
            if client.state.objects(kind)
        )
        printer.emit(
            {"type": "connected", "model": info.model_name, "firmware": info.firmware},
            f"{_PREFIX}: {info.model_name} firmware {info.firmware} at "
            f"{address(client.options.host, client.options.port)}: {counts}",
        )
        client.state.subscribe(printer.change)
        client.state.subscribe_events(printer.event)
        await stopped
    await client.stop()
    return 0
