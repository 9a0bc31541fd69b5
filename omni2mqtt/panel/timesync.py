"""Setting the panel clock and keeping it in step with ours (spec 12).

SetTime carries no seconds, so the panel's seconds restart at 0 when it is received: the only
exact moment to send it is hh:mm:00. :class:`PanelTimeSync` compares the panel's time (SystemStatus)
with a local clock and, when the drift exceeds a threshold, waits for the next minute boundary
and sends SetTime for that minute. Clock, sleep and DST rule are injectable for tests.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..protocol.messages.system import RequestSystemStatus, SetTime, SystemStatus
from .errors import PanelArgumentError, PanelError
from .request_helpers import RequestSender, argument_errors, exchange, send_acked, unexpected_reply

_LOGGER = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]
DstRule = Callable[[datetime], bool]

DEFAULT_THRESHOLD = timedelta(seconds=60)
DEFAULT_INTERVAL = 3600.0
_MINUTE = timedelta(minutes=1)
# Sending up to this late after hh:mm:00 still counts as "at" the minute boundary.
_ON_TIME = timedelta(milliseconds=500)


def local_dst(moment: datetime) -> bool:
    """Whether daylight saving time is in effect at ``moment`` (naive = this host's zone)."""
    offset = moment.astimezone().dst()
    return bool(offset)


def floor_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


@dataclass(frozen=True)
class TimeSyncResult:
    """What one sync found and did."""

    local_time: datetime
    panel_time: datetime | None  # None: the panel clock is not set (or impossible)
    set_to: datetime | None = None  # the minute sent with SetTime; None when none was sent

    @property
    def drift(self) -> timedelta | None:
        """Panel minus local time; positive = the panel is ahead."""
        return None if self.panel_time is None else self.panel_time - self.local_time

    @property
    def sent(self) -> bool:
        return self.set_to is not None


class PanelTimeSync:
    """Reads, sets and synchronises the clock of one panel.

    ``clock`` returns the reference wall-clock time as a naive local datetime (the panel has no
    time zone); ``dst`` says whether DST is in effect at a given local time.
    """

    def __init__(
        self,
        sender: RequestSender,
        *,
        clock: Clock = datetime.now,
        sleep: Sleep = asyncio.sleep,
        dst: DstRule = local_dst,
        threshold: timedelta = DEFAULT_THRESHOLD,
    ) -> None:
        if threshold < timedelta(0):
            raise PanelArgumentError("the drift threshold must not be negative")
        self._sender = sender
        self._clock = clock
        self._sleep = sleep
        self._dst = dst
        self.threshold = threshold

    def __repr__(self) -> str:
        return f"<PanelTimeSync via {self._sender!r}, threshold {self.threshold}>"

    async def read_status(self) -> tuple[SystemStatus, datetime]:
        """The panel's SystemStatus and the local time it corresponds to (the request's
        midpoint, which halves the round trip's share of the measured drift)."""
        before = self._clock()
        reply = await exchange(self._sender, RequestSystemStatus(), "RequestSystemStatus")
        after = self._clock()
        if not isinstance(reply, SystemStatus):
            raise unexpected_reply("RequestSystemStatus", reply)
        return reply, before + (after - before) / 2

    async def read_time(self) -> datetime | None:
        """The panel's local time; None when its clock is not set."""
        status, _ = await self.read_status()
        return status.panel_time

    async def set_time(self, moment: datetime) -> None:
        """Send SetTime for ``moment``'s minute (its seconds are dropped: send at hh:mm:00)."""
        with argument_errors():
            message = SetTime.from_datetime(moment, self._dst(moment))
        _LOGGER.info("setting the panel clock to %s", floor_minute(moment).isoformat(" "))
        await send_acked(self._sender, message, "SetTime")

    async def set_time_now(self) -> datetime:
        """Wait for the next hh:mm:00 of the local clock, then set the panel to that minute."""
        now = self._clock()
        if now - floor_minute(now) > _ON_TIME:
            await self._sleep((floor_minute(now) + _MINUTE - now).total_seconds())
            now = self._clock()
        # Round to the nearest minute: a sleep that wakes a little early or late still
        # means the boundary it was waiting for.
        target = floor_minute(now + _MINUTE / 2)
        await self.set_time(target)
        return target

    def needs_sync(self, panel_time: datetime | None, local_time: datetime) -> bool:
        return panel_time is None or abs(panel_time - local_time) > self.threshold

    async def sync(self) -> TimeSyncResult:
        """Compare clocks once; send SetTime (at hh:mm:00) only when the drift exceeds the
        threshold or the panel clock is not set."""
        status, local = await self.read_status()
        panel = status.panel_time
        if not self.needs_sync(panel, local):
            return TimeSyncResult(local, panel)
        drift = "unset" if panel is None else f"{(panel - local).total_seconds():+.0f} s"
        _LOGGER.info("panel clock drift %s exceeds %s; resetting it", drift, self.threshold)
        target = await self.set_time_now()
        return TimeSyncResult(local, panel, target)

    async def run(self, interval: float = DEFAULT_INTERVAL) -> None:
        """Sync every ``interval`` seconds until cancelled; a failed sync is logged and retried
        at the next interval."""
        while True:
            try:
                await self.sync()
            except PanelError as exc:
                _LOGGER.warning("panel time sync failed: %s", exc)
            await self._sleep(interval)
