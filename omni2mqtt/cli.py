"""Command-line entry point."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__
from .addon import add_addon_parser
from .demo.cli import add_demo_parser
from .emulator.cli import add_emulator_parser
from .gateway_cli import add_check_parser, add_run_parser
from .healthcheck import add_healthcheck_parser
from .pca_cli import add_decode_pca_parser
from .watch import add_watch_parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="omni2mqtt",
        description="Gateway between HAI/Leviton Omni-Link II panels and MQTT.",
    )
    parser.add_argument("--version", action="version", version=f"omni2mqtt {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_demo_parser(subparsers)
    add_run_parser(subparsers)
    add_check_parser(subparsers)
    add_emulator_parser(subparsers)
    add_watch_parser(subparsers)
    add_decode_pca_parser(subparsers)
    add_healthcheck_parser(subparsers)
    add_addon_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    # Each subcommand's parser sets ``handler`` (a function of the parsed args -> exit code).
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
