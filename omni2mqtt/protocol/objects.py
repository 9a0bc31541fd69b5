"""Object types, name widths and panel models (spec §11, §12, §13)."""

from __future__ import annotations

from enum import IntEnum


class ObjectType(IntEnum):
    ZONE = 1
    UNIT = 2
    BUTTON = 3
    CODE = 4
    AREA = 5
    THERMOSTAT = 6
    MESSAGE = 7
    AUXILIARY = 8
    AUDIO_SOURCE = 9
    AUDIO_ZONE = 10
    EXPANSION = 11
    CONSOLE = 12
    USER_SETTING = 13
    ACCESS_READER = 14
    ACCESS_LOCK = 15

    @property
    def slug(self) -> str:
        """Lower-case name used in topics, config keys and JSON."""
        return self.name.lower()


# Fixed name fields are max length + 1 for the terminating NUL (§13).
_LONG_NAME_TYPES = frozenset(
    {
        ObjectType.ZONE,
        ObjectType.MESSAGE,
        ObjectType.AUXILIARY,
        ObjectType.USER_SETTING,
        ObjectType.ACCESS_READER,
    }
)


def name_width(object_type: ObjectType) -> int:
    """Bytes of the fixed name field: 16 (15 chars) or 13 (12 chars)."""
    return 16 if object_type in _LONG_NAME_TYPES else 13


class NameType(IntEnum):
    """Name types of UploadNames / NameData / DownloadNames (§13)."""

    ZONE = 1
    UNIT = 2
    BUTTON = 3
    CODE = 4
    AREA = 5
    THERMOSTAT = 6
    MESSAGE = 7
    USER_SETTING = 8
    ACCESS_READER = 9


class Model(IntEnum):
    """The SystemInformation model byte."""

    OMNI = 2
    OMNI_PRO = 4
    OMNI_LT = 9
    OMNI_II = 15
    OMNI_PRO_II = 16
    OMNI_IIE = 30
    LUMINA = 36
    LUMINA_PRO = 37
    OMNI_LTE = 38
    REGIONAL_39 = 39
    REGIONAL_40 = 40
    REGIONAL_41 = 41

    @property
    def display_name(self) -> str:
        return _MODEL_NAMES[self]

    @property
    def is_lumina(self) -> bool:
        return self in (Model.LUMINA, Model.LUMINA_PRO)


_MODEL_NAMES: dict[Model, str] = {
    Model.OMNI: "Omni",
    Model.OMNI_PRO: "Omni Pro",
    Model.OMNI_LT: "Omni LT",
    Model.OMNI_II: "Omni II",
    Model.OMNI_PRO_II: "Omni Pro II",
    Model.OMNI_IIE: "Omni IIe",
    Model.LUMINA: "Lumina",
    Model.LUMINA_PRO: "Lumina Pro",
    Model.OMNI_LTE: "Omni LTe",
    # 39-41 are regional variants whose names are unverified.
    Model.REGIONAL_39: "Omni (regional variant 39)",
    Model.REGIONAL_40: "Omni (regional variant 40)",
    Model.REGIONAL_41: "Omni (regional variant 41)",
}


def model_name(model_byte: int) -> str:
    """A human name for any model byte, including ones this table does not know."""
    try:
        return Model(model_byte).display_name
    except ValueError:
        return f"unknown model {model_byte}"


def firmware_string(major: int, minor: int, revision: int) -> str:
    """Render firmware as PC Access does: 2.16b; revision 0 none, negative = prototype X1, X2."""
    base = f"{major}.{minor}"
    if revision > 0:
        # Revision 1 is "a", never "r1" (spec pitfall 20). Beyond "z" fall back to a number.
        return base + (chr(ord("a") + revision - 1) if revision <= 26 else f"r{revision}")
    if revision < 0:
        return f"{base}X{-revision}"
    return base
