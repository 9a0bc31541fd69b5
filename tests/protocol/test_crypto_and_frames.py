"""Known-answer vectors of spec §23.1, §23.2, §23.5 (CRC, frames) and codec properties."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omni2mqtt.protocol.crc import crc16_arc
from omni2mqtt.protocol.crypto import (
    PacketCipher,
    derive_session_key,
    pad,
    parse_controller_key,
    whiten,
)
from omni2mqtt.protocol.errors import (
    BadCrcError,
    BadLengthError,
    BadStartByteError,
    EncodeError,
    ProtocolError,
)
from omni2mqtt.protocol.frame import Frame


@pytest.mark.parametrize(
    ("controller_key", "session_id", "session_key"),
    [
        ("000102030405060708090a0b0c0d0e0f", "1011121314", "000102030405060708090a1b1d1f1d1b"),
        ("000102030405060708090a0b0c0d0e0f", "2021222324", "000102030405060708090a2b2d2f2d2b"),
        ("00112233445566778899aabbccddeeff", "0102030405", "00112233445566778899aabacedeeafa"),
        ("6ba7b4e9b4656de3cd7edd4c650cdb09", "0102030405", "6ba7b4e9b4656de3cd7edd4d670fdf0c"),
    ],
)
def test_session_key_derivation(controller_key: str, session_id: str, session_key: str) -> None:
    derived = derive_session_key(bytes.fromhex(controller_key), bytes.fromhex(session_id))
    assert derived.hex() == session_key


@pytest.mark.parametrize(
    ("seq", "first_two"),
    [(0, "0001"), (1, "0000"), (2, "0003"), (0x0400, "0401"), (0x1234, "1235"), (0xFFFF, "fffe")],
)
def test_whitening(seq: int, first_two: str) -> None:
    block = bytes(range(16))
    whitened = whiten(block, seq)
    assert whitened[:2].hex() == first_two
    assert whitened[2:] == block[2:]
    assert whiten(whitened, seq) == block


@pytest.mark.parametrize(
    ("data", "crc"),
    [(b"123456789", 0xBB3D), (b"", 0x0000), (b"\x01\x11", 0x9CC1), (b"\xe1\x00\xca\xfe", 0x1CE1)],
)
def test_crc16_arc(data: bytes, crc: int) -> None:
    assert crc16_arc(data) == crc


def test_crc_is_not_modbus() -> None:
    assert crc16_arc(b"123456789") != 0x4B37


@pytest.mark.parametrize(
    ("opcode", "frame_hex"),
    [(1, "210101c050"), (2, "21010280 51"), (3, "2101034191"), (0x16, "210116805e")],
)
def test_payloadless_frames(opcode: int, frame_hex: str) -> None:
    raw = bytes.fromhex(frame_hex.replace(" ", ""))
    assert Frame(opcode).encode() == raw
    assert Frame.decode(raw) == Frame(opcode)


def test_frame_ignores_padding_and_rejects_corruption() -> None:
    raw = bytes.fromhex("2105370605030525eb")
    assert Frame.decode(raw + bytes(7)) == Frame(0x37, bytes.fromhex("06050305"))
    with pytest.raises(BadCrcError):
        Frame.decode(raw[:-1] + b"\x00")
    with pytest.raises(BadStartByteError):
        Frame.decode(b"\x5a" + raw[1:])
    with pytest.raises(BadLengthError):
        Frame.decode(raw[:-2])
    with pytest.raises(BadLengthError):
        Frame.decode(b"\x21\x00\x00\x00")


def test_frame_too_long_is_an_encode_error() -> None:
    with pytest.raises(EncodeError):
        Frame(1, bytes(255)).encode()


@given(st.integers(0, 255), st.binary(max_size=254))
def test_frame_round_trip(opcode: int, payload: bytes) -> None:
    assert Frame.decode(Frame(opcode, payload).encode()) == Frame(opcode, payload)


@given(st.binary(max_size=300))
def test_frame_decode_only_raises_protocol_errors(data: bytes) -> None:
    with contextlib.suppress(ProtocolError):
        Frame.decode(data)


@given(st.binary(min_size=16, max_size=16), st.integers(0, 0xFFFF), st.binary(max_size=272))
def test_cipher_round_trip(key: bytes, seq: int, plain: bytes) -> None:
    cipher = PacketCipher(key)
    encrypted = cipher.encrypt(plain, seq)
    assert len(encrypted) == len(pad(plain))
    assert cipher.decrypt(encrypted, seq) == pad(plain)


def test_cipher_hides_key_in_repr() -> None:
    key = bytes.fromhex("00112233445566778899aabbccddeeff")
    assert key.hex() not in repr(PacketCipher(key))
    assert "0x00" not in repr(PacketCipher(key))


@pytest.mark.parametrize(
    "text",
    [
        "00112233445566778899aabbccddeeff",
        "00112233445566778899AABBCCDDEEFF",
        "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff",
        "00-11-22-33-44-55-66-77-88-99-AA-BB-CC-DD-EE-FF",
        "0011223344556677 8899aabbccddeeff",
        "0x00 0x11 0x22 0x33 0x44 0x55 0x66 0x77 0x88 0x99 0xaa 0xbb 0xcc 0xdd 0xee 0xff",
    ],
)
def test_parse_controller_key_accepts_separators(text: str) -> None:
    assert parse_controller_key(text) == bytes.fromhex("00112233445566778899aabbccddeeff")


@pytest.mark.parametrize("text", ["0011", "zz112233445566778899aabbccddeeff", ""])
def test_parse_controller_key_rejects_without_echoing(text: str) -> None:
    with pytest.raises(EncodeError) as info:
        parse_controller_key(text)
    assert text[4:] not in str(info.value) or not text[4:]
