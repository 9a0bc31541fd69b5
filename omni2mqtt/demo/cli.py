"""``omni2mqtt demo``: the whole product on one machine with nothing to configure."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from typing import Any

import aiomqtt

from ..cli_support import LOG_LEVELS, fail, port_number, positive, setup_logging, stop_on_signals
from .broker import DEMO_EXTRA, BrokerError, quiet_broker_logs
from .runner import Demo, DemoOptions

_PREFIX = "omni2mqtt demo"
EXIT_FAILED = 1

EPILOG = f"""\
examples:
  # the demo house on the standard MQTT port (a running mosquitto is used, else amqtt)
  omni2mqtt demo

  # another broker port, no simulated activity: drive it from Home Assistant yourself
  omni2mqtt demo --mqtt-port 1884 --no-activity

  # a smoke test: the banner only, stop by itself after 20 s
  omni2mqtt demo --quiet --duration 20

The embedded broker is an optional dependency: {DEMO_EXTRA}. The demo's master code is 1234.
Ctrl-C or SIGTERM ends the panel session cleanly and publishes offline; exit code 0.
"""


def add_demo_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "demo",
        help="run an emulated house, an MQTT broker and the gateway, and show what flows",
        description="Start the built-in panel emulator (the demo house), an MQTT broker (one "
        "already answering on the port, else an embedded amqtt) and the gateway with Home "
        "Assistant discovery, simulate some activity and print a live view of the topics.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--mqtt-port",
        type=port_number,
        default=1883,
        metavar="P",
        help="broker port on 127.0.0.1: a broker answering there is used, else amqtt starts "
        "there (or on a free port if something else holds it); 0 = any free port (%(default)s)",
    )
    parser.add_argument(
        "--base-topic", default="omni2mqtt", metavar="T", help="MQTT base topic (%(default)s)"
    )
    parser.add_argument(
        "--duration",
        type=positive(float, 0.1),
        metavar="S",
        help="stop by itself after S seconds (default: run until Ctrl-C)",
    )
    parser.add_argument(
        "--no-activity", action="store_true", help="no simulated activity: the house stays still"
    )
    parser.add_argument("--quiet", action="store_true", help="print the banner only")
    parser.add_argument(
        "--log-level",
        default="warning",
        choices=LOG_LEVELS,
        help="log detail on stderr (%(default)s)",
    )
    parser.set_defaults(handler=run_demo)
    return parser


def run_demo(args: argparse.Namespace) -> int:
    base = args.base_topic.strip("/")
    if not base or any(c in base for c in "+#"):
        return fail(_PREFIX, f"--base-topic: not a topic without wildcards: {args.base_topic!r}")
    setup_logging(args.log_level)
    quiet_broker_logs(args.log_level)
    options = DemoOptions(
        mqtt_port=args.mqtt_port,
        base_topic=base,
        duration=args.duration,
        activity=not args.no_activity,
        quiet=args.quiet,
    )
    try:
        asyncio.run(_main(Demo(options, sys.stdout)))
    except KeyboardInterrupt:  # a signal before the handlers were installed
        return 0
    except BrokerError as exc:
        return fail(_PREFIX, str(exc), EXIT_FAILED)
    except (OSError, aiomqtt.MqttError) as exc:
        return fail(_PREFIX, f"cannot start: {exc}", EXIT_FAILED)
    return 0


async def _main(demo: Demo) -> None:
    stop = stop_on_signals()
    with contextlib.suppress(asyncio.CancelledError):
        await demo.run(stop)
