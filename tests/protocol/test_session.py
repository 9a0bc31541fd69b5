"""Handshake state machines for both roles against the full-session vectors of spec §23.3."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omni2mqtt.protocol.crc import crc16_arc
from omni2mqtt.protocol.errors import (
    HandshakeError,
    ProtocolError,
    SessionRefusedError,
    WrongKeyError,
)
from omni2mqtt.protocol.frame import Frame
from omni2mqtt.protocol.messages.generic import Ack
from omni2mqtt.protocol.messages.system import RequestSystemInformation, SystemInformation
from omni2mqtt.protocol.packet import Packet, PacketType
from omni2mqtt.protocol.session import (
    ClientSession,
    InvalidMessage,
    MessageReceived,
    NewSessionAcknowledged,
    NewSessionRequested,
    PanelSession,
    SecureSessionEstablished,
    SecureSessionRequested,
    SessionState,
    SessionTerminated,
)

KEY = bytes(range(16))
SID = bytes.fromhex("1011121314")
SYSINFO_PLAIN = bytes.fromhex("211d1710020c01" + "3535352d31323132" + "00" * 16 + "d5a3")

# Client starting at seq 1 (jomnilink, homebridge, omni-pca) and at seq 2 (HAI's SDK).
VECTORS = {
    1: {
        "new": "00010100",
        "ack_new": "0001020000011011121314",
        "secure": "00020300176e6c0385b3d3c60371bdcb8f54f46d",
        "ack_secure": "00020400176e6c0385b3d3c60371bdcb8f54f46d",
        "request": "00032000432001aa86d9bdd117617198199734d5",
        "reply": "00032000deb6f358a2a1e73013269f93f4adb653efacec47c345d8185812af4ec872a3"
        "9268d79b42211989d94492ff27b3d25429",
        "close": "00040500",
    },
    2: {
        "new": "00020100",
        "ack_new": "0002020000011011121314",
        "secure": "00030300415f23ca5b82b007ff3ad96d1280cc42",
        "ack_secure": "00030400415f23ca5b82b007ff3ad96d1280cc42",
        "request": "00042000c8f6f52e19d009a8587eabfed46e8d21",
        "reply": "00042000c0c108278151895188c002d1d6e233d207c8accf348f7eea6f20c5979281"
        "323767cf7c4647348530a0f63d4e797a5f6e",
        "close": "00050500",
    },
}


def _sysinfo() -> SystemInformation:
    message = SystemInformation.decode_payload(Frame.decode(SYSINFO_PLAIN).payload)
    assert message.encode() == SYSINFO_PLAIN[: len(message.encode())]
    return message


@pytest.mark.parametrize("first_seq", [1, 2])
def test_client_handshake_vectors(first_seq: int) -> None:
    v = {k: bytes.fromhex(h) for k, h in VECTORS[first_seq].items()}
    client = ClientSession(KEY, first_seq=first_seq)
    assert client.initiate() == v["new"]
    assert client.receive_data(v["ack_new"]) == [NewSessionAcknowledged(SID)]
    assert client.request_secure_session() == v["secure"]
    assert client.receive_data(v["ack_secure"]) == [SecureSessionEstablished(SID)]
    assert client.state is SessionState.SECURE
    seq, wire = client.send(RequestSystemInformation())
    assert (seq, wire) == (first_seq + 2, v["request"])
    (event,) = client.receive_data(v["reply"])
    assert isinstance(event, MessageReceived)
    assert event.seq == first_seq + 2 and not event.is_push
    info = event.message
    assert isinstance(info, SystemInformation)
    fields = (info.model, info.firmware_major, info.firmware_minor, info.firmware_revision)
    assert fields == (16, 2, 12, 1)
    assert info.phone == "555-1212"
    assert client.close() == v["close"]


@pytest.mark.parametrize("first_seq", [1, 2])
def test_panel_handshake_vectors(first_seq: int) -> None:
    v = {k: bytes.fromhex(h) for k, h in VECTORS[first_seq].items()}
    panel = PanelSession(KEY)
    assert panel.receive_data(v["new"]) == [NewSessionRequested(first_seq)]
    assert panel.accept(first_seq, SID) == v["ack_new"]
    assert panel.receive_data(v["secure"]) == [SecureSessionRequested(first_seq + 1, True)]
    assert panel.complete_handshake(first_seq + 1) == v["ack_secure"]
    (event,) = panel.receive_data(v["request"])
    assert event == MessageReceived(first_seq + 2, RequestSystemInformation())
    assert panel.reply(first_seq + 2, _sysinfo()) == v["reply"]
    assert panel.receive_data(v["close"]) == [SessionTerminated()]
    assert panel.state is SessionState.CLOSED


@pytest.mark.parametrize(
    ("key_hex", "sid_hex", "packet_hex"),
    [
        (
            "000102030405060708090a0b0c0d0e0f",
            "2021222324",
            "0002030010385f72446f9703e0c9d4f6fba64a82",
        ),
        (
            "00112233445566778899aabbccddeeff",
            "0102030405",
            "000203009cceb60c06f07511b6f463410cfbf71f",
        ),
        (
            "6ba7b4e9b4656de3cd7edd4c650cdb09",
            "0102030405",
            "0002030095b85a81871313c22da5eb3de167b602",
        ),
    ],
)
def test_secure_session_packets(key_hex: str, sid_hex: str, packet_hex: str) -> None:
    client = ClientSession(bytes.fromhex(key_hex))
    client.initiate()
    client.receive_data(bytes.fromhex("000102000001" + sid_hex))
    assert client.request_secure_session().hex() == packet_hex


def _connect(client: ClientSession, panel: PanelSession, sid: bytes = SID) -> None:
    (requested,) = panel.receive_data(client.initiate())
    assert isinstance(requested, NewSessionRequested)
    client.receive_data(panel.accept(requested.seq, sid))
    (secure,) = panel.receive_data(client.request_secure_session())
    assert isinstance(secure, SecureSessionRequested)
    client.receive_data(panel.complete_handshake(secure.seq))


def test_wrong_key_gets_session_terminated() -> None:
    client = ClientSession(bytes(16))
    panel = PanelSession(KEY)
    (requested,) = panel.receive_data(client.initiate())
    assert isinstance(requested, NewSessionRequested)
    client.receive_data(panel.accept(requested.seq, SID))
    (secure,) = panel.receive_data(client.request_secure_session())
    assert secure == SecureSessionRequested(2, False)
    answer = panel.complete_handshake(secure.seq)
    assert answer.hex() == "00020600"
    with pytest.raises(WrongKeyError, match="controller key is wrong"):
        client.receive_data(answer)
    assert client.state is SessionState.CLOSED


def test_busy_panel_refuses() -> None:
    client = ClientSession(KEY)
    panel = PanelSession(KEY)
    (requested,) = panel.receive_data(client.initiate())
    assert isinstance(requested, NewSessionRequested)
    refusal = panel.refuse(requested.seq)
    assert refusal.hex() == "00010700"
    with pytest.raises(SessionRefusedError):
        client.receive_data(refusal)


def test_pushes_and_replies_flow_both_ways() -> None:
    client = ClientSession(KEY)
    panel = PanelSession(KEY)
    _connect(client, panel)
    seq, wire = client.send(RequestSystemInformation())
    assert panel.receive_data(wire) == [MessageReceived(seq, RequestSystemInformation())]
    pushed = panel.push(Ack())
    (event,) = client.receive_data(panel.reply(seq, Ack()) + pushed)[1:]
    assert isinstance(event, MessageReceived) and event.is_push
    assert client.receive_data(panel.terminate()) == [SessionTerminated()]


def test_bad_crc_and_unknown_opcode_are_reported_not_raised() -> None:
    client = ClientSession(KEY)
    panel = PanelSession(KEY)
    _connect(client, panel)
    cipher = client.cipher
    bad_crc = bytes.fromhex("2101160000")
    crc = crc16_arc(b"\x01\x4c")
    unknown = bytes.fromhex("21014c") + bytes((crc & 0xFF, crc >> 8))
    wire = b"".join(
        Packet(s, PacketType.OMNI_LINK2_MESSAGE, cipher.encrypt(f, s)).encode()
        for s, f in ((7, bad_crc), (8, unknown))
    )
    events = panel.receive_data(wire)
    assert [type(e) for e in events] == [InvalidMessage, InvalidMessage]
    assert [e.seq for e in events if isinstance(e, InvalidMessage)] == [7, 8]


def test_messages_before_secure_are_rejected() -> None:
    client = ClientSession(KEY)
    with pytest.raises(HandshakeError):
        client.send(Ack())
    panel = PanelSession(KEY)
    with pytest.raises(HandshakeError):
        panel.receive_data(bytes.fromhex("00020300") + bytes(16))


@given(st.binary(max_size=400))
def test_session_fuzz_raises_only_protocol_errors(data: bytes) -> None:
    for session in (ClientSession(KEY), PanelSession(KEY)):
        with contextlib.suppress(ProtocolError):
            session.receive_data(data)
