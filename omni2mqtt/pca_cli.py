"""``omni2mqtt decode-pca``: the panel's address, port and ControllerKey from a PC Access file.

Printing the key is this command's job, so it goes to stdout and nowhere else: nothing here
logs. The account's personal data (name, address, phone, remarks) is shown only with
``--include-pii``; the modem access code stored beside it is never shown.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .cli_support import fail
from .pca import EXPORT_KEY, PcaAccount, PcaError, decode_pca, parse_key, read_cfg_key, stamp_key

_PREFIX = "omni2mqtt decode-pca"
EXIT_FAILED = 1
# Far larger than any .pca file (a full Omni Pro II is ~60 KB): junk is refused, not read.
MAX_FILE_SIZE = 16 * 1024 * 1024
REDACTED = "redacted"
FIELDS = ("controller_key", "host", "port", "model", "firmware")
PII_FIELDS = ("account_name", "address", "phone", "remarks")

EPILOG = f"""\
examples:
  # an exported account file: prints model, firmware, host, port and controller_key
  omni2mqtt decode-pca House.pca

  # only the key, for a script or a secret file (the key is a secret: keep the file private)
  omni2mqtt decode-pca House.pca --field controller_key > omni_key.txt

  # an account file of an installed PC Access (not exported): its key is in PC Access's
  # settings file PCA01.CFG, from the same installation
  omni2mqtt decode-pca House.pca --cfg PCA01.CFG

  # the account's name, address, phone and remarks too
  omni2mqtt decode-pca House.pca --include-pii

Keys: exported files use {EXPORT_KEY:#x} (tried first); --key takes any 32-bit key, decimal
or 0x-hex. Exit codes: 0 decoded, 1 not decodable (wrong key, truncated, unsupported model),
2 bad arguments or unreadable file.
"""


def add_decode_pca_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "decode-pca",
        help="print the ControllerKey, host and port stored in a PC Access .pca file",
        description="Decrypt a PC Access account file (.pca) and print the panel's model, "
        "firmware, network address, port and ControllerKey.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="the .pca file")
    keys = parser.add_mutually_exclusive_group()
    keys.add_argument("--key", metavar="K", help="the file key: decimal or 0x-hex u32")
    keys.add_argument(
        "--cfg", type=Path, metavar="PCA01.CFG", help="read the per-install key from this file"
    )
    keys.add_argument("--stamp", metavar="TEXT", help="derive the key from an installer stamp")
    parser.add_argument("--field", choices=FIELDS, help="print only this value (for scripts)")
    parser.add_argument(
        "--include-pii",
        action="store_true",
        help="also print the account's name, address, phone and remarks",
    )
    parser.set_defaults(handler=run_decode_pca)
    return parser


def _read(path: Path, what: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_SIZE:
            raise _UnreadableError(f"{path}: {size} bytes is far too large for {what}")
        return path.read_bytes()
    except IsADirectoryError:
        raise _UnreadableError(f"{path}: is a directory, not {what}") from None
    except OSError as exc:
        raise _UnreadableError(f"{path}: cannot read: {exc.strerror or exc}") from None


class _UnreadableError(Exception):
    pass


def _keys(args: argparse.Namespace) -> list[int]:
    if args.key is not None:
        return [parse_key(args.key)]
    if args.stamp is not None:
        return [stamp_key(args.stamp)]
    if args.cfg is not None:
        try:
            return [EXPORT_KEY, read_cfg_key(_read(args.cfg, "a PCA01.CFG file"))]
        except PcaError as exc:
            raise PcaError(exc.kind, f"{args.cfg}: {exc}") from None
    return [EXPORT_KEY]


def run_decode_pca(args: argparse.Namespace) -> int:
    try:
        keys = _keys(args)
        data = _read(args.file, "a .pca file")
    except _UnreadableError as exc:
        return fail(_PREFIX, str(exc))
    except PcaError as exc:
        return fail(_PREFIX, str(exc), EXIT_FAILED if exc.kind != "bad_key" else 2)
    try:
        account = decode_pca(data, keys)
    except PcaError as exc:
        message = str(exc)
        if exc.kind == "wrong_key" and args.cfg is not None:
            message = (
                "not a PC Access file, or encrypted with a key that is neither the export "
                f"key nor the one in {args.cfg}"
            )
        return fail(_PREFIX, f"{args.file}: {message}", EXIT_FAILED)
    if args.field is not None:
        print(_values(account)[args.field])
        return 0
    for name, value in _values(account).items():
        print(f"{name}: {value}")
    for name in PII_FIELDS:
        value = _one_line(getattr(account, name)) if args.include_pii else REDACTED
        print(f"{name}: {value}")
    if account.found_by_search:
        print(
            f"{_PREFIX}: note: the Connection block was found by searching the file (byte "
            f"{account.connection_offset}), not at an offset documented for "
            f"{account.model_name}; confirm the key with: "
            "omni2mqtt watch --host HOST --controller-key KEY",
            file=sys.stderr,
        )
    return 0


def _values(account: PcaAccount) -> dict[str, str]:
    return {
        "model": account.model_name,
        "firmware": account.firmware,
        "host": account.host,
        "port": str(account.port),
        "controller_key": account.controller_key,
    }


def _one_line(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\\n")
