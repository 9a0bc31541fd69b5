"""Pieces every command-line subcommand shares: the key option, errors, signals, logging."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from typing import Any

from .protocol.crypto import parse_controller_key
from .protocol.errors import ProtocolError

KEY_ENV = "OMNI2MQTT_CONTROLLER_KEY"
EXIT_USAGE = 2
LOG_LEVELS = ("debug", "info", "warning", "error")


class UsageError(Exception):
    """A bad option value; the command prints it as one line and exits with code 2."""


def add_key_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--controller-key",
        metavar="HEX",
        help=f"the panel's ControllerKey, 32 hex digits (separators allowed); default: ${KEY_ENV}",
    )


def add_log_option(parser: argparse.ArgumentParser, default: str = "warning") -> None:
    parser.add_argument(
        "--log-level",
        default=default,
        choices=LOG_LEVELS,
        help="log detail on stderr (%(default)s)",
    )


def controller_key(args: argparse.Namespace) -> bytes:
    """The key from --controller-key or the environment; the key never appears in errors."""
    text = args.controller_key or os.environ.get(KEY_ENV)
    if not text:
        raise UsageError(f"give --controller-key (32 hex digits) or set {KEY_ENV}")
    try:
        return parse_controller_key(text)
    except ProtocolError as exc:
        raise UsageError(str(exc)) from None


def fail(prefix: str, message: str, code: int = EXIT_USAGE) -> int:
    print(f"{prefix}: {message}", file=sys.stderr)
    return code


def setup_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM, so a command can shut down cleanly on either."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return stop


def address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def port_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 0xFFFF:
        raise argparse.ArgumentTypeError(f"must be a TCP port 0..65535, got {text}")
    return value


def positive(kind: type[float] | type[int], minimum: float) -> Any:
    """An argparse type: a number of ``kind`` no smaller than ``minimum``."""

    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {text}")
        return value

    return parse
