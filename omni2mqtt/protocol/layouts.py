"""Fixed-field layouts: a field table instead of hand-written codecs.

``layout("number:u16 month day")`` declares the fields of a payload (or of a part of one, such
as a status record or a Properties body) in wire order; the same table then encodes, decodes and
sizes them, so a field's order and width is written in one place.
"""

from __future__ import annotations

from collections.abc import Callable

from . import wire
from .errors import EncodeError
from .wire import PayloadReader

Layout = tuple[tuple[str, str], ...]

_READERS: dict[str, Callable[[PayloadReader, str], int]] = {
    "u8": PayloadReader.u8,
    "i8": PayloadReader.i8,
    "u16": PayloadReader.u16,
}
_WRITERS: dict[str, Callable[[int, str], bytes]] = {"u8": wire.u8, "i8": wire.i8, "u16": wire.u16}
_SIZES = {"u8": 1, "i8": 1, "u16": 2}


def layout(spec: str) -> Layout:
    """Parse ``"number:u16 month day p2:u16"`` into (field, kind) pairs; the kind defaults to u8."""
    pairs = []
    for item in spec.split():
        name, _, kind = item.partition(":")
        kind = kind or "u8"
        if kind not in _READERS:
            raise TypeError(f"unknown field kind {kind!r} in layout {spec!r}")
        pairs.append((name, kind))
    return tuple(pairs)


def check_range(value: int, low: int, high: int, what: str) -> None:
    """EncodeError naming the field when the spec gives a tighter range than the wire width."""
    if not low <= value <= high:
        raise EncodeError(f"{what} must be {low}..{high}, got {value}")


def layout_size(fields: Layout) -> int:
    return sum(_SIZES[kind] for _, kind in fields)


def write_layout(obj: object, fields: Layout, what: str) -> bytes:
    return b"".join(_WRITERS[kind](getattr(obj, attr), f"{what}.{attr}") for attr, kind in fields)


def read_layout(reader: PayloadReader, fields: Layout) -> dict[str, int]:
    return {attr: _READERS[kind](reader, attr) for attr, kind in fields}


def write_optional(obj: object, fields: Layout, what: str, limit: int | None = None) -> bytes:
    """Encode trailing optional fields (None = absent); with ``limit``, those that fit in it.

    Without a limit the fields are written up to the first None one, and a set field after it
    is an error (it could not be decoded back). With a limit, every field that fits must be set.
    """
    out = b""
    for index, (attr, kind) in enumerate(fields):
        if limit is not None and len(out) + _SIZES[kind] > limit:
            break
        value = getattr(obj, attr)
        if value is None:
            if limit is not None:
                raise EncodeError(f"{what}.{attr} is None but the record size includes it")
            later = [a for a, _ in fields[index:] if getattr(obj, a) is not None]
            if later:
                raise EncodeError(f"{what}.{attr} is None, so {later} cannot follow it")
            break
        out += _WRITERS[kind](value, f"{what}.{attr}")
    return out


def read_optional(reader: PayloadReader, fields: Layout) -> dict[str, int]:
    """Read trailing optional fields while they fit; the rest stay absent (None)."""
    values: dict[str, int] = {}
    for attr, kind in fields:
        if reader.remaining < _SIZES[kind]:
            break
        values[attr] = _READERS[kind](reader, attr)
    return values
