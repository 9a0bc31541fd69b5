"""System, event-log and audio-source messages (spec §11, §12, §19; vectors §23.3, §23.5)."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from omni2mqtt.protocol.errors import DecodeError, EncodeError
from omni2mqtt.protocol.frame import Frame
from omni2mqtt.protocol.messages.base import Message, decode_message
from omni2mqtt.protocol.messages.eventlog import (
    AudioSourceStatus,
    EventLogItem,
    EventLogType,
    LogDirection,
    RequestAudioSourceStatus,
    RequestEventLogItem,
)
from omni2mqtt.protocol.messages.system import (
    Capacities,
    RequestCapacities,
    RequestSystemFeatures,
    RequestSystemFormats,
    RequestSystemInformation,
    RequestSystemStatus,
    RequestSystemTroubles,
    SetTime,
    SystemFeatures,
    SystemFormats,
    SystemInformation,
    SystemStatus,
    SystemTroubles,
)
from omni2mqtt.protocol.objects import Model, ObjectType
from omni2mqtt.protocol.security import AlarmType, AreaAlarms, SecurityMode
from omni2mqtt.protocol.system_tables import DateFormat, Feature, TimeFormat, Trouble
from omni2mqtt.protocol.temperature import TemperatureUnit


def frame(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


def roundtrip(message: Message) -> Message:
    return decode_message(Frame.decode(message.encode()))


# --- Known-answer frames (§23.3, §23.5) -----------------------------------------------------------

SYSTEM_INFORMATION_2_12A = frame("211d1710020c01" + "3535352d31323132" + "00" * 16 + "d5a3")

FRAMES = [
    (RequestSystemInformation(), "21 01 16 80 5e"),
    (RequestSystemStatus(), "21 01 18 01 9a"),
    (RequestEventLogItem.most_recent(), "21 04 24 00 00 ff bb 70"),
    (RequestEventLogItem.oldest(), "21 04 24 00 00 01 3a f0"),
    (
        SetTime.from_datetime(datetime(2026, 5, 11, 12, 0), dst=True),
        "21 08 13 1a 05 0b 01 0c 00 01 38 b3",
    ),
    (
        SetTime.from_datetime(datetime(2026, 5, 10, 23, 59), dst=True),
        "21 08 13 1a 05 0a 07 17 3b 01 66 cc",
    ),
    (
        SystemInformation(16, 2, 12, 1, phone="555-1212", phone_field_size=24),
        "211d1710020c01" + "3535352d31323132" + "00" * 16 + "d5a3",
    ),
]


@pytest.mark.parametrize(("message", "text"), FRAMES)
def test_known_frames(message: Message, text: str) -> None:
    assert message.encode() == frame(text)
    assert decode_message(Frame.decode(frame(text))) == message


def test_system_information_vector_fields() -> None:
    info = decode_message(Frame.decode(SYSTEM_INFORMATION_2_12A))
    assert isinstance(info, SystemInformation)
    assert (info.model, info.firmware_major, info.firmware_minor, info.firmware_revision) == (
        16,
        2,
        12,
        1,
    )
    assert info.model_type is Model.OMNI_PRO_II
    assert info.model_name == "Omni Pro II"
    assert info.firmware == "2.12a"
    assert info.phone == "555-1212"
    assert info.phone_field_size == 24
    assert not info.supports_extended_status


# --- SystemInformation --------------------------------------------------------------------------


def test_system_information_encodes_25_byte_phone_by_default() -> None:
    wire = SystemInformation(30, 3, 2, 2, phone="555-1212").encode()
    assert wire[1] == 0x1E  # L = opcode + 4 + 25, as in the HAI text
    assert wire[7:][:25] == b"555-1212" + bytes(17)
    info = decode_message(Frame.decode(wire))
    assert isinstance(info, SystemInformation)
    assert (info.firmware, info.model_name, info.phone_field_size) == ("3.2b", "Omni IIe", 25)
    assert info.supports_extended_status


@pytest.mark.parametrize(
    ("tail", "phone"),
    [
        (b"555-1212" + bytes(7), "555-1212"),  # 15-byte field
        (b"0123456789012345678901234", "0123456789012345678901234"),  # full, no NUL
        (b"", ""),  # no phone field at all
        (b"12\x0034", "12"),  # junk after the NUL
    ],
)
def test_system_information_phone_field_variants(tail: bytes, phone: str) -> None:
    info = SystemInformation.decode_payload(bytes([16, 2, 16, 0xFE]) + tail)
    assert (info.phone, info.phone_field_size, info.firmware) == (phone, len(tail), "2.16X2")


def test_system_information_errors() -> None:
    with pytest.raises(DecodeError):
        SystemInformation.decode_payload(bytes([16, 2, 16]))
    with pytest.raises(EncodeError, match="phone"):
        SystemInformation(16, 2, 16, 0, phone="x" * 16, phone_field_size=15).encode()
    with pytest.raises(EncodeError, match="firmware_revision"):
        SystemInformation(16, 2, 16, 200).encode()
    assert SystemInformation(99, 1, 0, 0).model_type is None
    assert SystemInformation(99, 1, 0, 0).model_name == "unknown model 99"


# --- SystemStatus -------------------------------------------------------------------------------

STATUS_HEAD = "01 1a 05 0b 01 0c 1e 2d 01 06 05 14 2a c8"


def test_system_status_with_areas_in_alarm() -> None:
    # Two areas in alarm: area 2 burglary, area 5 fire + duress (pairs, not a per-area table).
    status = SystemStatus.decode_payload(frame(STATUS_HEAD + "02 01 05 42"))
    assert status.panel_time == datetime(2026, 5, 11, 12, 30, 45)
    assert status.day_of_week == 1
    assert status.dst_active
    assert (status.sunrise, status.sunset) == (time(6, 5), time(20, 42))
    assert status.battery == 0xC8
    assert status.area_alarms == ((2, 1), (5, 0x42))
    assert status.alarms == {2: AreaAlarms.BURGLARY, 5: AreaAlarms.FIRE | AreaAlarms.DURESS}
    assert status.encode_payload() == frame(STATUS_HEAD + "02 01 05 42")


def test_system_status_tolerances() -> None:
    quiet = SystemStatus.decode_payload(frame(STATUS_HEAD))
    assert quiet.area_alarms == ()
    assert quiet.alarms == {}
    # An odd trailing byte cannot be a pair and is ignored; areas listed with bits 0 are kept raw.
    odd = SystemStatus.decode_payload(frame(STATUS_HEAD + "01 00 03"))
    assert odd.area_alarms == ((1, 0),)
    assert odd.alarms == {}
    with pytest.raises(DecodeError):
        SystemStatus.decode_payload(frame(STATUS_HEAD)[:-1])


def test_system_status_unset_or_impossible_clock() -> None:
    unset = SystemStatus.decode_payload(bytes(14))
    assert not unset.clock_valid
    assert unset.panel_time is None
    impossible = SystemStatus.decode_payload(frame("01 1a 0d 20 01 19 3c 3c 00 18 3c 00 00 00"))
    assert impossible.panel_time is None
    assert impossible.sunrise is None


def test_system_status_at() -> None:
    status = SystemStatus.at(
        datetime(2026, 5, 10, 23, 59, 7), dst=True, sunset=time(20, 1), area_alarms=((1, 2),)
    )
    assert status.day_of_week == 7  # Sunday
    assert status.panel_time == datetime(2026, 5, 10, 23, 59, 7)
    assert (status.sunset_hour, status.sunset_minute, status.dst) == (20, 1, 1)
    assert roundtrip(status) == status


# --- Troubles, features, formats, capacities ------------------------------------------------------


def test_troubles_and_features_keep_unknown_codes() -> None:
    troubles = SystemTroubles.decode_payload(bytes([3, 2, 77]))
    assert troubles.codes == (3, 2, 77)
    assert troubles.troubles == {Trouble.AC_POWER, Trouble.BATTERY_LOW}
    assert SystemTroubles.decode_payload(b"").troubles == frozenset()
    assert troubles.encode() == Frame(27, bytes([3, 2, 77])).encode()
    features = SystemFeatures.decode_payload(bytes([9, 4, 0]))
    assert features.features == {Feature.DSC_SECURITY, Feature.RUSSOUND}
    assert RequestSystemTroubles().encode() == Frame(26).encode()
    assert RequestSystemFeatures().encode() == Frame(28).encode()


def test_formats() -> None:
    formats = SystemFormats.decode_payload(bytes([2, 2, 2]))
    assert formats.temperature_unit is TemperatureUnit.CELSIUS
    assert formats.clock_format is TimeFormat.HOURS_24
    assert formats.date_order is DateFormat.DDMM
    us = SystemFormats(1, 1, 1)
    assert (us.temperature_unit, us.clock_format, us.date_order) == (
        TemperatureUnit.FAHRENHEIT,
        TimeFormat.HOURS_12,
        DateFormat.MMDD,
    )
    assert SystemFormats(0, 3, 9).temperature_unit is None
    assert RequestSystemFormats().encode() == Frame(40).encode()


def test_capacities() -> None:
    assert RequestCapacities(ObjectType.UNIT).encode() == Frame(30, b"\x02").encode()
    reply = Capacities.decode_payload(bytes.fromhex("0201ff"))
    assert (reply.kind, reply.capacity) == (ObjectType.UNIT, 511)
    assert Capacities(ObjectType.ZONE, 176).encode_payload() == bytes.fromhex("0100b0")
    assert RequestCapacities(99).kind is None
    with pytest.raises(DecodeError):
        RequestCapacities.decode_payload(b"\x01\x00")  # requests are strict
    with pytest.raises(DecodeError):
        Capacities.decode_payload(b"\x01\x00")


# --- SetTime ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "dow"), [(11, 1), (12, 2), (13, 3), (14, 4), (15, 5), (16, 6), (17, 7)]
)
def test_set_time_weekday_monday_is_one(day: int, dow: int) -> None:
    # 2026-05-11 is a Monday; Sunday is 7, never 1 or 0 (pitfall 25).
    assert SetTime.from_datetime(datetime(2026, 5, day, 8, 0), dst=False).day_of_week == dow


def test_set_time_drops_seconds_and_round_trips() -> None:
    message = SetTime.from_datetime(datetime(2031, 12, 31, 23, 59, 59), dst=False)
    assert message == SetTime(31, 12, 31, 3, 23, 59, 0)
    assert message.to_datetime() == datetime(2031, 12, 31, 23, 59)
    assert roundtrip(message) == message
    assert SetTime(26, 2, 30, 1, 0, 0, 0).to_datetime() is None


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"month": 13}, "month"),
        ({"day": 0}, "day"),
        ({"day_of_week": 0}, "day_of_week"),
        ({"hour": 24}, "hour"),
        ({"minute": 60}, "minute"),
        ({"dst": 2}, "dst"),
        ({"year": 100}, "year"),
    ],
)
def test_set_time_range_checks(fields: dict[str, int], name: str) -> None:
    good = {"year": 26, "month": 5, "day": 11, "day_of_week": 1, "hour": 0, "minute": 0, "dst": 0}
    with pytest.raises(EncodeError, match=f"SetTime.{name}"):
        SetTime(**(good | fields)).encode()


def test_set_time_year_out_of_panel_range() -> None:
    with pytest.raises(EncodeError, match="year"):
        SetTime.from_datetime(datetime(2100, 1, 1), dst=False)
    with pytest.raises(DecodeError):
        SetTime.decode_payload(bytes(8))


# --- Event log ----------------------------------------------------------------------------------


def test_request_event_log_item() -> None:
    request = RequestEventLogItem(300, LogDirection.PREVIOUS)
    assert request.encode_payload() == bytes.fromhex("012cff")
    assert RequestEventLogItem.decode_payload(bytes.fromhex("012cff")) == request
    assert RequestEventLogItem.decode_payload(bytes.fromhex("012c00")).direction == 0
    with pytest.raises(EncodeError, match="direction"):
        RequestEventLogItem(1, 2).encode()


def log_item(event_type: int, p1: int, p2: int) -> EventLogItem:
    payload = bytes([0x01, 0x02, 1, 5, 11, 12, 30, event_type, p1]) + p2.to_bytes(2, "big")
    return EventLogItem.decode_payload(payload)


def test_event_log_item_fields() -> None:
    item = log_item(EventLogType.SECURITY_AWAY, 1, 300)
    assert (item.number, item.month, item.day, item.hour, item.minute) == (258, 5, 11, 12, 30)
    assert (item.log_type, item.security_mode, item.p1, item.p2) == (
        EventLogType.SECURITY_AWAY,
        SecurityMode.AWAY,
        1,
        300,
    )
    assert item.timestamp(2026) == datetime(2026, 5, 11, 12, 30)
    assert item.encode_payload() == bytes.fromhex("010201050b0c1e3301012c")
    invalid_time = EventLogItem(1, 0, 5, 11, 12, 30, 137, 0, 0)
    assert invalid_time.timestamp(2026) is None
    assert EventLogItem(1, 1, 2, 30, 0, 0, 137, 0, 0).timestamp(2026) is None
    with pytest.raises(DecodeError):
        EventLogItem.decode_payload(bytes(10))


@pytest.mark.parametrize(
    ("event_type", "p1", "p2", "text"),
    [
        (4, 2, 12, "zone 12 bypassed by user 2"),
        (5, 2, 12, "zone 12 restored by user 2"),
        (6, 3, 0, "all zones of all areas restored by user 3"),
        (51, 1, 1, "area 1 set to Away by user 1"),
        (48, 251, 0, "all areas set to Off by duress"),
        (49, 254, 2, "area 2 set to Day by pc_access"),
        (128, 0, 17, "zone 17 tripped"),
        (133, 0, 17, "zone 17 trouble cleared"),
        (130, 7, 0, "remote phone access by user 7"),
        (135, AlarmType.FIRE, 1, "fire alarm activated in area 1"),
        (136, 99, 1, "type 99 alarm reset in area 1"),
        (137, 0, 0, "system reset"),
        (138, 0, 5, "message 5 logged"),
        (141, 4, 2, "access denied to user 4 at reader 2"),
        (200, 7, 12, "event type 200 (P1 7, P2 12)"),
    ],
)
def test_event_log_describe(event_type: int, p1: int, p2: int, text: str) -> None:
    assert log_item(event_type, p1, p2).describe() == text


def test_event_log_describe_lumina_names() -> None:
    assert log_item(49, 1, 1).describe(lumina=True) == "area 1 set to Home by user 1"
    assert log_item(4, 1, 1).security_mode is None
    assert log_item(135, AlarmType.WATER, 1).alarm_type is AlarmType.WATER
    assert log_item(4, AlarmType.WATER, 1).alarm_type is None


# --- Audio source status -----------------------------------------------------------------------


def test_audio_source_status() -> None:
    request = RequestAudioSourceStatus(source=2, position=1)
    assert request.encode_payload() == bytes.fromhex("000201")
    reply = AudioSourceStatus(source=2, sequence=7, position=1, field_id=3, text="Artist")
    assert reply.encode_payload() == bytes.fromhex("0002070103") + b"Artist\x00"
    assert roundtrip(reply) == reply
    # A missing terminator is tolerated; text after the first NUL is ignored.
    assert AudioSourceStatus.decode_payload(bytes.fromhex("0002070103") + b"Song").text == "Song"
    assert AudioSourceStatus.decode_payload(bytes.fromhex("0002070103") + b"A\x00B").text == "A"
    with pytest.raises(EncodeError):
        AudioSourceStatus(2, 7, 1, 3, text="a\x00b").encode()
    with pytest.raises(EncodeError):
        AudioSourceStatus(2, 7, 1, 3, text="\u20ac").encode()
