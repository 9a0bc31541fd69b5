"""The publish path: eager hand-over, write-through, order, and states published during a sync."""

from __future__ import annotations

import asyncio

import pytest

from omni2mqtt.mqtt.connection import MqttConnection
from omni2mqtt.mqtt.eager import Finished, Started, start_eagerly
from omni2mqtt.mqtt.gateway import Gateway
from omni2mqtt.mqtt.publisher import Publisher

from ..broker import Mosquitto, Subscriber
from .conftest import FAST_RECONNECT, SettingsFactory

BASE = "omni2mqtt/house"


async def test_eager_start_runs_the_prefix_now_and_the_rest_in_a_task() -> None:
    steps: list[str] = []
    gate = asyncio.Event()

    async def work() -> int:
        steps.append("before")
        await gate.wait()
        steps.append("after")
        return 7

    started = start_eagerly(work())
    assert steps == ["before"] and isinstance(started, Started)
    task = asyncio.get_running_loop().create_task(_finish(started))
    await asyncio.sleep(0)
    assert steps == ["before"]
    gate.set()
    assert await task == 7 and steps == ["before", "after"]


async def _finish(started: Started[int]) -> int:
    return await started


async def test_eager_start_without_suspension_and_errors_in_both_parts() -> None:
    async def at_once() -> str:
        return "done"

    finished = start_eagerly(at_once())
    assert isinstance(finished, Finished) and await finished == "done"

    async def fails_first() -> None:
        raise ValueError("before any await")

    with pytest.raises(ValueError, match="before any await"):
        start_eagerly(fails_first())

    async def fails_later() -> int:
        await asyncio.sleep(0)
        raise KeyError("after")

    started = start_eagerly(fails_later())
    assert isinstance(started, Started)
    with pytest.raises(KeyError):
        await asyncio.get_running_loop().create_task(_finish(started))


async def test_cancelling_the_task_cancels_the_eager_coroutine_inside() -> None:
    cleaned = asyncio.Event()

    async def waits() -> int:
        try:
            await asyncio.Event().wait()
        finally:
            cleaned.set()
        return 0

    started = start_eagerly(waits())
    assert isinstance(started, Started)

    async def with_timeout() -> int:
        async with asyncio.timeout(0.01):
            return await started

    with pytest.raises(TimeoutError):
        await asyncio.get_running_loop().create_task(with_timeout())
    assert cleaned.is_set()


async def test_publishes_keep_their_order_and_are_written_through(
    mosquitto: Mosquitto, make_settings: SettingsFactory
) -> None:
    settings = make_settings()
    connection = MqttConnection(settings.mqtt, "omni2mqtt/bridge/state", None)
    runner = asyncio.create_task(connection.run())
    sub = Subscriber(mosquitto.port)
    await sub.start("order/#")
    try:
        await connection.wait_connected(10)
        # The write-through relies on aiomqtt internals: this fails when an upgrade moves them.
        assert connection.write_through
        publisher = Publisher(connection, window=5)
        publisher.start()
        for i in range(300):
            publisher.message("order/n", str(i))
        await asyncio.wait_for(publisher.flush(), 10)
        await sub.wait_for("order/n", "299")
        assert [m.payload for m in sub.messages if m.topic == "order/n"] == [
            str(i) for i in range(300)
        ]
        assert connection.published >= 300
        await publisher.stop()
    finally:
        await sub.stop()
        await connection.stop()
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)


async def test_states_go_out_while_the_panel_syncs_before_it_is_online(
    mosquitto: Mosquitto, make_settings: SettingsFactory
) -> None:
    # Subscribed first, so arrival order is publication order (not the broker's replay).
    sub = Subscriber(mosquitto.port)
    await sub.start(f"{BASE}/#")
    gateway = Gateway(make_settings(), reconnect=FAST_RECONNECT)
    await gateway.start()
    try:
        await sub.wait_for(f"{BASE}/availability", "online")
        topics = [m.topic for m in sub.messages]
        online = next(
            i
            for i, m in enumerate(sub.messages)
            if m.topic == f"{BASE}/availability" and m.payload == "online"
        )
        # Zones are polled before units, so their states left during the unit polls.
        assert topics.index(f"{BASE}/zone/1/state") < online
        assert topics.index(f"{BASE}/zone/1/attributes") < online
        await sub.wait_for(f"{BASE}/unit/2/state", "ON")
        # Nothing was published twice: the full publish at online skipped what went out.
        await asyncio.wait_for(gateway.publisher.flush(), 10)
        zone = [m for m in sub.messages if m.topic == f"{BASE}/zone/1/state"]
        assert [m.payload for m in zone] == ["OFF"]
    finally:
        await gateway.stop()
        await sub.stop()
