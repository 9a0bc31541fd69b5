"""Reading the panel's event log (spec 19): the N most recent entries, newest first.

The walk asks for the most recent entry (number 0, direction -1), then for the entry before each
one it got, until EOD, the requested count, or a number seen before (numbers roll over from
65535 to 1, and a log that wrapped must not make the walk endless). The end of the log is
presumably EOD (unverified), so a Nak after the first entry also ends the walk.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..protocol.messages.eventlog import (
    EventLogItem,
    EventLogType,
    LogDirection,
    RequestEventLogItem,
)
from ..protocol.messages.generic import EndOfData, Nak
from ..protocol.security import SecurityMode
from .errors import PanelNakError
from .request_helpers import RequestSender, require, unexpected_reply

_LOGGER = logging.getLogger(__name__)

# An entry up to this far "in the future" is clock skew, not last year's entry.
_FUTURE_TOLERANCE = timedelta(days=1)


@dataclass(frozen=True)
class LogEntry:
    """One event-log entry with its typed views resolved."""

    number: int
    time: datetime | None  # None when the panel marked the time invalid
    event_type: int
    log_type: EventLogType | None  # None: a type the table does not know
    security_mode: SecurityMode | None  # set for "area set to mode" entries
    p1: int
    p2: int
    description: str

    @classmethod
    def from_item(
        cls, item: EventLogItem, now: datetime | None = None, *, lumina: bool = False
    ) -> LogEntry:
        """Typed entry; ``now`` (panel or local time) supplies the year the log does not store."""
        return cls(
            number=item.number,
            time=entry_time(item, now) if now is not None else None,
            event_type=item.event_type,
            log_type=item.log_type,
            security_mode=item.security_mode,
            p1=item.p1,
            p2=item.p2,
            description=item.describe(lumina),
        )


def entry_time(item: EventLogItem, now: datetime) -> datetime | None:
    """The entry's time in the latest year that does not put it after ``now``."""
    for year in (now.year, now.year - 1):
        moment = item.timestamp(year)
        if moment is not None and moment <= now + _FUTURE_TOLERANCE:
            return moment
    return None


class PanelEventLog:
    """The event log of one panel."""

    def __init__(self, sender: RequestSender) -> None:
        self._sender = sender

    def __repr__(self) -> str:
        return f"<PanelEventLog via {self._sender!r}>"

    async def iter_recent(self) -> AsyncGenerator[EventLogItem, None]:
        """Entries from the most recent backwards, until the log ends."""
        seen: set[int] = set()
        request = RequestEventLogItem.most_recent()
        while True:
            reply = await self._sender.request(request)
            if isinstance(reply, EndOfData):
                return
            if isinstance(reply, Nak):
                if not seen:
                    raise PanelNakError("the panel refused RequestEventLogItem (Nak)")
                _LOGGER.debug("event log walk ended with Nak after %d entries", len(seen))
                return
            if not isinstance(reply, EventLogItem):
                raise unexpected_reply("RequestEventLogItem", reply)
            if reply.number in seen:
                return
            seen.add(reply.number)
            yield reply
            request = RequestEventLogItem(reply.number, LogDirection.PREVIOUS)

    async def recent_items(self, count: int) -> list[EventLogItem]:
        """The ``count`` most recent raw entries, newest first (fewer if the log is shorter)."""
        require(count, 0, 0xFFFF, "count")
        items: list[EventLogItem] = []
        if count == 0:
            return items
        # aclosing: leaving the walk early must not leave the generator for the GC to finalise.
        async with contextlib.aclosing(self.iter_recent()) as walk:
            async for item in walk:
                items.append(item)
                if len(items) >= count:
                    break
        return items

    async def recent(
        self, count: int, now: datetime | None = None, *, lumina: bool = False
    ) -> list[LogEntry]:
        """The ``count`` most recent entries, newest first, as :class:`LogEntry`."""
        items = await self.recent_items(count)
        return [LogEntry.from_item(item, now, lumina=lumina) for item in items]
