"""Warm starts from the cache (capacities, names, learned windows), the late name check, and
status windows sized to one reply; PanelClient against the emulator over real TCP."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.scenario import Scenario, load_scenario
from omni2mqtt.emulator.server import EmulatorServer
from omni2mqtt.panel.client import PanelClient
from omni2mqtt.panel.state import StateChange
from omni2mqtt.panel.sync import CAPACITY_KINDS, WALK_KINDS, SyncResult
from omni2mqtt.protocol.messages.base import Message
from omni2mqtt.protocol.messages.generic import Nak
from omni2mqtt.protocol.messages.properties import RequestProperties
from omni2mqtt.protocol.messages.status import (
    ExtendedStatus,
    RequestExtendedStatus,
    RequestStatus,
    max_records,
)
from omni2mqtt.protocol.objects import ObjectType
from omni2mqtt.protocol.records import UnitRecord

from .client_helpers import options, wait_until
from .conftest import CONTROLLER_KEY

Window = tuple[ObjectType, int, int]


class RecordingPanel(EmulatedPanel):
    """Remembers every request type, the status windows asked for and those left unanswered."""

    def __init__(self, scenario: Scenario, **kwargs: object) -> None:
        super().__init__(scenario, **kwargs)  # type: ignore[arg-type]
        self.seen: list[str] = []
        self.windows: list[Window] = []
        self.silent: list[Window] = []

    def handle(self, message: Message) -> Message | None:
        reply = self.answer(message)
        self.seen.append(type(message).__name__)
        if isinstance(message, RequestStatus | RequestExtendedStatus):
            window = (ObjectType(message.object_type), message.first, message.last)
            self.windows.append(window)
            if reply is None:
                self.silent.append(window)
        return reply

    def answer(self, message: Message) -> Message | None:
        return super().handle(message)

    def unit_windows(self) -> list[tuple[int, int]]:
        return [(first, last) for kind, first, last in self.windows if kind is ObjectType.UNIT]


async def start(panel: EmulatedPanel, **overrides: object) -> tuple[PanelClient, SyncResult]:
    """A client brought online against ``panel``, with its cached names checked."""
    async with EmulatorServer(panel, CONTROLLER_KEY, port=0) as server:
        client = PanelClient(options(server, **overrides))
        await client.start()
        try:
            await client.wait_available(20)
            result = client.sync_result
            assert result is not None
            if result.names_from_cache:
                await wait_until(lambda: result.names_verified is not None)
            return client, result
        finally:
            await client.stop()


def _named_groups(scenario: Scenario) -> list[Sequence[object]]:
    return [
        scenario.areas,
        scenario.zones,
        scenario.units,
        scenario.buttons,
        scenario.codes,
        scenario.thermostats,
        scenario.messages,
        # Analog zones have an auxiliary object of the same name and number.
        [z for z in scenario.zones if z.type.info.analog],
        scenario.audio_sources,
        scenario.audio_zones,
        scenario.user_settings,
        scenario.locks,
    ]


def zone_names(client: PanelClient) -> dict[int, str]:
    return {i.number: i.name for i in client.state.objects(ObjectType.ZONE)}


async def test_warm_start_reads_no_capacities_or_names_before_going_online(
    tmp_path: Path,
) -> None:
    scenario = load_scenario("demo")
    panel = RecordingPanel(scenario)
    _, cold = await start(panel, cache_dir=tmp_path)
    panel.seen.clear()
    client, warm = await start(panel, cache_dir=tmp_path)
    assert (cold.names_from_cache, cold.capacities_from_cache, cold.names_verified) == (
        False,
        False,
        None,
    )
    assert (warm.names_from_cache, warm.capacities_from_cache, warm.names_verified) == (
        True,
        True,
        True,
    )
    # Only the check's probes after going online: two per kind, no walk.
    online = panel.seen[: warm.requests]
    assert "RequestCapacities" not in online and "RequestProperties" not in online
    assert warm.verification_requests == 2 * len(WALK_KINDS)
    assert panel.seen[warm.requests :].count("RequestProperties") == 2 * len(WALK_KINDS)
    walked = sum(len(group) for group in _named_groups(scenario))
    # The walk is one request per named object plus the EOD of each kind.
    assert warm.requests == cold.requests - len(CAPACITY_KINDS) - walked - len(WALK_KINDS)
    assert zone_names(client) == {z.number: z.name for z in scenario.zones}


async def test_late_check_applies_and_caches_a_removed_zone(tmp_path: Path) -> None:
    scenario = load_scenario("demo")
    await start(EmulatedPanel(scenario), cache_dir=tmp_path)
    fewer = scenario.model_copy(update={"zones": scenario.zones[:-1]})
    client, changed = await start(EmulatedPanel(fewer), cache_dir=tmp_path)
    # Online with the cached zones first; the check found the change and applied it.
    assert (changed.names_from_cache, changed.names_verified) == (True, False)
    assert list(zone_names(client)) == [z.number for z in fewer.zones]
    assert changed.verification_requests > 2 * len(WALK_KINDS)
    client, again = await start(EmulatedPanel(fewer), cache_dir=tmp_path)
    assert again.names_verified is True
    assert list(zone_names(client)) == [z.number for z in fewer.zones]


async def test_late_check_polls_the_status_of_an_added_zone(tmp_path: Path) -> None:
    panel = EmulatedPanel(load_scenario("demo"))
    await start(panel, cache_dir=tmp_path)
    panel.zones.obtain(40).name = "SHED DOOR"
    panel.set_zone_open(40, True)
    changes: list[StateChange] = []
    async with EmulatorServer(panel, CONTROLLER_KEY, port=0) as server:
        client = PanelClient(options(server, cache_dir=tmp_path))
        client.state.subscribe(changes.append)
        await client.start()
        try:
            await client.wait_available(10)
            assert client.state.object_info(ObjectType.ZONE, 40) is None  # cached names first
            await wait_until(lambda: client.state.view(ObjectType.ZONE, 40) is not None)
            view = client.state.view(ObjectType.ZONE, 40)
            assert view is not None and view.name == "SHED DOOR" and view.open  # type: ignore[attr-defined]
            assert client.sync_result is not None and client.sync_result.names_verified is False
        finally:
            await client.stop()
    assert (40, None) in [(c.number, c.old) for c in changes if c.object_type is ObjectType.ZONE]
    cache = json.loads((tmp_path / "house.names.json").read_text())
    assert len(cache["objects"][str(int(ObjectType.ZONE))]) == 22


async def test_live_values_in_properties_are_not_name_changes(tmp_path: Path) -> None:
    panel = EmulatedPanel(load_scenario("demo"))
    await start(panel, cache_dir=tmp_path)
    # Properties carry these live values; the first and last zone and thermostat are probed.
    panel.set_zone_open(1, True)
    panel.set_zone_loop(21, 120)
    panel.set_thermostat(1, temperature=140)
    panel.set_thermostat(2, temperature=100)
    _, warm = await start(panel, cache_dir=tmp_path)
    assert warm.names_verified is True
    assert warm.verification_requests == 2 * len(WALK_KINDS)


class NakZonePropertiesPanel(EmulatedPanel):
    """Refuses the next ``naks`` zone Properties requests (a transient refusal)."""

    naks = 0

    def handle(self, message: Message) -> Message | None:
        zone = isinstance(message, RequestProperties) and message.object_type == ObjectType.ZONE
        if zone and self.naks > 0:
            self.naks -= 1
            return Nak()
        return super().handle(message)


async def test_a_nak_during_the_late_check_reconnects_instead_of_dropping_zones(
    tmp_path: Path,
) -> None:
    panel = NakZonePropertiesPanel(load_scenario("demo"))
    await start(panel, cache_dir=tmp_path)
    panel.naks = 3  # both probes of the zone check, then the walk that follows the mismatch
    lost_names: list[StateChange] = []

    def on_change(change: StateChange) -> None:
        if change.object_type is ObjectType.ZONE and not change.new.name:
            lost_names.append(change)

    async with EmulatorServer(panel, CONTROLLER_KEY, port=0) as server:
        client = PanelClient(options(server, cache_dir=tmp_path))
        client.state.subscribe(on_change)
        await client.start()
        try:
            await wait_until(lambda: client.sessions == 2 and client.available)
            result = client.sync_result
            assert result is not None
            await wait_until(lambda: result.names_verified is not None)
            assert result.names_verified is True
            assert len(zone_names(client)) == 21
        finally:
            await client.stop()
    assert not lost_names


# --- status windows ----------------------------------------------------------------------------

UNITS = Scenario.model_validate(
    {"units": [{"number": n, "name": f"UNIT {n}"} for n in range(1, 101)]}
)


async def test_unit_windows_grow_to_the_record_length_the_panel_sends() -> None:
    panel = RecordingPanel(UNITS)
    await start(panel)
    # 33 units fit a reply of 7-byte records; the reply carries 5-byte ones, so 46 fit.
    assert panel.unit_windows() == [(1, 33), (34, 79), (80, 100)]
    assert not panel.silent


class PowerUnitsPanel(RecordingPanel):
    """Unit records with the SDK's power field: 7 bytes, so only 33 fit one reply."""

    def answer(self, message: Message) -> Message | None:
        reply = super().answer(message)
        if not isinstance(reply, ExtendedStatus) or reply.object_type != ObjectType.UNIT:
            return reply
        if len(reply.records) > max_records(ObjectType.UNIT, True, 7):
            return None
        records = tuple(replace(r, power=0) for r in reply.records if isinstance(r, UnitRecord))
        return ExtendedStatus(reply.object_type, records, 7)


