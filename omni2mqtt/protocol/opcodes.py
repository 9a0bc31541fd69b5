"""Omni-Link II (v2) opcodes (spec §10). Download = PC to panel, Upload = panel to PC."""

from __future__ import annotations

from enum import IntEnum


class Opcode(IntEnum):
    INVALID = 0
    ACK = 1
    NAK = 2
    EOD = 3
    DOWNLOAD_SETUP = 4
    UPLOAD_SETUP = 5
    SETUP_DATA = 6
    CLEAR_PROGRAMS = 7  # erases every program: never sent by omni2mqtt
    DOWNLOAD_PROGRAM = 8
    UPLOAD_PROGRAM = 9
    PROGRAM_DATA = 10
    CLEAR_NAMES = 11  # erases every name: never sent
    DOWNLOAD_NAMES = 12
    UPLOAD_NAMES = 13
    NAME_DATA = 14
    SET_TIME = 19
    COMMAND = 20
    ENABLE_NOTIFICATIONS = 21
    REQUEST_SYSTEM_INFORMATION = 22
    SYSTEM_INFORMATION = 23
    REQUEST_SYSTEM_STATUS = 24
    SYSTEM_STATUS = 25
    REQUEST_SYSTEM_TROUBLES = 26
    SYSTEM_TROUBLES = 27
    REQUEST_SYSTEM_FEATURES = 28
    SYSTEM_FEATURES = 29
    REQUEST_CAPACITIES = 30
    CAPACITIES = 31
    REQUEST_PROPERTIES = 32
    PROPERTIES = 33
    REQUEST_STATUS = 34
    STATUS = 35
    REQUEST_EVENT_LOG_ITEM = 36
    EVENT_LOG_ITEM = 37
    REQUEST_VALIDATE_CODE = 38
    VALIDATE_CODE = 39
    REQUEST_SYSTEM_FORMATS = 40
    SYSTEM_FORMATS = 41
    LOGIN = 42
    LOGOUT = 43
    ACTIVATE_KEYPAD_EMERGENCY = 44
    REQUEST_EXT_SECURITY_STATUS = 45
    EXT_SECURITY_STATUS = 46
    CMD_EXT_SECURITY = 47
    REQUEST_AUDIO_SOURCE_STATUS = 48
    AUDIO_SOURCE_STATUS = 49
    ERASE_FIRMWARE = 50  # never sent
    REQUEST_FIRMWARE_ERASE_STATUS = 51
    FIRMWARE_ERASE_STATUS = 52
    DOWNLOAD_FIRMWARE_DATA = 53
    CONTROLLER_RESTART = 54  # never sent
    SYSTEM_EVENTS = 55
    REQUEST_ZONE_READY = 56
    ZONE_READY_STATUS = 57
    REQUEST_EXTENDED_STATUS = 58
    EXTENDED_STATUS = 59
    ACKNOWLEDGE_ALERTS = 60
    EXECUTE_SECURITY_COMMAND = 74
    EXECUTE_SECURITY_COMMAND_RESPONSE = 75
    TOUCHSCREEN_RESTART = 77  # never sent
    ERASE_FIRMWARE_4 = 80  # never sent


# Opcodes that would destroy panel configuration or firmware. The client refuses to send them,
# even through the raw escape hatch, because a typo there can wipe a house's programming.
FORBIDDEN_OPCODES: frozenset[Opcode] = frozenset(
    {
        Opcode.CLEAR_PROGRAMS,
        Opcode.CLEAR_NAMES,
        Opcode.ERASE_FIRMWARE,
        Opcode.REQUEST_FIRMWARE_ERASE_STATUS,
        Opcode.DOWNLOAD_FIRMWARE_DATA,
        Opcode.CONTROLLER_RESTART,
        Opcode.TOUCHSCREEN_RESTART,
        Opcode.ERASE_FIRMWARE_4,
    }
)
