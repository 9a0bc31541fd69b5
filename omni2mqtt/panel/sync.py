"""Full synchronisation of one session: identity, capacities, names, notifications, status.

Runs on every (re)connect. Order follows the spec (§18): EnableNotifications goes out before
the first status poll, so no change can slip between a poll reply and the start of pushes;
replies and pushes are applied in arrival order, so the newest value always wins.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..protocol.messages.base import Message
from ..protocol.messages.generic import EndOfData, Nak
from ..protocol.messages.notifications import EnableNotifications
from ..protocol.messages.properties import (
    Direction,
    NameFilter,
    Properties,
    RawProperties,
    RequestProperties,
)
from ..protocol.messages.status import (
    ExtendedStatus,
    RequestExtendedStatus,
    RequestStatus,
    Status,
)
from ..protocol.messages.system import (
    Capacities,
    RequestCapacities,
    RequestSystemFormats,
    RequestSystemInformation,
    RequestSystemTroubles,
    SystemFormats,
    SystemInformation,
    SystemTroubles,
)
from ..protocol.objects import ObjectType
from ..protocol.temperature import TemperatureUnit
from .connection import PanelConnection
from .errors import PanelNakError, PanelTimeoutError
from .names_cache import NamesCache, PanelIdentity
from .state import ObjectInfo, PanelInfo, PanelState
from .windows import build_windows, window_size

_LOGGER = logging.getLogger(__name__)

# Object kinds whose names come from a Properties walk, in the order users care about.
WALK_KINDS: tuple[ObjectType, ...] = (
    ObjectType.AREA,
    ObjectType.ZONE,
    ObjectType.UNIT,
    ObjectType.BUTTON,
    ObjectType.CODE,
    ObjectType.THERMOSTAT,
    ObjectType.MESSAGE,
    ObjectType.AUXILIARY,
    ObjectType.AUDIO_SOURCE,
    ObjectType.AUDIO_ZONE,
    ObjectType.USER_SETTING,
    ObjectType.ACCESS_READER,
)
# Kinds with live status, and the kind whose discovered numbers they are polled for. Access
# locks have status only (spec 11): they are the doors of the named access readers.
STATUS_KINDS: dict[ObjectType, ObjectType] = {
    ObjectType.AREA: ObjectType.AREA,
    ObjectType.ZONE: ObjectType.ZONE,
    ObjectType.UNIT: ObjectType.UNIT,
    ObjectType.THERMOSTAT: ObjectType.THERMOSTAT,
    ObjectType.MESSAGE: ObjectType.MESSAGE,
    ObjectType.AUXILIARY: ObjectType.AUXILIARY,
    ObjectType.AUDIO_ZONE: ObjectType.AUDIO_ZONE,
    ObjectType.USER_SETTING: ObjectType.USER_SETTING,
    ObjectType.ACCESS_LOCK: ObjectType.ACCESS_READER,
}
EXTENDED_STATUS_MIN_FIRMWARE = 3


@dataclass
class SyncResult:
    info: PanelInfo
    notifications: bool
    names_from_cache: bool
    absent: set[tuple[ObjectType, int]] = field(default_factory=set)
    requests: int = 0


class PanelSynchronizer:
    """Performs the sync steps over one connection and fills a :class:`PanelState`."""

    def __init__(
        self,
        connection: PanelConnection,
        state: PanelState,
        *,
        panel_id: str,
        cache: NamesCache | None = None,
    ) -> None:
        self.connection = connection
        self.state = state
        self.panel_id = panel_id
        self.cache = cache
        self.extended = True
        self.known = False
        self.absent: set[tuple[ObjectType, int]] = set()
        self._window: dict[ObjectType, int] = {}

    async def run(self, *, walk_names: bool = False) -> SyncResult:
        """Sync everything; ``walk_names`` ignores the name cache (and rewrites it)."""
        start_requests = self.connection.requests_sent
        info = await self.read_info()
        self.state.set_info(info)
        from_cache = await self.load_names(info, use_cache=not walk_names)
        notifications = await self.enable_notifications()
        # Troubles too are read after EnableNotifications: one raised in between is pushed.
        await self.poll_troubles()
        await self.poll_status()
        return SyncResult(
            info=info,
            notifications=notifications,
            names_from_cache=from_cache,
            absent=set(self.absent),
            requests=self.connection.requests_sent - start_requests,
        )

    # -- identity --------------------------------------------------------------------------

    async def read_info(self) -> PanelInfo:
        system = await self.connection.request_as(RequestSystemInformation(), SystemInformation)
        self.extended = system.firmware_major >= EXTENDED_STATUS_MIN_FIRMWARE
        unit = TemperatureUnit.FAHRENHEIT
        try:
            formats = await self.connection.request_as(RequestSystemFormats(), SystemFormats)
            unit = formats.temperature_unit or unit
        except PanelNakError:
            _LOGGER.info("panel does not report its formats; assuming Fahrenheit")
        capacities: dict[ObjectType, int] = {}
        previous = self.state.info
        # The same panel as in an earlier session: what it answered then, it supports now.
        self.known = previous is not None and (previous.model, previous.firmware) == (
            system.model,
            system.firmware,
        )
        before = previous.capacities if self.known and previous is not None else {}
        for kind in (*WALK_KINDS, ObjectType.ACCESS_LOCK):
            reply = await self.connection.request(RequestCapacities(kind))
            if not isinstance(reply, Capacities) and before.get(kind, 0) > 0:
                raise _refused_again(f"the {kind.slug} capacity")
            capacities[kind] = reply.capacity if isinstance(reply, Capacities) else 0
        return PanelInfo.from_system_information(system, unit, capacities)

    # -- names -----------------------------------------------------------------------------

    async def load_names(self, info: PanelInfo, *, use_cache: bool = True) -> bool:
        identity = PanelIdentity(self.panel_id, info.model, info.firmware)
        cached = self.cache.load(identity) if self.cache is not None and use_cache else None
        if cached is not None and await self._cache_still_valid(cached, info):
            self._apply_names(cached)
            return True
        walked: dict[int, list[Properties]] = {
            kind: await self.walk(kind) for kind in WALK_KINDS if info.capacities.get(kind, 0) > 0
        }
        self._apply_names(walked)
        if self.cache is not None:
            self.cache.save(identity, walked)
        return False

    async def walk(self, kind: ObjectType) -> list[Properties]:
        """Every named object of one kind: Properties 'next named' from 0 until EOD."""
        found: list[Properties] = []
        index = 0
        while True:
            reply = await self.connection.request(
                RequestProperties(kind, index, Direction.NEXT, NameFilter.NAMED)
            )
            if not isinstance(reply, Properties) or reply.body.number <= index:
                # EOD ends the walk; Nak means the kind is unsupported; a number that does not
                # advance would loop forever on a confused peer.
                if isinstance(reply, Nak) and (found or (self.known and self.state.objects(kind))):
                    raise _refused_again(f"the {kind.slug} names")
                return found
            found.append(reply)
            index = reply.body.number

    async def _cache_still_valid(
        self, cached: dict[int, list[Properties]], info: PanelInfo
    ) -> bool:
        """The cheap check: each kind's first and last named object still match the cache.

        Two requests per kind catch added or removed objects at either end and renames there;
        a rename in the middle is picked up by a resync (bridge request) or the periodic
        name refresh.
        """
        for kind in WALK_KINDS:
            if info.capacities.get(kind, 0) <= 0:
                continue
            entries = cached.get(kind, [])
            first = await self._probe(kind, 0, Direction.NEXT)
            last = await self._probe(kind, info.capacities[kind] + 1, Direction.PREVIOUS)
            expected = (entries[0], entries[-1]) if entries else (None, None)
            if (first, last) != expected:
                _LOGGER.info("named %ss changed since the cache was written", kind.slug)
                return False
        return True

    async def _probe(self, kind: ObjectType, index: int, direction: Direction) -> Properties | None:
        reply = await self.connection.request(
            RequestProperties(kind, index, direction, NameFilter.NAMED)
        )
        return reply if isinstance(reply, Properties) else None

    def _apply_names(self, objects: dict[int, list[Properties]]) -> None:
        for kind in WALK_KINDS:
            infos = [
                ObjectInfo(
                    object_type=kind,
                    number=p.body.number,
                    name=p.body.name if not isinstance(p.body, RawProperties) else "",
                    properties=None if isinstance(p.body, RawProperties) else p.body,
                )
                for p in objects.get(kind, [])
            ]
            self.state.set_objects(kind, infos)

    # -- notifications and status ------------------------------------------------------------

    async def enable_notifications(self) -> bool:
        reply = await self.connection.request(EnableNotifications(True))
        if isinstance(reply, Nak):
            _LOGGER.warning("the panel refused EnableNotifications; falling back to polling")
            return False
        return True

    async def poll_troubles(self) -> None:
        # Freeze and fuse troubles have no event word, and a panel that refused notifications
        # pushes none: the periodic poll reads the troubles too.
        troubles = await self.connection.request_as(RequestSystemTroubles(), SystemTroubles)
        self.state.apply_message(troubles)

    def status_numbers(self, kind: ObjectType) -> list[int]:
        source = STATUS_KINDS[kind]
        numbers = [info.number for info in self.state.objects(source)]
        return [n for n in numbers if (kind, n) not in self.absent]

    async def poll_status(self, kinds: Iterable[ObjectType] | None = None) -> None:
        for kind in kinds or STATUS_KINDS:
            numbers = self.status_numbers(kind)
            size = self._window.setdefault(kind, window_size(kind, self.extended))
            for first, last in build_windows(numbers, size):
                await self.poll_range(kind, [n for n in numbers if first <= n <= last])

    async def poll_range(self, kind: ObjectType, numbers: Sequence[int]) -> None:
        """Poll a window; on Nak, EOD or silence shrink it down to single objects (§9)."""
        first, last = numbers[0], numbers[-1]
        single = first == last
        request: Message = (
            RequestExtendedStatus(kind, first, last)
            if self.extended
            else RequestStatus(kind, first, last)
        )
        try:
            reply = await self.connection.request(request, may_be_silent=not single)
        except PanelTimeoutError:
            if single:
                raise  # a single object unanswered: the session is suspect, reconnect
            reply = None
        if isinstance(reply, ExtendedStatus | Status):
            self.state.apply_message(reply)
            return
        if single:
            if isinstance(reply, Nak | EndOfData):
                if self.known and self.state.record(kind, first) is not None:
                    raise _refused_again(f"the status of {kind.slug} {first}")
                self.absent.add((kind, first))
            return
        smaller = max(1, len(numbers) // 2)
        self._window[kind] = min(self._window.get(kind, smaller), smaller)
        _LOGGER.info(
            "%s status window %d-%d got %s; retrying in windows of %d",
            kind.slug,
            first,
            last,
            "no reply" if reply is None else type(reply).__name__,
            smaller,
        )
        for part_first, part_last in build_windows(numbers, smaller):
            await self.poll_range(kind, [n for n in numbers if part_first <= n <= part_last])


def _refused_again(what: str) -> PanelNakError:
    # Within one panel identity what was answered once does not become unsupported: a Nak
    # here is a transient refusal (the panel answers a corrupted request with Nak). Believing
    # it would drop objects and their Home Assistant entities; retrying the session does not.
    return PanelNakError(f"the panel refused {what}, which it answered before")
