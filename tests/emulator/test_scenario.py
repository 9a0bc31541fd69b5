"""Scenario loading: the built-in scenarios and clear errors for bad YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from omni2mqtt.emulator.scenario import ScenarioError, load_scenario, parse_scenario
from omni2mqtt.protocol.capacities import MODEL_CAPACITIES
from omni2mqtt.protocol.objects import Model, ObjectType
from omni2mqtt.protocol.security import Authority
from omni2mqtt.protocol.zones import ZoneType


def test_demo_scenario_is_a_realistic_house() -> None:
    demo = load_scenario("demo")
    assert demo.model is Model.OMNI_PRO_II
    assert len(demo.areas) == 2
    assert 18 <= len(demo.zones) <= 24
    assert any(z.type.info.analog for z in demo.zones)
    assert len(demo.units) >= 15
    assert len(demo.thermostats) == 2
    assert demo.locks and demo.audio_zones and demo.buttons and demo.messages and demo.programs
    master = demo.codes[0]
    assert (master.code, master.authority, master.areas) == ("1234", Authority.MASTER, [1, 2])
    assert "1234" not in repr(master)


def test_full_scenario_fills_every_capacity() -> None:
    full = load_scenario("full")
    capacities = MODEL_CAPACITIES[Model.OMNI_PRO_II]
    assert len(full.zones) == capacities[ObjectType.ZONE] == 176
    assert len(full.units) == capacities[ObjectType.UNIT] == 511
    assert len(full.buttons) == 128
    assert len(full.thermostats) == 64
    assert len(full.areas) == 8
    assert len(full.messages) == 128
    assert len(full.programs) >= 400
    assert all(z.name for z in full.zones)


def test_yaml_file_with_names_and_numbers(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "model: omni_iie\nzones:\n  - {number: 1, name: DOOR, type: entry-exit}\n"
        "  - {number: 2, name: TEMP, type: 82}\n"
    )
    scenario = load_scenario(path)
    assert scenario.model is Model.OMNI_IIE
    assert [z.type for z in scenario.zones] == [ZoneType.ENTRY_EXIT, ZoneType.TEMPERATURE]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("model: omni_xx", "model: unknown Model 'omni_xx'"),
        ("model: omni_iie\nzones: [{number: 49, name: X}]", "Omni IIe's capacity of 48"),
        ("zones: [{number: 1}, {number: 1}]", "zones: number 1 is defined twice"),
        ("zones: [{number: 1, name: A NAME MUCH TOO LONG}]", "zones[1]: name"),
        ("zones: [{number: 1, colour: red}]", "zones.0.colour"),
        ("codes: [{number: 1, code: '12a4'}]", "codes.0.code"),
        ("- just a list", "top level must be a mapping"),
        ("zones: [", "not valid YAML"),
    ],
)
def test_invalid_scenarios_name_the_key(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "test.yaml")
    assert message in str(info.value)
    assert str(info.value).startswith("test.yaml: ")


def test_invalid_code_is_not_echoed() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario("codes: [{number: 1, code: '98765'}]")
    assert "98765" not in str(info.value)


def test_missing_file() -> None:
    with pytest.raises(ScenarioError, match="cannot read scenario"):
        load_scenario("/nonexistent/scenario.yaml")
