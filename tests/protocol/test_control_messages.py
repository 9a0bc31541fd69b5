"""Command, security and zone-ready messages (spec §16, §17; vectors §23.4, §23.5, §23.6)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omni2mqtt.protocol.commands import (
    AudioZoneAction,
    CommandType,
    EnergyCost,
    encode_duration,
    pack_lo9_hi7,
)
from omni2mqtt.protocol.errors import DecodeError, EncodeError
from omni2mqtt.protocol.frame import Frame
from omni2mqtt.protocol.messages.base import Message, decode_message
from omni2mqtt.protocol.messages.control import (
    AcknowledgeAlerts,
    ActivateKeypadEmergency,
    Command,
    EmergencyType,
    ExecuteSecurityCommand,
    ExecuteSecurityCommandResponse,
    RequestValidateCode,
    RequestZoneReady,
    ValidateCode,
    ZoneReadyStatus,
)
from omni2mqtt.protocol.security import Authority, SecurityMode, SecurityResult
from omni2mqtt.protocol.temperature import fahrenheit_to_raw, humidity_to_raw
from omni2mqtt.protocol.thermostats import FanMode, HoldMode, ThermostatMode


def roundtrip(message: Message) -> Message:
    return decode_message(Frame.decode(message.encode()))


# --- §23.4 / §23.5 frames -------------------------------------------------------------------------

FRAMES = [
    (Command.unit_level(257, 75), "21 05 14 09 4b 01 01 83 8c"),
    (Command.security(SecurityMode.AWAY, code_number=1, area=1), "21 05 14 33 01 00 01 af 12"),
    (RequestValidateCode(area=1, code="1234"), "21 06 26 01 01 02 03 04 fd c9"),
    (RequestZoneReady(), "21 01 38 00 42"),
    (Command.unit_on(5), "21 05 14 01 00 00 05 f1 a9"),
    (ExecuteSecurityCommand(area=1, mode=SecurityMode.AWAY, code="1234"), "21074a0103010203044efc"),
]


@pytest.mark.parametrize(("message", "frame"), FRAMES)
def test_known_frames(message: Message, frame: str) -> None:
    wire = bytes.fromhex(frame.replace(" ", ""))
    assert message.encode() == wire
    assert decode_message(Frame.decode(wire)) == message


# --- §23.6 command payloads, each built through the API -------------------------------------------

C = CommandType
PAYLOADS = [
    (Command.unit_off(5), "00000005"),
    (Command.unit_on(5), "01000005"),
    (Command.unit_on(14, seconds=90), "015a000e"),
    (Command.unit_on(257, seconds=10 * 60), "016e0101"),
    (Command.unit_off(20, seconds=2 * 3600), "00ca0014"),
    (Command(C.UNIT_ON, encode_duration(90), 14), "015a000e"),
    (Command.unit_level(3, 50), "09320003"),
    (Command.unit_level(257, 75), "094b0101"),
    (Command(C.ALL_OFF, 0, 0), "02000000"),
    (Command(C.ALL_ON, 0, 2), "03000002"),
    (Command(C.BYPASS_ZONE, 2, 12), "0402000c"),
    (Command(C.RESTORE_ZONE, 2, 12), "0502000c"),
    (Command(C.RESTORE_ALL_ZONES, 2, 1), "06020001"),
    (Command.execute_button(4), "07000004"),
    (Command(C.INCREMENT_COUNTER, 0, 400), "0b000190"),
    (Command(C.SET_COUNTER, 7, 400), "0c070190"),
    (Command.security(SecurityMode.OFF, code_number=1, area=1), "30010001"),
    (Command.security(SecurityMode.AWAY, code_number=1, area=1), "33010001"),
    (Command.security(SecurityMode.NIGHT, code_number=3), "32030000"),
    (Command(C.SET_HEAT_SETPOINT, fahrenheit_to_raw(68), 1), "42780001"),
    (Command(C.SET_COOL_SETPOINT, fahrenheit_to_raw(76), 1), "43810001"),
    (Command(C.SET_THERMOSTAT_MODE, ThermostatMode.COOL, 2), "44020002"),
    (Command(C.SET_FAN_MODE, FanMode.ON, 2), "45010002"),
    (Command(C.SET_HOLD, HoldMode.HOLD, 2), "46010002"),
    (Command(C.SET_HUMIDIFY_SETPOINT, humidity_to_raw(40), 1), "49590001"),
    (Command(C.SET_DEHUMIDIFY_SETPOINT, humidity_to_raw(55), 1), "4a6a0001"),
    (Command(C.SHOW_MESSAGE, 0, 2), "50000002"),
    (Command(C.SHOW_MESSAGE_QUIET, 1, 2), "56010002"),
    (Command(C.SHOW_MESSAGE_QUIET, 2, 2), "56020002"),
    (Command(C.CLEAR_MESSAGE, 0, 2), "52000002"),
    (Command(C.CLEAR_MESSAGE, 0, 0), "52000000"),
    (Command.lock(2), "69000002"),
    (Command.unlock(2), "6a000002"),
    (Command.unlock(2, seconds=10), "6a0a0002"),
    (Command(C.CONSOLE_BEEPER, 0, 2), "66000002"),
    (Command(C.CONSOLE_BEEPER, 1, 2), "66010002"),
    (Command(C.CONSOLE_BEEP, 1 + 3, 0), "67040000"),  # 2..6 = 1..5 beeps
    (Command(C.AUDIO_ZONE, AudioZoneAction.ON, 3), "70010003"),
    (Command(C.AUDIO_VOLUME, 40, 3), "71280003"),
    (Command(C.AUDIO_SOURCE, 2, 3), "72020003"),
    (Command(C.SET_ENERGY_COST, EnergyCost.HIGH, 0), "08020000"),
    # Not in §23.6, but the Lo9/Hi7 packing: unit 257, 50 %, 10 s -> P2 = 257 | 50 << 9.
    (Command.timed_level(257, 50, seconds=10), "650a6501"),
    (Command(C.ALC_RAMP, encode_duration(5), pack_lo9_hi7(3, 100)), "0d05c803"),
    (Command.execute_program(42), "6800002a"),
]


@pytest.mark.parametrize(("command", "payload"), PAYLOADS)
def test_command_payloads(command: Command, payload: str) -> None:
    assert command.encode_payload().hex() == payload
    assert Command.decode_payload(bytes.fromhex(payload)) == command


def test_command_typed_view_keeps_unknown_values() -> None:
    assert Command.decode_payload(bytes.fromhex("33010001")).command_type is C.SECURITY_AWAY
    unknown = Command.decode_payload(bytes.fromhex("ee000102"))
    assert (unknown.command, unknown.command_type, unknown.p2) == (0xEE, None, 0x0102)


@pytest.mark.parametrize(
    ("build", "error"),
    [
        (lambda: Command.unit_level(1, 101), "unit level"),
        (lambda: Command.security(7, code_number=1), "security mode"),
        (lambda: Command(C.UNIT_ON, 256, 1).encode(), "Command.p1"),
        (lambda: Command(C.UNIT_ON, 0, 0x10000).encode(), "Command.p2"),
        (lambda: Command.unit_on(1, seconds=19 * 3600), "18 hours"),
        (lambda: Command.timed_level(512, 50, 10), "unit"),
    ],
)
def test_command_encode_errors(build: Callable[[], object], error: str) -> None:
    with pytest.raises(EncodeError, match=error):
        build()


def test_command_decode_is_strict() -> None:
    with pytest.raises(DecodeError):
        Command.decode_payload(bytes.fromhex("010000"))
    with pytest.raises(DecodeError):
        Command.decode_payload(bytes.fromhex("0100000500"))


# --- ExecuteSecurityCommand and codes -------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "payload"),
    [
        (ExecuteSecurityCommand(area=1, mode=SecurityMode.AWAY, code="1234"), "010301020304"),
        (ExecuteSecurityCommand(area=2, mode=SecurityMode.OFF, code="0007"), "020000000007"),
        (ExecuteSecurityCommand(area=1, mode=SecurityMode.NIGHT, code="4321"), "010204030201"),
    ],
)
def test_execute_security_payloads(message: ExecuteSecurityCommand, payload: str) -> None:
    assert message.encode_payload().hex() == payload
    decoded = ExecuteSecurityCommand.decode_payload(bytes.fromhex(payload))
    assert decoded == message
    assert decoded.security_mode is SecurityMode(message.mode)


def test_codes_never_appear_in_repr() -> None:
    for message in (
        ExecuteSecurityCommand(area=1, mode=3, code="9876"),
        RequestValidateCode(area=1, code="9876"),
    ):
        assert "9876" not in repr(message)
        assert "9876" not in str(message)
        assert "code" not in repr(message)


@pytest.mark.parametrize("code", ["123", "12345", "12a4", "", " 123", "\u0661\u0662\u0663\u0664"])
def test_bad_codes_are_refused_without_echoing_them(code: str) -> None:
    for message in (
        ExecuteSecurityCommand(area=1, mode=3, code=code),
        RequestValidateCode(area=1, code=code),
    ):
        with pytest.raises(EncodeError) as info:
            message.encode()
        assert code == "" or code not in str(info.value)


def test_code_digit_above_nine_is_a_decode_error() -> None:
    with pytest.raises(DecodeError):
        RequestValidateCode.decode_payload(bytes.fromhex("0101020a04"))
    with pytest.raises(DecodeError):
        ExecuteSecurityCommand.decode_payload(bytes.fromhex("0103010203"))


def test_out_of_range_area_and_mode_still_encode() -> None:
    # The panel answers INVALID_AREA / INVALID_MODE itself; the emulator must be able to see them.
    message = ExecuteSecurityCommand(area=9, mode=7, code="0000")
    assert message.encode_payload().hex() == "090700000000"
    assert ExecuteSecurityCommand.decode_payload(message.encode_payload()).security_mode is None


@pytest.mark.parametrize(
    ("status", "result", "success"),
    [
        (0, SecurityResult.SUCCESS, True),
        (1, SecurityResult.INVALID_CODE, False),
        (4, SecurityResult.ZONES_NOT_READY, False),
        (0xFF, SecurityResult.INVALID, False),
        (0x42, None, False),
    ],
)
def test_security_response(status: int, result: SecurityResult | None, success: bool) -> None:
    reply = ExecuteSecurityCommandResponse.decode_payload(bytes([status]))
    assert (reply.status, reply.result, reply.success) == (status, result, success)
    assert reply.encode() == Frame(75, bytes([status])).encode()


@pytest.mark.parametrize(
    ("payload", "authority", "valid", "duress"),
    [
        ("0101", Authority.MASTER, True, False),
        ("0c03", Authority.USER, True, False),
        ("fb03", Authority.USER, True, True),
        ("0000", Authority.INVALID, False, False),
        ("0509", None, True, False),
    ],
)
def test_validate_code_reply(
    payload: str, authority: Authority | None, valid: bool, duress: bool
) -> None:
    reply = ValidateCode.decode_payload(bytes.fromhex(payload))
    assert (reply.authority_level, reply.valid, reply.duress) == (authority, valid, duress)
    assert reply.encode_payload().hex() == payload


# --- Other requests -------------------------------------------------------------------------------


def test_acknowledge_alerts_and_keypad_emergency() -> None:
    assert AcknowledgeAlerts().encode() == Frame(60).encode()
    fire = ActivateKeypadEmergency(area=2, emergency=EmergencyType.FIRE)
    assert fire.encode_payload() == b"\x02\x02"
    assert ActivateKeypadEmergency.decode_payload(b"\x02\x02").emergency_type is EmergencyType.FIRE
    assert ActivateKeypadEmergency.decode_payload(b"\x01\x09").emergency_type is None
    with pytest.raises(EncodeError, match="emergency"):
        ActivateKeypadEmergency(area=1, emergency=4).encode()


def test_zone_ready_bit_order() -> None:
    # Bit 7 is the lowest zone of each byte: 0x80 = zone 1, 0x01 = zone 8, 2nd byte 0x40 = zone 10.
    status = ZoneReadyStatus(bytes([0x81, 0x40, 0x00]))
    assert status.not_ready_zones() == frozenset({1, 8, 10})
    assert not status.is_ready(1)
    assert status.is_ready(2)
    assert not status.is_ready(10)
    assert status.is_ready(24)
    assert status.is_ready(200)  # beyond the bitmap
    assert ZoneReadyStatus.from_not_ready({1, 8, 10}, zone_count=24) == status
    assert ZoneReadyStatus.from_not_ready([], zone_count=48).bitmap == bytes(6)
    assert ZoneReadyStatus.from_not_ready([9], zone_count=9).bitmap == b"\x00\x80"
    with pytest.raises(EncodeError):
        ZoneReadyStatus.from_not_ready([25], zone_count=24)
    with pytest.raises(EncodeError):
        ZoneReadyStatus.from_not_ready([0], zone_count=24)


@given(st.sets(st.integers(1, 176)))
def test_zone_ready_sets_round_trip(zones: set[int]) -> None:
    status = ZoneReadyStatus.from_not_ready(zones, zone_count=176)
    assert len(status.bitmap) == 22
    assert roundtrip(status) == status
    assert status.not_ready_zones() == zones
