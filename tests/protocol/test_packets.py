"""Outer packets and the stream reader: vectors of spec §23.4 and chunking/fuzz properties."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omni2mqtt.protocol.crypto import PacketCipher
from omni2mqtt.protocol.errors import (
    BadStartByteError,
    EncodeError,
    FramingError,
    ProtocolError,
    UnknownPacketTypeError,
)
from omni2mqtt.protocol.packet import (
    ENCRYPTED_TYPES,
    MAX_READ_BLOCKS,
    Packet,
    PacketReader,
    PacketType,
)
from omni2mqtt.protocol.sequence import SequenceCounter, next_seq

SESSION_KEY = bytes.fromhex("000102030405060708090a1b1d1f1d1b")
CIPHER = PacketCipher(SESSION_KEY)

# (seq, plaintext frame, wire bytes) from spec §23.4
ENCRYPTED_VECTORS = [
    (4, "21051401000005f1a9", "000420001e3491940212b35a9ba77cd3b11a6c37"),
    (0x1234, "21074a0103010203044efc", "12342000dea919731e75698a2c3bff9e03e06eb0"),
    (0, "21033706057229", "000020003105e04e6cfa0dbc78e635b08cfdeea7"),
    (
        5,
        "211821010001000000010046524f4e5420444f4f520000000000c025",
        "00052000248b377f04eae20f41468ebc360893bc9f6a9a4ea832689b3d4a3adbce45eaba",
    ),
]


@pytest.mark.parametrize(("seq", "frame_hex", "wire_hex"), ENCRYPTED_VECTORS)
def test_encrypted_packet_vectors(seq: int, frame_hex: str, wire_hex: str) -> None:
    frame = bytes.fromhex(frame_hex)
    wire = bytes.fromhex(wire_hex)
    packet = Packet(seq, PacketType.OMNI_LINK2_MESSAGE, CIPHER.encrypt(frame, seq))
    assert packet.encode() == wire
    reader = PacketReader(CIPHER)
    reader.feed(wire)
    (received,) = list(reader)
    assert received == packet
    assert CIPHER.decrypt(received.payload, seq)[: len(frame)] == frame
    assert reader.buffered == 0


def test_control_packets_encode() -> None:
    assert Packet(1, PacketType.CLIENT_REQUEST_NEW_SESSION).encode().hex() == "00010100"
    assert Packet(4, PacketType.CLIENT_SESSION_TERMINATED).encode().hex() == "00040500"
    with pytest.raises(EncodeError):
        Packet(0x10000, PacketType.NO_MESSAGE).encode()
    with pytest.raises(EncodeError):
        Packet(1, PacketType.OMNI_LINK2_MESSAGE, b"\x00" * 5).encode()


def test_reader_waits_for_whole_packet_and_splits_glued_ones() -> None:
    wire = b"".join(bytes.fromhex(w) for _, _, w in ENCRYPTED_VECTORS) + bytes.fromhex("00040500")
    reader = PacketReader(CIPHER)
    got: list[Packet] = []
    for byte in wire:
        reader.feed(bytes((byte,)))
        got.extend(reader)
    assert [p.seq for p in got] == [4, 0x1234, 0, 5, 4]
    assert got[-1].type is PacketType.CLIENT_SESSION_TERMINATED


def test_reader_errors() -> None:
    reader = PacketReader(CIPHER)
    reader.feed(bytes.fromhex("00013000"))
    with pytest.raises(UnknownPacketTypeError):
        list(reader)
    reader = PacketReader(CIPHER)
    reader.feed(bytes.fromhex("00010101"))
    with pytest.raises(FramingError):
        list(reader)
    reader = PacketReader(None)
    reader.feed(bytes.fromhex(ENCRYPTED_VECTORS[0][2]))
    with pytest.raises(FramingError):
        list(reader)
    # Under the wrong key the first block does not start with 0x21.
    reader = PacketReader(PacketCipher(bytes(16)))
    reader.feed(bytes.fromhex(ENCRYPTED_VECTORS[0][2]))
    with pytest.raises(BadStartByteError):
        list(reader)


def test_sequence_rules() -> None:
    counter = SequenceCounter()
    assert [counter.take() for _ in range(3)] == [1, 2, 3]
    counter = SequenceCounter(0xFFFE)
    assert [counter.take() for _ in range(3)] == [0xFFFE, 0xFFFF, 1]
    assert next_seq(0xFFFF) == 1
    with pytest.raises(EncodeError):
        SequenceCounter(0)


def _packets() -> st.SearchStrategy[Packet]:
    def build(seq: int, kind: PacketType, body: bytes) -> Packet:
        if kind is PacketType.OMNI_LINK2_MESSAGE:
            frame = bytes((0x21, len(body) + 1, 0x20)) + body + b"\x00\x00"
            return Packet(seq, kind, CIPHER.encrypt(frame, seq))
        if kind in ENCRYPTED_TYPES:
            return Packet(seq, kind, CIPHER.encrypt(body[:16].ljust(16, b"\x00"), seq))
        if kind is PacketType.CONTROLLER_ACK_NEW_SESSION:
            return Packet(seq, kind, b"\x00\x01" + body[:5].ljust(5, b"\x00"))
        return Packet(seq, kind)

    # v1 messages use another start byte, and unencrypted message types are never valid.
    invalid_here = {
        PacketType.OMNI_LINK_MESSAGE,
        PacketType.OMNI_LINK_UNENCRYPTED,
        PacketType.OMNI_LINK2_UNENCRYPTED,
    }
    kinds = st.sampled_from([t for t in PacketType if t not in invalid_here])
    return st.builds(build, st.integers(0, 0xFFFF), kinds, st.binary(max_size=200))


@given(st.lists(_packets(), max_size=8), st.lists(st.integers(0, 2000), max_size=10))
def test_any_chunking_yields_the_same_packets(packets: list[Packet], cuts: list[int]) -> None:
    wire = b"".join(p.encode() for p in packets)
    points = sorted({c % (len(wire) + 1) for c in cuts} | {0, len(wire)})
    reader = PacketReader(CIPHER)
    got: list[Packet] = []
    for start, end in itertools.pairwise(points):
        reader.feed(wire[start:end])
        got.extend(reader)
    assert got == packets
    assert reader.buffered == 0


@settings(max_examples=3000)
@given(st.lists(st.binary(max_size=64), max_size=6))
def test_reader_fuzz_raises_only_protocol_errors(chunks: list[bytes]) -> None:
    reader = PacketReader(CIPHER)
    try:
        for chunk in chunks:
            reader.feed(chunk)
            for packet in reader:
                assert len(packet.payload) <= MAX_READ_BLOCKS * 16
    except ProtocolError:
        pass
