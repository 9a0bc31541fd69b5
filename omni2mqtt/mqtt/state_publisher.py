"""Retained per-attribute state topics and the non-retained event topic of every panel."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ..panel.state import StateChange
from ..panel.views import SystemView, View
from ..protocol.event_bits import Event
from ..protocol.objects import ObjectType
from .attributes import OBJECT_ATTRIBUTES, VIEW_TYPES, render_system, render_view
from .extension import Extension
from .gateway import PanelRuntime
from .topics import KIND_TOPICS


class StatePublisher(Extension):
    """Publishes every named object's attributes on change, and every push event."""

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
        info = state.info
        if info is not None:
            self.gateway.publisher.retained(
                self.gateway.topics.info(runtime.id),
                json.dumps(panel_info(runtime), sort_keys=True),
            )
        self._publish_system(runtime, state.system_view())
        for kind in OBJECT_ATTRIBUTES:
            for view in state.views(kind):
                self._publish_object(runtime, kind, view)

    def _publish_object(self, runtime: PanelRuntime, kind: ObjectType, view: View) -> None:
        if not self.publishes(runtime, kind, view):
            return
        topics, publisher = self.gateway.topics, self.gateway.publisher
        for leaf, payload in render_view(kind, view).items():
            if payload is not None:
                publisher.retained(topics.object(runtime.id, kind, view.number, leaf), payload)

    def _publish_system(self, runtime: PanelRuntime, view: SystemView) -> None:
        topics, publisher = self.gateway.topics, self.gateway.publisher
        for leaf, payload in render_system(view).items():
            if payload is not None:
                publisher.retained(topics.system(runtime.id, leaf), payload)

    def _on_change(self, runtime: PanelRuntime, change: StateChange) -> None:
        if not runtime.client.available:
            return  # the full publish at sync completion covers the sync's own changes
        if change.object_type is None:
            assert isinstance(change.new, SystemView)
            self._publish_system(runtime, change.new)
        else:
            self._publish_object(runtime, change.object_type, change.new)

    # -- events ------------------------------------------------------------------------------------

    def _on_event(self, runtime: PanelRuntime, event: Event) -> None:
        payload = {**event.to_dict(), "time": datetime.now(UTC).isoformat(timespec="seconds")}
        self.gateway.publisher.message(
            self.gateway.topics.event(runtime.id), json.dumps(payload, sort_keys=True)
        )


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
