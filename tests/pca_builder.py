"""PC Access files built byte by byte from Appendix B of the protocol reference.

Written independently of :mod:`omni2mqtt.pca` (its own keystream, its own layout arithmetic),
so the decoder is checked against the format rather than against itself.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

EXPORT_KEY = 391549495  # 0x17569237
CFG_KEY = 338847091  # 0x14326573

# Omni Pro II bodies after the header: SetupData, flags, names, voices, programs, event log.
NAMES = 176 * 16 + 512 * 13 + 128 * 13 + 99 * 13 + 64 * 13 + 8 * 13 + 128 * 16
OMNI_PRO_II_BODY = 3840 + (1 + 1 + 2 + 2 + 4) + NAMES + 13374 + 1500 * 14 + 250 * 9
HEADER = 2191
CONNECTION = 58072


def keystream_xor(data: bytes, key: int) -> bytes:
    out = []
    seed = key
    for byte in data:
        seed = (seed * 134775813 + 1) % 2**32
        out.append(byte ^ ((seed >> 16) % 255))
    return bytes(out)


def stamp(text: str) -> int:
    key = 0x12345678
    for char in text.encode():
        key = (((key ^ char) << 7) ^ char) % 2**32
    return key


def string8(text: bytes, width: int, fill: bytes = b"\x00") -> bytes:
    assert len(text) <= width
    return bytes([len(text)]) + text + fill * (width - len(text))


def string16(text: bytes, width: int) -> bytes:
    assert len(text) <= width
    return struct.pack("<H", len(text)) + text + b"\x00" * (width - len(text))


@dataclass
class PcaFile:
    model: int = 16  # Omni Pro II
    firmware: tuple[int, int, int] = (2, 16, 2)
    account_name: bytes = b"Smith residence"
    address: bytes = b"1 Main Street\r\nSpringfield"
    phone: bytes = b"555-0100"
    code: bytes = b"4321"
    remarks: bytes = b"installer: ACME alarms"
    host: bytes = b"192.168.1.50"
    port: bytes = b"4369"
    key: bytes = b"00112233445566778899AABBCCDDEEFF"
    body_size: int = OMNI_PRO_II_BODY
    port_fill: bytes = b"\x00"
    with_connection: bool = True
    # Version 3 files go on with the description and remarks tables: next id, count 0.
    trailer: bytes = field(default_factory=lambda: struct.pack("<II", 1, 0))

    def header(self) -> bytes:
        major, minor, revision = self.firmware
        data = (
            string8(b"PCA03", 5)
            + string8(self.account_name, 30)
            + string16(self.address, 120)
            + string8(self.phone, 20)
            + string8(self.code, 4)
            + string16(self.remarks, 2000)
            + struct.pack("<BBBb", self.model, major, minor, revision)
        )
        assert len(data) == HEADER
        return data

    def connection(self) -> bytes:
        return (
            string8(self.host, 120) + string8(self.port, 5, self.port_fill) + string8(self.key, 32)
        )

    def plain(self) -> bytes:
        data = self.header() + b"\x00" * self.body_size
        if self.model == 16 and self.body_size == OMNI_PRO_II_BODY:
            assert len(data) == CONNECTION
        if self.with_connection:
            data += self.connection()
        return data + self.trailer

    def encrypted(self, key: int = EXPORT_KEY) -> bytes:
        return keystream_xor(self.plain(), key)


def cfg_file(pca_key: int, version: int = 5) -> bytes:
    """A PCA01.CFG holding ``pca_key``, encrypted with the CFG key."""
    init_strings = 3 if version >= 5 else 1
    data = string8(f"CFG{version:02d}".encode(), 5)
    data += string8(b"ATZ", 40) * init_strings
    data += string8(b"ATDT", 40) + string8(b"ATA", 40) + string8(b"ATS0=1", 40)
    data += string8(b"ATH", 40)
    data += struct.pack("<HH", 3, 4) if version >= 5 else struct.pack("<HHH", 3, 4, 9600)
    data += struct.pack("<I", pca_key)
    data += string8(b"secret", 10) + struct.pack("<HHH", 1, 1, 9600)
    return keystream_xor(data, CFG_KEY)