async def test_unit_windows_stay_at_33_for_seven_byte_records() -> None:
    panel = PowerUnitsPanel(UNITS)
    await start(panel)
    assert panel.unit_windows() == [(1, 33), (34, 66), (67, 99), (100, 100)]
    assert not panel.silent


async def test_windows_fill_one_reply() -> None:
    panel = RecordingPanel(load_scenario("full"))
    await start(panel)
    sizes: dict[ObjectType, int] = {}
    for kind, first, last in panel.windows:
        sizes[kind] = max(sizes.get(kind, 0), last - first + 1)
    assert sizes[ObjectType.ZONE] == 58
    assert sizes[ObjectType.THERMOSTAT] == 16
    assert sizes[ObjectType.MESSAGE] == 77
    assert sizes[ObjectType.UNIT] == 46
    assert not panel.silent


async def test_a_silent_window_is_learned_and_cached(tmp_path: Path) -> None:
    panel = RecordingPanel(load_scenario("demo"), max_status_records=6)
    _, cold = await start(panel, cache_dir=tmp_path, request_timeout=0.3)
    assert panel.silent and not cold.absent
    cache = json.loads((tmp_path / "house.names.json").read_text())
    assert 0 < cache["windows"][str(int(ObjectType.ZONE))] <= 6
    panel.windows.clear()
    panel.silent.clear()
    client, _ = await start(panel, cache_dir=tmp_path, request_timeout=0.3)
    # The warm start knows the limit: no window goes unanswered.
    assert panel.windows and not panel.silent
    assert {v.number for v in client.state.views(ObjectType.ZONE) if v.name} == set(range(1, 22))
