"""The live state store of one panel: a typed view per object, change events, snapshots.

Fed by the sync (``set_info``, ``set_objects`` after a Properties walk, status polls) and by
pushes: unsolicited ExtendedStatus records, which are authoritative, and SystemEvents words,
which are events first and fill in what they imply when no status push follows (spec 18:
handle either alone). After a mode-change or alarm word the area is only *marked* for a re-read
(``areas_needing_refresh``): arming versus armed is decided by the re-read status, never by the
word.

Hot path: applying a record costs a dict lookup, a record compare, and when it differs one view
derivation and compare; a zone also re-derives its area's view when the zone changes the area's
readiness. A change event fires only when a view really differs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from operator import attrgetter
from types import MappingProxyType
from typing import Generic, TypeVar

from ..protocol.events import (
    AlarmActivated,
    Event,
    SecurityModeChanged,
    UnitStateChanged,
    ZoneStateChanged,
)
from ..protocol.messages.base import Message
from ..protocol.messages.notifications import SystemEvents
from ..protocol.messages.properties import PropertiesBody
from ..protocol.messages.status import ExtendedStatus, Status
from ..protocol.messages.system import (
    SystemFormats,
    SystemStatus,
    SystemTroubles,
)
from ..protocol.objects import ObjectType
from ..protocol.records import (
    RECORD_SPECS,
    AreaRecord,
    RawRecord,
    StatusRecord,
    UnitRecord,
    ZoneRecord,
)
from .derive import (
    NAME_ONLY_VIEWS,
    RECORD_VIEWS,
    SystemTracker,
    area_view,
    raw_view,
    remembered_level,
    unit_view,
    zone_blocks_area,
)
from .views import (
    ObjectInfo,
    PanelInfo,
    PanelSnapshot,
    StateChange,
    SystemView,
    UnitView,
    View,
    ViewContext,
)

__all__ = ["ObjectInfo", "PanelInfo", "PanelSnapshot", "PanelState", "StateChange"]

_LOGGER = logging.getLogger(__name__)
T = TypeVar("T")

_ZONE, _UNIT, _AREA = ObjectType.ZONE, ObjectType.UNIT, ObjectType.AREA
_CONDITION_BITS = 0x03  # zone status bits 0-1: the current condition (spec 15.1)


class _Listeners(Generic[T]):
    """Callbacks of one kind; a failing callback is logged and never stops the others."""

    __slots__ = ("_callbacks",)

    def __init__(self) -> None:
        self._callbacks: tuple[Callable[[T], None], ...] = ()

    def add(self, callback: Callable[[T], None]) -> Callable[[], None]:
        self._callbacks = (*self._callbacks, callback)

        def remove() -> None:
            callbacks = list(self._callbacks)
            if callback in callbacks:
                callbacks.remove(callback)
            self._callbacks = tuple(callbacks)

        return remove

    def notify(self, item: T) -> None:
        for callback in self._callbacks:
            try:
                callback(item)
            except Exception:
                _LOGGER.exception("state subscriber %r failed on %r", callback, item)


def _empty_infos() -> Mapping[int, ObjectInfo]:
    return MappingProxyType({})


class PanelState:
    """The typed live state of one panel. Not thread-safe: use it from the event loop."""

    def __init__(self) -> None:
        self._info: PanelInfo | None = None
        self._ctx = ViewContext()
        # Replaced wholesale by set_objects, never mutated: snapshots share them.
        self._infos: dict[ObjectType, Mapping[int, ObjectInfo]] = {
            kind: _empty_infos() for kind in ObjectType
        }
        self._records: dict[ObjectType, dict[int, StatusRecord]] = {k: {} for k in ObjectType}
        self._views: dict[ObjectType, dict[int, View]] = {kind: {} for kind in ObjectType}
        # Brightness of the last non-zero level state; an "on" state or word restores it. Kept
        # across clear_status: a panel reports a dimmed light as plain "on" after a reconnect.
        self._last_level: dict[int, int] = {}
        self._last_user: dict[int, int] = {}  # area -> code of the last mode-change word
        self._zone_blocks: dict[int, int] = {}  # zone -> the area it keeps from being ready
        self._not_ready: dict[int, set[int]] = {}  # area -> those zones
        self._refresh_areas: set[int] = set()
        self._system_tracker = SystemTracker()
        self._system = self._system_tracker.view()
        self._changes: _Listeners[StateChange] = _Listeners()
        self._events: _Listeners[Event] = _Listeners()

    # -- static facts --------------------------------------------------------------------------

    @property
    def info(self) -> PanelInfo | None:
        return self._info

    def set_info(self, info: PanelInfo) -> None:
        """Store the panel identity; a new temperature unit or model family re-derives views."""
        self._info = info
        ctx = ViewContext(info.temperature_unit, info.lumina)
        if ctx != self._ctx:
            self._ctx = ctx
            for kind in ObjectType:
                self._refresh_kind(kind)

    def set_objects(self, object_type: ObjectType, infos: Iterable[ObjectInfo]) -> None:
        """Replace the named objects of one type (after a Properties walk or from the cache)."""
        table: dict[int, ObjectInfo] = {}
        for info in infos:
            if info.object_type != object_type:
                raise ValueError(f"{info!r} is not a {object_type.slug}")
            table[info.number] = info
        self._infos[object_type] = MappingProxyType(table)
        if object_type is _ZONE:
            # Zone types and areas decide readiness: recompute it for every zone.
            self._zone_blocks.clear()
            self._not_ready.clear()
            for number in self._records[_ZONE]:
                self._update_readiness(number)
        self._refresh_kind(object_type)
        if object_type is _ZONE:
            self._refresh_kind(_AREA)
        elif object_type is ObjectType.ACCESS_READER:
            self._refresh_kind(ObjectType.ACCESS_LOCK)  # locks are named after their readers

    def objects(self, object_type: ObjectType) -> list[ObjectInfo]:
        return sorted(self._infos[object_type].values(), key=attrgetter("number"))

    def object_info(self, object_type: ObjectType, number: int) -> ObjectInfo | None:
        return self._infos[object_type].get(number)

    # -- live status ---------------------------------------------------------------------------

    def apply_record(self, object_type: ObjectType, record: StatusRecord) -> None:
        """Apply one status record, from a poll reply or an unsolicited ExtendedStatus."""
        spec = RECORD_SPECS.get(object_type)
        if not isinstance(record, spec.record_class if spec is not None else RawRecord):
            _LOGGER.debug("ignoring %r: not a %s record", record, object_type.slug)
            return
        number = record.number
        if object_type is _AREA:
            self._refresh_areas.discard(number)  # this is the re-read a word asked for
        records = self._records[object_type]
        if records.get(number) == record:
            return
        records[number] = record
        if isinstance(record, UnitRecord):
            level = remembered_level(record, self._properties(_UNIT, number))
            if level is not None:
                self._last_level[number] = level
        self._refresh(object_type, number)
        if object_type is _ZONE:
            for area in self._update_readiness(number):
                self._refresh(_AREA, area)

    def apply_message(self, message: Message) -> list[Event]:
        """Apply a reply or push; returns the decoded events of a SystemEvents message.

        Handles Status / ExtendedStatus (every record), SystemEvents, SystemTroubles,
        SystemFormats (temperature unit) and SystemStatus (areas whose alarm bits disagree with
        the store are marked for a re-read). Other messages are ignored.
        """
        if isinstance(message, ExtendedStatus | Status):
            try:
                kind = ObjectType(message.object_type)
            except ValueError:
                return []  # an object type newer than this code: nothing to show it as
            for record in message.records:
                self.apply_record(kind, record)
        elif isinstance(message, SystemEvents):
            events = list(message.events)
            for event in events:
                self._apply_event(event)
                self._events.notify(event)
            return events
        elif isinstance(message, SystemTroubles):
            self._system_tracker.set_troubles(message.codes)
            self._refresh_system()
        elif isinstance(message, SystemFormats):
            unit = message.temperature_unit
            if self._info is not None and unit is not None:
                self.set_info(replace(self._info, temperature_unit=unit))
        elif isinstance(message, SystemStatus):
            self._check_area_alarms(message)
        return []

    def areas_needing_refresh(self) -> set[int]:
        """Areas to re-read after mode-change or alarm words; calling this drains the set."""
        areas, self._refresh_areas = self._refresh_areas, set()
        return areas

    def has_areas_needing_refresh(self) -> bool:
        return bool(self._refresh_areas)

    def clear_status(self) -> None:
        """Forget all live status (on disconnect); names and panel info are kept.

        No change events fire: the consumer marks the panel unavailable instead, and the resync
        after the reconnect reports every object again (old = None).
        """
        for records in self._records.values():
            records.clear()
        for kind, views in self._views.items():
            if kind not in NAME_ONLY_VIEWS:
                views.clear()
        self._last_user.clear()
        self._zone_blocks.clear()
        self._not_ready.clear()
        self._refresh_areas.clear()
        self._system_tracker = SystemTracker()
        self._system = self._system_tracker.view()

    # -- reading -------------------------------------------------------------------------------

    def record(self, object_type: ObjectType, number: int) -> StatusRecord | None:
        """The last raw status record (e.g. to build a command from current setpoints)."""
        return self._records[object_type].get(number)

    def view(self, object_type: ObjectType, number: int) -> View | None:
        return self._views[object_type].get(number)

    def views(self, object_type: ObjectType) -> list[View]:
        return sorted(self._views[object_type].values(), key=attrgetter("number"))

    def system_view(self) -> SystemView:
        return self._system

    def snapshot(self) -> PanelSnapshot:
        return PanelSnapshot(
            info=self._info,
            system=self._system,
            objects=MappingProxyType(dict(self._infos)),
            object_views=MappingProxyType(
                {kind: MappingProxyType(dict(views)) for kind, views in self._views.items()}
            ),
        )

    def subscribe(self, callback: Callable[[StateChange], None]) -> Callable[[], None]:
        """Call ``callback`` for every view change; returns the unsubscribe function."""
        return self._changes.add(callback)

    def subscribe_events(self, callback: Callable[[Event], None]) -> Callable[[], None]:
        """Call ``callback`` for every decoded push event, after its state effects."""
        return self._events.add(callback)

    # -- derivation ----------------------------------------------------------------------------

    def _properties(self, object_type: ObjectType, number: int) -> PropertiesBody | None:
        info = self._infos[object_type].get(number)
        return None if info is None else info.properties

    def _derive(self, kind: ObjectType, number: int) -> View | None:
        info = self._infos[kind].get(number)
        if info is None and kind is ObjectType.ACCESS_LOCK:
            info = self._infos[ObjectType.ACCESS_READER].get(number)
        name, props = ("", None) if info is None else (info.name, info.properties)
        record = self._records[kind].get(number)
        if record is None:
            name_only = NAME_ONLY_VIEWS.get(kind)
            return (
                None if name_only is None or info is None else name_only(number=number, name=name)
            )
        if isinstance(record, UnitRecord):
            return unit_view(record, name, props, self._last_level.get(number))
        if isinstance(record, AreaRecord):
            not_ready = tuple(sorted(self._not_ready.get(number, ())))
            return area_view(record, name, self._ctx, not_ready, self._last_user.get(number))
        return RECORD_VIEWS.get(kind, raw_view)(record, name, props, self._ctx)

    def _refresh(self, kind: ObjectType, number: int) -> None:
        views = self._views[kind]
        old = views.get(number)
        new = self._derive(kind, number)
        if new == old:
            return
        if new is None:
            # Only a name-only object (button, code, audio source) dropped by set_objects. Its
            # last change says it lost its name, which is how consumers see a removal (discovery
            # drops unnamed objects); then it is gone from the store.
            del views[number]
            if old is not None:
                self._changes.notify(StateChange(kind, number, old, replace(old, name="")))
            return
        views[number] = new
        self._changes.notify(StateChange(kind, number, old, new))

    def _refresh_kind(self, kind: ObjectType) -> None:
        numbers = self._records[kind].keys() | self._views[kind].keys()
        if kind in NAME_ONLY_VIEWS:
            numbers |= self._infos[kind].keys()
        for number in sorted(numbers):
            self._refresh(kind, number)

    def _update_readiness(self, zone: int) -> tuple[int, ...]:
        """Track which area the zone keeps from being ready; returns the areas that changed."""
        record = self._records[_ZONE].get(zone)
        props = self._properties(_ZONE, zone)
        blocked = zone_blocks_area(record, props) if isinstance(record, ZoneRecord) else None
        old = self._zone_blocks.get(zone)
        if blocked == old:
            return ()
        if old is not None:
            self._not_ready[old].discard(zone)
            del self._zone_blocks[zone]
        if blocked is not None:
            self._not_ready.setdefault(blocked, set()).add(zone)
            self._zone_blocks[zone] = blocked
        return tuple(area for area in (old, blocked) if area is not None)

    # -- push events ---------------------------------------------------------------------------

    def _apply_event(self, event: Event) -> None:
        match event:
            case ZoneStateChanged():
                self._apply_zone_word(event.zone, event.not_ready)
            case UnitStateChanged():
                self._apply_unit_word(event.unit, event.on)
            case SecurityModeChanged():
                self._mark_area(event.area)
                if event.area:
                    self._last_user[event.area] = event.code
                    self._refresh(_AREA, event.area)
            case AlarmActivated():
                self._mark_area(event.area)
            case _:
                if self._system_tracker.apply_event(event):
                    self._refresh_system()

    def _apply_zone_word(self, zone: int, not_ready: bool) -> None:
        # Only the condition bits follow the word; the latched and arming bits are the panel's
        # to report. Objects not polled yet are left alone: their poll is on its way.
        record = self._records[_ZONE].get(zone)
        if not isinstance(record, ZoneRecord) or bool(record.status & _CONDITION_BITS) == not_ready:
            return
        status = (record.status & ~_CONDITION_BITS) | int(not_ready)
        self.apply_record(_ZONE, replace(record, status=status))

    def _apply_unit_word(self, unit: int, on: bool) -> None:
        # The word has no level (spec 18): "on" becomes state 1, which shows the remembered
        # level; an already-on unit (a dimmed light, a flag holding 5) is left as it is.
        record = self._records[_UNIT].get(unit)
        view = self._views[_UNIT].get(unit)
        if not isinstance(record, UnitRecord) or not isinstance(view, UnitView) or view.on == on:
            return
        self.apply_record(_UNIT, replace(record, state=int(on)))

    def _mark_area(self, area: int) -> None:
        if area:
            self._refresh_areas.add(area)
        else:
            # Area 0 in a word is unverified; re-reading every known area is always safe.
            self._refresh_areas.update(self._records[_AREA].keys() | self._infos[_AREA].keys())

    def _check_area_alarms(self, status: SystemStatus) -> None:
        # SystemStatus lists (area, alarm bits) for the areas in alarm (pitfall 18): a backstop
        # for a lost alarm push, checked on every keep-alive.
        in_alarm = dict(status.area_alarms)
        for number, record in self._records[_AREA].items():
            if isinstance(record, AreaRecord) and record.alarms != in_alarm.pop(number, 0):
                self._refresh_areas.add(number)
        self._refresh_areas.update(area for area, bits in in_alarm.items() if bits)

    def _refresh_system(self) -> None:
        new = self._system_tracker.view()
        if new != self._system:
            old, self._system = self._system, new
            self._changes.notify(StateChange(None, 0, old, new))
