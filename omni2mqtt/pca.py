"""PC Access ``.pca`` account files: the panel's address, port and ControllerKey (Appendix B).

A ``.pca`` file is XOR-ed with Borland Pascal's ``Random`` keystream. Exported files use a
fixed key; the "live" files of an installed PC Access use a per-install key stored in its
settings file ``PCA01.CFG``, itself encrypted with another fixed key. A key is right when the
plaintext starts with the String8 ``PCA03``.

The Omni Pro II's Connection block sits at a known offset; other models have other
capacities, hence other offsets, so for them the file is searched for the block's shape (a
String8(5) decimal port, then the length byte 0x20 and 32 hex digits).

Everything here is pure (bytes in, values out). The ControllerKey and the account's personal
data are secrets: no exception text carries any of them.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from .protocol.objects import Model, firmware_string, model_name

EXPORT_KEY = 0x17569237
CFG_KEY = 0x14326573
STAMP_SEED = 0x12345678
PCA_TAG = b"PCA03"

_MASK32 = 0xFFFFFFFF
_MULTIPLIER = 134775813

# Header: tag String8 (6), account name String8(30), address String16(120), phone String8(20),
# code String8(4), remarks String16(2000), model, firmware major, minor, revision.
_NAME_WIDTH, _ADDRESS16_WIDTH, _PHONE_WIDTH, _CODE_WIDTH, _REMARKS_WIDTH = 30, 120, 20, 4, 2000
HEADER_SIZE = 2191

# The Omni Pro II's Connection block: address String8(120), port String8(5), key String8(32).
CONNECTION_OFFSET = 58072
_HOST_WIDTH, _PORT_WIDTH, _KEY_WIDTH = 120, 5, 32
_PORT_AT = 1 + _HOST_WIDTH
_KEY_AT = _PORT_AT + 1 + _PORT_WIDTH
CONNECTION_SIZE = _KEY_AT + 1 + _KEY_WIDTH
_HEX = frozenset(b"0123456789abcdefABCDEF")
# The length byte of a 32-digit key followed by the digits; the port String8(5) precedes it.
_KEY_SHAPE = re.compile(rb"\x20(?=[0-9A-Fa-f]{32})")

# PCA01.CFG: tag String8, init strings String8(40) (three from version 5, one before), four
# dial strings String8(40), modem port and IRQ u16 (plus baud u16 before version 5), pca_key.
_CFG_STRING = 41
_CFG_TAG = re.compile(rb"CFG(\d\d)")


class PcaError(Exception):
    """A file this module cannot read; ``kind`` is stable: wrong_key, truncated,
    unsupported_model, bad_cfg or bad_key."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def crypt(data: bytes, key: int) -> bytes:
    """Encrypt or decrypt (the same operation) ``data`` with the keystream seeded by ``key``."""
    seed = key & _MASK32
    out = bytearray(data)
    for index, byte in enumerate(out):
        seed = (seed * _MULTIPLIER + 1) & _MASK32
        out[index] = byte ^ ((seed >> 16) % 255)
    return bytes(out)


def stamp_key(stamp: str) -> int:
    """The file key derived from an installer "stamp" string."""
    key = STAMP_SEED
    for char in stamp.encode("latin-1", "replace"):
        key = (((key ^ char) << 7) ^ char) & _MASK32
    return key


def parse_key(text: str) -> int:
    """A u32 file key: ``0x``-prefixed or with letters a-f = hex, all digits = decimal."""
    value = text.strip().lower().replace("_", "")
    try:
        if value.startswith("0x"):
            number = int(value[2:], 16)
        elif value.isdigit():
            number = int(value)
        else:
            number = int(value, 16)
    except ValueError:
        number = -1
    if not 0 <= number <= _MASK32:
        raise PcaError(
            "bad_key",
            "a file key is a 32-bit number: decimal (391549495) or hex (0x17569237)",
        )
    return number


def read_cfg_key(data: bytes) -> int:
    """The per-install file key stored in PC Access's ``PCA01.CFG``."""
    head = crypt(data[:512], CFG_KEY)
    length = head[0] if head else 0
    match = _CFG_TAG.fullmatch(head[1 : 1 + length])
    if match is None:
        raise PcaError("bad_cfg", "not a PC Access settings file (PCA01.CFG): wrong tag")
    version = int(match.group(1))
    init_strings = 3 if version >= 5 else 1
    offset = 1 + length + (init_strings + 4) * _CFG_STRING + (4 if version >= 5 else 6)
    if len(data) < offset + 4:
        raise PcaError(
            "truncated",
            f"PCA01.CFG ends at byte {len(data)}, its pca_key needs {offset + 4}",
        )
    return int.from_bytes(head[offset : offset + 4], "little")


@dataclass(frozen=True)
class PcaAccount:
    """What a .pca file says about its panel. ``controller_key`` is a secret."""

    model: int
    firmware: str
    host: str
    port: int
    controller_key: str
    account_name: str
    address: str
    phone: str
    remarks: str
    connection_offset: int
    found_by_search: bool

    @property
    def model_name(self) -> str:
        return model_name(self.model)

    def __repr__(self) -> str:
        # The dataclass repr would print the key and the personal data.
        return (
            f"PcaAccount(model={self.model_name!r}, firmware={self.firmware!r}, "
            f"connection_offset={self.connection_offset}, found_by_search={self.found_by_search})"
        )


