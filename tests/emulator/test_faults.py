"""Fault injection: the FaultState rules, and every fault kind against a raw client."""

from __future__ import annotations

import time
from typing import Any

import pytest

from omni2mqtt.emulator.faults import FaultKind, FaultState, RequestFault, garbage_bytes
from omni2mqtt.protocol.errors import FramingError, SessionRefusedError
from omni2mqtt.protocol.messages.generic import Ack, Nak
from omni2mqtt.protocol.messages.notifications import EnableNotifications

from .conftest import RawClient


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_request_faults_are_taken_one_per_request_in_a_fixed_order() -> None:
    faults = FaultState()
    faults.arm(RequestFault.NAK, 2)
    faults.arm(RequestFault.DROP)
    faults.arm(RequestFault.IGNORE)
    faults.arm(RequestFault.GARBAGE, size=8)
    taken = [faults.take_request_fault() for _ in range(6)]
    assert taken == [
        RequestFault.DROP,
        RequestFault.IGNORE,
        RequestFault.GARBAGE,
        RequestFault.NAK,
        RequestFault.NAK,
        None,
    ]
    assert faults.garbage_size == 8
    injected = faults.summary()["injected"]
    assert injected == {
        "drop": 0,
        "drop_mid_request": 1,
        "garbage": 1,
        "stall": 0,
        "stall_request": 1,
        "refuse_session": 0,
        "nak": 2,
    }


def test_refusals_stall_and_clear() -> None:
    clock = FakeClock()
    faults = FaultState(clock=clock)
    faults.refuse_next_sessions(2)
    assert [faults.take_refusal() for _ in range(3)] == [True, True, False]
    faults.stall(5.0)
    assert faults.stalled and faults.stall_remaining() == 5.0
    clock.now += 5.0
    assert not faults.stalled
    faults.stall(1.0)
    faults.arm(RequestFault.NAK, 3)
    faults.refuse_next_sessions()
    faults.set_latency(0.02)
    faults.clear()
    assert faults.take_request_fault() is None
    assert not faults.take_refusal() and not faults.stalled
    assert faults.latency == 0.02
    assert faults.counters[FaultKind.STALL.value] == 2


@pytest.mark.parametrize(
    "action",
    [
        lambda f: f.arm(RequestFault.NAK, 0),
        lambda f: f.arm(RequestFault.GARBAGE, size=0),
        lambda f: f.refuse_next_sessions(-1),
        lambda f: f.stall(0),
        lambda f: f.set_latency(-0.1),
        lambda f: f.set_latency(61),
    ],
)
def test_bad_fault_parameters_raise_value_error(action: Any) -> None:
    with pytest.raises(ValueError):
        action(FaultState())


def test_garbage_bytes_carry_an_invalid_packet_type() -> None:
    data = garbage_bytes(64)
    assert len(data) == 64 and data[2] == 0xFF
    assert len(garbage_bytes(2)) == 2


async def _session(start_emulator: Any, open_client: Any, **kwargs: Any) -> tuple[Any, RawClient]:
    server = await start_emulator(**kwargs)
    client: RawClient = await open_client(server.port)
    await client.handshake()
    return server, client


async def test_drop_now_closes_without_06(start_emulator: Any, open_client: Any) -> None:
    server, client = await _session(start_emulator, open_client)
    assert server.drop_connection()
    assert await client.wait_closed()
    assert not client.terminated
    assert server.faults.counters["drop"] == 1
    assert not server.drop_connection()  # nothing left to drop
    again: RawClient = await open_client(server.port)
    await again.handshake()


async def test_drop_mid_request_closes_instead_of_replying(
    start_emulator: Any, open_client: Any
) -> None:
    server, client = await _session(start_emulator, open_client)
    server.faults.arm(RequestFault.DROP)
    seq = client.send(EnableNotifications(True))
    assert await client.wait_closed()
    assert seq not in client.replies
    assert not server.panel.notifications_enabled  # the request was lost, not executed


async def test_garbage_now_breaks_the_client_framing(start_emulator: Any, open_client: Any) -> None:
    server, client = await _session(start_emulator, open_client)
    assert server.send_garbage(16)
    assert await client.wait_for(lambda: client.error is not None)
    assert isinstance(client.error, FramingError)
    assert server.faults.counters["garbage"] == 1


async def test_garbage_instead_of_the_next_reply(start_emulator: Any, open_client: Any) -> None:
    server, client = await _session(start_emulator, open_client)
    server.faults.arm(RequestFault.GARBAGE, size=20)
    seq = client.send(EnableNotifications(False))
    assert await client.wait_for(lambda: client.error is not None)
    assert isinstance(client.error, FramingError)
    assert seq not in client.replies


async def test_stall_holds_replies_then_delivers_them(
    start_emulator: Any, open_client: Any
) -> None:
    server, client = await _session(start_emulator, open_client)
    server.faults.stall(0.5)
    started = time.monotonic()
    assert isinstance(await client.request(EnableNotifications(False)), Ack)
    assert time.monotonic() - started >= 0.45  # lower bound only
    assert server.faults.counters["stall"] == 1


async def test_stalled_request_is_never_answered(start_emulator: Any, open_client: Any) -> None:
    server, client = await _session(start_emulator, open_client)
    server.faults.arm(RequestFault.IGNORE)
    lost = client.send(EnableNotifications(False))
    assert isinstance(await client.request(EnableNotifications(False)), Ack)
    assert lost not in client.replies
    assert server.faults.counters["stall_request"] == 1


async def test_refuse_next_session_even_when_free(start_emulator: Any, open_client: Any) -> None:
    server = await start_emulator()
    server.faults.refuse_next_sessions()
    refused: RawClient = await open_client(server.port)
    with pytest.raises(SessionRefusedError):
        await refused.handshake()
    assert await refused.wait_closed()
    accepted: RawClient = await open_client(server.port)
    await accepted.handshake()
    assert server.faults.counters["refuse_session"] == 1


async def test_nak_next_requests(start_emulator: Any, open_client: Any) -> None:
    server, client = await _session(start_emulator, open_client)
    server.faults.arm(RequestFault.NAK, 2)
    replies = [await client.request(EnableNotifications(True)) for _ in range(3)]
    assert [type(r) for r in replies] == [Nak, Nak, Ack]


async def test_latency_can_change_while_running(start_emulator: Any, open_client: Any) -> None:
    server, client = await _session(start_emulator, open_client)
    server.faults.set_latency(0.3)
    started = time.monotonic()
    assert isinstance(await client.request(EnableNotifications(False)), Ack)
    assert time.monotonic() - started >= 0.25
    server.faults.set_latency(0.0)
    assert isinstance(await client.request(EnableNotifications(False)), Ack)
