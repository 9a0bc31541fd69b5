"""System-level enumerations: troubles, features, formats, user-setting types (spec §12, §13)."""

from __future__ import annotations

from enum import IntEnum


class Trouble(IntEnum):
    """SystemTroubles codes; higher codes are unverified and kept as raw numbers."""

    FREEZE = 1
    BATTERY_LOW = 2
    AC_POWER = 3
    PHONE_LINE = 4
    COMMUNICATOR = 5
    FUSE = 6

    @property
    def slug(self) -> str:
        return self.name.lower()


class Feature(IntEnum):
    """SystemFeatures codes."""

    NUVO_CONCERTO = 1
    NUVO_ESSENTIA = 2
    NUVO_GRAND_CONCERTO = 3
    RUSSOUND = 4
    HAI_HIFI = 5
    XANTECH = 6
    SPEAKERCRAFT = 7
    PROFICIENT = 8
    DSC_SECURITY = 9


class TimeFormat(IntEnum):
    HOURS_12 = 1
    HOURS_24 = 2


class DateFormat(IntEnum):
    MMDD = 1
    DDMM = 2


class UserSettingType(IntEnum):
    UNUSED = 0
    NUMBER = 1
    DURATION = 2
    TEMPERATURE = 3
    HUMIDITY = 4
    DATE = 5  # month high byte, day low
    TIME = 6  # hour high, minute low
    DAYS_OF_WEEK = 7  # bit 1 = Mon ... bit 7 = Sun
    LEVEL = 8


class MessageDisplay(IntEnum):
    """Message status record value."""

    OFF = 0
    DISPLAYED = 1
    DISPLAYED_NOT_ACKNOWLEDGED = 2
