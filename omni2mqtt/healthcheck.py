"""``omni2mqtt healthcheck``: exit 0 when the running gateway is healthy (container HEALTHCHECK).

The gateway keeps no state on disk; its health is what it tells the broker. The retained
``<base>/bridge/state`` is ``online`` while it is connected and turns ``offline`` through the
last will when the process dies or loses the broker; each panel's retained ``availability``
is ``online`` while its session is up and synced. The check reads those retained messages
with the gateway's own configuration, as a separate client (its own client id, no will), so
it never disturbs the running gateway's session.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from typing import Any

import aiomqtt

from .cli_support import positive
from .config import Settings
from .gateway_cli import add_config_option, load_config
from .mqtt.attributes import ONLINE
from .mqtt.connection import make_client
from .mqtt.topics import Topics

_PREFIX = "omni2mqtt healthcheck"
EXIT_UNHEALTHY = 1

EPILOG = """\
examples:
  # the container's HEALTHCHECK: the gateway is connected to the broker
  omni2mqtt healthcheck --config /config/config.yaml

  # stricter: every configured panel must be online (synced) too
  omni2mqtt healthcheck --config /config/config.yaml --require-panels

It reads the retained <base>/bridge/state (and <base>/<panel>/availability) from the broker
in the configuration. Exit codes: 0 healthy, 1 unhealthy or the broker unreachable,
2 invalid configuration.
"""


def add_healthcheck_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "healthcheck",
        help="exit 0 when the running gateway reports itself online on the broker",
        description="Check a running gateway through the broker: its retained bridge state "
        "must be online (and, with --require-panels, every configured panel's availability).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_config_option(parser)
    parser.add_argument(
        "--require-panels",
        action="store_true",
        help="unhealthy unless every configured panel is online too",
    )
    parser.add_argument(
        "--timeout",
        type=positive(float, 0.1),
        default=10.0,
        metavar="S",
        help="give the broker this long to answer (%(default)s s)",
    )
    parser.set_defaults(handler=run_healthcheck)
    return parser


def run_healthcheck(args: argparse.Namespace) -> int:
    settings = load_config(args, _PREFIX)
    if isinstance(settings, int):
        return settings
    healthy, reason = asyncio.run(probe(settings, args.timeout, args.require_panels))
    print(f"{_PREFIX}: {'healthy' if healthy else 'UNHEALTHY'}: {reason}", flush=True)
    return 0 if healthy else EXIT_UNHEALTHY


def wanted_topics(settings: Settings, require_panels: bool) -> dict[str, str]:
    """Topic -> what it tells, for every retained state the check needs to see ``online``."""
    topics = Topics(settings.mqtt.base_topic)
    wanted = {topics.bridge_state: "bridge"}
    if require_panels:
        wanted |= {topics.availability(p.id): f"panel {p.id}" for p in settings.panels}
    return wanted


async def probe(settings: Settings, timeout: float, require_panels: bool) -> tuple[bool, str]:
    """(healthy, one line saying why) from the retained states on the broker."""
    mqtt = settings.mqtt
    wanted = wanted_topics(settings, require_panels)
    seen: dict[str, str] = {}
    password = mqtt.password.get_secret_value() if mqtt.password is not None else None
    client = make_client(
        mqtt, password, identifier=f"{mqtt.client_id}-health-{os.getpid()}", timeout=timeout
    )
    try:
        async with asyncio.timeout(timeout), client:
            for topic in wanted:
                await client.subscribe(topic, qos=1)
            async for message in client.messages:
                topic = message.topic.value
                if topic not in wanted:
                    continue
                seen[topic] = _text(message.payload)
                if seen[topic] != ONLINE:
                    return False, f"{wanted[topic]} is {seen[topic] or 'not published'}"
                if len(seen) == len(wanted):
                    return True, ", ".join(f"{what} online" for what in wanted.values())
    except TimeoutError:
        missing = [what for topic, what in wanted.items() if topic not in seen]
        return False, (
            f"no retained state for {', '.join(missing)} on {mqtt.url} within {timeout:g} s "
            "(is the gateway running with this configuration?)"
        )
    except aiomqtt.MqttCodeError as exc:
        return False, f"the broker {mqtt.url} refused the connection: {exc}"
    except (aiomqtt.MqttError, OSError) as exc:
        return False, f"cannot connect to the broker {mqtt.url}: {exc}"
    return False, f"the broker {mqtt.url} closed the connection"


def _text(payload: Any) -> str:
    if isinstance(payload, bytes | bytearray):
        return payload.decode("utf-8", "replace")
    return "" if payload is None else str(payload)
