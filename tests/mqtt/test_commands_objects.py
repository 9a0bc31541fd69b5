"""Every command topic of the table changes the emulated panel and yields one ok result.

These run with every default extension (discovery, bridge, ...) as a real gateway does."""

from __future__ import annotations

import json

import pytest

from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.mqtt.gateway import Gateway
from omni2mqtt.protocol.messages.generic import Ack
from omni2mqtt.protocol.messages.programs import DownloadProgram
from omni2mqtt.protocol.programs import Program

from ..broker import Subscriber
from .command_helpers import BASE, error, intercept, ok, online, send, snapshot

# Spec 23.8: EVENT unit 258 on: show message 3.
EVENT_PROGRAM = {
    "type": "event",
    "event": {"unit": 258, "state": "on"},
    "action": {"command": "show_message", "p2": 3},
}


def raw_f(fahrenheit: float) -> int:
    """The panel's raw temperature byte for a Fahrenheit value (the demo panel's unit)."""
    return round((fahrenheit + 40) / 0.9)


def raw_rh(percent: int) -> int:
    return round((percent + 40) / 0.9)


async def test_units(
    gateway: Gateway, subscriber: Subscriber, emulated_panel: EmulatedPanel
) -> None:
    await online(subscriber)
    await ok(subscriber, "unit/1", "on", "unit 1 on")
    assert snapshot(emulated_panel, "units", 1)["state"] == 1
    await subscriber.wait_for(f"{BASE}/unit/1/state", "ON")
    await ok(subscriber, "unit/1", '"OFF"', "unit 1 off")
    assert snapshot(emulated_panel, "units", 1)["state"] == 0
    await ok(subscriber, "unit/3", '{"State": "ON", "brightness": 40}', "unit 3 level 40")
    assert snapshot(emulated_panel, "units", 3)["state"] == 140
    await subscriber.wait_for(f"{BASE}/unit/3/brightness", "40")
    payload = '{"state": "on", "brightness": 70, "duration": 60}'
    await ok(subscriber, "unit/3", payload, "unit 3 level 70 for 60 s")
    unit = snapshot(emulated_panel, "units", 3)
    assert (unit["state"], unit["remaining"] > 0) == (170, True)
    await ok(subscriber, "unit/6", '{"state": "ON", "duration": 120}', "unit 6 on for 120 s")
    assert snapshot(emulated_panel, "units", 6)["remaining"] > 0
    await ok(subscriber, "unit/6", "OFF", "unit 6 off")
    await ok(subscriber, "unit/4/brightness", "25.0", "unit 4 brightness 25")
    assert snapshot(emulated_panel, "units", 4)["state"] == 125
    # Flags and counters.
    await ok(subscriber, "unit/395/value", "12", "unit 395 value 12")
    assert snapshot(emulated_panel, "units", 395)["state"] == 12
    await ok(subscriber, "unit/395/value", "INCREMENT", "unit 395 value increment")
    await ok(subscriber, "unit/395/value", '{"value": "increment"}', "unit 395 value increment")
    await ok(subscriber, "unit/395/value", "decrement", "unit 395 value decrement")
    assert snapshot(emulated_panel, "units", 395)["state"] == 13
    await subscriber.wait_for(f"{BASE}/unit/395/value", "13")
    await ok(subscriber, "unit/393/value", "ON", "unit 393 value on")
    assert snapshot(emulated_panel, "units", 393)["state"] == 1
    await ok(subscriber, "unit/394/value", "off", "unit 394 value off")
    assert snapshot(emulated_panel, "units", 394)["state"] == 0


async def test_thermostats(
    gateway: Gateway, subscriber: Subscriber, emulated_panel: EmulatedPanel
) -> None:
    await online(subscriber)
    path = "thermostat/1"
    await ok(subscriber, f"{path}/mode", "HEAT", "thermostat 1 mode heat")
    assert snapshot(emulated_panel, "thermostats", 1)["mode"] == 1
    await subscriber.wait_for(f"{BASE}/{path}/mode", "heat")
    await ok(subscriber, f"{path}/mode", "heat_cool", "thermostat 1 mode heat_cool")
    assert snapshot(emulated_panel, "thermostats", 1)["mode"] == 3
    await ok(subscriber, f"{path}/mode", "emergency_heat", "thermostat 1 mode emergency_heat")
    assert snapshot(emulated_panel, "thermostats", 1)["mode"] == 4
    await ok(subscriber, f"{path}/fan_mode", "Cycle", "thermostat 1 fan_mode cycle")
    assert snapshot(emulated_panel, "thermostats", 1)["fan"] == 2
    await ok(subscriber, f"{path}/hold", "vacation", "thermostat 1 hold vacation")
    assert snapshot(emulated_panel, "thermostats", 1)["hold"] == 2
    await ok(subscriber, f"{path}/hold", "none", "thermostat 1 hold none")
    assert snapshot(emulated_panel, "thermostats", 1)["hold"] == 0
    await ok(subscriber, f"{path}/heat_setpoint", "59", "thermostat 1 heat_setpoint 59")
    await ok(
        subscriber, f"{path}/cool_setpoint", '{"value": 77.5}', "thermostat 1 cool_setpoint 77.5"
    )
    stat = snapshot(emulated_panel, "thermostats", 1)
    assert (stat["heat_setpoint"], stat["cool_setpoint"]) == (raw_f(59), raw_f(77.5))
    await subscriber.wait_for(f"{BASE}/{path}/heat_setpoint", "59")
    await ok(subscriber, f"{path}/humidify_setpoint", "35", "thermostat 1 humidify_setpoint 35")
    await ok(subscriber, f"{path}/dehumidify_setpoint", "60", "thermostat 1 dehumidify_setpoint 60")
    stat = snapshot(emulated_panel, "thermostats", 1)
    assert (stat["humidify_setpoint"], stat["dehumidify_setpoint"]) == (raw_rh(35), raw_rh(60))
    await ok(subscriber, f"{path}/humidify_setpoint", "OFF", "thermostat 1 humidify_setpoint off")
    await ok(subscriber, f"{path}/dehumidify_setpoint", "0", "thermostat 1 dehumidify_setpoint off")
    stat = snapshot(emulated_panel, "thermostats", 1)
    assert (stat["humidify_setpoint"], stat["dehumidify_setpoint"]) == (0, 0)


