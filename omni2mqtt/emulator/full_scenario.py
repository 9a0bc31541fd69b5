"""The built-in ``full`` scenario: an Omni Pro II with every capacity filled and named.

Generated rather than written out: 176 zones, 511 units, 128 buttons, 99 codes, 64 thermostats,
8 areas, 128 messages, audio, locks and programs in many of the 1500 slots. Benchmarks use it to
measure a cold start against the largest panel a user can have.
"""

from __future__ import annotations

from typing import Any

from ..protocol.capacities import MODEL_CAPACITIES, PROGRAM_SLOTS
from ..protocol.objects import Model, ObjectType
from ..protocol.units import UnitType
from ..protocol.zones import ZoneType
from .scenario import Scenario

_CAP = MODEL_CAPACITIES[Model.OMNI_PRO_II]

# A realistic mix of zone types, cycled over the zone numbers; analog zones at the end.
_ZONE_CYCLE = (
    ZoneType.ENTRY_EXIT,
    ZoneType.PERIMETER,
    ZoneType.PERIMETER,
    ZoneType.AWAY_INTERIOR,
    ZoneType.NIGHT_INTERIOR,
    ZoneType.FIRE,
    ZoneType.WATER,
    ZoneType.LATCHING_PERIMETER,
)
_ANALOG_ZONES = {
    173: ZoneType.OUTDOOR_TEMPERATURE,
    174: ZoneType.TEMPERATURE,
    175: ZoneType.TEMPERATURE_ALARM,
    176: ZoneType.HUMIDITY,
}
_PROGRAM_EVERY = 3  # a program in every third slot: 500 of the 1500


def _unit_type(number: int) -> UnitType:
    # Omni Pro II unit map (spec 11): 1-256 lighting, 257-384 expansion outputs,
    # 385-392 voltage outputs, 393-511 flags and counters.
    if number <= 256:
        return UnitType.UPB if number % 2 else UnitType.STANDARD
    if number <= 392:
        return UnitType.OUTPUT
    return UnitType.FLAG


def _program_record(slot: int) -> str:
    """A TIMED program turning a unit on at a time derived from the slot, every day."""
    unit = (slot % 256) + 1
    hour, minute = (slot // 60) % 24, slot % 60
    return f"01 0000 0000 01 00 {unit:04x} 00 00 fe {hour:02x} {minute:02x}"


def build_full_scenario() -> Scenario:
    areas = _CAP[ObjectType.AREA]
    data: dict[str, Any] = {
        "name": "full",
        "model": "omni_pro_ii",
        "firmware": [3, 16, 2],
        "areas": [
            {"number": n, "name": f"AREA {n}", "exit_delay": 60, "entry_delay": 30}
            for n in range(1, areas + 1)
        ],
        "zones": [
            {
                "number": n,
                "name": f"ZONE {n}",
                "type": _ANALOG_ZONES.get(n, _ZONE_CYCLE[n % len(_ZONE_CYCLE)]),
                "area": (n - 1) % areas + 1,
                "loop": 120 if n in _ANALOG_ZONES else 0,
            }
            for n in range(1, _CAP[ObjectType.ZONE] + 1)
        ],
        "units": [
            {"number": n, "name": f"UNIT {n}", "type": _unit_type(n), "state": 0}
            for n in range(1, _CAP[ObjectType.UNIT] + 1)
        ],
        "buttons": [
            {"number": n, "name": f"BUTTON {n}", "macro": [{"command": 1, "p2": n}]}
            for n in range(1, _CAP[ObjectType.BUTTON] + 1)
        ],
        "codes": [
            {
                "number": n,
                "name": f"USER {n}",
                "code": "1234" if n == 1 else f"{(n * 7919) % 10000:04d}",
                "authority": "master" if n == 1 else "user",
                "areas": list(range(1, areas + 1)),
            }
            for n in range(1, _CAP[ObjectType.CODE] + 1)
        ],
        "thermostats": [
            {"number": n, "name": f"TSTAT {n}", "mode": "auto"}
            for n in range(1, _CAP[ObjectType.THERMOSTAT] + 1)
        ],
        "messages": [
            {"number": n, "name": f"MESSAGE {n}"} for n in range(1, _CAP[ObjectType.MESSAGE] + 1)
        ],
        "audio_sources": [
            {"number": n, "name": f"SOURCE {n}"}
            for n in range(1, _CAP[ObjectType.AUDIO_SOURCE] + 1)
        ],
        "audio_zones": [
            {"number": n, "name": f"AUDIO {n}"} for n in range(1, _CAP[ObjectType.AUDIO_ZONE] + 1)
        ],
        "locks": [
            {"number": n, "name": f"LOCK {n}"} for n in range(1, _CAP[ObjectType.ACCESS_LOCK] + 1)
        ],
        "programs": [
            {"slot": s, "record": _program_record(s)}
            for s in range(1, PROGRAM_SLOTS + 1, _PROGRAM_EVERY)
        ],
    }
    return Scenario.model_validate(data)
