"""What Home Assistant must show for the demo scenario, written from the scenario and HA's
documented behaviour rather than from our discovery code. HA runs with the metric system, so
the panel's Fahrenheit readings appear in Celsius (HA converts them itself)."""

from __future__ import annotations

from typing import Any

from .homeassistant import State

P = "omni2mqtt_house"
CELSIUS = "\u00b0C"
FAHRENHEIT = "\u00b0F"
AREA = f"alarm_control_panel.{P}_area_1"
EVENT = f"event.{P}_event"
# HA's AlarmControlPanelEntityFeature: arm home 1, away 2, night 4, custom bypass 16, vacation 32.
AREA_FEATURES = 1 | 2 | 4 | 16 | 32

# entity id -> (state, attributes); a float state or attribute is compared within 0.05.
# The demo's initial state: also what HA must show after the emulator and HA restart.
INITIAL: dict[str, tuple[str | float | None, dict[str, Any]]] = {
    AREA: ("disarmed", {"code_format": "number", "supported_features": AREA_FEATURES}),
    f"alarm_control_panel.{P}_area_2": ("disarmed", {"friendly_name": "House GARAGE"}),
    f"binary_sensor.{P}_area_1_ready": ("on", {}),
    f"binary_sensor.{P}_zone_1": ("off", {"device_class": "door"}),
    f"binary_sensor.{P}_zone_4": ("off", {"device_class": "window"}),
    f"binary_sensor.{P}_zone_7": ("off", {"device_class": "motion"}),
    f"binary_sensor.{P}_zone_10": ("off", {"device_class": "smoke"}),
    f"binary_sensor.{P}_zone_12": ("off", {"device_class": "gas"}),
    f"binary_sensor.{P}_zone_13": ("off", {"device_class": "moisture"}),
    f"binary_sensor.{P}_zone_14": ("off", {"device_class": "cold"}),
    f"binary_sensor.{P}_zone_15": ("off", {"device_class": "safety"}),
    f"binary_sensor.{P}_zone_16": ("off", {"friendly_name": "House GARAGE DOOR"}),
    f"switch.{P}_zone_1_bypass": ("off", {"friendly_name": "House FRONT DOOR bypass"}),
    f"switch.{P}_zone_5_bypass": ("off", {}),
    # Analog zones: 50 F and 50.9 F, 50 %.
    f"sensor.{P}_zone_19": (10.0, {"device_class": "temperature", "unit_of_measurement": CELSIUS}),
    f"sensor.{P}_zone_20": (10.5, {"device_class": "temperature", "unit_of_measurement": CELSIUS}),
    f"sensor.{P}_zone_21": (50.0, {"device_class": "humidity", "unit_of_measurement": "%"}),
    # Dimmers: raw 0 = off, 150 = 50 %, 175 = 75 % (HA's brightness is 0-255).
    f"light.{P}_unit_1": ("off", {"friendly_name": "House PORCH LIGHT"}),
    f"light.{P}_unit_2": ("on", {"brightness": 128, "supported_color_modes": ["brightness"]}),
    f"light.{P}_unit_3": ("off", {}),
    f"light.{P}_unit_4": ("on", {"brightness": 191}),
    f"light.{P}_unit_8": ("on", {}),
    f"switch.{P}_unit_257": ("off", {"friendly_name": "House SPRINKLERS"}),
    f"switch.{P}_unit_393": ("off", {"friendly_name": "House VACATION"}),
    f"switch.{P}_unit_394": ("on", {}),
    f"number.{P}_unit_395_value": (7.0, {"min": 0, "max": 255}),
    f"climate.{P}_thermostat_1": (
        "auto",
        {
            "hvac_modes": ["off", "heat", "cool", "auto"],
            "current_temperature": 21.0,  # 69.8 F at the 0.1 precision, in metric HA
            "target_temp_low": 20.0,  # 68 F
            "target_temp_high": 24.5,  # 76.1 F
            "fan_modes": ["auto", "on", "cycle"],
            "fan_mode": "auto",
            "preset_modes": ["none", "hold", "vacation"],
            "preset_mode": "none",
            "hvac_action": "idle",
            "current_humidity": 45,
        },
    ),
    f"climate.{P}_thermostat_2": ("heat", {"hvac_modes": ["off", "heat", "cool"]}),
    f"number.{P}_thermostat_1_humidify_setpoint": (
        35.0,
        {"device_class": "humidity", "unit_of_measurement": "%"},
    ),
    f"number.{P}_thermostat_1_dehumidify_setpoint": (55.0, {"unit_of_measurement": "%"}),
    f"sensor.{P}_thermostat_1_humidity": (45.0, {"device_class": "humidity"}),
    f"sensor.{P}_thermostat_1_outdoor_temperature": (
        10.0,
        {"device_class": "temperature", "unit_of_measurement": CELSIUS},
    ),
    f"binary_sensor.{P}_thermostat_1_communicating": ("on", {"device_class": "connectivity"}),
    f"button.{P}_button_1": (None, {"friendly_name": "House ALL LIGHTS"}),
    f"lock.{P}_lock_1": ("locked", {"friendly_name": "House FRONT LOCK"}),
    EVENT: (None, {"friendly_name": "House Events"}),
    f"binary_sensor.{P}_system_ac_power": ("off", {"device_class": "problem"}),
    f"binary_sensor.{P}_system_battery": ("off", {"device_class": "problem"}),
    f"sensor.{P}_message_1": ("off", {"device_class": "enum"}),
    f"button.{P}_message_1_show": (None, {"friendly_name": "House WELCOME HOME show"}),
    f"switch.{P}_audio_zone_1": ("off", {"friendly_name": "House KITCHEN AUD"}),
    f"select.{P}_audio_zone_1_source": ("RADIO", {"options": ["RADIO", "STREAMER"]}),
    f"number.{P}_audio_zone_1_volume": (30.0, {"unit_of_measurement": "%"}),
}


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, float):
        try:
            return abs(float(actual) - expected) < 0.05
        except (TypeError, ValueError):
            return False
    return bool(expected == actual)


def mismatches(
    states: dict[str, State], expected: dict[str, tuple[Any, dict[str, Any]]]
) -> list[str]:
    """What differs between HA's states and ``expected`` (a None state: anything available)."""
    problems: list[str] = []
    for entity_id, (value, attributes) in expected.items():
        state = states.get(entity_id)
        if state is None:
            problems.append(f"{entity_id} is missing")
            continue
        if state["state"] == "unavailable" or (
            value is not None and not _same(value, state["state"])
        ):
            problems.append(f"{entity_id} is {state['state']!r}, expected {value!r}")
        for key, want in attributes.items():
            got = state["attributes"].get(key)
            if not _same(want, got):
                problems.append(f"{entity_id}: {key} is {got!r}, expected {want!r}")
    return problems


# HA's own start-up warnings: about this test's set-up, not about our payloads.
UNRELATED_LOG = (
    "Skipping pip installation of required modules",
    "Support for the running Python version",
)
