"""PanelEventLog against the emulator over real TCP, plus the walk's end-of-log guards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from omni2mqtt.emulator.faults import RequestFault
from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.server import EmulatorServer
from omni2mqtt.panel.connection import PanelConnection
from omni2mqtt.panel.errors import PanelArgumentError, PanelNakError, PanelProtocolError
from omni2mqtt.panel.event_log import LogEntry, PanelEventLog, entry_time
from omni2mqtt.panel.security import PanelSecurity
from omni2mqtt.protocol.messages.base import Message
from omni2mqtt.protocol.messages.eventlog import EventLogItem, EventLogType, RequestEventLogItem
from omni2mqtt.protocol.messages.generic import EndOfData, Nak
from omni2mqtt.protocol.messages.system import RequestSystemStatus, SystemStatus
from omni2mqtt.protocol.security import SecurityMode


@pytest.fixture
def event_log(connection: PanelConnection) -> PanelEventLog:
    return PanelEventLog(connection)


async def test_arm_and_disarm_are_logged_newest_first(
    connection: PanelConnection, event_log: PanelEventLog, emulated_panel: EmulatedPanel
) -> None:
    before = await event_log.recent_items(250)
    security = PanelSecurity(connection)
    await security.set_mode(1, SecurityMode.AWAY, "1357")  # user 3
    await security.disarm(1, "1234")  # user 1
    status = await connection.request_as(RequestSystemStatus(), SystemStatus)
    now = status.panel_time
    assert now is not None
    entries = await event_log.recent(2, now)
    assert [e.log_type for e in entries] == [EventLogType.SECURITY_OFF, EventLogType.SECURITY_AWAY]
    assert [e.security_mode for e in entries] == [SecurityMode.OFF, SecurityMode.AWAY]
    assert [(e.p1, e.p2) for e in entries] == [(1, 1), (3, 1)]
    assert entries[0].number == entries[1].number + 1
    assert entries[0].description == "area 1 set to Off by user 1"
    assert entries[1].description == "area 1 set to Away by user 3"
    for entry in entries:
        assert entry.time is not None
        assert abs((now - entry.time).total_seconds()) < 120
    everything = await event_log.recent_items(250)
    assert len(everything) == len(before) + 2
    numbers = [item.number for item in everything]
    assert numbers == sorted(numbers, reverse=True)
    assert [item.number for item in everything[2:]] == [item.number for item in before]


async def test_count_limits_the_walk(connection: PanelConnection, event_log: PanelEventLog) -> None:
    security = PanelSecurity(connection)
    for _ in range(2):
        await security.set_mode(2, SecurityMode.AWAY, "1234")
        await security.disarm(2, "1234")
    sent = connection.requests_sent
    items = await event_log.recent_items(3)
    assert len(items) == 3
    assert connection.requests_sent - sent == 3  # no request beyond the count
    assert await event_log.recent_items(0) == []
    with pytest.raises(PanelArgumentError):
        await event_log.recent_items(-1)


async def test_nak_on_the_first_request_is_typed(
    event_log: PanelEventLog, emulator: EmulatorServer[Any]
) -> None:
    emulator.faults.arm(RequestFault.NAK)
    with pytest.raises(PanelNakError):
        await event_log.recent_items(5)


def _item(number: int, event_type: int = EventLogType.SYSTEM_RESET) -> EventLogItem:
    return EventLogItem(number, 1, 12, 31, 23, 59, event_type, 0, 0)


class ScriptedLog:
    """A sender replaying fixed replies, for end-of-log shapes the emulator never produces."""

    def __init__(self, replies: list[Message]) -> None:
        self.replies = replies
        self.requests: list[RequestEventLogItem] = []

    async def request(self, message: Message, *, timeout: float | None = None) -> Message:
        assert isinstance(message, RequestEventLogItem)
        self.requests.append(message)
        return self.replies.pop(0)


async def test_walk_stops_at_a_repeated_number_and_at_a_late_nak() -> None:
    looping = ScriptedLog([_item(2), _item(1), _item(65535), _item(2)])
    items = await PanelEventLog(looping).recent_items(10)
    assert [i.number for i in items] == [2, 1, 65535]  # rolled over, then stopped
    assert [(r.number, r.direction) for r in looping.requests] == [
        (0, -1),
        (2, -1),
        (1, -1),
        (65535, -1),
    ]
    late_nak = ScriptedLog([_item(7), Nak()])
    assert [i.number for i in await PanelEventLog(late_nak).recent_items(10)] == [7]
    assert await PanelEventLog(ScriptedLog([EndOfData()])).recent_items(10) == []
    with pytest.raises(PanelProtocolError):
        await PanelEventLog(ScriptedLog([SystemStatus.at(datetime(2024, 1, 1))])).recent(1)


def test_entry_year_is_inferred_from_now() -> None:
    item = _item(5)  # Dec 31 23:59
    assert entry_time(item, datetime(2025, 1, 1, 0, 5)) == datetime(2024, 12, 31, 23, 59)
    assert entry_time(item, datetime(2024, 12, 31, 23, 59, 30)) == datetime(2024, 12, 31, 23, 59)
    no_time = EventLogItem(5, 0, 0, 0, 0, 0, EventLogType.SYSTEM_RESET, 0, 0)
    assert LogEntry.from_item(no_time, datetime(2024, 6, 1)).time is None
    assert LogEntry.from_item(item).time is None  # no reference time: no year
