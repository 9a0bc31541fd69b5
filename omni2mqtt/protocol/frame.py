"""Inner message frames: start byte, length, opcode, payload, CRC-16/ARC low byte first (§7)."""

from __future__ import annotations

from dataclasses import dataclass

from .crc import crc16_arc
from .errors import BadCrcError, BadLengthError, BadStartByteError, EncodeError

START_V2 = 0x21
START_V1 = 0x5A
MAX_MESSAGE_LENGTH = 255
# Real panels send at most 240 encrypted bytes (15 blocks); the inner frame is L + 4 bytes.
MAX_SENT_FRAME_SIZE = 240
MAX_SENT_MESSAGE_LENGTH = MAX_SENT_FRAME_SIZE - 4  # 236


@dataclass(frozen=True, slots=True)
class Frame:
    """One inner message: an opcode and its payload (the length and CRC are derived)."""

    opcode: int
    payload: bytes = b""

    @property
    def message_length(self) -> int:
        """MessageLength L: opcode plus payload."""
        return 1 + len(self.payload)

    def encode(self, start: int = START_V2) -> bytes:
        if not 0 <= self.opcode <= 0xFF:
            raise EncodeError(f"opcode {self.opcode} does not fit one byte")
        length = self.message_length
        if length > MAX_MESSAGE_LENGTH:
            raise EncodeError(
                f"message of {length} bytes exceeds the protocol maximum {MAX_MESSAGE_LENGTH}"
            )
        body = bytes((length, self.opcode)) + self.payload
        crc = crc16_arc(body)
        return bytes((start,)) + body + bytes((crc & 0xFF, crc >> 8))

    @classmethod
    def decode(cls, data: bytes, start: int = START_V2) -> Frame:
        """Decode a frame from ``data``; zero padding after the CRC is ignored."""
        if len(data) < 2:
            raise BadLengthError(f"message of {len(data)} bytes is too short for a header")
        if data[0] != start:
            raise BadStartByteError(data[0])
        length = data[1]
        if length < 1:
            raise BadLengthError("message length byte is 0; a message has at least an opcode")
        size = frame_size(length)
        if len(data) < size:
            raise BadLengthError(
                f"message length byte says {size} bytes but only {len(data)} arrived"
            )
        body = data[1 : 2 + length]
        received = data[2 + length] | (data[3 + length] << 8)
        expected = crc16_arc(body)
        if received != expected:
            raise BadCrcError(expected, received)
        return cls(opcode=body[1], payload=bytes(body[2:]))


def frame_size(length_byte: int) -> int:
    """Bytes on the wire for a message whose length byte is ``length_byte``: start, L, ..., CRC."""
    return length_byte + 4
