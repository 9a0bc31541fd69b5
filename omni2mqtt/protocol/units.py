"""Unit types and the unit state byte (spec §15.2, §15.7)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum


class UnitType(IntEnum):
    STANDARD = 1
    EXTENDED = 2
    COMPOSE = 3
    UPB = 4
    HLC_ROOM = 5
    HLC_LOAD = 6
    LUMINA_MODE = 7
    RADIORA = 8
    CENTRALITE = 9
    VIZIARF_ROOM = 10
    VIZIARF_LOAD = 11
    FLAG = 12
    OUTPUT = 13
    AUDIO_ZONE = 14
    AUDIO_SOURCE = 15
    HOMEWORKS = 16
    CBUS = 17
    DYNALITE = 18
    RADIORA2 = 19
    SOMFY_SDN = 20
    ZIGBEE = 21
    KNX = 22
    LUMANET = 23
    SOMFY_URTSI = 24


# Unit types that are on/off only: no dimming, so Home Assistant gets a switch, not a light.
SWITCH_ONLY_UNIT_TYPES = frozenset({UnitType.FLAG, UnitType.OUTPUT, UnitType.LUMINA_MODE})


class UnitStateKind(Enum):
    OFF = "off"
    ON = "on"
    SCENE = "scene"
    DIM = "dim"
    BRIGHTEN = "brighten"
    LEVEL = "level"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class UnitState:
    """A decoded unit state byte.

    ``value`` is the scene letter index (0 = A), the dim/brighten step count (1..9) or the level
    percentage, depending on ``kind``; 0 for off/on.
    """

    kind: UnitStateKind
    value: int = 0

    @classmethod
    def from_byte(cls, state: int) -> UnitState:
        if state == 0:
            return cls(UnitStateKind.OFF)
        if state == 1:
            return cls(UnitStateKind.ON)
        if 2 <= state <= 13:
            return cls(UnitStateKind.SCENE, state - 2)
        if 17 <= state <= 25:
            return cls(UnitStateKind.DIM, state - 16)
        if 33 <= state <= 41:
            return cls(UnitStateKind.BRIGHTEN, state - 32)
        if 100 <= state <= 200:
            return cls(UnitStateKind.LEVEL, state - 100)
        return cls(UnitStateKind.UNKNOWN, state)

    def to_byte(self) -> int:
        offsets = {
            UnitStateKind.OFF: 0,
            UnitStateKind.ON: 1,
            UnitStateKind.SCENE: 2,
            UnitStateKind.DIM: 16,
            UnitStateKind.BRIGHTEN: 32,
            UnitStateKind.LEVEL: 100,
            UnitStateKind.UNKNOWN: 0,
        }
        return offsets[self.kind] + self.value

    @property
    def scene_letter(self) -> str | None:
        return chr(ord("A") + self.value) if self.kind is UnitStateKind.SCENE else None

    @property
    def is_on(self) -> bool:
        """Everything but off (and a level of 0 %) counts as on."""
        if self.kind is UnitStateKind.LEVEL:
            return self.value > 0
        return self.kind is not UnitStateKind.OFF

    def level(self, last_known: int | None = None) -> int | None:
        """Brightness in %: exact for a level state, 0 for off; on/scene/dim keep the last known.

        ``last_known`` lets the caller carry a level across on/off events (spec §15.2).
        """
        if self.kind is UnitStateKind.LEVEL:
            return self.value
        if self.kind is UnitStateKind.OFF:
            return 0
        return last_known
