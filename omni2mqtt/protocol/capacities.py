"""Per-model object capacities (spec §11), for the emulator and for documentation.

Clients must read capacities at run time (RequestCapacities) instead of trusting this table
(spec pitfall 31): panels differ by firmware and expansion. The emulator answers from it.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from .objects import Model, ObjectType

_T = ObjectType

# Zones, units, buttons, codes, areas, thermostats, messages, user settings and access readers
# are the HAI text's counts; consoles come from the SDK. Audio, expansion and lock counts are
# not published: the values below are the emulator's own choice, marked unverified.

_OMNI_PRO_II: Final = {
    _T.ZONE: 176,
    _T.UNIT: 511,
    _T.BUTTON: 128,
    _T.CODE: 99,
    _T.AREA: 8,
    _T.THERMOSTAT: 64,
    _T.MESSAGE: 128,
    _T.AUXILIARY: 176,
    _T.AUDIO_SOURCE: 8,
    _T.AUDIO_ZONE: 24,
    _T.EXPANSION: 8,
    _T.CONSOLE: 16,
    _T.USER_SETTING: 25,
    _T.ACCESS_READER: 16,
    _T.ACCESS_LOCK: 16,
}
_OMNI_IIE: Final = {
    _T.ZONE: 48,
    _T.UNIT: 128,
    _T.BUTTON: 64,
    _T.CODE: 16,
    _T.AREA: 2,
    _T.THERMOSTAT: 4,
    _T.MESSAGE: 64,
    _T.AUXILIARY: 48,
    _T.AUDIO_SOURCE: 8,
    _T.AUDIO_ZONE: 8,
    _T.EXPANSION: 2,
    _T.CONSOLE: 8,
    _T.USER_SETTING: 10,
    _T.ACCESS_READER: 4,
    _T.ACCESS_LOCK: 4,
}

MODEL_CAPACITIES: Final = MappingProxyType(
    {
        Model.OMNI_PRO_II: MappingProxyType(_OMNI_PRO_II),
        Model.OMNI_IIE: MappingProxyType(_OMNI_IIE),
        Model.LUMINA_PRO: MappingProxyType(_OMNI_PRO_II | {_T.AREA: 1}),
        Model.LUMINA: MappingProxyType(_OMNI_IIE | {_T.AREA: 1}),
        # The Omni LTe is not in the HAI text's table (unverified); it is a smaller IIe-class
        # panel, so the emulator models it with the IIe's counts.
        Model.OMNI_LTE: MappingProxyType(_OMNI_IIE),
    }
)

# Program slots: 1500 on the Omni Pro II (SDK); other models are unverified and get the same.
PROGRAM_SLOTS: Final = 1500
EVENT_LOG_SIZE: Final = 250
