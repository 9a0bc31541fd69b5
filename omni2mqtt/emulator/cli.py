"""``omni2mqtt emulator``: run the panel emulator on TCP, with its control channel."""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
from typing import Any

from ..cli_support import (
    KEY_ENV,
    UsageError,
    add_key_option,
    add_log_option,
    address,
    controller_key,
    fail,
    port_number,
    positive,
    setup_logging,
    stop_on_signals,
)
from .control import DEFAULT_CONTROL_HOST, ControlServer
from .panel import EmulatedPanel
from .scenario import BUILTIN_SCENARIOS, ScenarioError, load_scenario
from .server import DEFAULT_IDLE_TIMEOUT, DEFAULT_PORT, EmulatorServer

_PREFIX = "omni2mqtt emulator"

EPILOG = f"""\
examples:
  # the demo house on the standard port, control channel on 4370
  omni2mqtt emulator --controller-key 000102030405060708090a0b0c0d0e0f --scenario demo

  # a full Omni Pro II with a real panel's 20 ms round trip, ports picked by the system
  omni2mqtt emulator --port 0 --control-port 0 --scenario full --latency-ms 20

  # your own house from a YAML file, key from the environment, sessions dropped after 30 s idle
  {KEY_ENV}=00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff \\
    omni2mqtt emulator --scenario my-house.yaml --idle-timeout 30

  # drive it from outside: one JSON object per line on the control port
  echo '{{"op": "trip_zone", "zone": 5}}' | nc -q1 127.0.0.1 4370

It prints one line when it is listening and stops cleanly on SIGINT or SIGTERM (the connected
client gets ControllerSessionTerminated). The controller key is never printed.
"""


_NUMERIC_OPTIONS: tuple[tuple[str, Any, float, str, str], ...] = (
    (
        "--latency-ms",
        positive(float, 0),
        0.0,
        "N",
        "wait this long before each reply, like a real panel's round trip",
    ),
    (
        "--idle-timeout",
        positive(float, 0.1),
        DEFAULT_IDLE_TIMEOUT,
        "S",
        "end a session that sent nothing for S seconds",
    ),
)


def add_emulator_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``emulator`` subcommand; it dispatches through ``args.handler``."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "emulator",
        help="run an Omni-Link II panel emulator (for tests, the demo and benchmarks)",
        description="Run an emulated HAI/Leviton Omni-Link II panel on TCP. It behaves like a "
        "real panel: v2 handshake with the controller key, one client at a time, idle timeout, "
        "no reply to oversized status requests, pushes only after EnableNotifications.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (%(default)s)")
    parser.add_argument(
        "--port",
        type=port_number,
        default=DEFAULT_PORT,
        help="TCP port, 0 = any free (%(default)s)",
    )
    add_key_option(parser)
    parser.add_argument(
        "--scenario",
        default="demo",
        metavar="NAME|FILE",
        help=f"built-in scenario ({', '.join(BUILTIN_SCENARIOS)}) or a YAML file (%(default)s)",
    )
    for flag, parse, default, metavar, text in _NUMERIC_OPTIONS:
        parser.add_argument(
            flag, type=parse, default=default, metavar=metavar, help=f"{text} (%(default)s)"
        )
    parser.add_argument(
        "--max-status-records",
        type=positive(int, 1),
        metavar="N",
        help="fault: no reply to (Extended)Status requests for more than N records (default: "
        "like a real panel, no reply only when the reply would not fit one packet)",
    )
    parser.add_argument(
        "--control-host",
        default=DEFAULT_CONTROL_HOST,
        metavar="HOST",
        help="control channel address; it has no authentication (%(default)s)",
    )
    parser.add_argument(
        "--control-port",
        type=port_number,
        metavar="P",
        help="control channel port, 0 = any free (default: --port + 1, or 0 with --port 0)",
    )
    parser.add_argument("--no-control", action="store_true", help="no control channel")
    add_log_option(parser)
    parser.set_defaults(handler=run_emulator)
    return parser


def _fail(message: str) -> int:
    return fail(_PREFIX, message)


def _os_reason(exc: OSError) -> str:
    # asyncio wraps bind errors in a long message; the errno's own text is what a person needs.
    if isinstance(exc, socket.gaierror) or not exc.errno or exc.errno < 0:
        return str(exc.strerror or exc)
    return os.strerror(exc.errno)


def run_emulator(args: argparse.Namespace) -> int:
    try:
        key = controller_key(args)
    except UsageError as exc:
        return _fail(str(exc))
    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as exc:
        return _fail(str(exc))
    setup_logging(args.log_level)
    panel = EmulatedPanel(scenario, max_status_records=args.max_status_records)
    title = f'{scenario.model.display_name} "{scenario.name}"'
    try:
        return asyncio.run(_serve(args, panel, key, title))
    except KeyboardInterrupt:  # a signal before the handlers were installed
        return 0


async def _serve(args: argparse.Namespace, panel: EmulatedPanel, key: bytes, title: str) -> int:
    server = EmulatorServer(
        panel,
        key,
        host=args.host,
        port=args.port,
        idle_timeout=args.idle_timeout,
        latency=args.latency_ms / 1000,
    )
    control: ControlServer | None = None
    if not args.no_control:
        control_port = args.control_port
        if control_port is None:
            control_port = args.port + 1 if 0 < args.port < 0xFFFF else 0
        control = ControlServer(server, host=args.control_host, port=control_port)
    for service, what in ((server, "panel"), (control, "control channel")):
        if service is None:
            continue
        try:
            await service.start()
        except OSError as exc:
            await server.stop()
            where = address(service.host, service.port)
            return _fail(f"cannot listen on {where} for the {what}: {_os_reason(exc)}")
    stop = stop_on_signals()
    control_text = address(control.host, control.port) if control is not None else "off"
    print(
        f"{_PREFIX}: {title} listening on {address(args.host, server.port)} "
        f"(control {control_text})",
        flush=True,
    )
    await stop.wait()
    if control is not None:
        await control.stop()
    await server.stop()
    return 0
