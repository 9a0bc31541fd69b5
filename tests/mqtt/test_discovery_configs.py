"""Discovery config building without a broker: ids, labels, guards, Celsius thermostats."""

from __future__ import annotations

from dataclasses import replace

import pytest

from omni2mqtt.mqtt.attributes import SYSTEM_ATTRIBUTES
from omni2mqtt.mqtt.discovery_climate import thermostat
from omni2mqtt.mqtt.discovery_components import TROUBLES, event_types, zone
from omni2mqtt.mqtt.discovery_entities import DiscoveryContext, option_labels
from omni2mqtt.mqtt.topics import Topics
from omni2mqtt.panel.views import ThermostatView, ZoneView
from omni2mqtt.protocol.objects import ObjectType
from omni2mqtt.protocol.temperature import TemperatureUnit


def context(
    panel_id: str = "house", unit: TemperatureUnit = TemperatureUnit.FAHRENHEIT
) -> DiscoveryContext:
    return DiscoveryContext(
        panel_id=panel_id,
        panel_name="House",
        topics=Topics("omni2mqtt"),
        model="Omni Pro II",
        firmware="3.16b",
        temperature_unit=unit,
    )


def zone_view(name: str) -> ZoneView:
    return ZoneView(
        number=7,
        name=name,
        zone_type=0,
        zone_type_name="Entry/exit",
        area=1,
        open=False,
        condition="secure",
        arming="disarmed",
        bypassed=False,
        latched="secure",
        alarm=False,
        trouble=False,
        trouble_unacknowledged=False,
        analog=False,
        value=None,
        raw_loop=0,
    )


def test_ids_come_from_panel_kind_and_number_never_the_name() -> None:
    first = zone(context(), zone_view("FRONT DOOR"))
    renamed = zone(context(), zone_view("MAIN ENTRANCE"))
    assert [e.payload["unique_id"] for e in first] == [
        "omni2mqtt_house_zone_7",
        "omni2mqtt_house_zone_7_bypass",
    ]
    assert [e.payload["unique_id"] for e in renamed] == [e.payload["unique_id"] for e in first]
    assert renamed[1].payload["name"] == "MAIN ENTRANCE bypass"


def test_a_dashed_panel_id_gives_valid_entity_ids() -> None:
    (main, _) = zone(context("my-house"), zone_view("DOOR"))
    assert main.payload["unique_id"] == "omni2mqtt_my-house_zone_7"
    assert main.payload["object_id"] == "omni2mqtt_my_house_zone_7"
    assert main.payload["default_entity_id"] == "binary_sensor.omni2mqtt_my_house_zone_7"
    assert main.payload["device"]["identifiers"] == ["omni2mqtt_my-house"]


def test_option_labels_are_unique_and_template_safe() -> None:
    labels = option_labels([(1, "RADIO"), (2, "RADIO"), (3, "TV {X}")])
    assert labels == {1: "RADIO (1)", 2: "RADIO (2)", 3: "TV (X)"}


def test_topics_outside_the_state_contract_are_refused() -> None:
    with pytest.raises(ValueError, match="brightness"):
        context().state(ObjectType.ZONE, 1, "brightness")


def test_troubles_and_event_types_exist_in_the_contract() -> None:
    assert set(TROUBLES) <= {a.name for a in SYSTEM_ATTRIBUTES}
    types = event_types()
    assert "unknown" in types and "zone_state" in types and len(types) == len(set(types))


def test_celsius_thermostat_and_readings_enable_their_entities() -> None:
    ctx = context(unit=TemperatureUnit.CELSIUS)
    view = ThermostatView(
        number=2,
        name="UPSTAIRS",
        thermostat_type=3,  # heat only
        communicating=True,
        freeze_alarm=False,
        temperature=21.5,
        heat_setpoint=20.0,
        cool_setpoint=25.0,
        outdoor_temperature=None,
        humidity=40,
        humidify_setpoint=None,
        dehumidify_setpoint=None,
        mode="emergency_heat",
        fan="auto",
        hold="off",
        hvac_action="heating",
    )
    entities = {e.key: e.payload for e in thermostat(ctx, view)}
    climate = entities["thermostat_2"]
    assert (climate["temperature_unit"], climate["precision"], climate["modes"]) == (
        "C",
        0.5,
        ["off", "heat"],
    )
    assert entities["thermostat_2_outdoor_temperature"]["unit_of_measurement"] == "\N{DEGREE SIGN}C"
    assert entities["thermostat_2_humidity"]["enabled_by_default"] is True
    assert entities["thermostat_2_outdoor_temperature"]["enabled_by_default"] is False
    # A reading once seen keeps its entity enabled when it drops out.
    gone = thermostat(ctx, replace(view, humidity=None))
    assert {e.key: e.payload for e in gone}["thermostat_2_humidity"]["enabled_by_default"] is True