def decrypt(data: bytes, keys: Sequence[int]) -> bytes:
    """The plaintext of a .pca file, with the first of ``keys`` that yields the PCA03 tag."""
    tag = bytes([len(PCA_TAG)]) + PCA_TAG
    for key in keys:
        if crypt(data[: len(tag)], key) == tag:
            return crypt(data, key)
    if len(data) < len(tag):
        raise PcaError("truncated", f"file ends at byte {len(data)}: too short for a .pca file")
    raise PcaError(
        "wrong_key", "not a PC Access file, or encrypted with another key: try --cfg PCA01.CFG"
    )


def decode_pca(data: bytes, keys: Sequence[int] = (EXPORT_KEY,)) -> PcaAccount:
    """Decrypt a .pca file and read its header and Connection block."""
    plain = decrypt(data, keys)
    if len(plain) < HEADER_SIZE:
        raise PcaError(
            "truncated", f"file ends at byte {len(plain)}, the header needs {HEADER_SIZE}"
        )
    header = _Header(plain)
    model = header.model
    if model == Model.OMNI_PRO_II:
        end = CONNECTION_OFFSET + CONNECTION_SIZE
        if len(plain) < end:
            raise PcaError(
                "truncated",
                f"file ends at byte {len(plain)}, the Connection block needs {end}",
            )
        found = _connection_at(plain, CONNECTION_OFFSET)
        offset, by_search = CONNECTION_OFFSET, False
        if found is None:
            offset, found = _search_connection(plain)
            by_search = True
    else:
        offset, found = _search_connection(plain)
        by_search = True
    if found is None and model == Model.OMNI_PRO_II:
        raise PcaError(
            "unsupported_model",
            f"no readable Connection block at byte {CONNECTION_OFFSET} (an older file "
            "version?), and none found by searching the file",
        )
    if found is None:
        raise PcaError(
            "unsupported_model",
            f"unsupported model {model_name(model)} (model byte {model}): no Connection "
            "block with a ControllerKey was found in the file",
        )
    host, port, key = found
    return PcaAccount(
        model=model,
        firmware=firmware_string(header.major, header.minor, header.revision),
        host=host,
        port=port,
        controller_key=key,
        account_name=header.account_name,
        address=header.address,
        phone=header.phone,
        remarks=header.remarks,
        connection_offset=offset,
        found_by_search=by_search,
    )


def _text(raw: bytes) -> str:
    # PC Access is a Windows program: its strings are in the ANSI code page.
    return raw.decode("cp1252", "replace").replace("\x00", "")


class _Header:
    def __init__(self, plain: bytes) -> None:
        self._data = plain
        self._pos = 1 + len(PCA_TAG)
        self.account_name = self._string(1, _NAME_WIDTH)
        self.address = self._string(2, _ADDRESS16_WIDTH)
        self.phone = self._string(1, _PHONE_WIDTH)
        self._string(1, _CODE_WIDTH)  # the modem access code: a secret, never exposed
        self.remarks = self._string(2, _REMARKS_WIDTH)
        self.model, self.major, self.minor = plain[self._pos : self._pos + 3]
        self.revision = struct.unpack_from("<b", plain, self._pos + 3)[0]

    def _string(self, size_bytes: int, width: int) -> str:
        length = int.from_bytes(self._data[self._pos : self._pos + size_bytes], "little")
        start = self._pos + size_bytes
        self._pos = start + width
        return _text(self._data[start : start + min(length, width)])


def _string8(data: bytes, offset: int, width: int) -> bytes | None:
    length = data[offset]
    if length > width:
        return None
    return data[offset + 1 : offset + 1 + length]


def _port(raw: bytes | None) -> int | None:
    if not raw or not raw.isdigit():
        return None
    port = int(raw)
    return port if 1 <= port <= 0xFFFF else None


def _host(raw: bytes | None) -> str | None:
    if raw is None or any(not 0x20 < byte < 0x7F for byte in raw):
        return None
    return raw.decode("ascii")


def _connection_at(
    data: bytes, offset: int, *, any_host: bool = False
) -> tuple[str, int, str] | None:
    """The (host, port, key) of a Connection block at ``offset``, or None if it is not one.
    With ``any_host`` an unreadable address gives host "" instead of None."""
    host = _host(_string8(data, offset, _HOST_WIDTH))
    if host is None and any_host:
        host = ""
    port = _port(_string8(data, offset + _PORT_AT, _PORT_WIDTH))
    key = _string8(data, offset + _KEY_AT, _KEY_WIDTH)
    if host is None or port is None or key is None or len(key) != _KEY_WIDTH:
        return None
    if not set(key) <= _HEX:
        return None
    return host, port, key.decode("ascii").lower()


def _search_connection(data: bytes) -> tuple[int, tuple[str, int, str] | None]:
    """The first block shaped like a Connection block after the header (Appendix B's
    fallback for models whose offsets are unknown)."""
    for match in _KEY_SHAPE.finditer(data, HEADER_SIZE + _KEY_AT):
        offset = match.start() - _KEY_AT
        # Only the port and the key are part of the shape; the address is read if it can be.
        found = _connection_at(data, offset, any_host=True)
        if found is not None:
            return offset, found
    return -1, None
