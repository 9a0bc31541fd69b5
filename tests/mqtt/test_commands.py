"""The command router through a real mosquitto and the emulator: security, results, retained
commands, offline panels, timeouts and ordering."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import pytest

from omni2mqtt.emulator.faults import RequestFault
from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.server import EmulatorServer
from omni2mqtt.mqtt.gateway import Gateway
from omni2mqtt.protocol.messages.control import Command, ExecuteSecurityCommand

from ..broker import Mosquitto, Subscriber
from .command_helpers import (
    BASE,
    error,
    ok,
    online,
    record_requests,
    results,
    running_gateway,
    send,
    snapshot,
    wait_results,
)
from .conftest import SettingsFactory

ALICE = "2468"  # the demo's manager code, areas 1 and 2; rarer in payloads than 1234


@pytest.fixture
async def gateway(make_settings: SettingsFactory) -> AsyncIterator[Gateway]:
    async with running_gateway(make_settings()) as gw:
        yield gw


async def test_arm_with_code_then_exit_delay_then_disarm(
    gateway: Gateway,
    subscriber: Subscriber,
    emulated_panel: EmulatedPanel,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    await online(subscriber)
    payload = json.dumps({"action": "ARM_AWAY", "code": ALICE, "transaction": "t-1"})
    result = await send(subscriber, "area/2", payload)
    assert result == {"status": "ok", "command": "area 2 arm_away", "transaction": "t-1"}
    await subscriber.wait_for(f"{BASE}/area/2/state", "arming")
    assert snapshot(emulated_panel, "areas", 2)["arming"]
    emulated_panel.tick(25)  # past the demo garage's 20 s exit delay
    await subscriber.wait_for(f"{BASE}/area/2/state", "armed_away")
    payload = json.dumps({"action": "disarm", "code": int(ALICE), "transaction": 7})
    result = await send(subscriber, "area/2", payload)
    assert result == {"status": "ok", "command": "area 2 disarm", "transaction": 7}
    await subscriber.wait_for(f"{BASE}/area/2/state", "disarmed")
    # Every arm_* action reaches the panel as its mode (custom bypass = Day instant, ...).
    for action, mode in (("arm_home", 1), ("arm_custom_bypass", 5), ("arm_night_delayed", 6)):
        payload = json.dumps({"action": action, "code": ALICE})
        await ok(subscriber, "area/1", payload, f"area 1 {action}")
        assert snapshot(emulated_panel, "areas", 1)["mode"] == mode
        await ok(
            subscriber, "area/1", json.dumps({"action": "DISARM", "code": ALICE}), "area 1 disarm"
        )
    # The code is in no result, no other topic and no log line.
    published = [m.payload for m in subscriber.messages if not m.topic.endswith("/set")]
    assert not [p for p in published if ALICE in p]
    assert ALICE not in caplog.text


async def test_wrong_code_open_zone_and_missing_code(
    gateway: Gateway,
    subscriber: Subscriber,
    emulated_panel: EmulatedPanel,
    emulator: EmulatorServer[EmulatedPanel],
) -> None:
    await online(subscriber)
    wrong = await error(
        subscriber, "area/1", '{"action": "arm_away", "code": "9999"}', "invalid_code"
    )
    assert "9999" not in json.dumps(wrong)
    assert snapshot(emulated_panel, "areas", 1)["mode"] == 0
    emulated_panel.set_zone_open(3, True)
    await subscriber.wait_for(f"{BASE}/area/1/ready", "OFF")
    await error(
        subscriber, "area/1", json.dumps({"action": "arm_away", "code": ALICE}), "not_ready"
    )
    assert snapshot(emulated_panel, "areas", 1)["mode"] == 0
    handled = emulator.status()["requests_handled"]
    for payload in ("arm_away", '{"action": "arm_away"}', '{"action": "arm_away", "code": ""}'):
        await error(subscriber, "area/1", payload, "code_required")
    assert emulator.status()["requests_handled"] == handled


async def test_zone_bypass_needs_a_valid_code(
    gateway: Gateway, subscriber: Subscriber, emulated_panel: EmulatedPanel
) -> None:
    await online(subscriber)
    payload = json.dumps({"state": "on", "code": ALICE, "transaction": "b"})
    result = await send(subscriber, "zone/3/bypass", payload)
    assert result == {"status": "ok", "command": "zone 3 bypass on", "transaction": "b"}
    assert snapshot(emulated_panel, "zones", 3)["bypassed"]
    await subscriber.wait_for(f"{BASE}/zone/3/bypass", "ON")
    await error(subscriber, "zone/3/bypass", '{"state": "OFF", "code": "9999"}', "invalid_code")
    assert snapshot(emulated_panel, "zones", 3)["bypassed"]
    await error(subscriber, "zone/3/bypass", "OFF", "code_required")
    await ok(
        subscriber,
        "zone/3/bypass",
        json.dumps({"state": "Off", "code": ALICE}),
        "zone 3 bypass off",
    )
    assert not snapshot(emulated_panel, "zones", 3)["bypassed"]
    await subscriber.wait_for(f"{BASE}/zone/3/bypass", "OFF")


async def test_security_timeout_is_reported_once_and_never_retried(
    make_settings: SettingsFactory,
    subscriber: Subscriber,
    emulated_panel: EmulatedPanel,
    emulator: EmulatorServer[EmulatedPanel],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with running_gateway(make_settings(panel={"request_timeout": 1.0})):
        await online(subscriber)
        seen = record_requests(emulated_panel, monkeypatch)
        emulator.faults.arm(RequestFault.IGNORE)  # the panel swallows the next request
        payload = json.dumps({"action": "arm_away", "code": ALICE, "transaction": "slow"})
        result = await error(subscriber, "area/2", payload, "timeout")
        assert result["transaction"] == "slow"
        # A later command runs normally; the swallowed arm was never sent again.
        await ok(subscriber, "unit/1", "ON", "unit 1 on")
        assert not [m for m in seen if isinstance(m, ExecuteSecurityCommand)]
        assert emulator.faults.counters["stall_request"] == 1
        assert snapshot(emulated_panel, "areas", 2)["mode"] == 0
        assert len(results(subscriber, "area/2")) == 1


async def test_retained_commands_are_ignored(
    make_settings: SettingsFactory,
    mosquitto: Mosquitto,
    subscriber: Subscriber,
    emulated_panel: EmulatedPanel,
) -> None:
    # Left on the broker before the gateway starts: replayed to it on subscribe, flagged retained.
    await subscriber.publish(f"{BASE}/unit/3/set", "ON", retain=True)
    await subscriber.publish(
        f"{BASE}/area/1/set", json.dumps({"action": "arm_away", "code": ALICE}), retain=True
    )
    await subscriber.wait_for(f"{BASE}/unit/3/set", "ON")
    async with running_gateway(make_settings()):
        await online(subscriber)
        # Handled in arrival order after the replayed ones: when it is answered, they were seen.
        await ok(subscriber, "unit/5", "ON", "unit 5 on")
        assert results(subscriber, "unit/3") == []
        assert results(subscriber, "area/1") == []
        assert not snapshot(emulated_panel, "units", 3)["on"]
        assert snapshot(emulated_panel, "areas", 1)["mode"] == 0


async def test_offline_panel_rejects_at_once(
    gateway: Gateway,
    subscriber: Subscriber,
    emulated_panel: EmulatedPanel,
    emulator: EmulatorServer[EmulatedPanel],
) -> None:
    await online(subscriber)
    await emulator.stop()
    await subscriber.wait_for(f"{BASE}/availability", "offline")
    result = await error(
        subscriber,
        "area/1",
        '{"action": "arm_away", "code": "2468", "transaction": 1}',
        "panel_offline",
    )
    assert result["transaction"] == 1
    await error(subscriber, "unit/1", "ON", "panel_offline")
    # Junk is still junk while offline.
    await error(subscriber, "unit/1", "TOGGLE", "bad_payload")
    await emulator.start()
    await online(subscriber)
    # Nothing was queued: the panel never saw the rejected commands.
    assert snapshot(emulated_panel, "areas", 1)["mode"] == 0
    assert not snapshot(emulated_panel, "units", 1)["on"]
    await ok(subscriber, "unit/1", "ON", "unit 1 on")


async def test_commands_run_in_order_and_a_slow_panel_does_not_block(
    gateway: Gateway,
    subscriber: Subscriber,
    emulated_panel: EmulatedPanel,
    emulator: EmulatorServer[EmulatedPanel],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await online(subscriber)
    seen = record_requests(emulated_panel, monkeypatch)
    emulator.faults.set_latency(0.02)
    start = len(subscriber.messages)
    levels = [10, 20, 30, 40, 50, 60]
    for level in levels:
        await subscriber.publish(f"{BASE}/unit/5/brightness/set", str(level))
    found = await wait_results(subscriber, "unit/5/brightness", len(levels), start)
    assert [r["command"] for r in found] == [f"unit 5 brightness {level}" for level in levels]
    commands = [m.p1 for m in seen if isinstance(m, Command) and m.p2 == 5]
    assert commands == levels
    assert snapshot(emulated_panel, "units", 5)["state"] == 160
    # While the panel holds a reply back, junk is still answered at once, first.
    emulator.faults.set_latency(0.0)
    emulator.faults.stall(0.3)
    start = len(subscriber.messages)
    await subscriber.publish(f"{BASE}/unit/6/set", "ON")
    await subscriber.publish(f"{BASE}/unit/7/set", "junk")
    slow = await subscriber.wait_message(f"{BASE}/unit/6/result", start=start)
    fast = await subscriber.wait_message(f"{BASE}/unit/7/result", start=start)
    assert subscriber.messages.index(fast) < subscriber.messages.index(slow)
    assert json.loads(slow.payload)["status"] == "ok"


async def test_exactly_one_result_per_command(
    gateway: Gateway, subscriber: Subscriber, emulator: EmulatorServer[EmulatedPanel]
) -> None:
    await online(subscriber)
    await ok(subscriber, "unit/1", "ON", "unit 1 on")
    await error(subscriber, "unit/1", "maybe", "bad_payload")
    await error(subscriber, "unit/999", "ON", "unknown_object")
    emulator.faults.arm(RequestFault.NAK)
    await error(subscriber, "unit/1", "OFF", "panel_nak")
    await ok(subscriber, "unit/1", "OFF", "unit 1 off")
    # A later command on the same topic is answered after any duplicate would have been.
    await ok(subscriber, "unit/1", "ON", "unit 1 on")
    assert len(results(subscriber, "unit/1")) == 5
    assert len(results(subscriber, "unit/999")) == 1
    assert all(not m.retain for m in subscriber.messages if m.topic.endswith("/result"))


async def test_commands_in_flight_at_stop_still_get_their_result(
    make_settings: SettingsFactory,
    subscriber: Subscriber,
    emulator: EmulatorServer[EmulatedPanel],
) -> None:
    async with running_gateway(make_settings()):
        await online(subscriber)
        emulator.faults.stall(5.0)  # the first command waits for its reply, the second its turn
        start = len(subscriber.messages)
        await subscriber.publish(f"{BASE}/unit/1/set", "ON")
        await subscriber.publish(f"{BASE}/unit/2/set", '{"state": "OFF", "transaction": 2}')
        await subscriber.wait_message(f"{BASE}/unit/2/set", start=start)
    # The stop flushed the results: one each, an error (cancelled, or offline when the second
    # arrived after the panel session was already closed).
    (first,) = await wait_results(subscriber, "unit/1", 1, start)
    (second,) = await wait_results(subscriber, "unit/2", 1, start)
    assert first["error"]["type"] in ("cancelled", "connection_error")
    assert second["error"]["type"] in ("cancelled", "connection_error", "panel_offline")
    assert second["transaction"] == 2
    assert len(results(subscriber, "unit/1")) == len(results(subscriber, "unit/2")) == 1
