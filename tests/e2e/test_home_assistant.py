"""End to end against a real Home Assistant 2024.3.3: discovery, HA driving the panel, the
panel driving HA, availability and restarts, and a clean HA log.

Home Assistant is reached only through its REST API, like a user's automation; the panel is
the emulator (driven through its control channel and checked through its snapshots); the
gateway is ``omni2mqtt run``. Tests run in file order on one stack; each leaves the panel as
the next expects (the availability test restarts the emulator, which resets the demo house).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .conftest import Stack
from .expected import (
    AREA,
    CELSIUS,
    EVENT,
    FAHRENHEIT,
    INITIAL,
    UNRELATED_LOG,
    P,
    mismatches,
)
from .homeassistant import HomeAssistant, State
from .processes import MASTER_CODE, wait_until

NODE = "omni2mqtt_house"
# Every kind of entity the demo house must produce.
COMPONENTS = {
    "alarm_control_panel",
    "binary_sensor",
    "button",
    "climate",
    "event",
    "light",
    "lock",
    "number",
    "select",
    "sensor",
    "switch",
}


def discovered(stack: Stack) -> dict[str, dict[str, Any]]:
    """entity id -> discovery config, from the retained configs on the broker."""
    configs = stack.watcher.configs(NODE)
    return {f"{topic.split('/')[1]}.{c['object_id']}": c for topic, c in configs.items()}


def enabled(configs: dict[str, dict[str, Any]]) -> list[str]:
    return sorted(e for e, c in configs.items() if c.get("enabled_by_default", True))


def config_mismatches(states: dict[str, State], configs: dict[str, dict[str, Any]]) -> list[str]:
    """Each discovered entity as HA shows it, against what its config asked for."""
    problems: list[str] = []
    for entity_id, config in sorted(configs.items()):
        state = states.get(entity_id)
        if not config.get("enabled_by_default", True):
            if state is not None:
                problems.append(f"{entity_id} is disabled by default, yet has a state")
            continue
        if state is None or state["state"] == "unavailable":
            problems.append(f"{entity_id}: {state['state'] if state else 'missing'}")
            continue
        attributes = state["attributes"]
        unit = config.get("unit_of_measurement")
        if unit == FAHRENHEIT and config.get("device_class") == "temperature":
            unit = CELSIUS  # HA's metric system converts temperature sensors
        wanted = {
            "friendly_name": f"House {config['name']}",
            "device_class": config.get("device_class"),
            "unit_of_measurement": unit,
            "state_class": config.get("state_class"),
        }
        for key, want in wanted.items():
            if attributes.get(key) != want:
                problems.append(f"{entity_id}: {key} {attributes.get(key)!r} != {want!r}")
    return problems


def wait_no_problems(what: str, problems: Callable[[], list[str]], timeout: float = 60) -> None:
    """Poll until ``problems()`` is empty; the last list is the failure message."""
    last: list[list[str]] = [[]]

    def check() -> bool:
        last[0] = problems()
        return not last[0]

    try:
        wait_until(what, check, timeout, 0.5)
    except AssertionError as exc:
        raise AssertionError(f"{exc}:\n" + "\n".join(last[0])) from None


def wait_matching(ha: HomeAssistant, expected: Any, what: str, timeout: float = 60) -> None:
    wait_no_problems(what, lambda: mismatches(ha.states(), expected), timeout)


def panel_attr(ha: HomeAssistant, entity_id: str, attribute: str) -> str:
    return ha.template(f"{{{{ device_attr(device_id('{entity_id}'), '{attribute}') }}}}")


def test_every_discovered_entity_is_in_home_assistant(stack: Stack) -> None:
    ha = stack.ha
    configs = discovered(stack)
    assert {e.split(".")[0] for e in configs} == COMPONENTS
    for entity_id, config in configs.items():
        assert config["default_entity_id"] == entity_id
    wait_no_problems(
        "every discovered entity in HA", lambda: config_mismatches(ha.states(), configs)
    )
    wait_matching(ha, INITIAL, "the demo house's state in HA")

    # One device, the panel, holds every entity. (The REST API cannot list disabled entities:
    # those are checked above to have no state.)
    devices = json.loads(
        ha.template(
            "{{ integration_entities('mqtt') | map('device_id') | unique | list | tojson }}"
        )
    )
    assert len(devices) == 1, devices
    registered = json.loads(ha.template("{{ integration_entities('mqtt') | tojson }}"))
    assert sorted(registered) == enabled(configs)
    on_device = json.loads(ha.template(f"{{{{ device_entities('{devices[0]}') | tojson }}}}"))
    assert sorted(on_device) == enabled(configs)
    assert panel_attr(ha, AREA, "model") == "Omni Pro II"
    assert panel_attr(ha, AREA, "sw_version") == "3.16b"
    assert panel_attr(ha, AREA, "manufacturer") == "HAI/Leviton"
    assert panel_attr(ha, AREA, "name") == "House"


Snapshot = dict[str, Any]


def drive(
    stack: Stack,
    service: str,
    entity_id: str,
    panel: Callable[[Snapshot], bool],
    state: str | None,
    **data: Any,
) -> None:
    """A service call on the entity, then the emulator's state satisfies ``panel`` and HA
    shows ``state`` (when given)."""
    stack.ha.call(entity_id.partition(".")[0], service, entity_id=entity_id, **data)
    wait_until(f"{service} {entity_id} on the panel", lambda: panel(stack.emulator.snapshot()), 30)
    if state is not None:
        stack.ha.wait_value(entity_id, state)


def unit(snapshot: Snapshot, number: int) -> dict[str, Any]:
    result: dict[str, Any] = snapshot["units"][str(number)]
    return result


def test_light_brightness_sets_the_unit_level(stack: Stack) -> None:
    light = f"light.{P}_unit_3"
    # 153 of 255 = 60 %: raw state 160 (100 + level).
    drive(stack, "turn_on", light, lambda s: unit(s, 3)["state"] == 160, "on", brightness=153)
    stack.ha.wait_state(light, lambda s: s["attributes"]["brightness"] == 153)
    drive(stack, "turn_off", light, lambda s: not unit(s, 3)["on"], "off")


def test_switches_drive_outputs_and_bypass(stack: Stack) -> None:
    output = f"switch.{P}_unit_257"
    drive(stack, "turn_on", output, lambda s: unit(s, 257)["on"], "on")
    drive(stack, "turn_off", output, lambda s: not unit(s, 257)["on"], "off")
    bypass = f"switch.{P}_zone_5_bypass"
    drive(stack, "turn_on", bypass, lambda s: s["zones"]["5"]["bypassed"], "on")
    drive(stack, "turn_off", bypass, lambda s: not s["zones"]["5"]["bypassed"], "off")


def test_button_runs_the_macro(stack: Stack) -> None:
    assert not unit(stack.emulator.snapshot(), 1)["on"]

    def lights_on(snapshot: Snapshot) -> bool:  # ALL LIGHTS turns units 1-4 on
        return all(unit(snapshot, n)["on"] for n in range(1, 5))

    button = f"button.{P}_button_1"
    drive(stack, "press", button, lights_on, None)
    # A button's state is the time of its last press.
    stack.ha.wait_state(button, lambda s: s["state"] not in {"unknown", "unavailable"})
    stack.ha.wait_value(f"light.{P}_unit_1", "on")
    drive(stack, "turn_off", f"light.{P}_unit_1", lambda s: not unit(s, 1)["on"], "off")


def test_lock_and_unlock(stack: Stack) -> None:
    lock = f"lock.{P}_lock_1"
    drive(stack, "unlock", lock, lambda s: not s["locks"]["1"]["locked"], "unlocked")
    drive(stack, "lock", lock, lambda s: s["locks"]["1"]["locked"], "locked")


def test_climate_drives_the_thermostat(stack: Stack) -> None:
    ha, emulator = stack.ha, stack.emulator
    climate = f"climate.{P}_thermostat_1"

    def thermostat() -> dict[str, Any]:
        result: dict[str, Any] = emulator.snapshot()["thermostats"]["1"]
        return result

    # 19 C = 66.2 F = raw 118; 25 C = 77 F = raw 130 (raw = (F + 40) / 0.9).
    ha.call(
        "climate", "set_temperature", entity_id=climate, target_temp_low=19, target_temp_high=25
    )
    wait_until(
        "setpoints 118/130",
        lambda: (thermostat()["heat_setpoint"], thermostat()["cool_setpoint"]) == (118, 130),
        30,
    )
    ha.call("climate", "set_hvac_mode", entity_id=climate, hvac_mode="cool")
    ha.call("climate", "set_fan_mode", entity_id=climate, fan_mode="on")
    ha.call("climate", "set_preset_mode", entity_id=climate, preset_mode="hold")
    # Omni: mode cool = 2, fan on = 1, hold = 1.
    wait_until(
        "cool, fan on, hold",
        lambda: (thermostat()["mode"], thermostat()["fan"], thermostat()["hold"]) == (2, 1, 1),
        30,
    )
    ha.wait_state(
        climate,
        lambda s: (
            s["state"] == "cool"
            and (s["attributes"]["target_temp_low"], s["attributes"]["target_temp_high"])
            == (19, 25)
            and (s["attributes"]["fan_mode"], s["attributes"]["preset_mode"]) == ("on", "hold")
        ),
    )
    humidify = f"number.{P}_thermostat_1_humidify_setpoint"
    ha.call("number", "set_value", entity_id=humidify, value=40)
    # Humidity bytes use the Fahrenheit formula too: 40 % = raw 89.
    wait_until("humidify setpoint 40 %", lambda: thermostat()["humidify_setpoint"] == 89, 30)
    ha.wait_state(humidify, lambda s: float(s["state"]) == 40)
    ha.call("climate", "set_preset_mode", entity_id=climate, preset_mode="none")
    ha.wait_state(climate, lambda s: s["attributes"]["preset_mode"] == "none")


def test_wrong_code_leaves_the_area_disarmed(stack: Stack) -> None:
    ha, watcher = stack.ha, stack.watcher
    start = watcher.mark()
    ha.call("alarm_control_panel", "alarm_arm_away", entity_id=AREA, code="9876")
    result = watcher.wait_message("omni2mqtt/house/area/1/result", start)
    body = json.loads(result.payload)
    assert body["status"] == "error" and body["error"]["type"] == "invalid_code", body
    assert "9876" not in result.payload
    assert stack.emulator.snapshot()["areas"]["1"]["mode"] == 0
    area = ha.state(AREA)
    assert area is not None and area["state"] == "disarmed"
    assert "9876" not in stack.gateway.log.read_text()


def test_arming_exit_and_entry_delays(stack: Stack) -> None:
    ha, emulator = stack.ha, stack.emulator
    ha.call("alarm_control_panel", "alarm_arm_away", entity_id=AREA, code=MASTER_CODE)
    ha.wait_value(AREA, "arming")
    ha.wait_value(AREA, "armed_away")  # after the exit delay
    door = f"binary_sensor.{P}_zone_1"
    try:
        emulator.control("trip_zone", zone=1)
        ha.wait_value(door, "on")
        ha.wait_value(AREA, "pending")  # the entry delay
        ha.wait_value(AREA, "triggered")
    finally:
        emulator.control("restore_zone", zone=1)
        ha.call("alarm_control_panel", "alarm_disarm", entity_id=AREA, code=MASTER_CODE)
    ha.wait_value(AREA, "disarmed")
    ha.wait_value(door, "off")


def test_zone_trip_fires_the_event_entity(stack: Stack) -> None:
    ha, emulator = stack.ha, stack.emulator
    window = f"binary_sensor.{P}_zone_4"
    before = ha.state(EVENT)
    assert before is not None
    emulator.control("trip_zone", zone=4)
    ha.wait_value(window, "on")
    fired = ha.wait_state(
        EVENT,
        lambda s: (
            s["state"] != before["state"]
            and s["attributes"].get("event_type") == "zone_state"
            and s["attributes"].get("zone") == 4
        ),
    )
    assert fired["attributes"]["not_ready"] is True
    emulator.control("restore_zone", zone=4)
    ha.wait_value(window, "off")


def test_ac_trouble_shows_on_the_diagnostic_sensor(stack: Stack) -> None:
    ha, emulator = stack.ha, stack.emulator
    trouble = f"binary_sensor.{P}_system_ac_power"
    emulator.control("set_trouble", trouble="ac_power")
    ha.wait_value(trouble, "on")
    ha.wait_state(EVENT, lambda s: s["attributes"].get("event_type") == "ac_power")
    emulator.control("clear_trouble", trouble="ac_power")
    ha.wait_value(trouble, "off")


def test_panel_availability(stack: Stack) -> None:
    ha, emulator = stack.ha, stack.emulator
    entities = enabled(discovered(stack))
    # A change the restarted emulator (the demo house again) must undo in HA.
    ha.call("light", "turn_on", entity_id=f"light.{P}_unit_1", brightness=255)
    ha.wait_value(f"light.{P}_unit_1", "on")
    emulator.stop()

    def all_unavailable() -> bool:
        states = ha.states()
        return all(states[e]["state"] == "unavailable" for e in entities)

    wait_until("every entity unavailable", all_unavailable, 60, 0.5)
    emulator.start()
    wait_matching(ha, INITIAL, "the panel back in HA with its state", 90)
    states = ha.states()
    assert [e for e in entities if states[e]["state"] == "unavailable"] == []


def test_home_assistant_restart_restores_every_entity(stack: Stack) -> None:
    ha, gateway = stack.ha, stack.gateway
    configs = discovered(stack)
    # The gateway is frozen while HA restarts, so it cannot answer HA's birth message: every
    # entity must come back from the broker's retained discovery and state alone.
    gateway.pause()
    try:
        ha.stop()
        ha.start()
        wait_matching(ha, INITIAL, "every entity back after HA's restart", 90)
        assert config_mismatches(ha.states(), configs) == []
    finally:
        mark = stack.watcher.mark()
        gateway.resume()
    # Then the gateway answers the birth it missed (discovery and state again): no change.
    area_config = f"homeassistant/alarm_control_panel/{NODE}/area_1/config"
    stack.watcher.wait_message(area_config, mark)
    wait_matching(ha, INITIAL, "the state after the gateway's republish")
    assert config_mismatches(ha.states(), configs) == []


def test_home_assistant_log_is_clean(stack: Stack) -> None:
    problems = [p for p in stack.ha.problems() if not any(text in p for text in UNRELATED_LOG)]
    assert problems == [], "\n".join(problems)
    gateway_log = stack.gateway.log.read_text()
    assert "Traceback" not in gateway_log
