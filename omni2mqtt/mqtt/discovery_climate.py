"""Home Assistant discovery of a thermostat: a ``climate`` entity and its companions.

The heat and cool setpoints are the climate's low and high targets. HA's modes are off, heat,
cool and auto (the router maps HA's ``heat_cool`` to auto as well); the panel's hold modes are
presets, with HA's own ``none`` for hold off. Humidity and outdoor readings get their own
sensors, the humidify and dehumidify setpoints ``number``s.
"""

from __future__ import annotations

from typing import Any

from ..panel.views import ThermostatView
from ..protocol.objects import ObjectType
from ..protocol.temperature import TemperatureUnit
from ..protocol.thermostats import ThermostatType
from .attributes import ATTRIBUTES
from .discovery_entities import (
    DIAGNOSTIC,
    MEASURED,
    ON_OFF,
    PERCENT,
    DiscoveryContext,
    EntityConfig,
    ObjectEntities,
    object_key,
)

FAN_MODES = ["auto", "on", "cycle"]
HOLD_PRESETS = ["hold", "vacation"]
ALL_MODES = ["off", "heat", "cool", "auto"]
_MODES: dict[int | None, list[str]] = {
    ThermostatType.AUTO_HEAT_COOL: ALL_MODES,
    ThermostatType.HEAT_COOL: ["off", "heat", "cool"],
    ThermostatType.HEAT_ONLY: ["off", "heat"],
    ThermostatType.COOL_ONLY: ["off", "cool"],
}
# HA has no emergency heat mode (its aux heat keys were removed in 2024): it shows as heat.
_MODE_STATE_TEMPLATE = "{{ 'heat' if value == 'emergency_heat' else value }}"
_PRESET_STATE_TEMPLATE = "{{ 'none' if value == 'off' else value }}"
# Setpoint slider range and step in the panel's unit; the panel accepts a wider range.
_SETPOINTS: dict[TemperatureUnit, dict[str, Any]] = {
    TemperatureUnit.FAHRENHEIT: {
        "temperature_unit": "F",
        "min_temp": 40,
        "max_temp": 95,
        "temp_step": 1,
        "precision": 0.1,  # the panel reads in 0.9 F steps (raw x 0.9 - 40)
    },
    TemperatureUnit.CELSIUS: {
        "temperature_unit": "C",
        "min_temp": 4.5,
        "max_temp": 35,
        "temp_step": 0.5,
        "precision": 0.5,
    },
}
_READINGS = ("humidity", "outdoor_temperature")


def thermostat(ctx: DiscoveryContext, v: ThermostatView) -> list[EntityConfig]:
    o = ObjectEntities(ctx, ObjectType.THERMOSTAT, v.number, v.name)
    # A reading seen in this process enables its entities. A thermostat without the sensor
    # still gets them (disabled), so a reading that drops out never removes an entity and
    # the user's settings for it.
    for reading in _READINGS:
        if getattr(v, reading) is not None:
            ctx.readings.add((v.number, reading))
    humidity = (v.number, "humidity") in ctx.readings
    outdoor = (v.number, "outdoor_temperature") in ctx.readings
    climate = ctx.entity(
        "climate",
        object_key(ObjectType.THERMOSTAT, v.number),
        v.name,
        current_temperature_topic=o.state("temperature"),
        current_humidity_topic=o.state("humidity"),
        temperature_low_state_topic=o.state("heat_setpoint"),
        temperature_low_command_topic=o.command("heat_setpoint"),
        temperature_high_state_topic=o.state("cool_setpoint"),
        temperature_high_command_topic=o.command("cool_setpoint"),
        mode_state_topic=o.state("mode"),
        mode_state_template=_MODE_STATE_TEMPLATE,
        mode_command_topic=o.command("mode"),
        modes=_MODES.get(v.thermostat_type, ALL_MODES),
        fan_mode_state_topic=o.state("fan_mode"),
        fan_mode_command_topic=o.command("fan_mode"),
        fan_modes=FAN_MODES,
        preset_mode_state_topic=o.state("hold"),
        preset_mode_value_template=_PRESET_STATE_TEMPLATE,
        preset_mode_command_topic=o.command("hold"),
        preset_modes=HOLD_PRESETS,
        action_topic=o.state("action"),
        json_attributes_topic=o.state(ATTRIBUTES),
        **_SETPOINTS[ctx.temperature_unit],
    )
    humidity_fields = {"device_class": "humidity", **PERCENT, "enabled_by_default": humidity}
    setpoints = [
        o.sub("number", leaf, label, command=True, min=0, max=100, step=1, **humidity_fields)
        for leaf, label in (
            ("humidify_setpoint", "humidify setpoint"),
            ("dehumidify_setpoint", "dehumidify setpoint"),
        )
    ]
    return [
        climate,
        o.sub("sensor", "humidity", "humidity", **humidity_fields, **MEASURED),
        o.sub(
            "sensor",
            "outdoor_temperature",
            "outdoor temperature",
            device_class="temperature",
            unit_of_measurement=ctx.temperature_symbol,
            enabled_by_default=outdoor,
            **MEASURED,
        ),
        *setpoints,
        o.sub(
            "binary_sensor",
            "communicating",
            "communicating",
            device_class="connectivity",
            entity_category=DIAGNOSTIC,
            **ON_OFF,
        ),
    ]
