"""Command-line entry point."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from . import __version__

# Each subcommand: its name, then the module and function that add its parser, in help order.
# A command line naming one subcommand imports only that module: ``omni2mqtt run`` does not
# load the emulator, the demo or the add-on (memory and start-up time of a long-running gateway).
SUBCOMMANDS = (
    ("demo", ".demo.cli", "add_demo_parser"),
    ("run", ".gateway_cli", "add_run_parser"),
    ("check", ".gateway_cli", "add_check_parser"),
    ("emulator", ".emulator.cli", "add_emulator_parser"),
    ("watch", ".watch", "add_watch_parser"),
    ("decode-pca", ".pca_cli", "add_decode_pca_parser"),
    ("healthcheck", ".healthcheck", "add_healthcheck_parser"),
    ("addon", ".addon", "add_addon_parser"),
)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand, or of ``command`` alone (it parses that subcommand's
    command lines exactly as the full parser does)."""
    parser = argparse.ArgumentParser(
        prog="omni2mqtt",
        description="Gateway between HAI/Leviton Omni-Link II panels and MQTT.",
    )
    parser.add_argument("--version", action="version", version=f"omni2mqtt {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module, function in SUBCOMMANDS:
        if command is None or name == command:
            getattr(importlib.import_module(module, __package__), function)(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # The top-level parser has no options that take a value, so a known subcommand can only
    # be the first argument; anything else (help, errors) gets the full parser.
    first = args_list[0] if args_list else None
    command = first if any(first == name for name, _, _ in SUBCOMMANDS) else None
    parser = build_parser(command)
    args = parser.parse_args(args_list)
    if args.command is None:
        parser.print_help()
        return 0
    # Each subcommand's parser sets ``handler`` (a function of the parsed args -> exit code).
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
