"""The emulator's TCP server against a raw protocol-package client: sessions, seqs, windows."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from omni2mqtt.protocol.errors import SessionRefusedError, WrongKeyError
from omni2mqtt.protocol.frame import Frame
from omni2mqtt.protocol.messages.base import Message
from omni2mqtt.protocol.messages.generic import Ack, Nak
from omni2mqtt.protocol.messages.notifications import EnableNotifications, SystemEvents
from omni2mqtt.protocol.messages.status import ExtendedStatus, RequestExtendedStatus, Status
from omni2mqtt.protocol.messages.status import RequestStatus as RequestBasicStatus
from omni2mqtt.protocol.messages.system import RequestSystemTroubles, SystemTroubles
from omni2mqtt.protocol.objects import ObjectType
from omni2mqtt.protocol.packet import Packet, PacketType
from omni2mqtt.protocol.records import ZoneRecord

from .conftest import WRONG_KEY, RawClient, eventually

ZONE_WORD_OPEN = 0x0600  # zone state change, bit 9 set (not ready)


async def _connected(open_client: Any, server: Any, **kwargs: Any) -> RawClient:
    client: RawClient = await open_client(server.port, **kwargs)
    await client.handshake()
    return client


def _zone_words(pushes: list[Message]) -> list[int]:
    return [w for m in pushes if isinstance(m, SystemEvents) for w in m.words if 0x400 <= w < 0x800]


async def test_handshake_then_requests_are_answered(start_emulator: Any, open_client: Any) -> None:
    server = await start_emulator()
    client = await _connected(open_client, server)
    assert server.connected
    assert isinstance(await client.request(EnableNotifications(False)), Ack)
    assert isinstance(await client.request(RequestSystemTroubles()), SystemTroubles)


async def test_wrong_key_gets_controller_session_terminated(
    start_emulator: Any, open_client: Any
) -> None:
    server = await start_emulator()
    client: RawClient = await open_client(server.port, key=WRONG_KEY)
    with pytest.raises(WrongKeyError):
        await client.handshake()
    assert client.received_bytes.endswith(
        bytes((0, 2, PacketType.CONTROLLER_SESSION_TERMINATED, 0))
    )
    assert await client.wait_closed()
    # The failed attempt does not hold the slot.
    await _connected(open_client, server)


async def test_second_client_is_refused_while_a_session_is_open(
    start_emulator: Any, open_client: Any
) -> None:
    server = await start_emulator()
    first = await _connected(open_client, server)
    second: RawClient = await open_client(server.port)
    with pytest.raises(SessionRefusedError):
        await second.handshake()
    assert await second.wait_closed()
    assert isinstance(await first.request(EnableNotifications(False)), Ack)


async def test_client_session_terminated_frees_the_slot_at_once(
    start_emulator: Any, open_client: Any
) -> None:
    server = await start_emulator()  # default idle timeout: 300 s, so only 05 can free it
    first = await _connected(open_client, server)
    await first.close()
    assert await first.wait_closed()
    await _connected(open_client, server)


async def test_idle_session_gets_06_and_is_closed(start_emulator: Any, open_client: Any) -> None:
    server = await start_emulator(idle_timeout=1.0)
    client = await _connected(open_client, server)
    assert await client.wait_closed(timeout=15)
    assert client.terminated
    await _connected(open_client, server)


async def test_activity_keeps_a_session_alive(start_emulator: Any, open_client: Any) -> None:
    server = await start_emulator(idle_timeout=1.5)
    client = await _connected(open_client, server)
    for _ in range(4):  # 2 s in all, longer than the timeout, but never 1.5 s silent
        await asyncio.sleep(0.5)
        assert isinstance(await client.request(EnableNotifications(False)), Ack)
    assert not client.eof


@pytest.mark.parametrize(("first_seq", "request_seqs"), [(2, [4, 5]), (0xFFFE, [1, 2])])
async def test_replies_echo_the_client_sequence_numbers(
    start_emulator: Any, open_client: Any, first_seq: int, request_seqs: list[int]
) -> None:
    server = await start_emulator()
    client = await _connected(open_client, server, first_seq=first_seq)
    for expected in request_seqs:
        seq = client.send(EnableNotifications(False))
        assert seq == expected
        assert isinstance(await client.reply(seq), Ack)
    assert client.reply_order == request_seqs


async def test_status_beyond_the_window_gets_no_reply(
    start_emulator: Any, open_client: Any
) -> None:
    # By default the limit is what fits one reply: 58 zone records (L = 3 + 58 x 4 = 235).
    server = await start_emulator()
    client = await _connected(open_client, server)
    too_many = client.send(RequestExtendedStatus(ObjectType.ZONE, 1, 59))
    assert await client.silent(too_many, wait=1.0)
    reply = await client.request(RequestExtendedStatus(ObjectType.ZONE, 1, 58))
    assert isinstance(reply, ExtendedStatus)
    assert [r.number for r in reply.records] == list(range(1, 59))
    assert await client.silent(client.send(RequestBasicStatus(ObjectType.ZONE, 1, 59)), wait=1.0)
    basic = await client.request(RequestBasicStatus(ObjectType.ZONE, 1, 58))
    assert isinstance(basic, Status) and len(basic.records) == 58


async def test_replies_never_exceed_15_blocks(start_emulator: Any, open_client: Any) -> None:
    # Even with the panel's window raised, 60 zone records (243-byte frame) are never sent.
    server = await start_emulator(max_status_records=100)
    client = await _connected(open_client, server)
    assert await client.silent(client.send(RequestExtendedStatus(ObjectType.ZONE, 1, 60)))
    reply = await client.request(RequestExtendedStatus(ObjectType.ZONE, 1, 58))
    assert isinstance(reply, ExtendedStatus) and len(reply.records) == 58


class _StubPanel:
    """Just the server's side of a panel: a fixed reply, and pushes queued by hand."""

    notifications_enabled = True

    def __init__(self, reply: Message | None = None) -> None:
        self.reply = reply
        self.ticked = 0.0
        self.queued: list[Message] = []

    def handle(self, message: Message) -> Message | None:
        return self.reply

    def tick(self, seconds: float) -> None:
        self.ticked += seconds

    def drain_pushes(self) -> list[Message]:
        pushes, self.queued = self.queued, []
        return pushes

    def session_started(self) -> None:
        pass


