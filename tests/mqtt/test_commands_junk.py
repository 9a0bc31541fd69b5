"""Junk on command topics: a clear error result each, nothing sent to the panel, no crash."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.server import EmulatorServer
from omni2mqtt.mqtt.commands import CommandRouter
from omni2mqtt.mqtt.gateway import Gateway

from ..broker import Subscriber
from .command_helpers import BASE, ok, online, running_gateway, send, wait_results
from .conftest import SettingsFactory

BAD = "bad_payload"
UNKNOWN = "unknown_object"
GOOD_CODE = '"code": "1234"'

# (command path, payload, error type)
JUNK: list[tuple[str, str, str]] = [
    # Not JSON, not an object, too large, not text.
    ("unit/1", "{not json", BAD),
    ("unit/1", "[1, 2]", BAD),
    ("unit/1", '{"state": "ON"' + " " * 20000 + "}", BAD),
    # Areas.
    ("area/1", f'{{"action": "explode", {GOOD_CODE}}}', BAD),
    ("area/1", f'{{"action": "trigger", {GOOD_CODE}}}', BAD),
    ("area/1", '{"action": "arm_away", "code": "12"}', BAD),
    ("area/1", '{"action": "arm_away", "code": "12345"}', BAD),
    ("area/1", '{"action": "arm_away", "code": true}', BAD),
    ("area/1", f'{{"action": "arm_away", "state": "x", {GOOD_CODE}}}', BAD),
    ("area/1", f'{{"action": "arm_away", "extra": 1, {GOOD_CODE}}}', BAD),
    ("area/1", f'{{"action": 3, {GOOD_CODE}}}', BAD),
    ("area/1", f"{{{GOOD_CODE}}}", BAD),
    ("area/9", f'{{"action": "arm_away", {GOOD_CODE}}}', UNKNOWN),
    ("area/0", f'{{"action": "arm_away", {GOOD_CODE}}}', UNKNOWN),
    # Zones.
    ("zone/3/bypass", f'{{"state": "maybe", {GOOD_CODE}}}', BAD),
    ("zone/3", "ON", BAD),
    ("zone/99/bypass", f'{{"state": "ON", {GOOD_CODE}}}', UNKNOWN),
    # Units.
    ("unit/1", "TOGGLE", BAD),
    ("unit/1", "", BAD),
    ("unit/1", '{"state": "ON", "brightness": 101}', BAD),
    ("unit/1", '{"state": "ON", "brightness": "bright"}', BAD),
    ("unit/1", '{"state": "ON", "duration": -1}', BAD),
    ("unit/1", '{"state": "ON", "duration": 99999999}', BAD),
    ("unit/1", '{"state": "OFF", "brightness": 50}', BAD),
    ("unit/1", '{"brightness": 50}', BAD),
    ("unit/1/brightness", "150", BAD),
    ("unit/1/brightness", "-1", BAD),
    ("unit/1/brightness", "12.5", BAD),
    ("unit/1/brightness", "nan", BAD),
    ("unit/1/brightness", "abc", BAD),
    ("unit/395/value", "256", BAD),
    ("unit/395/value", "double", BAD),
    ("unit/1/colour", "red", BAD),
    ("unit/999", "ON", UNKNOWN),
    ("unit/11", "ON", UNKNOWN),  # in range, not named
    # Thermostats.
    ("thermostat/1/mode", "turbo", BAD),
    ("thermostat/1/fan_mode", "fast", BAD),
    ("thermostat/1/hold", "forever", BAD),
    ("thermostat/1/heat_setpoint", "hot", BAD),
    ("thermostat/1/heat_setpoint", "inf", BAD),
    ("thermostat/1/heat_setpoint", "500", BAD),  # refused by the typed API before sending
    ("thermostat/1/humidify_setpoint", "101", BAD),
    ("thermostat/1", "ON", BAD),
    ("thermostat/9/mode", "heat", UNKNOWN),
    # Buttons, programs, messages, locks, audio.
    ("button/9", "PRESS", UNKNOWN),
    ("program/0", "execute", BAD),
    ("program/1501", "execute", BAD),
    ("program/1", "run", BAD),
    ("program/1", '{"type": "bogus"}', BAD),
    ("program/1", '{"type": "event", "hour": 3}', BAD),
    ("program/1", '{"clear": false}', BAD),
    ("program/1", '{"clear": true, "type": "event"}', BAD),
    ("program/1", '{"raw": "zz"}', BAD),
    ("message/1", "shout", BAD),
    ("message/9", "show", UNKNOWN),
    ("lock/1", "open", BAD),
    ("lock/1", '{"state": "LOCK", "duration": 5}', BAD),
    ("lock/9", "LOCK", UNKNOWN),
    ("audio_zone/1/volume", "loud", BAD),
    ("audio_zone/1/source", "tv", BAD),
    ("audio_zone/1/source", "0", BAD),
    ("audio_zone/1/mute", "maybe", BAD),
    ("audio_zone/9", "ON", UNKNOWN),
    # Kinds without commands.
    ("auxiliary/19", "5", BAD),
    ("bogus/1", "ON", BAD),
    ("system/1", "ON", BAD),
]


@pytest.fixture
async def gateway(make_settings: SettingsFactory) -> AsyncIterator[Gateway]:
    async with running_gateway(make_settings()) as gw:
        yield gw


async def test_junk_gets_an_error_and_reaches_no_panel(
    gateway: Gateway,
    subscriber: Subscriber,
    emulated_panel: EmulatedPanel,
    emulator: EmulatorServer[EmulatedPanel],
) -> None:
    await online(subscriber)
    before = emulated_panel.snapshot()
    handled = emulator.status()["requests_handled"]
    # All at once: junk is answered from the message handler, in arrival order per topic.
    start = len(subscriber.messages)
    for path, payload, _ in JUNK:
        await subscriber.publish(f"{BASE}/{path}/set", payload)
    expected: dict[str, list[str]] = {}
    for path, _, kind in JUNK:
        expected.setdefault(path, []).append(kind)
    for path, kinds in expected.items():
        found = await wait_results(subscriber, path, len(kinds), start)
        assert [r["error"]["type"] for r in found] == kinds, (path, found)
        for result in found:
            assert result["status"] == "error" and result["error"]["detail"], result
            assert "1234" not in json.dumps(result), result
    assert emulator.status()["requests_handled"] == handled
    after = emulated_panel.snapshot()
    assert {k: v for k, v in after.items() if k != "clock"} == {
        k: v for k, v in before.items() if k != "clock"
    }
    # The transaction is echoed on errors too, and the gateway still works.
    result = await send(subscriber, "unit/1", '{"state": "blink", "transaction": ["x", 1]}')
    assert (result["transaction"], result["error"]["type"]) == (["x", 1], BAD)
    await ok(subscriber, "unit/1", "ON", "unit 1 on")


async def test_bad_topics_and_binary_payloads(
    gateway: Gateway, subscriber: Subscriber, emulator: EmulatorServer[EmulatedPanel]
) -> None:
    await online(subscriber)
    handled = emulator.status()["requests_handled"]
    start = len(subscriber.messages)
    await subscriber.publish(f"{BASE}/area/one/set", "disarm")
    message = await subscriber.wait_message(f"{BASE}/area/one/result", start=start)
    assert json.loads(message.payload)["error"]["type"] == BAD
    assert json.loads(message.payload)["command"] == "house/area/one"
    start = len(subscriber.messages)
    # Invalid UTF-8 cannot go through Subscriber.publish (text); the router's own entry point
    # takes what aiomqtt hands over.
    router = next(e for e in gateway.extensions if isinstance(e, CommandRouter))
    router.handle(f"{BASE}/unit/1/set", b"\xff\xfe")
    message = await subscriber.wait_message(f"{BASE}/unit/1/result", start=start)
    assert json.loads(message.payload)["error"]["type"] == BAD
    assert emulator.status()["requests_handled"] == handled
