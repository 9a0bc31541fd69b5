"""PanelClient against the emulator over real TCP: sync, pushes, faults, reconnect, close."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from omni2mqtt.emulator.faults import RequestFault
from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.scenario import load_scenario
from omni2mqtt.emulator.server import EmulatorServer
from omni2mqtt.panel.client import PanelClient
from omni2mqtt.panel.errors import (
    PanelAuthenticationError,
    PanelBusyError,
    PanelOfflineError,
)
from omni2mqtt.panel.reconnect import ReconnectPolicy
from omni2mqtt.panel.state import StateChange
from omni2mqtt.panel.views import AreaView, ZoneView
from omni2mqtt.protocol.messages.base import Message
from omni2mqtt.protocol.messages.control import ExecuteSecurityCommand
from omni2mqtt.protocol.messages.generic import Nak
from omni2mqtt.protocol.messages.notifications import EnableNotifications
from omni2mqtt.protocol.objects import ObjectType

from .client_helpers import options, wait_until
from .conftest import CONTROLLER_KEY


@pytest.fixture
async def client(emulator: EmulatorServer[EmulatedPanel]) -> AsyncIterator[PanelClient]:
    panel_client = PanelClient(options(emulator))
    await panel_client.start()
    await panel_client.wait_available(10)
    try:
        yield panel_client
    finally:
        await panel_client.stop()


def zone(client: PanelClient, number: int) -> ZoneView:
    view = client.state.view(ObjectType.ZONE, number)
    assert isinstance(view, ZoneView)
    return view


def area(client: PanelClient, number: int) -> AreaView:
    view = client.state.view(ObjectType.AREA, number)
    assert isinstance(view, AreaView)
    return view


async def test_sync_discovers_every_named_object(
    client: PanelClient, emulated_panel: EmulatedPanel
) -> None:
    scenario = load_scenario("demo")
    for kind, specs in (
        (ObjectType.AREA, scenario.areas),
        (ObjectType.ZONE, scenario.zones),
        (ObjectType.UNIT, scenario.units),
        (ObjectType.BUTTON, scenario.buttons),
        (ObjectType.THERMOSTAT, scenario.thermostats),
        (ObjectType.MESSAGE, scenario.messages),
        (ObjectType.AUDIO_ZONE, scenario.audio_zones),
    ):
        names = {info.number: info.name for info in client.state.objects(kind)}
        assert names == {s.number: s.name for s in specs}, kind
    assert client.sync_result is not None and client.sync_result.notifications
    info = client.state.info
    assert info is not None and info.model_name == "Omni Pro II" and info.firmware == "3.16b"
    # Live status came with the sync: the hall light is at 50 %, a thermostat reads 69.8 F.
    assert client.state.view(ObjectType.UNIT, 2).level == 50  # type: ignore[union-attr]
    assert client.state.view(ObjectType.THERMOSTAT, 1).temperature == 69.8  # type: ignore[union-attr]


async def test_pushes_update_state_and_emit_one_change(
    client: PanelClient, emulated_panel: EmulatedPanel
) -> None:
    changes: list[StateChange] = []
    client.state.subscribe(changes.append)
    emulated_panel.set_zone_open(3, True)
    await wait_until(lambda: zone(client, 3).open)
    assert not area(client, 1).ready
    await asyncio.sleep(0.2)
    zone_changes = [c for c in changes if c.object_type is ObjectType.ZONE and c.number == 3]
    assert len(zone_changes) == 1
    emulated_panel.set_zone_open(3, False)
    await wait_until(lambda: not zone(client, 3).open and area(client, 1).ready)


async def test_arming_word_alone_triggers_an_area_reread(
    client: PanelClient, emulated_panel: EmulatedPanel
) -> None:
    # With status pushes off the client only sees the arming words and must re-read the area.
    emulated_panel.push_extended_status = False
    reply = await client.request(ExecuteSecurityCommand(area=1, mode=3, code="1234"))
    assert not isinstance(reply, Nak)
    await wait_until(lambda: area(client, 1).ha_state == "arming")


async def test_windows_shrink_when_the_panel_stays_silent(tmp_path: Path) -> None:
    panel = EmulatedPanel(load_scenario("demo"), max_status_records=6)
    async with EmulatorServer(panel, CONTROLLER_KEY, port=0) as server:
        client = PanelClient(options(server, request_timeout=0.3))
        await client.start()
        try:
            await client.wait_available(20)
            zones = {v.number for v in client.state.views(ObjectType.ZONE) if v.name}
            assert zones == set(range(1, 22))
            assert client.sync_result is not None and not client.sync_result.absent
        finally:
            await client.stop()


class NoNotificationsPanel(EmulatedPanel):
    """A peer that lacks EnableNotifications (one public emulator Naks it)."""

    def handle(self, message: Message) -> Message | None:
        if isinstance(message, EnableNotifications):
            return Nak()
        return super().handle(message)


async def test_nakd_notifications_fall_back_to_polling() -> None:
    panel = NoNotificationsPanel(load_scenario("demo"))
    async with EmulatorServer(panel, CONTROLLER_KEY, port=0) as server:
        client = PanelClient(options(server, fallback_poll_interval=0.2))
        await client.start()
        try:
            await client.wait_available(10)
            assert client.sync_result is not None and not client.sync_result.notifications
            panel.set_zone_open(5, True)
            await wait_until(lambda: zone(client, 5).open)
        finally:
            await client.stop()


async def test_reconnects_and_resyncs_after_a_drop(
    client: PanelClient, emulator: EmulatorServer[EmulatedPanel], emulated_panel: EmulatedPanel
) -> None:
    seen: list[bool] = []
    client.subscribe_availability(seen.append)
    assert emulator.drop_connection()
    await wait_until(lambda: seen[:1] == [False])
    emulated_panel.set_zone_open(7, True)  # changes while the client is away
    await wait_until(lambda: client.available and client.sessions == 2)
    await wait_until(lambda: zone(client, 7).open)
    assert seen[:2] == [False, True]


@pytest.mark.parametrize("fault", ["garbage", "drop_mid_request", "two_stalled_requests"])
async def test_recovers_from_faults(
    client: PanelClient, emulator: EmulatorServer[EmulatedPanel], fault: str
) -> None:
    if fault == "garbage":
        emulator.send_garbage(64)
    elif fault == "drop_mid_request":
        emulator.faults.arm(RequestFault.DROP)
    else:
        emulator.faults.arm(RequestFault.IGNORE, count=2)
    if fault != "garbage":
        for _ in range(2):
            with pytest.raises(Exception):  # noqa: B017 - timeout or connection error
                await client.commands.unit_on(1)
            if not client.available:
                break
    await wait_until(lambda: client.sessions == 2 and client.available)
    await client.commands.unit_on(1)


async def test_refused_session_waits_the_busy_delay(
    emulator: EmulatorServer[EmulatedPanel],
) -> None:
    emulator.faults.refuse_next_sessions(1)
    client = PanelClient(options(emulator))
    errors: list[BaseException | None] = []
    client.subscribe_availability(lambda up: errors.append(client.last_error))
    await client.start()
    try:
        await client.wait_available(10)
        assert emulator.faults.counters["refuse_session"] == 1
    finally:
        await client.stop()


async def test_busy_panel_error_is_typed(emulator: EmulatorServer[EmulatedPanel]) -> None:
    emulator.faults.refuse_next_sessions(50)
    client = PanelClient(options(emulator))
    await client.start()
    try:
        await wait_until(lambda: isinstance(client.last_error, PanelBusyError))
        assert not client.available
    finally:
        await client.stop()


async def test_wrong_key_stops_without_hammering(emulator: EmulatorServer[EmulatedPanel]) -> None:
    client = PanelClient(options(emulator, controller_key=bytes(16)))
    await client.start()
    assert client._task is not None
    await asyncio.wait_for(asyncio.shield(client._task), 5)
    assert isinstance(client.last_error, PanelAuthenticationError)
    assert "controller key is wrong" in str(client.last_error)
    started = emulator.status()["sessions_started"]
    await asyncio.sleep(0.3)
    assert emulator.status()["sessions_started"] == started
    assert not client.available
    await client.stop()


async def test_commands_fail_at_once_while_offline(emulator: EmulatorServer[EmulatedPanel]) -> None:
    client = PanelClient(options(emulator))
    with pytest.raises(PanelOfflineError):
        await asyncio.wait_for(client.commands.unit_on(1), 0.5)
    with pytest.raises(PanelOfflineError):
        await asyncio.wait_for(client.security.set_mode(1, 3, "1234"), 0.5)


async def test_stop_terminates_the_session_so_the_slot_is_free_at_once(
    client: PanelClient, emulator: EmulatorServer[EmulatedPanel]
) -> None:
    await client.stop()
    await wait_until(lambda: not emulator.connected, timeout=2)
    assert emulator.sessions_terminated_by_client == 1
    second = PanelClient(options(emulator, reconnect=ReconnectPolicy(0, 0, 60)))
    await second.start()
    try:
        await second.wait_available(5)
        assert emulator.faults.counters["refuse_session"] == 0
    finally:
        await second.stop()


async def test_keepalive_holds_an_idle_session() -> None:
    panel = EmulatedPanel(load_scenario("demo"))
    async with EmulatorServer(panel, CONTROLLER_KEY, port=0, idle_timeout=0.8) as server:
        client = PanelClient(options(server, keepalive_interval=0.2, poll_interval=0))
        await client.start()
        try:
            await client.wait_available(10)
            await asyncio.sleep(2.0)
            assert client.available and client.sessions == 1
        finally:
            await client.stop()


@pytest.mark.parametrize("fault", [RequestFault.DROP, RequestFault.GARBAGE, RequestFault.IGNORE])
async def test_faults_during_sync_end_in_a_complete_resync(
    emulator: EmulatorServer[EmulatedPanel], fault: RequestFault
) -> None:
    # The fault hits the third request of the first session: in the middle of the sync.
    client = PanelClient(options(emulator, request_timeout=0.5))
    emulator.faults.arm(fault, count=1)
    original = emulator.faults.take_request_fault
    calls = {"n": 0}

    def delayed_fault() -> RequestFault | None:
        calls["n"] += 1
        return original() if calls["n"] >= 3 else None

    emulator.faults.take_request_fault = delayed_fault  # type: ignore[method-assign]
    await client.start()
    try:
        await client.wait_available(15)
        assert client.sessions == 2
        assert sum(emulator.faults.counters.values()) == 1
        named = {v.number for v in client.state.views(ObjectType.ZONE) if v.name}
        assert named == set(range(1, 22))
    finally:
        await client.stop()


async def test_old_firmware_is_read_with_basic_status() -> None:
    scenario = load_scenario("demo").model_copy(update={"firmware": (2, 12, 1)})
    panel = EmulatedPanel(scenario)
    async with EmulatorServer(panel, CONTROLLER_KEY, port=0) as server:
        client = PanelClient(options(server))
        await client.start()
        try:
            await client.wait_available(10)
            info = client.state.info
            assert info is not None and info.firmware == "2.12a"
            assert client.state.view(ObjectType.UNIT, 2).level == 50  # type: ignore[union-attr]
            assert client.state.view(ObjectType.THERMOSTAT, 1).humidity is None  # type: ignore[union-attr]
            panel.set_zone_open(1, True)
            await wait_until(lambda: zone(client, 1).open)
        finally:
            await client.stop()
