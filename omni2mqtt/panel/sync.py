"""Synchronisation of one session: identity, capacities, names, notifications, status.

Runs on every (re)connect. Order follows the spec (§18): EnableNotifications goes out before
the first status poll, so no change can slip between a poll reply and the start of pushes;
replies and pushes are applied in arrival order, so the newest value always wins.

A warm start (a cache for this panel identity) takes capacities and names from the cache and
checks the names once the panel is online (:meth:`PanelSynchronizer.verify_names`).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

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
from .names_cache import CachedPanel, NamesCache, PanelIdentity, configuration
from .state import ObjectInfo, PanelInfo, PanelState
from .windows import StatusWindows, next_window, silent_window_timeout

_LOGGER = logging.getLogger(__name__)
M = TypeVar("M", bound=Message)

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
CAPACITY_KINDS: tuple[ObjectType, ...] = (*WALK_KINDS, ObjectType.ACCESS_LOCK)
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

Names = dict[int, list[Properties]]


@dataclass
class SyncResult:
    info: PanelInfo
    notifications: bool
    names_from_cache: bool
    capacities_from_cache: bool = False
    absent: set[tuple[ObjectType, int]] = field(default_factory=set)
    requests: int = 0  # sent until the panel was online
    # The check of cached names once online: None until it ran (or when the names were walked),
    # then whether the cache still matched; and the requests it took, walks and polls included.
    names_verified: bool | None = None
    verification_requests: int = 0


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
        self.requests = 0  # sent by this synchronizer; commands share the connection
        self.slowest_reply = 0.0  # seconds
        self.capacities_from_cache = False
        self.windows = StatusWindows(self.extended)
        self._identity: PanelIdentity | None = None
        self._cached: CachedPanel | None = None
        self._capacities: dict[ObjectType, int] = {}
        self._names: Names = {}  # the names in the state, as the cache stores them
        # The names came from the cache and verify_names has not checked them yet.
        self.names_unverified = False

    async def run(self, *, walk_names: bool = False) -> SyncResult:
        """Sync everything; ``walk_names`` ignores the cache (and rewrites it)."""
        start_requests = self.requests
        info = await self.read_info(use_cache=not walk_names)
        self.state.set_info(info)
        from_cache = await self.load_names(info)
        notifications = await self.enable_notifications()
        # Troubles too are read after EnableNotifications: one raised in between is pushed.
        await self.poll_troubles()
        await self.poll_status()
        return SyncResult(
            info=info,
            notifications=notifications,
            names_from_cache=from_cache,
            capacities_from_cache=self.capacities_from_cache,
            absent=set(self.absent),
            requests=self.requests - start_requests,
        )

    @contextlib.contextmanager
    def _counted(self) -> Iterator[None]:
        self.requests += 1
        started = time.monotonic()
        yield  # a request that failed tells nothing about how fast the panel answers
        self.slowest_reply = max(self.slowest_reply, time.monotonic() - started)

    async def _request(
        self, message: Message, *, timeout: float | None = None, may_be_silent: bool = False
    ) -> Message:
        with self._counted():
            return await self.connection.request(
                message, timeout=timeout, may_be_silent=may_be_silent
            )

    async def _request_as(self, message: Message, reply_type: type[M]) -> M:
        with self._counted():
            return await self.connection.request_as(message, reply_type)

    # -- identity --------------------------------------------------------------------------

    async def read_info(self, *, use_cache: bool = True) -> PanelInfo:
        """System information and formats; capacities from the cache when it has them."""
        system = await self._request_as(RequestSystemInformation(), SystemInformation)
        self.extended = system.firmware_major >= EXTENDED_STATUS_MIN_FIRMWARE
        unit = TemperatureUnit.FAHRENHEIT
        try:
            # Read on every start, cache or not: users change the formats, not the capacities.
            formats = await self._request_as(RequestSystemFormats(), SystemFormats)
            unit = formats.temperature_unit or unit
        except PanelNakError:
            _LOGGER.info("panel does not report its formats; assuming Fahrenheit")
        previous = self.state.info
        # The same panel as in an earlier session: what it answered then, it supports now.
        self.known = previous is not None and (previous.model, previous.firmware) == (
            system.model,
            system.firmware,
        )
        self._identity = PanelIdentity(self.panel_id, system.model, system.firmware)
        cached = self.cache.load(self._identity) if self.cache is not None and use_cache else None
        self._cached = cached
        capacities = dict(cached.capacities) if cached is not None else {}
        self.capacities_from_cache = all(kind in capacities for kind in CAPACITY_KINDS)
        if not self.capacities_from_cache:
            before = previous.capacities if self.known and previous is not None else {}
            capacities = await self._read_capacities(before)
        # A cache written for this identity holds what the panel answered before, just like an
        # earlier session: a Nak for it now is a transient refusal (see _refused_again).
        self.known = self.known or cached is not None
        self._capacities = capacities
        self.windows = StatusWindows(self.extended, cached.windows if cached is not None else None)
        return PanelInfo.from_system_information(system, unit, capacities)

    async def _read_capacities(self, before: Mapping[ObjectType, int]) -> dict[ObjectType, int]:
        capacities: dict[ObjectType, int] = {}
        for kind in CAPACITY_KINDS:
            reply = await self._request(RequestCapacities(kind))
            if not isinstance(reply, Capacities) and before.get(kind, 0) > 0:
                raise _refused_again(f"the {kind.slug} capacity")
            capacities[kind] = reply.capacity if isinstance(reply, Capacities) else 0
        return capacities

    # -- names -----------------------------------------------------------------------------

    async def load_names(self, info: PanelInfo) -> bool:
        """Names from the cache :meth:`read_info` found (unverified), else walked and cached."""
        cached = self._cached
        self.names_unverified = cached is not None
        if cached is not None:
            self._names = cached.objects
        else:
            kinds = [kind for kind in WALK_KINDS if info.capacities.get(kind, 0) > 0]
            self._names = {kind: await self.walk(kind) for kind in kinds}
        self._apply_names(self._names, WALK_KINDS)
        if cached is None:
            self._save()
        return cached is not None

    async def walk(self, kind: ObjectType) -> list[Properties]:
        """Every named object of one kind: Properties 'next named' from 0 until EOD."""
        found: list[Properties] = []
        index = 0
        while True:
            reply = await self._request(
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

    async def verify_names(self) -> bool | None:
        """Check cached names against the panel; None when there is nothing to check.

        The cheap check: each kind's first and last named object (number, name and
        configuration) still match the cache. Two requests per kind catch added or removed
        objects at either end and renames there; a rename in the middle is picked up by a
        resync (bridge request). A kind that differs is walked again, applied (the MQTT side
        follows the change events), saved, and its new objects get their status.
        """
        if not self.names_unverified:
            return None
        changed = [
            kind
            for kind in WALK_KINDS
            if self._capacities.get(kind, 0) > 0 and not await self._ends_match(kind)
        ]
        self.names_unverified = False
        if not changed:
            return True
        _LOGGER.info(
            "named %s changed since the cache was written; walking them again",
            ", ".join(f"{kind.slug}s" for kind in changed),
        )
        names = dict(self._names)
        for kind in changed:
            names[kind] = await self.walk(kind)
        known_before = {kind: _numbers(self._names.get(kind, ())) for kind in changed}
        self._names = names
        self._apply_names(names, changed)
        self._save()
        for kind, source in STATUS_KINDS.items():
            if source in known_before:
                new = _numbers(names[source]) - known_before[source]
                await self.poll_numbers(kind, [n for n in self.status_numbers(kind) if n in new])
        return False

    async def _ends_match(self, kind: ObjectType) -> bool:
        ends = self._names.get(kind) or []
        expected = [configuration(ends[0]), configuration(ends[-1])] if ends else [None, None]
        first = await self._probe(kind, 0, Direction.NEXT)
        last = await self._probe(kind, self._capacities[kind] + 1, Direction.PREVIOUS)
        return [first, last] == expected

    async def _probe(self, kind: ObjectType, index: int, direction: Direction) -> object:
        reply = await self._request(RequestProperties(kind, index, direction, NameFilter.NAMED))
        return configuration(reply) if isinstance(reply, Properties) else None

    def _apply_names(self, objects: Names, kinds: Iterable[ObjectType]) -> None:
        for kind in kinds:
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

    def _save(self) -> None:
        if self.cache is not None and self._identity is not None:
            entry = CachedPanel(self._names, self._capacities, self.windows.learned)
            self.cache.save(self._identity, entry)
        self.windows.changed = False

    # -- notifications and status ------------------------------------------------------------

    async def enable_notifications(self) -> bool:
        reply = await self._request(EnableNotifications(True))
        if isinstance(reply, Nak):
            _LOGGER.warning("the panel refused EnableNotifications; falling back to polling")
            return False
        return True

    async def poll_troubles(self) -> None:
        # Freeze and fuse troubles have no event word, and a panel that refused notifications
        # pushes none: the periodic poll reads the troubles too.
        troubles = await self._request_as(RequestSystemTroubles(), SystemTroubles)
        self.state.apply_message(troubles)

    def status_numbers(self, kind: ObjectType) -> list[int]:
        source = STATUS_KINDS[kind]
        numbers = [info.number for info in self.state.objects(source)]
        return [n for n in numbers if (kind, n) not in self.absent]

    async def poll_status(self, kinds: Iterable[ObjectType] | None = None) -> None:
        for kind in kinds or STATUS_KINDS:
            await self.poll_numbers(kind, self.status_numbers(kind))
        if self.windows.changed:
            self._save()  # so the next start does not wait for the same silence

    async def poll_numbers(
        self, kind: ObjectType, numbers: Sequence[int], limit: int | None = None
    ) -> None:
        """Poll objects in windows of the kind's current size (and at most ``limit``); the size
        is re-read for every window, as replies and silences refine it."""
        rest = sorted(set(numbers))
        while rest:
            size = self.windows.size(kind)
            count = next_window(rest, size if limit is None else min(size, limit))
            await self.poll_range(kind, rest[:count])
            rest = rest[count:]

    async def poll_range(self, kind: ObjectType, numbers: Sequence[int]) -> None:
        """Poll a window; on Nak, EOD or silence shrink it down to single objects (§9)."""
        first, last = numbers[0], numbers[-1]
        single = first == last
        request: Message = (
            RequestExtendedStatus(kind, first, last)
            if self.extended
            else RequestStatus(kind, first, last)
        )
        window_timeout = silent_window_timeout(self.connection.request_timeout, self.slowest_reply)
        timeout = None if single else window_timeout
        try:
            reply = await self._request(request, timeout=timeout, may_be_silent=not single)
        except PanelTimeoutError:
            if single:
                raise  # a single object unanswered: the session is suspect, reconnect
            reply = None
        if isinstance(reply, ExtendedStatus):
            self.windows.saw_record_length(kind, reply.record_length)
        if isinstance(reply, ExtendedStatus | Status):
            self.state.apply_message(reply)
            return
        if single:
            if isinstance(reply, Nak | EndOfData):
                if self.known and self.state.record(kind, first) is not None:
                    raise _refused_again(f"the status of {kind.slug} {first}")
                self.absent.add((kind, first))
            return
        smaller = self.windows.after_failure(kind, last - first + 1, silent=reply is None)
        _LOGGER.info(
            "%s status window %d-%d got %s; retrying in windows of %d",
            kind.slug,
            first,
            last,
            "no reply" if reply is None else type(reply).__name__,
            smaller,
        )
        await self.poll_numbers(kind, numbers, smaller)


def _numbers(entries: Iterable[Properties]) -> set[int]:
    return {p.body.number for p in entries}


def _refused_again(what: str) -> PanelNakError:
    # Within one panel identity what was answered once does not become unsupported: a Nak
    # here is a transient refusal (the panel answers a corrupted request with Nak). Believing
    # it would drop objects and their Home Assistant entities; retrying the session does not.
    return PanelNakError(f"the panel refused {what}, which it answered before")
