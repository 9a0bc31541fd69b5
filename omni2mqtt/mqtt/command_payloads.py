"""Command payloads: plain text or a JSON object, case-insensitive, checked before any request.

A payload is plain text (``ON``, ``50``, ``arm_away``) or a JSON object. In an object the
command's value sits under one of :data:`VALUE_KEYS` (``{"action": "ARM_AWAY"}``,
``{"state": "ON", "brightness": 50}``); ``transaction`` is echoed in the result and ``code`` is a
user code. Codes are secrets: they are kept out of ``repr``, out of every error text and out of
the key lists that error texts show.

Everything here raises :class:`CommandError` for input that must not reach the panel, so the
router can answer with a result and send nothing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from ..panel.security import CODE_DIGITS

T = TypeVar("T")

BAD_PAYLOAD = "bad_payload"
CODE_REQUIRED = "code_required"
UNKNOWN_OBJECT = "unknown_object"

TRANSACTION = "transaction"
CODE = "code"
# Where a JSON object carries the command's value; any one of them, not two.
VALUE_KEYS = ("action", "state", "value", "command")
# Larger payloads are junk for every command topic (a program is a few hundred bytes).
MAX_PAYLOAD = 16 * 1024
_SHOWN = 40  # characters of a rejected value quoted back in an error text


class CommandError(Exception):
    """A command refused before anything was sent to the panel, with a stable ``kind``."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


def bad_payload(detail: str) -> CommandError:
    return CommandError(BAD_PAYLOAD, detail)


def code_required() -> CommandError:
    return CommandError(
        CODE_REQUIRED,
        'this command needs a user code: send JSON such as {"action": ..., "code": ...}',
    )


def shown(value: object) -> str:
    """A rejected value as an error text quotes it: repr, cut short."""
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


@dataclass(frozen=True)
class Payload:
    """One parsed command payload.

    ``text`` is the plain payload (stripped, lower-case), None for a JSON object. ``fields`` is
    the JSON object with lower-case keys, without ``transaction`` and ``code``.
    """

    text: str | None = None
    fields: Mapping[str, object] = field(default_factory=dict)
    transaction: object = None
    has_transaction: bool = False
    raw_code: object = field(default=None, repr=False)

    def value(self, *, options: Iterable[str] = ()) -> object:
        """The command value: the plain text or the JSON value key (strings lower-cased).

        ``options`` are the other keys the command accepts; any other key is refused.
        """
        if self.text is not None:
            return self.text
        present = [key for key in VALUE_KEYS if key in self.fields]
        if len(present) > 1:
            raise bad_payload(f"give one of the keys {', '.join(present)}, not several")
        self.check_keys((*present, *options))
        if not present:
            raise bad_payload(f"a JSON command needs one of the keys {', '.join(VALUE_KEYS)}")
        value = self.fields[present[0]]
        return value.strip().lower() if isinstance(value, str) else value

    def option(self, key: str) -> object:
        """An extra JSON key (None when absent or for a plain payload)."""
        return self.fields.get(key)

    def check_keys(self, allowed: Iterable[str]) -> None:
        allowed = tuple(allowed)
        unknown = sorted(set(self.fields) - set(allowed))
        if unknown:
            accepted = ", ".join((*allowed, TRANSACTION, CODE))
            raise bad_payload(f"unknown key {shown(unknown[0])} (accepted: {accepted})")

    def code(self) -> str | None:
        """The user code (4 digits), None when the payload has none (or an empty one)."""
        raw = self.raw_code
        if raw is None or raw == "":
            return None
        if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw < 10**CODE_DIGITS:
            return f"{raw:0{CODE_DIGITS}d}"  # a JSON number loses leading zeros
        if isinstance(raw, str) and len(raw) == CODE_DIGITS and raw.isascii() and raw.isdigit():
            return raw
        # Never quote it: a mistyped code is still mostly the code.
        raise bad_payload(f"a code must be exactly {CODE_DIGITS} digits 0-9")

    def require_code(self) -> str:
        code = self.code()
        if code is None:
            raise code_required()
        return code


def parse_payload(raw: object) -> Payload:
    """Parse an MQTT payload (bytes from the broker; str and numbers are tolerated)."""
    if raw is None:
        text = ""
    elif isinstance(raw, bytes | bytearray):
        if len(raw) > MAX_PAYLOAD:
            raise bad_payload(f"the payload is larger than {MAX_PAYLOAD} bytes")
        try:
            text = bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            raise bad_payload("the payload is not UTF-8 text") from None
    else:
        text = str(raw)
    text = text.strip()
    if not text.startswith(("{", "[", '"')):
        return Payload(text=text.lower())
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise bad_payload("the payload is not valid JSON") from None
    if isinstance(data, str):
        return Payload(text=data.strip().lower())
    if not isinstance(data, dict):
        raise bad_payload("a JSON payload must be an object")
    fields = {key.strip().lower(): value for key, value in data.items()}
    has_transaction = TRANSACTION in fields
    transaction = fields.pop(TRANSACTION, None)
    raw_code = fields.pop(CODE, None)
    return Payload(None, fields, transaction, has_transaction, raw_code)


# --- values ---------------------------------------------------------------------------------


def choice(value: object, options: Mapping[str, T], what: str, *, quote: bool = True) -> T:
    """``options[value]`` for a known (lower-case) name. ``quote=False`` keeps the rejected
    value out of the error text (security topics, where a stray code could be the value)."""
    if isinstance(value, str) and value in options:
        return options[value]
    rejected = f" {shown(value)}" if quote else ""
    raise bad_payload(f"unknown {what}{rejected}; use one of: {', '.join(options)}")


ON_OFF: Mapping[str, bool] = {"on": True, "off": False}


def number(value: object, what: str) -> float:
    """A finite number from a JSON number or a decimal text such as ``"21.5"``."""
    result: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value)
        except ValueError:
            result = None
    if result is None or not math.isfinite(result):
        raise bad_payload(f"{what} must be a number, got {shown(value)}")
    return result


def integer(value: object, low: int, high: int, what: str) -> int:
    """A whole number in ``low..high`` (``"50"``, ``50`` and ``"50.0"`` are all 50)."""
    result = number(value, what)
    if not result.is_integer() or not low <= result <= high:
        raise bad_payload(f"{what} must be a whole number {low}..{high}, got {shown(value)}")
    return int(result)


def optional_integer(value: object, low: int, high: int, what: str) -> int | None:
    return None if value is None else integer(value, low, high, what)
