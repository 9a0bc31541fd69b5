"""Retained per-attribute state topics and the non-retained event topic of every panel.

This is the push path (panel push -> state change -> here -> publisher), so per object the
topics and the panel's include/exclude decision are worked out once and kept, and each
attribute goes to the publisher as soon as it is rendered.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime

from ..panel.state import StateChange
from ..panel.views import SystemView, View
from ..protocol.event_bits import Event
from ..protocol.objects import ObjectType
from .attributes import OBJECT_ATTRIBUTES, SYSTEM_ATTRIBUTES, VIEW_TYPES, Attribute
from .extension import Extension
from .gateway import Gateway, PanelRuntime
from .publisher import Publisher
from .topics import KIND_TOPICS

# (attribute, its topic) for every published attribute of one object.
_Leaves = tuple[tuple[Attribute, str], ...]


class _EventClock:
    """The event timestamp text, formatted once per second rather than once per event."""

    def __init__(self) -> None:
        self._second = -1
        self._text = ""

    def now(self) -> str:
        second = int(time.time())
        if second != self._second:
            stamp = datetime.fromtimestamp(second, UTC)
            self._second, self._text = second, stamp.isoformat(timespec="seconds")
        return self._text


class StatePublisher(Extension):
    """Publishes every named object's attributes on change, and every push event."""

    def __init__(self, gateway: Gateway) -> None:
        super().__init__(gateway)
        # (panel, kind, number) -> its leaves, or None when the panel's filters exclude it.
        self._leaves: dict[tuple[str, ObjectType, int], _Leaves | None] = {}
        self._system_leaves: dict[str, _Leaves] = {}
        self._event_topics: dict[str, str] = {}
        self._clock = _EventClock()
        # Changes made while a panel syncs, published together on the next loop turn.
        self._deferred: dict[tuple[str, ObjectType | None, int], PanelRuntime] = {}

    async def start(self) -> None:
        for runtime in self.gateway.panels.values():
            self._watch(runtime)
        self.gateway.mqtt.on_connected(self._republish)

    def _watch(self, runtime: PanelRuntime) -> None:
        def on_change(change: StateChange) -> None:
            self._on_change(runtime, change)

        def on_event(event: Event) -> None:
            self._on_event(runtime, event)

        def on_availability(up: bool) -> None:
            if up:
                self.publish_panel(runtime)

        runtime.client.state.subscribe(on_change)
        runtime.client.state.subscribe_events(on_event)
        runtime.client.subscribe_availability(on_availability)

    async def _republish(self) -> None:
        for runtime in self.gateway.panels.values():
            if runtime.client.available:
                self.publish_panel(runtime)

    # -- objects ---------------------------------------------------------------------------------

    def publishes(self, runtime: PanelRuntime, kind: ObjectType, view: View) -> bool:
        """Only named objects of published kinds that the panel's filters allow."""
        view_type = VIEW_TYPES.get(kind)
        if kind not in OBJECT_ATTRIBUTES or (
            view_type is not None and not isinstance(view, view_type)
        ):
            return False
        return bool(view.name) and runtime.allows(KIND_TOPICS[kind], view.number)

    def publish_panel(self, runtime: PanelRuntime) -> None:
        """Everything retained about one panel: info, system, every object's attributes."""
        state = runtime.client.state
        self._publish_info(runtime)
        self._publish_system(runtime, state.system_view())
        for kind in OBJECT_ATTRIBUTES:
            for view in state.views(kind):
                self._publish_object(runtime, kind, view)

    def _publish_info(self, runtime: PanelRuntime) -> None:
        if runtime.client.state.info is not None:
            self.gateway.publisher.retained(
                self.gateway.topics.info(runtime.id),
                json.dumps(panel_info(runtime), sort_keys=True),
            )

    def _publish_object(self, runtime: PanelRuntime, kind: ObjectType, view: View) -> None:
        # publishes() without asking the filters again: their answer is in the leaves.
        view_type = VIEW_TYPES.get(kind)
        if not view.name or (view_type is not None and not isinstance(view, view_type)):
            return
        leaves = self._object_leaves(runtime, kind, view.number)
        if leaves is not None:
            _publish(self.gateway.publisher, leaves, view)

    def _object_leaves(
        self, runtime: PanelRuntime, kind: ObjectType, number: int
    ) -> _Leaves | None:
        key = (runtime.id, kind, number)
        try:
            return self._leaves[key]
        except KeyError:
            pass
        leaves: _Leaves | None = None
        if kind in OBJECT_ATTRIBUTES and runtime.allows(KIND_TOPICS[kind], number):
            topics = self.gateway.topics
            leaves = tuple(
                (a, topics.object(runtime.id, kind, number, a.name))
                for a in OBJECT_ATTRIBUTES[kind]
            )
        self._leaves[key] = leaves
        return leaves

    def _publish_system(self, runtime: PanelRuntime, view: SystemView) -> None:
        leaves = self._system_leaves.get(runtime.id)
        if leaves is None:
            topics = self.gateway.topics
            leaves = tuple((a, topics.system(runtime.id, a.name)) for a in SYSTEM_ATTRIBUTES)
            self._system_leaves[runtime.id] = leaves
        _publish(self.gateway.publisher, leaves, view)

    def _on_change(self, runtime: PanelRuntime, change: StateChange) -> None:
        if not runtime.client.available:
            # Still syncing: each status window's objects go out while the next window's request
            # is with the panel, instead of all at once at the end. Rendered on the next loop
            # turn, so that request is not held up by them; only the newest view counts.
            # The publisher's cache makes the full publish at sync completion send only the rest.
            self._defer(runtime, change)
        else:
            self._publish_current(runtime, change.object_type, change.number)
            if change.object_type is not None and (
                change.old is None or change.old.name != change.new.name
            ):
                # An object added, removed or renamed after the sync (the late check of cached
                # names, a resync): the object counts in <panel>/info follow.
                self._publish_info(runtime)

    def _defer(self, runtime: PanelRuntime, change: StateChange) -> None:
        if not self._deferred:
            asyncio.get_running_loop().call_soon(self._publish_deferred)
        self._deferred[(runtime.id, change.object_type, change.number)] = runtime

    def _publish_deferred(self) -> None:
        deferred, self._deferred = self._deferred, {}
        for (_, kind, number), runtime in deferred.items():
            self._publish_current(runtime, kind, number)

    def _publish_current(self, runtime: PanelRuntime, kind: ObjectType | None, number: int) -> None:
        # The store's current view, not the one a change carried: a deferred change may have
        # been overtaken by one published at once (the panel went online meanwhile).
        state = runtime.client.state
        if kind is None:
            self._publish_system(runtime, state.system_view())
        elif (view := state.view(kind, number)) is not None and view.name:
            self._publish_object(runtime, kind, view)
        else:
            self._clear_object(runtime, kind, number)

    def _clear_object(self, runtime: PanelRuntime, kind: ObjectType, number: int) -> None:
        """An object that lost its name (or its view) is gone from the panel: so are the
        retained topics it had (leaves exist only for objects published before)."""
        publisher = self.gateway.publisher
        for _, topic in self._leaves.get((runtime.id, kind, number)) or ():
            if publisher.cached(topic) is not None:
                publisher.clear(topic)

    # -- events ------------------------------------------------------------------------------------

    def _on_event(self, runtime: PanelRuntime, event: Event) -> None:
        topic = self._event_topics.get(runtime.id)
        if topic is None:
            topic = self._event_topics[runtime.id] = self.gateway.topics.event(runtime.id)
        payload = event.to_dict()
        payload["time"] = self._clock.now()
        self.gateway.publisher.message(topic, json.dumps(payload, sort_keys=True))


def _publish(publisher: Publisher, leaves: _Leaves, view: object) -> None:
    for attribute, topic in leaves:
        payload = attribute.render(view)
        if payload is not None:
            publisher.retained(topic, payload)
        elif publisher.cached(topic) is not None:
            # A value that went away (a light turned on without a known level, a reading lost)
            # must not linger: the old retained payload would contradict the panel.
            publisher.clear(topic)


def panel_info(runtime: PanelRuntime) -> dict[str, object]:
    """``<panel>/info``: model, firmware, capacities and object counts."""
    state = runtime.client.state
    info = state.info
    assert info is not None
    counts = {
        KIND_TOPICS[kind]: len([v for v in state.views(kind) if v.name])
        for kind in OBJECT_ATTRIBUTES
        if kind in KIND_TOPICS
    }
    return {
        "id": runtime.id,
        "name": runtime.settings.display_name,
        "model": info.model_name,
        "model_number": info.model,
        "firmware": info.firmware,
        "capacities": {k.slug: v for k, v in sorted(info.capacities.items())},
        "objects": counts,
        "temperature_unit": info.temperature_unit.symbol,
    }
