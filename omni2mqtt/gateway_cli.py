"""``omni2mqtt run`` and ``omni2mqtt check``: the gateway from a configuration file.

``run`` bridges every configured panel to the broker until SIGINT or SIGTERM, then ends each
panel session cleanly (the panel's only session slot is free at once) and publishes
``offline``. ``check`` tries the configuration once, end to end, and says what is wrong.
Exit codes: 0 fine, 1 a broker or panel check failed, 2 the configuration is invalid.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
from pathlib import Path
from typing import Any, NamedTuple

import aiomqtt

from .cli_support import (
    LOG_LEVELS,
    address,
    fail,
    positive,
    setup_logging,
    stop_on_signals,
)
from .config import ENV_PREFIX, ConfigError, PanelSettings, Settings, load_settings
from .mqtt.connection import make_client
from .mqtt.gateway import Gateway, PanelRuntime, client_options
from .mqtt.state_publisher import panel_info
from .panel.client import PanelClient
from .panel.errors import PanelError
from .redaction import install_redaction

CONFIG_ENV = f"{ENV_PREFIX}CONFIG"
EXIT_FAILED = 1
_RUN = "omni2mqtt run"
_CHECK = "omni2mqtt check"

RUN_EPILOG = f"""\
examples:
  # bridge the panels in config.yaml to the broker it names, until Ctrl-C or SIGTERM
  omni2mqtt run --config config.yaml

  # the same with more detail in the log (secrets are always masked)
  omni2mqtt run --config config.yaml --log-level debug

  # no file at all (containers): everything from the environment
  {ENV_PREFIX}MQTT__URL=mqtt://broker:1883 \\
  {ENV_PREFIX}PANELS='[{{"id": "house", "host": "192.168.1.50"}}]' \\
  {ENV_PREFIX}PANELS__HOUSE__CONTROLLER_KEY_FILE=/run/secrets/omni_key \\
    omni2mqtt run

Every key of the file can be overridden by an environment variable: {ENV_PREFIX}MQTT__URL,
{ENV_PREFIX}MQTT__PASSWORD, {ENV_PREFIX}LOG_LEVEL, panels by id:
{ENV_PREFIX}PANELS__HOUSE__CONTROLLER_KEY. See config.example.yaml for every key.
Exit codes: 0 stopped cleanly, 2 invalid configuration.
"""

CHECK_EPILOG = """\
examples:
  # validate config.yaml, connect to the broker and sync each panel once
  omni2mqtt check --config config.yaml

  # slow link or a very large panel: allow more time per panel
  omni2mqtt check --config config.yaml --timeout 120

