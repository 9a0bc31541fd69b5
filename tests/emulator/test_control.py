"""The JSON-lines control channel, driven through ControlClient against a running emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from omni2mqtt.emulator.control import ControlClient, ControlError, ControlServer
from omni2mqtt.protocol.errors import FramingError, SessionRefusedError
from omni2mqtt.protocol.messages.base import Message
from omni2mqtt.protocol.messages.generic import Ack, Nak
from omni2mqtt.protocol.messages.notifications import EnableNotifications, SystemEvents
from omni2mqtt.protocol.messages.status import ExtendedStatus
from omni2mqtt.protocol.messages.system import RequestSystemTroubles, SystemTroubles
from omni2mqtt.protocol.objects import ObjectType

from .conftest import RawClient

AC_POWER_OFF = 0x0304


@pytest.fixture
async def rig(start_emulator: Any, open_client: Any) -> AsyncIterator[Callable[..., Any]]:
    """``server, control, client = await rig(connect=True, enable=True)``."""
    controls: list[tuple[ControlServer, ControlClient]] = []

    async def factory(*, connect: bool = True, enable: bool = True) -> tuple[Any, Any, Any]:
        server = await start_emulator()
        control_server = ControlServer(server, port=0)
        await control_server.start()
        control = await ControlClient.connect("127.0.0.1", control_server.port)
        controls.append((control_server, control))
        client: RawClient | None = None
        if connect:
            client = await open_client(server.port)
            await client.handshake()
            if enable:
                assert isinstance(await client.request(EnableNotifications(True)), Ack)
        return server, control, client

    yield factory
    for control_server, control in controls:
        await control.close()
        await control_server.stop()


def _words(pushes: list[Message]) -> list[int]:
    return [w for m in pushes if isinstance(m, SystemEvents) for w in m.words]


async def test_status_reports_session_and_notifications(rig: Any, open_client: Any) -> None:
    server, control, _ = await rig(connect=False)
    status = await control.call("status")
    assert status["ok"] and status["op"] == "status"
    assert status["connected"] is False and status["notifications"] is False
    client: RawClient = await open_client(server.port)
    await client.handshake()
    status = await control.call("status")
    assert status["connected"] is True and status["notifications"] is False
    assert isinstance(await client.request(EnableNotifications(True)), Ack)
    status = await control.call("status")
    assert status["notifications"] is True and status["sessions_started"] == 1
    assert status["faults"]["injected"]["nak"] == 0


async def test_trip_and_restore_zone_push_to_the_client(rig: Any) -> None:
    _, control, client = await rig()
    response = await control.call("trip_zone", zone=5)
    assert response["zone"] == 5 and response["pushed"] >= 1
    assert await client.push(lambda m: 0x0605 in _words([m]))
    await control.call("restore_zone", zone=5)
    assert await client.push(lambda m: 0x0405 in _words([m]))
    snapshot = (await control.call("snapshot"))["snapshot"]
    assert isinstance(snapshot, dict)


async def test_troubles_raise_and_clear(rig: Any) -> None:
    _, control, client = await rig()
    assert (await control.call("set_trouble", trouble="ac_power"))["trouble"] == "ac_power"
    assert await client.push(lambda m: AC_POWER_OFF in _words([m]))
    troubles = await client.request(RequestSystemTroubles())
    assert isinstance(troubles, SystemTroubles) and 3 in troubles.codes
    await control.call("clear_trouble", trouble=3)
    assert await client.push(lambda m: AC_POWER_OFF + 1 in _words([m]))


async def test_burst_delivers_every_word(rig: Any) -> None:
    _, control, client = await rig()
    response = await control.call("burst", count=300, words=[0x0001, 0x0002])
    assert response["count"] == 300 and response["messages"] >= 3
    assert await client.wait_for(lambda: len(_words(client.pushes)) >= 300)
    words = _words(client.pushes)
    assert len(words) == 300
    assert words[:4] == [1, 2, 1, 2]


@pytest.mark.parametrize(
    ("request_line", "error"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"op": "frobnicate"}', "unknown op 'frobnicate'"),
        (b'{"zone": 5}', "unknown op None"),
        (b'{"op": "trip_zone"}', "missing parameter 'zone'"),
        (b'{"op": "trip_zone", "zone": "five"}', "'zone' must be an integer"),
        (b'{"op": "trip_zone", "zone": 999}', ""),
        (b'{"op": "set_trouble", "trouble": "meteor"}', "'trouble' must be one of"),
        (b'{"op": "set_thermostat", "thermostat": 1}', "at least one of"),
        (b'{"op": "burst", "count": 0}', "'count' must be an integer"),
        (b'{"op": "burst", "count": 5, "words": [70000]}', "'words'"),
        (b'{"op": "stall", "seconds": -1}', "'seconds'"),
        (b'{"op": "drop", "when": "later"}', "'when' must be one of"),
        (b'{"op": "latency", "ms": "fast"}', "'ms'"),
    ],
)
async def test_bad_requests_get_clear_errors(rig: Any, request_line: bytes, error: str) -> None:
    _, control, _ = await rig()
    response = await control.request_line(request_line)
    assert response["ok"] is False
    assert error in response["error"]
    assert (await control.call("status"))["ok"]  # the channel still works


async def test_id_is_echoed_and_call_raises_on_errors(rig: Any) -> None:
    _, control, _ = await rig(connect=False)
    assert (await control.request({"op": "status", "id": 42}))["id"] == 42
    with pytest.raises(ControlError, match="no client session"):
        await control.call("drop")
    with pytest.raises(ControlError, match="no client session"):
        await control.call("garbage", size=4)


async def test_fault_ops_drop_and_garbage(rig: Any, open_client: Any) -> None:
    server, control, client = await rig()
    assert (await control.call("garbage", size=8))["size"] == 8
    assert await client.wait_for(lambda: isinstance(client.error, FramingError))
    await control.call("drop")
    assert await client.wait_closed()
    again: RawClient = await open_client(server.port)
    await again.handshake()
    await control.call("drop", when="next_request")
    again.send(EnableNotifications(False))
    assert await again.wait_closed()
    injected = (await control.call("status"))["faults"]["injected"]
    assert injected["garbage"] == 1 and injected["drop"] == 1
    assert injected["drop_mid_request"] == 1


async def test_fault_ops_on_requests_and_sessions(rig: Any, open_client: Any) -> None:
    server, control, client = await rig()
    await control.call("nak_next", count=2)
    assert isinstance(await client.request(EnableNotifications(True)), Nak)
    assert isinstance(await client.request(EnableNotifications(True)), Nak)
    await control.call("stall", when="next_request")
    lost = client.send(EnableNotifications(True))
    await control.call("stall", seconds=0.3)
    assert isinstance(await client.request(EnableNotifications(True)), Ack)
    assert lost not in client.replies
    await control.call("garbage", when="next_request", size=8)
    client.send(EnableNotifications(True))
    assert await client.wait_for(lambda: isinstance(client.error, FramingError))
    await client.close()
    await control.call("refuse_next_session")
    refused: RawClient = await open_client(server.port)
    with pytest.raises(SessionRefusedError):
        await refused.handshake()
    assert (await control.call("latency", ms=25))["latency_ms"] == 25
    assert server.faults.latency == 0.025
    await control.call("latency", seconds=0)
    await control.call("nak_next")
    await control.call("clear_faults")
    status = await control.call("status")
    assert status["faults"]["armed"]["nak_next_requests"] == 0
    assert status["faults"]["injected"]["nak"] == 2


async def test_thermostat_and_zone_loop_ops(rig: Any) -> None:
    _, control, client = await rig()
    response = await control.call("set_thermostat", thermostat=1, temperature=130, humidity=80)
    assert response["thermostat"] == 1 and response["pushed"] >= 1
    pushed = await client.push(
        lambda m: isinstance(m, ExtendedStatus) and m.object_type == ObjectType.THERMOSTAT
    )
    assert isinstance(pushed, ExtendedStatus) and pushed.records[0].number == 1
    await control.call("set_thermostat", thermostat=1, communicating=False)
    with pytest.raises(ControlError, match="true or false"):
        await control.call("set_thermostat", thermostat=1, communicating="no")
    assert (await control.call("set_zone_loop", zone=1, loop=200))["zone"] == 1
    with pytest.raises(ControlError, match="'loop'"):
        await control.call("set_zone_loop", zone=1, loop=256)
