"""CRC-16/ARC, the checksum of every inner message (spec §7).

Reflected polynomial 0xA001, init 0, no final XOR. Not CRC-16/MODBUS (init 0xFFFF), which one public
implementation uses by mistake.
"""

from __future__ import annotations


def _make_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_TABLE = _make_table()


def crc16_arc(data: bytes | bytearray | memoryview) -> int:
    """Return the CRC-16/ARC of ``data`` (check value of b"123456789" is 0xBB3D)."""
    crc = 0
    for byte in data:
        crc = (crc >> 8) ^ _TABLE[(crc ^ byte) & 0xFF]
    return crc
