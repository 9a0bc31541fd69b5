"""Security modes, alarm types and bits, security-command results, code authority (§15.3, §17)."""

from __future__ import annotations

from enum import IntEnum, IntFlag

# Mode + 8 means the exit (Lumina: mode-change) delay for that mode is running.
EXIT_DELAY_OFFSET = 8


class SecurityMode(IntEnum):
    """Area security modes 0..6 (Omni names). Lumina names come from :attr:`lumina_name`."""

    OFF = 0
    DAY = 1
    NIGHT = 2
    AWAY = 3
    VACATION = 4
    DAY_INSTANT = 5
    NIGHT_DELAYED = 6

    @property
    def omni_name(self) -> str:
        return _OMNI_NAMES[self]

    @property
    def lumina_name(self) -> str:
        return _LUMINA_NAMES[self]

    def display_name(self, lumina: bool = False) -> str:
        return self.lumina_name if lumina else self.omni_name


_OMNI_NAMES = {
    SecurityMode.OFF: "Off",
    SecurityMode.DAY: "Day",
    SecurityMode.NIGHT: "Night",
    SecurityMode.AWAY: "Away",
    SecurityMode.VACATION: "Vacation",
    SecurityMode.DAY_INSTANT: "Day instant",
    SecurityMode.NIGHT_DELAYED: "Night delayed",
}
_LUMINA_NAMES = {
    SecurityMode.OFF: "Off",
    SecurityMode.DAY: "Home",
    SecurityMode.NIGHT: "Sleep",
    SecurityMode.AWAY: "Away",
    SecurityMode.VACATION: "Vacation",
    SecurityMode.DAY_INSTANT: "Party",
    SecurityMode.NIGHT_DELAYED: "Special",
}


def split_area_mode(mode_byte: int) -> tuple[SecurityMode | None, bool]:
    """Split an area status mode byte into (mode, exit delay running).

    9..14 are modes 1..6 with the exit delay running. Unknown values give (None, False) rather
    than raising, so an unexpected firmware value never stops status decoding.
    """
    delay = EXIT_DELAY_OFFSET < mode_byte <= EXIT_DELAY_OFFSET + SecurityMode.NIGHT_DELAYED
    base = mode_byte - EXIT_DELAY_OFFSET if delay else mode_byte
    try:
        return SecurityMode(base), delay
    except ValueError:
        return None, False


def area_mode_name(mode_byte: int, lumina: bool = False) -> str:
    """The raw Omni mode name, e.g. "Away" or "Arming Away" (Lumina: "Setting Home")."""
    mode, delay = split_area_mode(mode_byte)
    if mode is None:
        return f"Unknown mode {mode_byte}"
    name = mode.display_name(lumina)
    if delay:
        return ("Setting " if lumina else "Arming ") + name
    return name


class AlarmType(IntEnum):
    """Alarm type of a SystemEvents alarm word (§18) and of event-log alarm entries."""

    BURGLARY = 1
    FIRE = 2
    GAS = 3
    AUXILIARY = 4
    FREEZE = 5
    WATER = 6
    DURESS = 7
    TEMPERATURE = 8


class AreaAlarms(IntFlag):
    """Area status alarm bits (§15.3)."""

    NONE = 0
    BURGLARY = 0x01
    FIRE = 0x02
    GAS = 0x04
    AUXILIARY = 0x08
    FREEZE = 0x10
    WATER = 0x20
    DURESS = 0x40
    TEMPERATURE = 0x80


def alarm_names(bits: int) -> list[str]:
    """Lower-case names of the set alarm bits, in bit order."""
    return [a.name.lower() for a in AreaAlarms if a and a.name and bits & a]


class SecurityResult(IntEnum):
    """ExecuteSecurityCommandResponse status (§17)."""

    SUCCESS = 0
    INVALID_CODE = 1
    INVALID_MODE = 2
    INVALID_AREA = 3
    ZONES_NOT_READY = 4
    INSTALLER_RESTORE_NEEDED = 5
    CODE_LOCKED_OUT = 6
    INVALID = 0xFF


class Authority(IntEnum):
    """ValidateCode authority."""

    INVALID = 0
    MASTER = 1
    MANAGER = 2
    USER = 3


class CodeSource(IntEnum):
    """Special code numbers in event words and the event log (§18); 1..99 are user codes."""

    DURESS = 251
    KEYSWITCH = 252
    QUICK_ARM = 253
    PC_ACCESS = 254
    PROGRAMMED = 255


def code_source_name(code: int) -> str:
    if 1 <= code <= 99:
        return f"user {code}"
    try:
        return CodeSource(code).name.lower()
    except ValueError:
        return f"code {code}"


# Home Assistant alarm_control_panel states (design §3), in the spec's first-match order (§15.3).
_HA_STATE_BY_MODE = {
    SecurityMode.OFF: "disarmed",
    SecurityMode.DAY: "armed_home",
    SecurityMode.NIGHT: "armed_night",
    SecurityMode.AWAY: "armed_away",
    SecurityMode.VACATION: "armed_vacation",
    SecurityMode.DAY_INSTANT: "armed_home",  # the spec's first suggestion (§15.3)
    SecurityMode.NIGHT_DELAYED: "armed_night",
}


def ha_alarm_state(mode_byte: int, alarm_bits: int, entry_timer: int, exit_timer: int) -> str:
    """Home Assistant's alarm state for an area status (spec §15.3, first match wins)."""
    if alarm_bits:
        return "triggered"
    if entry_timer > 0:
        return "pending"
    mode, delay = split_area_mode(mode_byte)
    if delay or exit_timer > 0:
        return "arming"
    if mode is None:
        # A mode byte this table does not know must never read as "disarmed": showing a
        # possibly armed house as disarmed is the dangerous mistake, so report an armed state.
        return "armed_custom_bypass"
    return _HA_STATE_BY_MODE[mode]