The panel accepts one client at a time: stop a running gateway or PC Access first, or the
check reports the panel busy. Exit codes: 0 all fine, 1 the broker or a panel failed,
2 invalid configuration.
"""


class _Texts(NamedTuple):
    summary: str
    description: str
    epilog: str
    log_default: str


_TEXTS = {
    "run": _Texts(
        "run the gateway: panels <-> MQTT with Home Assistant discovery",
        "Bridge the configured Omni-Link II panels to an MQTT broker until interrupted.",
        RUN_EPILOG,
        "log_level of the config",
    ),
    "check": _Texts(
        "validate a configuration, then try the broker and every panel once",
        "Validate the configuration, connect to the MQTT broker, then connect to and sync "
        "each panel, printing its model, firmware and named objects.",
        CHECK_EPILOG,
        "no log, only the results",
    ),
}


def add_config_option(parser: argparse.ArgumentParser) -> None:
    """``--config FILE``, read by :func:`load_config`."""
    parser.add_argument(
        "--config",
        "-c",
        type=Path,
        metavar="FILE",
        help=f"the YAML configuration (default: ${CONFIG_ENV}; without either, the "
        "environment alone)",
    )


def _add_parser(subparsers: Any, name: str) -> argparse.ArgumentParser:
    """A subcommand with the options ``run`` and ``check`` share: --config and --log-level."""
    texts = _TEXTS[name]
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help=texts.summary,
        description=texts.description,
        epilog=texts.epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_config_option(parser)
    parser.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        help=f"log detail on stderr (default: {texts.log_default})",
    )
    return parser


def add_run_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = _add_parser(subparsers, "run")
    parser.set_defaults(handler=run_gateway)
    return parser


def add_check_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = _add_parser(subparsers, "check")
    parser.add_argument(
        "--timeout",
        type=positive(float, 0.1),
        default=30.0,
        metavar="S",
        help="give the broker and each panel this long (%(default)s s)",
    )
    parser.set_defaults(handler=run_check)
    return parser


def load_config(args: argparse.Namespace, prefix: str) -> Settings | int:
    """The settings from ``args.config`` (or $OMNI2MQTT_CONFIG) and the environment, or the
    exit code after printing why they are invalid."""
    path: Path | None = args.config
    if path is None and os.environ.get(CONFIG_ENV):
        path = Path(os.environ[CONFIG_ENV])
    try:
        return load_settings(path)
    except ConfigError as exc:
        text = str(exc)
        if path is None:
            text = f"(environment only) {text}"
        elif not text.startswith(str(path)):
            text = f"{path}: {text}"
        return fail(prefix, f"invalid configuration: {text}")


def _setup_logging(level: str, settings: Settings) -> None:
    setup_logging(level)
    install_redaction(settings.secret_values())


# -- run ---------------------------------------------------------------------------------------


def run_gateway(args: argparse.Namespace) -> int:
    settings = load_config(args, _RUN)
    if isinstance(settings, int):
        return settings
    return serve(settings, args.log_level)


def serve(settings: Settings, log_level: str | None = None) -> int:
    """Run the gateway until SIGINT or SIGTERM (``omni2mqtt run`` and the add-on)."""
    _setup_logging(log_level or settings.log_level, settings)
    panels = ", ".join(f"{p.id} ({address(p.host, p.port)})" for p in settings.panels)
    noun = "panel" if len(settings.panels) == 1 else "panels"
    print(
        f"omni2mqtt: bridging {noun} {panels} to {settings.mqtt.url} "
        f"(base topic {settings.mqtt.base_topic})",
        flush=True,
    )
    with contextlib.suppress(KeyboardInterrupt):  # a signal before the handlers were installed
        asyncio.run(_run(settings))
    return 0


async def _run(settings: Settings) -> None:
    stop = stop_on_signals()
    await Gateway(settings).run(stop)


# -- check -------------------------------------------------------------------------------------


def run_check(args: argparse.Namespace) -> int:
    settings = load_config(args, _CHECK)
    if isinstance(settings, int):
        return settings
    if args.log_level:
        _setup_logging(args.log_level, settings)
    else:
        # Quiet by default: the client's retry warnings would repeat the verdicts below.
        logging.getLogger().addHandler(logging.NullHandler())
    count = len(settings.panels)
    print(f"{_CHECK}: configuration ok ({count} panel{'s' if count != 1 else ''})", flush=True)
    return asyncio.run(_check(settings, args.timeout))


async def _check(settings: Settings, timeout: float) -> int:
    ok = await _check_broker(settings, timeout)
    for panel in settings.panels:
        ok = await _check_panel(panel, settings, timeout) and ok
    return 0 if ok else EXIT_FAILED


def _failed(what: str, reason: str) -> bool:
    fail(_CHECK, f"{what}: FAILED: {reason}", EXIT_FAILED)
    return False


async def _check_broker(settings: Settings, timeout: float) -> bool:
    mqtt = settings.mqtt
    what = f"broker {mqtt.url}"
    password = mqtt.password.get_secret_value() if mqtt.password is not None else None
    try:
        # Its own client id and no will: a running gateway's session is left alone.
        client = make_client(
            mqtt, password, identifier=f"{mqtt.client_id}-check-{os.getpid()}", timeout=timeout
        )
        async with asyncio.timeout(timeout), client:
            pass
    except TimeoutError:
        return _failed(what, f"no answer within {timeout:g} s")
    except aiomqtt.MqttCodeError as exc:
        return _failed(what, f"the broker refused the connection: {exc}")
    except (aiomqtt.MqttError, OSError) as exc:
        return _failed(what, f"cannot connect: {exc}")
    user = f" as {mqtt.username}" if mqtt.username else ""
    print(f"{_CHECK}: {what}: ok (connected{user})", flush=True)
    return True


_HINTS = {
    "wrong_key": "check the panel's controller_key",
    "connection_error": "check host and port, and that the panel's network interface is on",
}


async def _check_panel(panel: PanelSettings, settings: Settings, timeout: float) -> bool:
    what = f"panel {panel.id} ({address(panel.host, panel.port)})"
    client = PanelClient(client_options(panel, settings.name_cache_dir))
    await client.start()
    try:
        error = await _first_sync(client, timeout)
        if error is not None:
            hint = _HINTS.get(error.kind)
            return _failed(what, f"{error} [{error.kind}]" + (f"; {hint}" if hint else ""))
        if not client.available:
            return _failed(what, f"no session and complete sync within {timeout:g} s")
        info = panel_info(PanelRuntime(panel, client))
        objects = info["objects"]
        assert isinstance(objects, dict)
        counts = ", ".join(f"{n} {kind}" for kind, n in objects.items() if n) or "none"
        print(
            f"{_CHECK}: {what}: ok: {info['model']} firmware {info['firmware']}; "
            f"named objects: {counts}",
            flush=True,
        )
        return True
    finally:
        await client.stop()  # ClientSessionTerminated: the panel is free again at once


async def _first_sync(client: PanelClient, timeout: float) -> PanelError | None:
    """The first error of the first attempt, or None once synced (or at the timeout)."""
    try:
        async with asyncio.timeout(timeout):
            # The client retries by itself; a check wants the first failure's reason instead.
            while not client.available:
                if client.last_error is not None:
                    return client.last_error
                await asyncio.sleep(0.05)
    except TimeoutError:
        return client.last_error
    return None
