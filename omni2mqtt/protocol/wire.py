"""Bounds-checked readers and writers for message payloads.

Decoders read through :class:`PayloadReader` so that a short or malformed payload raises
:class:`DecodeError` (never IndexError or struct.error); encoders go through the ``u8``/``u16``
helpers so an out-of-range value raises :class:`EncodeError` naming the field.
"""

from __future__ import annotations

from .errors import DecodeError, EncodeError


class PayloadReader:
    """Sequential big-endian reader over one payload."""

    __slots__ = ("_data", "_pos", "_what")

    def __init__(self, data: bytes, what: str) -> None:
        self._data = data
        self._pos = 0
        self._what = what

    @property
    def remaining(self) -> int:
        return len(self._data) - self._pos

    def _take(self, n: int, field: str) -> bytes:
        if self.remaining < n:
            raise DecodeError(
                f"{self._what}: payload too short for {field} "
                f"(needs {n} more bytes at offset {self._pos}, has {self.remaining})"
            )
        chunk = self._data[self._pos : self._pos + n]
        self._pos += n
        return chunk

    def u8(self, field: str) -> int:
        return self._take(1, field)[0]

    def i8(self, field: str) -> int:
        return signed8(self.u8(field))

    def u16(self, field: str) -> int:
        chunk = self._take(2, field)
        return (chunk[0] << 8) | chunk[1]

    def u32(self, field: str) -> int:
        return int.from_bytes(self._take(4, field), "big")

    def raw(self, n: int, field: str) -> bytes:
        return self._take(n, field)

    def rest(self) -> bytes:
        chunk = self._data[self._pos :]
        self._pos = len(self._data)
        return chunk

    def name(self, width: int, field: str = "name") -> str:
        """A fixed-width Latin-1 name: up to the first NUL; tolerate a field one byte short."""
        available = min(width, self.remaining)
        if available < width - 1:
            raise DecodeError(
                f"{self._what}: {field} needs {width - 1}..{width} bytes, has {available}"
            )
        return decode_name(self._take(available, field))

    def expect_end(self) -> None:
        """Strict decoders call this; extra trailing bytes are a layout error."""
        if self.remaining:
            raise DecodeError(f"{self._what}: {self.remaining} unexpected trailing bytes")


def signed8(value: int) -> int:
    """A byte 0..255 read as two's complement -128..127."""
    return value - 0x100 if value & 0x80 else value


def decode_name(raw: bytes) -> str:
    end = raw.find(b"\x00")
    return (raw if end < 0 else raw[:end]).decode("latin-1")


def encode_name(name: str, width: int, field: str = "name") -> bytes:
    """Encode ``name`` into a NUL-padded field of ``width`` bytes (max ``width - 1`` chars)."""
    try:
        raw = name.encode("latin-1")
    except UnicodeEncodeError:
        raise EncodeError(f"{field} {name!r} has characters outside Latin-1") from None
    if b"\x00" in raw:
        raise EncodeError(f"{field} must not contain NUL")
    if len(raw) > width - 1:
        raise EncodeError(f"{field} {name!r} is longer than {width - 1} characters")
    return raw + b"\x00" * (width - len(raw))


def u8(value: int, field: str) -> bytes:
    if not 0 <= value <= 0xFF:
        raise EncodeError(f"{field} must be 0..255, got {value}")
    return bytes((value,))


def i8(value: int, field: str) -> bytes:
    if not -128 <= value <= 127:
        raise EncodeError(f"{field} must be -128..127, got {value}")
    return bytes((value & 0xFF,))


def u16(value: int, field: str) -> bytes:
    if not 0 <= value <= 0xFFFF:
        raise EncodeError(f"{field} must be 0..65535, got {value}")
    return bytes((value >> 8, value & 0xFF))


def u32(value: int, field: str) -> bytes:
    if not 0 <= value <= 0xFFFFFFFF:
        raise EncodeError(f"{field} must be 0..4294967295, got {value}")
    return value.to_bytes(4, "big")
