"""JSON validation helpers for the program codecs (spec §20).

They raise :class:`ProgramError` with the JSON path of the offending value, since these messages
go back to the user who wrote the JSON over MQTT.
"""

from __future__ import annotations

from collections.abc import Mapping

from .errors import ProgramError


def expect_int(value: object, path: str, lo: int, hi: int, hint: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProgramError(f"{path} must be an integer {lo}..{hi}{hint}, got {value!r}")
    if not lo <= value <= hi:
        raise ProgramError(f"{path} must be {lo}..{hi}{hint}, got {value}")
    return value


def expect_int_or_hex(value: object, path: str, lo: int, hi: int) -> int:
    """An integer, or a hex string such as "0x060C" / "060C"."""
    if isinstance(value, str):
        text = value.strip().lower().removeprefix("0x")
        try:
            value = int(text, 16)
        except ValueError:
            raise ProgramError(f"{path}: {value!r} is not a hex number such as '0x060C'") from None
    return expect_int(value, path, lo, hi)


def expect_object(
    value: object, path: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()
) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise ProgramError(f"{path} must be a JSON object, got {value!r}")
    for key in value:
        if key not in allowed:
            raise ProgramError(f"{path}: unknown key {key!r} (allowed: {', '.join(allowed)})")
    for key in required:
        if key not in value:
            raise ProgramError(f"{path}: missing key {key!r}")
    return value


def expect_name(value: object, path: str, names: Mapping[str, int], hi: int = 255) -> int:
    """A case-insensitive name from ``names`` or its raw number 0..hi."""
    if isinstance(value, str):
        try:
            return names[value.strip().lower()]
        except KeyError:
            raise ProgramError(
                f"{path}: unknown value {value!r} (use one of {', '.join(names)} or a number)"
            ) from None
    return expect_int(value, path, 0, hi)


def hex_word(value: int) -> str:
    return f"0x{value:04X}"
