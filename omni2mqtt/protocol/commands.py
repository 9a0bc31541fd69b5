"""The Command (opcode 20) table, duration encoding and Lo9/Hi7 packing (spec §16).

A command is ``[command, P1, P2 u16 BE]``; P2 is usually the object number.
"""

from __future__ import annotations

from enum import IntEnum

from .errors import EncodeError


class CommandType(IntEnum):
    UNIT_OFF = 0
    UNIT_ON = 1
    ALL_OFF = 2
    ALL_ON = 3
    BYPASS_ZONE = 4
    RESTORE_ZONE = 5
    RESTORE_ALL_ZONES = 6
    EXECUTE_BUTTON = 7
    SET_ENERGY_COST = 8
    UNIT_LEVEL = 9
    DECREMENT_COUNTER = 10
    INCREMENT_COUNTER = 11
    SET_COUNTER = 12
    ALC_RAMP = 13
    COMPOSE_SCENE = 14
    UPB_STATUS_REQUEST = 15
    DIM_STEP = 16  # SDK; parameters unverified
    DIM_1 = 17
    DIM_2 = 18
    DIM_3 = 19
    DIM_4 = 20
    DIM_5 = 21
    DIM_6 = 22
    DIM_7 = 23
    DIM_8 = 24
    DIM_9 = 25
    UPB_BLINK = 26
    UPB_STOP_BLINK = 27
    UPB_LINK_OFF = 28
    UPB_LINK_ON = 29
    UPB_LINK_SET = 30
    UPB_LINK_FADE_STOP = 31  # SDK, unverified
    BRIGHTEN_STEP = 32  # SDK; parameters unverified
    BRIGHTEN_1 = 33
    BRIGHTEN_2 = 34
    BRIGHTEN_3 = 35
    BRIGHTEN_4 = 36
    BRIGHTEN_5 = 37
    BRIGHTEN_6 = 38
    BRIGHTEN_7 = 39
    BRIGHTEN_8 = 40
    BRIGHTEN_9 = 41
    CENTRALITE_SCENE_OFF = 42
    CENTRALITE_SCENE_ON = 43
    UPB_LED_OFF = 44
    UPB_LED_ON = 45
    RADIORA_PHANTOM_OFF = 46
    RADIORA_PHANTOM_ON = 47  # 47, not 46 (pitfall 23)
    SECURITY_OFF = 48
    SECURITY_DAY = 49  # Lumina: Home
    SECURITY_NIGHT = 50  # Lumina: Sleep
    SECURITY_AWAY = 51
    SECURITY_VACATION = 52
    SECURITY_DAY_INSTANT = 53  # Lumina: Party
    SECURITY_NIGHT_DELAYED = 54  # Lumina: Special
    ENERGY_SAVER_OFF = 64
    ENERGY_SAVER_ON = 65
    SET_HEAT_SETPOINT = 66  # "low" setpoint; raw temperature
    SET_COOL_SETPOINT = 67  # "high" setpoint
    SET_THERMOSTAT_MODE = 68
    SET_FAN_MODE = 69
    SET_HOLD = 70  # 1 = hold (older HAI text: 255; which firmware accepts which is unverified)
    RAISE_LOWER_HEAT_SETPOINT = 71  # signed 0.5 °C steps
    RAISE_LOWER_COOL_SETPOINT = 72
    SET_HUMIDIFY_SETPOINT = 73
    SET_DEHUMIDIFY_SETPOINT = 74
    SHOW_MESSAGE = 80  # with beep and LED
    LOG_MESSAGE = 81
    CLEAR_MESSAGE = 82
    SAY_MESSAGE = 83
    PHONE_AND_SAY_MESSAGE = 84
    SEND_MESSAGE_SERIAL = 85
    SHOW_MESSAGE_QUIET = 86  # P1: 1 = no beep, 2 = no beep and no LED
    EMAIL_MESSAGE = 87  # unverified
    SCENE_OFF = 96  # SDK, unverified
    SCENE_ON = 97
    SCENE_SET = 98
    TOGGLE = 99
    SHOW_CAMERA = 100
    UNIT_TIMED_LEVEL = 101  # P2 = Lo9 unit | Hi7 level (one implementation differs; unverified)
    CONSOLE_BEEPER = 102
    CONSOLE_BEEP = 103
    # 104: PC Access uses it as "execute program" (P1 = 0, P2 = slot); HAI's SDK calls it
    # "UserSetting". Unverified on real panels.
    EXECUTE_PROGRAM = 104
    LOCK = 105  # SDK order is authoritative: 105 lock, 106 unlock (pitfall 22)
    UNLOCK = 106
    HOMEWORKS_KEYPAD_PRESS = 107  # SDK, unverified
    CBUS_SCENE = 108
    RADIORA2_PHANTOM = 109
    STOP = 110
    AUDIO_ZONE = 112  # P1: 0 off, 1 on, 2 mute off, 3 mute on
    AUDIO_VOLUME = 113
    AUDIO_SOURCE = 114
    AUDIO_KEY_PRESS = 115


def security_command(mode: int) -> CommandType:
    """Command 48..54 for security mode 0..6."""
    if not 0 <= mode <= 6:
        raise EncodeError(f"security mode must be 0..6, got {mode}")
    return CommandType(CommandType.SECURITY_OFF + mode)


class AudioZoneAction(IntEnum):
    """P1 of the AUDIO_ZONE command."""

    OFF = 0
    ON = 1
    MUTE_OFF = 2
    MUTE_ON = 3


class EnergyCost(IntEnum):
    LOW = 0
    MID = 1
    HIGH = 2
    CRITICAL = 3


# Duration D (P1 of timed commands): 0 indefinite; 1-99 s; 101-199 = minutes + 100;
# 201-218 = hours + 200; >= 219 = user setting (P1 - 218).
_MAX_SECONDS = 99
_MAX_MINUTES = 99
_MAX_HOURS = 18


def encode_duration(seconds: int) -> int:
    """The D byte for a duration in seconds: exact where possible, else the nearest unit.

    Durations that are not representable exactly are rounded to the nearest minute or hour
    (never to zero, which would mean "indefinitely").
    """
    if seconds < 0:
        raise EncodeError(f"duration must not be negative, got {seconds} s")
    if seconds <= _MAX_SECONDS:
        return seconds
    minutes = max(1, round(seconds / 60))
    if minutes <= _MAX_MINUTES and (seconds % 60 == 0 or seconds < 3600):
        return 100 + minutes
    hours = max(1, round(seconds / 3600))
    if hours > _MAX_HOURS:
        raise EncodeError(f"duration {seconds} s exceeds the panel's maximum of 18 hours")
    return 200 + hours


def decode_duration(p1: int) -> int | None:
    """Seconds for a D byte; None for a user-setting reference (>= 219) or invalid 100/200."""
    if p1 <= _MAX_SECONDS:
        return p1
    if 101 <= p1 <= 199:
        return (p1 - 100) * 60
    if 201 <= p1 <= 218:
        return (p1 - 200) * 3600
    return None


def pack_lo9_hi7(unit: int, value: int) -> int:
    """P2 = unit (low 9 bits) | value << 9, used by ramp, blink and timed-level commands."""
    if not 0 <= unit <= 0x1FF:
        raise EncodeError(f"unit must be 0..511, got {unit}")
    if not 0 <= value <= 0x7F:
        raise EncodeError(f"value must be 0..127, got {value}")
    return unit | (value << 9)


def unpack_lo9_hi7(p2: int) -> tuple[int, int]:
    return p2 & 0x1FF, p2 >> 9
