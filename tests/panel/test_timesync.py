"""PanelTimeSync against the emulator over real TCP: SetTime only beyond the drift threshold."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from omni2mqtt.panel.connection import PanelConnection
from omni2mqtt.panel.errors import PanelArgumentError
from omni2mqtt.panel.timesync import PanelTimeSync, TimeSyncResult
from omni2mqtt.protocol.messages.base import Message
from omni2mqtt.protocol.messages.generic import Ack
from omni2mqtt.protocol.messages.system import RequestSystemStatus, SetTime, SystemStatus


class FakeClock:
    """A local clock that only moves when the code under test sleeps."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)


class RecordingSender:
    def __init__(self, connection: PanelConnection) -> None:
        self.connection = connection
        self.sent: list[Message] = []

    async def request(self, message: Message, *, timeout: float | None = None) -> Message:
        self.sent.append(message)
        return await self.connection.request(message, timeout=timeout)

    def set_times(self) -> list[SetTime]:
        return [m for m in self.sent if isinstance(m, SetTime)]


@pytest.fixture
def sender(connection: PanelConnection) -> RecordingSender:
    return RecordingSender(connection)


async def panel_time(connection: PanelConnection) -> datetime:
    status = await connection.request_as(RequestSystemStatus(), SystemStatus)
    assert status.panel_time is not None
    return status.panel_time


def make_clock(sender: RecordingSender, local: FakeClock, dst: bool = False) -> PanelTimeSync:
    return PanelTimeSync(
        sender,
        clock=local,
        sleep=local.sleep,
        dst=lambda _moment: dst,
        threshold=timedelta(seconds=60),
    )


async def test_no_set_time_within_the_threshold(
    sender: RecordingSender, connection: PanelConnection
) -> None:
    local = FakeClock(await panel_time(connection) + timedelta(seconds=40))
    result = await make_clock(sender, local).sync()
    assert not result.sent
    assert result.drift is not None
    assert timedelta(seconds=-45) <= result.drift <= timedelta(seconds=-35)
    assert sender.set_times() == []
    assert local.sleeps == []


async def test_set_time_at_the_minute_boundary_beyond_the_threshold(
    sender: RecordingSender, connection: PanelConnection
) -> None:
    panel = await panel_time(connection)
    # Local time two hours ahead of the panel, 42.5 s into a minute.
    local_start = (panel + timedelta(hours=2)).replace(second=42, microsecond=500_000)
    local = FakeClock(local_start)
    result = await make_clock(sender, local).sync()
    expected = local_start.replace(second=0, microsecond=0) + timedelta(minutes=1)
    assert result.sent
    assert result.set_to == expected
    assert local.sleeps == [pytest.approx(17.5)]
    (set_time,) = sender.set_times()
    assert set_time == SetTime.from_datetime(expected, dst=False)
    after = await panel_time(connection)
    assert expected <= after <= expected + timedelta(seconds=10)
    # Now in step: the next sync sends nothing.
    local.now = after
    assert not (await make_clock(sender, local).sync()).sent
    assert len(sender.set_times()) == 1


async def test_set_time_sends_at_once_on_the_boundary_and_keeps_dst(
    sender: RecordingSender, connection: PanelConnection
) -> None:
    panel = await panel_time(connection)
    boundary = (panel - timedelta(days=3)).replace(second=0, microsecond=100_000)
    local = FakeClock(boundary)
    clock = make_clock(sender, local, dst=True)
    assert await clock.set_time_now() == boundary.replace(microsecond=0)
    assert local.sleeps == []
    (set_time,) = sender.set_times()
    assert (set_time.dst, set_time.day_of_week) == (1, boundary.isoweekday())
    status = await connection.request_as(RequestSystemStatus(), SystemStatus)
    assert status.dst_active
    assert status.panel_time is not None
    assert status.panel_time - boundary.replace(microsecond=0) < timedelta(seconds=10)


class UnsetPanel:
    """A panel whose clock was never set: SystemStatus with time_valid 0."""

    def __init__(self) -> None:
        self.sent: list[Message] = []

    async def request(self, message: Message, *, timeout: float | None = None) -> Message:
        self.sent.append(message)
        if isinstance(message, RequestSystemStatus):
            return SystemStatus(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        return Ack()


async def test_unset_panel_clock_is_always_set() -> None:
    panel = UnsetPanel()
    local = FakeClock(datetime(2024, 3, 10, 8, 59, 59))
    result = await PanelTimeSync(panel, clock=local, sleep=local.sleep, dst=lambda _: False).sync()
    assert result == TimeSyncResult(
        datetime(2024, 3, 10, 8, 59, 59), None, datetime(2024, 3, 10, 9)
    )
    assert result.drift is None
    assert panel.sent[-1] == SetTime(24, 3, 10, 7, 9, 0, 0)  # 2024-03-10 is a Sunday: 7


async def test_run_syncs_periodically_until_cancelled() -> None:
    panel = UnsetPanel()
    local = FakeClock(datetime(2024, 3, 10, 9, 0, 0))
    loops = 0

    async def sleep(seconds: float) -> None:
        nonlocal loops
        await local.sleep(seconds)
        if seconds == 600:
            loops += 1
            if loops == 3:
                raise asyncio.CancelledError

    clock = PanelTimeSync(panel, clock=local, sleep=sleep, dst=lambda _: False)
    with pytest.raises(asyncio.CancelledError):
        await clock.run(interval=600)
    assert sum(isinstance(m, SetTime) for m in panel.sent) == 3
    with pytest.raises(PanelArgumentError):
        PanelTimeSync(panel, threshold=timedelta(seconds=-1))
