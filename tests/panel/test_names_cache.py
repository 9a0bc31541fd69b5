"""The on-disk cache: what it stores per panel identity, and what it refuses to trust."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from omni2mqtt.panel.names_cache import CachedPanel, NamesCache, PanelIdentity, configuration
from omni2mqtt.protocol.messages.properties import Properties, ZoneProperties
from omni2mqtt.protocol.objects import ObjectType

IDENTITY = PanelIdentity("house", 16, "3.16b")


def zone(number: int, name: str, status: int = 0, zone_type: int = 0) -> Properties:
    return Properties(
        ZoneProperties(
            number=number, name=name, status=status, loop=0, zone_type=zone_type, area=1, options=0
        )
    )


def saved(tmp_path: Path) -> NamesCache:
    cache = NamesCache(tmp_path, "house")
    entry = CachedPanel(
        objects={ObjectType.ZONE: [zone(1, "FRONT DOOR"), zone(7, "GARAGE")]},
        capacities={ObjectType.ZONE: 176, ObjectType.AUDIO_SOURCE: 0},
        windows={ObjectType.UNIT: 16},
    )
    cache.save(IDENTITY, entry)
    return cache


def test_capacities_windows_and_names_round_trip(tmp_path: Path) -> None:
    loaded = saved(tmp_path).load(IDENTITY)
    assert loaded is not None
    assert loaded.capacities == {ObjectType.ZONE: 176, ObjectType.AUDIO_SOURCE: 0}
    assert loaded.windows == {ObjectType.UNIT: 16}
    assert [p.body.name for p in loaded.objects[ObjectType.ZONE]] == ["FRONT DOOR", "GARAGE"]


def test_another_firmware_gets_nothing(tmp_path: Path) -> None:
    assert saved(tmp_path).load(PanelIdentity("house", 16, "3.17")) is None


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d.update(version=1),  # the names-only layout of earlier releases
        lambda d: d["windows"].update({"2": 0}),
        lambda d: d["capacities"].update({"99": 5}),
        lambda d: d["capacities"].update({"1": "176"}),
    ],
)
def test_an_old_or_corrupt_cache_is_ignored(tmp_path: Path, edit: object) -> None:
    cache = saved(tmp_path)
    data = json.loads(cache.path.read_text())
    edit(data)  # type: ignore[operator]
    cache.path.write_text(json.dumps(data))
    assert cache.load(IDENTITY) is None


def test_the_check_compares_names_and_configuration_not_live_values() -> None:
    assert configuration(zone(1, "FRONT DOOR", status=1)) == configuration(zone(1, "FRONT DOOR"))
    assert configuration(zone(1, "FRONT")) != configuration(zone(1, "FRONT DOOR"))
    assert configuration(zone(1, "FRONT DOOR", zone_type=3)) != configuration(zone(1, "FRONT DOOR"))
