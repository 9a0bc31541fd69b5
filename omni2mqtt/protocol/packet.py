"""Outer packets (spec §2) and the stream reader that cuts a TCP byte stream into them (§6)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum

from .crypto import BLOCK_SIZE, SESSION_ID_SIZE, PacketCipher
from .errors import (
    BadLengthError,
    BadStartByteError,
    EncodeError,
    FramingError,
    UnknownPacketTypeError,
)
from .frame import START_V1, START_V2, frame_size

HEADER_SIZE = 4
# Real panels never send more than 15 encrypted blocks; a reader accepts 17 (what L = 255 needs).
MAX_SENT_BLOCKS = 15
MAX_READ_BLOCKS = 17
PROTOCOL_VERSION = b"\x00\x01"


class PacketType(IntEnum):
    NO_MESSAGE = 0x00
    CLIENT_REQUEST_NEW_SESSION = 0x01
    CONTROLLER_ACK_NEW_SESSION = 0x02
    CLIENT_REQUEST_SECURE_SESSION = 0x03
    CONTROLLER_ACK_SECURE_SESSION = 0x04
    CLIENT_SESSION_TERMINATED = 0x05
    CONTROLLER_SESSION_TERMINATED = 0x06
    CONTROLLER_CANNOT_START_NEW_SESSION = 0x07
    OMNI_LINK_MESSAGE = 0x10  # v1, encrypted (UDP only)
    OMNI_LINK_UNENCRYPTED = 0x11  # never sent
    OMNI_LINK2_MESSAGE = 0x20  # v2, encrypted
    OMNI_LINK2_UNENCRYPTED = 0x21  # never sent


ENCRYPTED_TYPES = frozenset(
    {
        PacketType.CLIENT_REQUEST_SECURE_SESSION,
        PacketType.CONTROLLER_ACK_SECURE_SESSION,
        PacketType.OMNI_LINK_MESSAGE,
        PacketType.OMNI_LINK2_MESSAGE,
    }
)

# Payload sizes of the fixed-size packet types. Message types (10, 20) are sized by their
# encrypted length byte; 11 and 21 are never valid on a secure link.
_FIXED_PAYLOAD_SIZE: dict[PacketType, int] = {
    PacketType.NO_MESSAGE: 0,
    PacketType.CLIENT_REQUEST_NEW_SESSION: 0,
    PacketType.CONTROLLER_ACK_NEW_SESSION: len(PROTOCOL_VERSION) + SESSION_ID_SIZE,
    PacketType.CLIENT_REQUEST_SECURE_SESSION: BLOCK_SIZE,
    PacketType.CONTROLLER_ACK_SECURE_SESSION: BLOCK_SIZE,
    PacketType.CLIENT_SESSION_TERMINATED: 0,
    PacketType.CONTROLLER_SESSION_TERMINATED: 0,
    PacketType.CONTROLLER_CANNOT_START_NEW_SESSION: 0,
}
_MESSAGE_START = {PacketType.OMNI_LINK2_MESSAGE: START_V2, PacketType.OMNI_LINK_MESSAGE: START_V1}


@dataclass(frozen=True, slots=True)
class Packet:
    """One outer packet as on the wire: ``payload`` is ciphertext for the encrypted types."""

    seq: int
    type: PacketType
    payload: bytes = b""

    def encode(self) -> bytes:
        if not 0 <= self.seq <= 0xFFFF:
            raise EncodeError(f"sequence number must be 0..65535, got {self.seq}")
        if self.type in ENCRYPTED_TYPES and len(self.payload) % BLOCK_SIZE:
            raise EncodeError(f"{self.type.name} payload must be whole AES blocks")
        if len(self.payload) > MAX_READ_BLOCKS * BLOCK_SIZE:
            raise EncodeError(f"packet payload of {len(self.payload)} bytes is too large")
        return bytes((self.seq >> 8, self.seq & 0xFF, self.type, 0)) + self.payload


def encrypted_message_size(first_block_plain: bytes, start: int) -> int:
    """Total ciphertext bytes of a message packet, from its decrypted first block (§6)."""
    if first_block_plain[0] != start:
        raise BadStartByteError(first_block_plain[0])
    length = first_block_plain[1]
    if length == 0:
        raise BadLengthError("message length byte is 0; the stream is out of step")
    return -(-frame_size(length) // BLOCK_SIZE) * BLOCK_SIZE


class PacketReader:
    """Reassembles outer packets from arbitrary chunks of a byte stream (either role).

    Feed bytes with :meth:`feed`; iterate to take every whole packet available. Message packets
    (types 10/20) carry their length only inside the encrypted first block, so the reader needs
    the session's :class:`PacketCipher` (set :attr:`cipher` once the handshake derived it) to know
    where they end. Any framing error is raised as a :class:`FramingError` subclass; the stream is
    then unusable and the connection should be dropped, as a real panel does.
    """

    def __init__(self, cipher: PacketCipher | None = None) -> None:
        self.cipher = cipher
        self._buffer = bytearray()

    @property
    def buffered(self) -> int:
        """Bytes received but not yet part of a whole packet."""
        return len(self._buffer)

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def __iter__(self) -> Iterator[Packet]:
        while (packet := self.next_packet()) is not None:
            yield packet

    def next_packet(self) -> Packet | None:
        """The next whole packet, or None until more bytes arrive."""
        buf = self._buffer
        if len(buf) < HEADER_SIZE:
            return None
        seq = (buf[0] << 8) | buf[1]
        try:
            packet_type = PacketType(buf[2])
        except ValueError:
            raise UnknownPacketTypeError(buf[2]) from None
        if buf[3] != 0:
            raise FramingError(
                f"reserved header byte is 0x{buf[3]:02x}, not 00: the stream is out of step"
            )
        size = self._payload_size(packet_type, seq)
        if size is None or len(buf) < HEADER_SIZE + size:
            return None
        payload = bytes(buf[HEADER_SIZE : HEADER_SIZE + size])
        del buf[: HEADER_SIZE + size]
        return Packet(seq, packet_type, payload)

    def _payload_size(self, packet_type: PacketType, seq: int) -> int | None:
        fixed = _FIXED_PAYLOAD_SIZE.get(packet_type)
        if fixed is not None:
            return fixed
        start = _MESSAGE_START.get(packet_type)
        if start is None:
            raise FramingError(
                f"packet type {packet_type.name} (unencrypted message) is never valid here"
            )
        if len(self._buffer) < HEADER_SIZE + BLOCK_SIZE:
            return None
        if self.cipher is None:
            raise FramingError("encrypted message received before the session key was agreed")
        first = bytes(self._buffer[HEADER_SIZE : HEADER_SIZE + BLOCK_SIZE])
        # L <= 255 bounds the result to MAX_READ_BLOCKS, so no further size check is needed.
        return encrypted_message_size(self.cipher.decrypt(first, seq), start)
