"""Home Assistant MQTT discovery (design section 3): one device per panel, entities for every
named object, troubles, push events and programs.

Configs are retained under ``<prefix>/<component>/omni2mqtt_<panel>/<key>/config``. They are built
when the panel becomes available (names and model are known then) and rebuilt when an object
appears, is renamed or changes type. The states go out first (during the sync, and before the
configs on a broker reconnect); every topic is retained, so Home Assistant reads a state when its
config makes it subscribe. On Home Assistant's birth the configs are sent again, then the states,
so it (re)creates each entity before its value comes. The retained configs under each panel's node
id are scanned when the broker connection comes up (discovery_scan.py); after the panel's first
sync and program read, those of objects that no longer exist are removed (empty retained payload).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import sys
from collections.abc import Coroutine
from typing import Any

import aiomqtt

from ..panel.errors import PanelError
from ..panel.state import StateChange
from ..protocol.objects import ObjectType
from .attributes import ONLINE
from .discovery_components import BUILDERS, named_objects, panel_entities, signature
from .discovery_entities import DiscoveryContext, EntityConfig, discovery_topic, option_labels
from .discovery_scan import ConfigScan
from .extension import Extension
from .gateway import Gateway, PanelRuntime
from .state_publisher import StatePublisher
from .topics import PROGRAM

_LOGGER = logging.getLogger(__name__)

# Kinds whose changes can change the configs (audio sources are the select's options).
_REBUILD_KINDS = frozenset(BUILDERS) | {ObjectType.AUDIO_SOURCE}


class Discovery(Extension):
    def __init__(self, gateway: Gateway) -> None:
        super().__init__(gateway)
        # panel -> object group ("zone_5", "system") -> config topic -> payload
        self._groups: dict[str, dict[str, dict[str, str]]] = {}
        self._programs: dict[str, list[int]] = {}  # panel -> defined slots, once read
        self._readings: dict[str, set[tuple[int, str]]] = {}
        self._scanned: set[str] = set()  # panels whose stale configs were removed
        self._scan = ConfigScan(gateway.mqtt, gateway.topics.base, self.prefix)
        self._after_sync: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._birth: asyncio.Task[None] | None = None

    @property
    def prefix(self) -> str:
        return self.gateway.settings.mqtt.discovery_prefix

    def configs(self, panel_id: str) -> dict[str, str]:
        """The configs currently published for a panel: topic -> JSON payload."""
        return self._flat(self._groups.get(panel_id, {}))

    async def start(self) -> None:
        if not self.gateway.settings.mqtt.discovery:
            return
        for runtime in self.gateway.panels.values():
            self._watch(runtime)
        status_topic = self.gateway.settings.homeassistant.status_topic
        self.gateway.mqtt.subscribe(status_topic, self._on_ha_status)
        self.gateway.mqtt.on_connected(self._republish)
        self.gateway.mqtt.on_connected(self._start_scans)
        self.gateway.on_programs_changed(self.refresh_programs)

    async def stop(self) -> None:
        await self._scan.stop()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # -- building and publishing -----------------------------------------------------------------

    def _watch(self, runtime: PanelRuntime) -> None:
        def on_availability(up: bool) -> None:
            if not up:
                return
            try:
                self.publish_panel(runtime)
            except Exception:
                # The client calls this from its session task: never let it fail there.
                _LOGGER.exception("panel %s: building discovery configs failed", runtime.id)
            previous = self._after_sync.get(runtime.id)
            if previous is not None:
                previous.cancel()
            self._after_sync[runtime.id] = self._spawn(
                self._programs_and_cleanup(runtime), f"panel {runtime.id} discovery"
            )

        def on_change(change: StateChange) -> None:
            if (
                change.object_type in _REBUILD_KINDS
                and runtime.client.available
                and (change.old is None or signature(change.old) != signature(change.new))
            ):
                self.publish_panel(runtime)

        runtime.client.subscribe_availability(on_availability)
        runtime.client.state.subscribe(on_change)

    def publish_panel(self, runtime: PanelRuntime) -> None:
        """Rebuild the panel's configs from its synced state; publish changes, clear leftovers.

        Only while the panel is available: a panel that went away keeps its names but not its
        status views, and building from those would drop most entities.
        """
        state = runtime.client.state
        info = state.info
        if info is None or not runtime.client.available:
            return
        sources = state.views(ObjectType.AUDIO_SOURCE)
        ctx = DiscoveryContext(
            panel_id=runtime.id,
            panel_name=runtime.settings.display_name,
            topics=self.gateway.topics,
            model=info.model_name,
            firmware=info.firmware,
            temperature_unit=info.temperature_unit,
            qos=self.gateway.settings.mqtt.qos,
            audio_sources=option_labels((v.number, v.name) for v in sources if v.name),
            readings=self._readings.setdefault(runtime.id, set()),
        )
        programs = self._programs.get(runtime.id, ())
        old = self._groups.get(runtime.id, {})
        groups: dict[str, dict[str, str]] = {}
        for group, entities in panel_entities(ctx, state, runtime.allows, programs):
            groups[group] = self._render(runtime.id, entities, old.get(group, {}))
        # A named object without status this time (a poll that went unanswered) keeps its
        # configs: removing them would make HA drop the entity and the user's settings for it.
        for group in named_objects(state, runtime.allows) - groups.keys():
            if group in old:
                groups[group] = old[group]
        self._groups[runtime.id] = groups
        publisher = self.gateway.publisher
        for configs in groups.values():
            for topic, payload in configs.items():
                publisher.retained(topic, payload)
        # Group by group, without a flat copy of thousands of configs; a topic that moved to
        # another group is still published, so it is checked against all of them.
        gone = [t for g, configs in old.items() for t in configs if t not in groups.get(g, ())]
        if gone:
            gone = sorted(set(gone).difference(*groups.values()))
        for topic in gone:
            publisher.clear(topic)

    def _render(
        self, panel_id: str, entities: list[EntityConfig], old: dict[str, str]
    ) -> dict[str, str]:
        """One group's configs as topic -> JSON. What did not change is kept as already held
        (the publisher caches the same strings): a rebuild does not hold a panel's configs twice.
        """
        configs: dict[str, str] = {}
        for entity in entities:
            # Interned: every rebuild then yields the very topic objects already held.
            topic = sys.intern(discovery_topic(self.prefix, panel_id, entity.component, entity.key))
            payload = entity.to_json()
            previous = old.get(topic)
            configs[topic] = payload if previous != payload else previous
        return old if configs == old else configs

    @staticmethod
    def _flat(groups: dict[str, dict[str, str]]) -> dict[str, str]:
        return {topic: payload for configs in groups.values() for topic, payload in configs.items()}

    async def _republish(self) -> None:
        """After a (re)connect or HA's birth: every config again."""
        for groups in self._groups.values():
            for configs in groups.values():
                for topic, payload in configs.items():
                    self.gateway.publisher.retained(topic, payload)

    # -- programs and the start-up cleanup -------------------------------------------------------

    async def _programs_and_cleanup(self, runtime: PanelRuntime) -> None:
        await self._read_programs(runtime)
        if runtime.id not in self._scanned:
            await self._remove_stale(runtime)

    async def _read_programs(self, runtime: PanelRuntime) -> None:
        # One request per defined program; in the background, after the sync.
        try:
            slots = sorted(await runtime.client.programs.read_all())
        except PanelError as exc:
            _LOGGER.warning("panel %s: could not read the program list: %s", runtime.id, exc)
            return
        if slots != self._programs.get(runtime.id):
            self._programs[runtime.id] = slots
            self.publish_panel(runtime)

    async def refresh_programs(self, panel_id: str) -> None:
        """Re-read the program list (e.g. after a program write) and update the buttons."""
        runtime = self.gateway.panels.get(panel_id)
        if runtime is not None and self.gateway.settings.mqtt.discovery:
            await self._read_programs(runtime)

    async def _start_scans(self) -> None:
        # Not awaited: the scans need the connection's message loop, which starts after this.
        for panel_id in self.gateway.panels:
            if panel_id not in self._scanned:
                self._scan.start(panel_id)

    async def _remove_stale(self, runtime: PanelRuntime) -> None:
        """Clear retained configs under this panel's node id that the current set lacks."""
        found = await self._scan.result(runtime.id)
        if found is None:
            return  # the broker went away or never answered: scan again after the next sync
        groups = self._groups.get(runtime.id, {})
        # Kept: named objects that got no status in this sync (their configs could not be
        # built) and, until the program list is known, the program buttons.
        kept = named_objects(runtime.client.state, runtime.allows) - groups.keys()
        programs_known = runtime.id in self._programs
        stale = [
            topic
            for topic in sorted(found.difference(*groups.values()))
            if _group(topic) not in kept and (programs_known or not _is_program(topic))
        ]
        for topic in stale:
            self.gateway.publisher.clear(topic)
        self._scanned.add(runtime.id)
        self._scan.forget(runtime.id)
        if stale:
            _LOGGER.info("panel %s: removed %d stale discovery configs", runtime.id, len(stale))

    # -- Home Assistant's birth message ----------------------------------------------------------

    async def _on_ha_status(self, message: aiomqtt.Message) -> None:
        # A retained birth is an old one: the (re)connect republish already covers it.
        payload = message.payload
        text = payload.decode(errors="replace") if isinstance(payload, bytes | bytearray) else ""
        if message.retain or text.strip().lower() != ONLINE:
            return
        if self._birth is None or self._birth.done():
            self._birth = self._spawn(self._after_birth(), "republish after HA birth")

    async def _after_birth(self) -> None:
        ha = self.gateway.settings.homeassistant
        # A random delay, so that many integrations do not all answer HA at the same moment.
        await asyncio.sleep(random.uniform(ha.birth_delay_min, ha.birth_delay_max))
        # The publisher skips payloads the broker already holds; HA wants everything again.
        self.gateway.publisher.forget()
        await self._republish()
        states = next((e for e in self.gateway.extensions if isinstance(e, StatePublisher)), None)
        for runtime in self.gateway.panels.values():
            if states is not None and runtime.client.available:
                states.publish_panel(runtime)

    # -- tasks ---------------------------------------------------------------------------------

    def _spawn(self, coro: Coroutine[Any, Any, None], what: str) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(_logged(coro, what))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task


async def _logged(coro: Coroutine[Any, Any, None], what: str) -> None:
    try:
        await coro
    except asyncio.CancelledError:
        raise
    except Exception:
        _LOGGER.exception("%s failed", what)


_GROUP = re.compile(r"([a-z_]+?_\d+)(?:_[a-z_]+)?")


def _group(topic: str) -> str | None:
    """The object group of a config topic: ``.../zone_5_bypass/config`` -> ``zone_5``."""
    match = _GROUP.fullmatch(topic.split("/")[-2])
    return match.group(1) if match else None


def _is_program(topic: str) -> bool:
    return (_group(topic) or "").startswith(PROGRAM + "_")