async def test_server_stays_silent_when_a_reply_would_not_fit(
    start_emulator: Any, open_client: Any
) -> None:
    records = tuple(ZoneRecord(number=n, status=0, loop=0) for n in range(1, 61))
    panel = _StubPanel(ExtendedStatus.of(ObjectType.ZONE, records))
    server = await start_emulator(panel=panel)
    client = await _connected(open_client, server)
    assert await client.silent(client.send(EnableNotifications(True)))
    assert not client.eof


async def test_tick_loop_advances_time_and_flushes_pushes(
    start_emulator: Any, open_client: Any
) -> None:
    panel = _StubPanel(Ack())
    server = await start_emulator(panel=panel, tick_interval=0.05)
    client = await _connected(open_client, server)
    panel.queued.append(SystemEvents((0x0001,)))
    assert await client.push(lambda m: isinstance(m, SystemEvents))
    assert await eventually(lambda: panel.ticked >= 0.2)


async def test_pushes_only_after_enable_notifications(
    start_emulator: Any, open_client: Any
) -> None:
    server = await start_emulator()
    client = await _connected(open_client, server)
    server.panel.set_zone_open(3, True)
    server.flush_pushes()
    assert await client.push(lambda m: True, timeout=1.0) is None
    server.panel.set_zone_open(3, False)
    assert isinstance(await client.request(EnableNotifications(True)), Ack)
    server.panel.set_zone_open(4, True)  # the tick loop flushes it
    word = await client.push(lambda m: ZONE_WORD_OPEN | 4 in _zone_words([m]))
    assert word is not None
    status = await client.push(lambda m: isinstance(m, ExtendedStatus))
    assert isinstance(status, ExtendedStatus)
    assert [r.number for r in status.records] == [4]
    assert _zone_words(client.pushes) == [ZONE_WORD_OPEN | 4]


async def test_notifications_are_off_again_for_a_new_session(
    start_emulator: Any, open_client: Any
) -> None:
    server = await start_emulator()
    first = await _connected(open_client, server)
    assert isinstance(await first.request(EnableNotifications(True)), Ack)
    await first.close()
    second = await _connected(open_client, server)
    server.panel.set_zone_open(5, True)
    server.flush_pushes()
    assert await second.push(lambda m: True, timeout=1.0) is None


async def _send_corrupt(client: RawClient, plain: bytes) -> int:
    seq, _ = client.session.send(EnableNotifications(False))  # takes a seq; bytes discarded
    packet = Packet(seq, PacketType.OMNI_LINK2_MESSAGE, client.session.cipher.encrypt(plain, seq))
    client.writer.write(packet.encode())
    return seq


async def test_bad_crc_and_unknown_opcode_get_nak(start_emulator: Any, open_client: Any) -> None:
    server = await start_emulator()
    client = await _connected(open_client, server)
    bad_crc = bytearray(EnableNotifications(True).encode())
    bad_crc[-1] ^= 0xFF
    assert isinstance(await client.reply(await _send_corrupt(client, bytes(bad_crc))), Nak)
    unknown = Frame(0xEE, b"\x01\x02").encode()
    assert isinstance(await client.reply(await _send_corrupt(client, unknown)), Nak)
    bad_payload = Frame(EnableNotifications.OPCODE, b"\x07").encode()
    assert isinstance(await client.reply(await _send_corrupt(client, bad_payload)), Nak)
    assert isinstance(await client.request(EnableNotifications(False)), Ack)


async def test_framing_error_drops_the_connection(start_emulator: Any, open_client: Any) -> None:
    server = await start_emulator()
    client = await _connected(open_client, server)
    client.writer.write(bytes((0x00, 0x09, 0xFF, 0x00)))  # no such packet type
    assert await client.wait_closed()
    assert not client.terminated
    await _connected(open_client, server)


async def test_latency_is_applied_and_replies_stay_in_order(
    start_emulator: Any, open_client: Any
) -> None:
    server = await start_emulator(latency=0.2)
    client = await _connected(open_client, server)
    started = time.monotonic()
    seqs = [client.send(EnableNotifications(False)) for _ in range(3)]
    for seq in seqs:
        await client.reply(seq)
    assert time.monotonic() - started >= 0.6  # a lower bound only: latency adds up per request
    assert client.reply_order == seqs


async def test_stop_terminates_the_session(start_emulator: Any, open_client: Any) -> None:
    server = await start_emulator()
    client = await _connected(open_client, server)
    await server.stop()
    assert await client.wait_closed()
    assert client.terminated
    assert not server.listening