async def test_buttons_messages_locks_and_audio(
    gateway: Gateway, subscriber: Subscriber, emulated_panel: EmulatedPanel
) -> None:
    await online(subscriber)
    await ok(subscriber, "button/1", "PRESS", "button 1 press")  # ALL LIGHTS: units 1-4 on
    assert all(snapshot(emulated_panel, "units", n)["on"] for n in (1, 2, 3, 4))
    await ok(subscriber, "message/2", "SHOW", "message 2 show")
    assert snapshot(emulated_panel, "messages", 2)["display"]
    await subscriber.wait_for(f"{BASE}/message/2/state", "displayed_not_acknowledged")
    await ok(subscriber, "message/2", "clear", "message 2 clear")
    assert not snapshot(emulated_panel, "messages", 2)["display"]
    for action in ("show_no_beep", "show_no_beep_no_led"):
        await ok(subscriber, "message/3", action, f"message 3 {action}")
        assert snapshot(emulated_panel, "messages", 3)["display"]
        await ok(subscriber, "message/3", "clear", "message 3 clear")
    before = len(emulated_panel.snapshot()["event_log"])
    await ok(subscriber, "message/1", "log", "message 1 log")
    assert len(emulated_panel.snapshot()["event_log"]) == before + 1
    await ok(subscriber, "lock/1", "UNLOCK", "lock 1 unlock")
    assert not snapshot(emulated_panel, "locks", 1)["locked"]
    await subscriber.wait_for(f"{BASE}/lock/1/state", "UNLOCKED")
    await ok(subscriber, "lock/1", "lock", "lock 1 lock")
    assert snapshot(emulated_panel, "locks", 1)["locked"]
    await ok(subscriber, "lock/2", '{"state": "Unlock", "duration": 5}', "lock 2 unlock for 5 s")
    lock = snapshot(emulated_panel, "locks", 2)
    assert (lock["locked"], lock["unlock_timer"] > 0) == (False, True)
    await ok(subscriber, "audio_zone/1", "ON", "audio_zone 1 on")
    await ok(subscriber, "audio_zone/1/volume", "55", "audio_zone 1 volume 55")
    await ok(subscriber, "audio_zone/1/source", "2", "audio_zone 1 source 2")
    await ok(subscriber, "audio_zone/1/mute", "on", "audio_zone 1 mute on")
    zone = snapshot(emulated_panel, "audio_zones", 1)
    assert (zone["power"], zone["volume"], zone["source"], zone["mute"]) == (True, 55, 2, True)
    await ok(subscriber, "audio_zone/1/source", "radio", "audio_zone 1 source 1")  # by name
    await ok(subscriber, "audio_zone/1/mute", "OFF", "audio_zone 1 mute off")
    await ok(subscriber, "audio_zone/1", "off", "audio_zone 1 off")
    zone = snapshot(emulated_panel, "audio_zones", 1)
    assert (zone["power"], zone["source"], zone["mute"]) == (False, 1, False)
    await subscriber.wait_for(f"{BASE}/audio_zone/1/source", "1")


async def test_program_write_clear_and_execute(
    gateway: Gateway, subscriber: Subscriber, emulated_panel: EmulatedPanel
) -> None:
    await online(subscriber)
    payload = json.dumps({**EVENT_PROGRAM, "transaction": "p"})
    result = await send(subscriber, "program/30", payload)
    assert result == {"status": "ok", "command": "program 30 write", "transaction": "p"}
    expected = Program.from_json(EVENT_PROGRAM).to_record()
    assert emulated_panel.programs[30] == expected
    # The wrapped form, and the raw record a read gives back (to_json), both write.
    wrapped = json.dumps({"program": Program.from_record(expected).to_json()})
    await ok(subscriber, "program/31", wrapped, "program 31 write")
    assert emulated_panel.programs[31] == expected
    await ok(subscriber, "program/31", '{"clear": true}', "program 31 clear")
    assert 31 not in emulated_panel.programs
    # Program 10: EVENT front door ... hall light (unit 2) on for 10 min; execute runs its action.
    await ok(subscriber, "unit/2", "OFF", "unit 2 off")
    await ok(subscriber, "program/10", "EXECUTE", "program 10 execute")
    assert snapshot(emulated_panel, "units", 2)["on"]
    await ok(subscriber, "program/30", '{"action": "execute"}', "program 30 execute")
    assert snapshot(emulated_panel, "messages", 3)["display"]


async def test_program_the_panel_does_not_store(
    gateway: Gateway,
    subscriber: Subscriber,
    emulated_panel: EmulatedPanel,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await online(subscriber)
    # As a panel seen in the field does: Ack a program write and keep the old record.
    intercept(
        emulated_panel,
        monkeypatch,
        lambda message, handle: Ack() if isinstance(message, DownloadProgram) else handle(message),
    )
    old = emulated_panel.programs[2]
    result = await error(subscriber, "program/2", json.dumps(EVENT_PROGRAM), "program_not_stored")
    assert result["command"] == "program 2 write"
    assert emulated_panel.programs[2] == old
