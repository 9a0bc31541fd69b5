"""Status records (§14, §15), Status / ExtendedStatus (§9, §14) and their §23.5 vectors."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omni2mqtt.protocol.errors import DecodeError, EncodeError, ProtocolError
from omni2mqtt.protocol.frame import MAX_SENT_MESSAGE_LENGTH, Frame
from omni2mqtt.protocol.messages.base import Message, decode_message
from omni2mqtt.protocol.messages.status import (
    ExtendedStatus,
    RequestExtendedStatus,
    RequestStatus,
    Status,
    max_records,
)
from omni2mqtt.protocol.objects import ObjectType
from omni2mqtt.protocol.records import (
    RECORD_SPECS,
    AccessLockRecord,
    AccessReaderRecord,
    AreaRecord,
    AudioZoneRecord,
    AuxiliaryRecord,
    ExpansionRecord,
    MessageRecord,
    RawRecord,
    StatusRecord,
    ThermostatRecord,
    UnitRecord,
    UserSettingRecord,
    ZoneRecord,
)
from omni2mqtt.protocol.security import AreaAlarms, SecurityMode
from omni2mqtt.protocol.system_tables import MessageDisplay, UserSettingType
from omni2mqtt.protocol.thermostats import FanMode, HeatCoolStatus, HoldMode, ThermostatMode
from omni2mqtt.protocol.units import UnitStateKind
from omni2mqtt.protocol.zones import ZoneArming, ZoneCondition, ZoneLatched

from .strategies.status import STATUS_STRATEGIES, raw_record, record

# --- §23.5 request vectors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        ("21 06 22 05 00 01 00 08 fc 84", RequestStatus(ObjectType.AREA, 1, 8)),
        ("21 06 3a 01 00 01 00 20 0e 82", RequestExtendedStatus(ObjectType.ZONE, 1, 32)),
        ("21 06 3a 06 00 01 00 08 bb 5c", RequestExtendedStatus(ObjectType.THERMOSTAT, 1, 8)),
    ],
)
def test_request_vectors(frame: str, message: Message) -> None:
    wire = bytes.fromhex(frame)
    assert message.encode() == wire
    assert decode_message(Frame.decode(wire)) == message


def test_requests_are_strict() -> None:
    with pytest.raises(DecodeError):
        RequestStatus.decode_payload(bytes.fromhex("0500010008ff"))
    with pytest.raises(DecodeError):
        RequestExtendedStatus.decode_payload(bytes.fromhex("05000100"))
    with pytest.raises(EncodeError):
        RequestStatus(1, 0x10000, 1).encode()


# --- §9 size table ----------------------------------------------------------------------------


def test_max_records_table() -> None:
    # §9: max n basic / extended.
    table = {
        t.name: (max_records(t, extended=False), max_records(t, extended=True))
        for t in (ObjectType.ZONE, ObjectType.UNIT, ObjectType.AREA, ObjectType.THERMOSTAT,
                  ObjectType.AUXILIARY, ObjectType.AUDIO_ZONE, ObjectType.MESSAGE)
    }  # fmt: skip
    assert table == {
        "ZONE": (58, 58), "UNIT": (46, 46), "AREA": (39, 38), "THERMOSTAT": (26, 16),
        "AUXILIARY": (39, 38), "AUDIO_ZONE": (39, 38), "MESSAGE": (78, 77),
    }  # fmt: skip
    assert max_records(ObjectType.UNIT, extended=True, record_length=7) == 33


@pytest.mark.parametrize("object_type", list(RECORD_SPECS))
@pytest.mark.parametrize("extended", [False, True])
def test_max_records_is_the_exact_limit(object_type: ObjectType, extended: bool) -> None:
    spec = RECORD_SPECS[object_type]
    size = spec.extended_size if extended else spec.basic_size
    n = max_records(object_type, extended)
    one = spec.record_class.decode(bytes(size))

    def length(count: int) -> int:
        records = (one,) * count
        if extended:
            return ExtendedStatus(object_type, records, size).to_frame().message_length
        return Status(object_type, records).to_frame().message_length

    assert length(n) <= MAX_SENT_MESSAGE_LENGTH < length(n + 1)


def test_max_records_rejects_types_without_records() -> None:
    with pytest.raises(ValueError, match="no status records"):
        max_records(ObjectType.BUTTON, extended=False)


# --- the record table --------------------------------------------------------------------------


def test_record_table_matches_the_spec() -> None:
    sizes = {ObjectType(t).name: (s.basic_size, s.extended_size) for t, s in RECORD_SPECS.items()}
    assert sizes == {
        "ZONE": (4, 4),
        "UNIT": (5, 5),
        "AREA": (6, 6),
        "THERMOSTAT": (9, 14),
        "MESSAGE": (3, 3),
        "AUXILIARY": (6, 6),
        "AUDIO_ZONE": (6, 6),
        "EXPANSION": (4, 4),
        "USER_SETTING": (5, 5),
        "ACCESS_READER": (4, 4),
        "ACCESS_LOCK": (5, 5),
    }
    for object_type, spec in RECORD_SPECS.items():
        assert spec.record_class.OBJECT_TYPE is object_type
        assert spec.record_class.min_size() == spec.basic_size
    # Raw type bytes find the same rows; types without status records find none.
    assert RECORD_SPECS.get(6) is RECORD_SPECS[ObjectType.THERMOSTAT]
    assert RECORD_SPECS.get(3) is None


# --- records, byte by byte ---------------------------------------------------------------------


def test_zone_record() -> None:
    rec = ZoneRecord.decode(bytes.fromhex("00b0 65 7a"))
    assert rec == ZoneRecord(number=176, status=0x65, loop=0x7A)
    status = rec.zone_status
    assert status.condition is ZoneCondition.NOT_READY
    assert status.latched is ZoneLatched.TRIPPED
    assert status.arming is ZoneArming.BYPASSED_BY_USER
    assert status.trouble_unacknowledged
    assert rec.encode(4).hex() == "00b0657a"


def test_unit_record_basic_and_with_power() -> None:
    basic = UnitRecord.decode(bytes.fromhex("0101 af 003c"))
    assert basic == UnitRecord(number=257, state=175, remaining=60, power=None)
    assert basic.unit_state.kind is UnitStateKind.LEVEL
    assert basic.unit_state.value == 75
    assert basic.to_bytes(extended=True).hex() == "0101af003c"
    powered = UnitRecord.decode(bytes.fromhex("0005 01 0000 04d2"))
    assert powered.power == 1234
    assert powered.natural_size(extended=True) == 7
    assert powered.to_bytes(extended=True).hex() == "000501000004d2"
    # The basic form is the first 5 bytes: the power field is not part of Status (35).
    assert powered.to_bytes().hex() == "0005010000"


def test_area_record_views() -> None:
    rec = AreaRecord.decode(bytes.fromhex("0001 0b 00 00 3c"))
    assert (rec.mode, rec.alarms, rec.entry_timer, rec.exit_timer) == (11, 0, 0, 60)
    assert rec.security_mode is SecurityMode.AWAY
    assert rec.exit_delay_running
    assert rec.ha_state == "arming"
    alarm = AreaRecord(number=2, mode=3, alarms=0x12, entry_timer=0, exit_timer=0)
    assert alarm.alarm_bits == AreaAlarms.FIRE | AreaAlarms.FREEZE
    assert alarm.ha_state == "triggered"
    assert AreaRecord(number=1, mode=0, alarms=0, entry_timer=0, exit_timer=0).ha_state == (
        "disarmed"
    )
    unknown = AreaRecord(number=1, mode=7, alarms=0, entry_timer=0, exit_timer=0)
    assert unknown.security_mode is None


def test_thermostat_record_basic_is_nine_bytes() -> None:
    rec = ThermostatRecord.decode(bytes.fromhex("0003 01 78 82 96 04 02 ff"))
    assert rec == ThermostatRecord(
        number=3, status=1, temperature=120, heat_setpoint=130, cool_setpoint=150,
        mode=4, fan=2, hold=255,
    )  # fmt: skip
    assert not rec.communicating  # bit 0 = communications FAILURE (pitfall 15)
    assert not rec.freeze_alarm
    assert rec.system_mode is ThermostatMode.EMERGENCY_HEAT
    assert rec.fan_mode is FanMode.CYCLE
    assert rec.hold_mode is HoldMode.HOLD
    assert rec.humidity is None
    assert rec.humidity_percent is None
    assert rec.heat_cool is None
    assert rec.hvac_action is None
    assert rec.to_bytes().hex() == "0003017882960402ff"


def test_thermostat_record_extended() -> None:
    rec = ThermostatRecord.decode(bytes.fromhex("0001 02 8c 78 8c 03 00 00 59 00 9c 50 01"))
    assert rec.freeze_alarm
    assert rec.communicating
    assert rec.has_temperature
    assert rec.humidity == 0x59
    assert rec.humidity_percent == 40
    assert rec.humidify_percent is None  # 0 = disabled
    assert rec.dehumidify_percent == 100
    assert rec.outdoor_temperature == 80
    assert rec.heat_cool is HeatCoolStatus.HEATING
    assert rec.hvac_action == "heating"
    assert rec.to_bytes(extended=True).hex() == "0001028c788c03000059009c5001"
    assert rec.to_bytes().hex() == "0001028c788c030000"


def test_thermostat_basic_record_cannot_fill_an_extended_one() -> None:
    rec = ThermostatRecord.decode(bytes.fromhex("0003 00 78 82 96 01 00 00"))
    with pytest.raises(EncodeError, match="humidity"):
        rec.to_bytes(extended=True)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("0042 02", MessageRecord(number=66, display=2)),
        ("0011 01 8c 50 a0", AuxiliaryRecord(
            number=17, output=1, value=140, low_setpoint=80, high_setpoint=160)),
        ("0002 01 03 4b 00", AudioZoneRecord(number=2, power=1, source=3, volume=75, mute=0)),
        ("0001 01 c8", ExpansionRecord(number=1, communicating=1, battery=200)),
        ("0004 06 0715", UserSettingRecord(number=4, setting_type=6, value=0x0715)),
        ("0003 01 2a", AccessReaderRecord(number=3, access=1, last_user=42)),
        ("0010 01 012c", AccessLockRecord(number=16, lock_state=1, unlock_timer=300)),
    ],
)  # fmt: skip
def test_simple_records(data: str, expected: StatusRecord) -> None:
    raw = bytes.fromhex(data)
    assert type(expected).decode(raw) == expected
    assert expected.to_bytes() == raw
    assert expected.to_bytes(extended=True) == raw


def test_simple_record_views() -> None:
    displayed = MessageRecord(number=1, display=2)
    assert displayed.display_state is MessageDisplay.DISPLAYED_NOT_ACKNOWLEDGED
    assert MessageRecord(number=1, display=9).display_state is None
    aux = AuxiliaryRecord(number=1, output=0, value=0, low_setpoint=0, high_setpoint=0)
    assert not aux.energised
    zone = AudioZoneRecord(number=1, power=1, source=1, volume=5, mute=1)
    assert zone.is_on
    assert zone.is_muted
    assert UserSettingRecord(number=1, setting_type=6, value=0).kind is UserSettingType.TIME
    assert UserSettingRecord(number=1, setting_type=99, value=0).kind is None
    assert AccessReaderRecord(number=1, access=0, last_user=0).granted
    assert AccessLockRecord(number=1, lock_state=0, unlock_timer=0).locked


def test_record_encode_checks_ranges_and_size() -> None:
    with pytest.raises(EncodeError, match="loop"):
        ZoneRecord(number=1, status=0, loop=256).encode(4)
    with pytest.raises(EncodeError, match="number"):
        ZoneRecord(number=-1, status=0, loop=0).encode(4)
    with pytest.raises(EncodeError, match="at least 6"):
        AreaRecord(number=1, mode=0, alarms=0, entry_timer=0, exit_timer=0).encode(5)
    with pytest.raises(EncodeError):
        RawRecord(number=1, data=b"ab").encode(5)


def test_record_decode_short_is_decode_error() -> None:
    with pytest.raises(DecodeError):
        AreaRecord.decode(bytes.fromhex("0001 00 00 00"))


# --- Status / ExtendedStatus -------------------------------------------------------------------


def test_status_zones() -> None:
    payload = bytes.fromhex("01 0001 00 00 0002 01 7f")
    msg = Status.decode_payload(payload)
    assert msg == Status(
        1, (ZoneRecord(number=1, status=0, loop=0), ZoneRecord(number=2, status=1, loop=0x7F))
    )
    assert msg.encode_payload() == payload


def test_status_thermostats_are_nine_byte_records() -> None:
    # Pitfall 17: two basic thermostat records are 2 x 9 bytes, not one 14-byte record + rest.
    payload = bytes.fromhex("06" + "0001 00 78 82 96 01 00 00" + "0002 00 7a 82 96 02 01 01")
    msg = Status.decode_payload(payload)
    assert [r.number for r in msg.records] == [1, 2]
    assert isinstance(msg.records[1], ThermostatRecord)
    assert msg.records[1].temperature == 0x7A
    assert msg.encode_payload() == payload


def test_status_errors() -> None:
    with pytest.raises(DecodeError, match="not a multiple"):
        Status.decode_payload(bytes.fromhex("01 0001 00"))
    with pytest.raises(DecodeError, match="no known record layout"):
        Status.decode_payload(bytes.fromhex("03 0001 00 00"))
    with pytest.raises(DecodeError):
        Status.decode_payload(b"")
    with pytest.raises(EncodeError, match="ZoneRecord"):
        Status(5, (ZoneRecord(number=1, status=0, loop=0),)).encode()
    with pytest.raises(EncodeError, match="no status records"):
        Status(3, ()).encode()


def test_extended_status_steps_by_record_length() -> None:
    # A future firmware appends two bytes to each thermostat record: read the known prefix,
    # skip the rest.
    rec1 = "0001 00 78 82 96 01 00 00 59 00 00 50 01 eeee"
    rec2 = "0002 00 7a 82 96 02 01 01 5a 2c 9c 00 02 ffff"
    msg = ExtendedStatus.decode_payload(bytes.fromhex("06 10" + rec1 + rec2))
    assert msg.record_length == 16
    assert [r.number for r in msg.records] == [1, 2]
    second = msg.records[1]
    assert isinstance(second, ThermostatRecord)
    assert (second.humidity, second.hc_status) == (0x5A, 2)
    assert second.hvac_action == "cooling"
    # Re-encoding zero-fills the unknown bytes.
    assert msg.encode_payload().hex().endswith("020000")


def test_extended_status_shorter_record_length() -> None:
    # Ten-byte thermostat records: the basic fields and humidity; the rest stay None.
    msg = ExtendedStatus.decode_payload(bytes.fromhex("06 0a 0001 00 78 82 96 01 00 00 59"))
    (rec,) = msg.records
    assert isinstance(rec, ThermostatRecord)
    assert rec.humidity == 0x59
    assert rec.humidify_setpoint is None
    assert rec.hc_status is None
    assert msg.encode_payload().hex() == "060a000100788296010000" + "59"
    # Shorter than the basic record: cannot be decoded.
    with pytest.raises(DecodeError):
        ExtendedStatus.decode_payload(bytes.fromhex("06 08 0001 00 78 82 96 01 00"))
    # A 6-byte unit record: power needs two bytes, so it is absent.
    units = ExtendedStatus.decode_payload(bytes.fromhex("02 06 0001 01 0000 ee"))
    assert units.records == (UnitRecord(number=1, state=1, remaining=0),)


def test_extended_status_unit_power() -> None:
    msg = ExtendedStatus.decode_payload(bytes.fromhex("02 07 0001 01 0000 0010 0002 00 0000 0000"))
    assert msg.records == (
        UnitRecord(number=1, state=1, remaining=0, power=16),
        UnitRecord(number=2, state=0, remaining=0, power=0),
    )
    assert ExtendedStatus.of(2, msg.records) == msg
    plain = (UnitRecord(number=1, state=1, remaining=0),)
    assert ExtendedStatus.of(2, plain).record_length == 5
    assert ExtendedStatus.of(6, ()).record_length == 14


def test_extended_status_unknown_type_keeps_raw_records() -> None:
    msg = ExtendedStatus.decode_payload(bytes.fromhex("63 03 0001 aa 0002 bb"))
    assert msg.records == (RawRecord(number=1, data=b"\xaa"), RawRecord(number=2, data=b"\xbb"))
    assert msg.encode_payload().hex() == "6303" + "0001aa0002bb"
    assert ExtendedStatus.of(0x63, msg.records) == msg


def test_extended_status_errors() -> None:
    with pytest.raises(DecodeError, match="record length 0"):
        ExtendedStatus.decode_payload(bytes.fromhex("01 00"))
    with pytest.raises(DecodeError, match="not a multiple"):
        ExtendedStatus.decode_payload(bytes.fromhex("01 04 0001 00 00 ff"))
    with pytest.raises(DecodeError):
        ExtendedStatus.decode_payload(bytes.fromhex("01"))
    with pytest.raises(DecodeError):
        ExtendedStatus.decode_payload(bytes.fromhex("63 01 00"))
    with pytest.raises(EncodeError, match="RawRecord"):
        ExtendedStatus(1, (RawRecord(number=1, data=b"xx"),), 4).encode()
    with pytest.raises(EncodeError):
        ExtendedStatus(1, (), 256).encode()


def test_extended_status_push_frame() -> None:
    zone = ZoneRecord(number=5, status=1, loop=0x80)
    frame = ExtendedStatus.of(1, (zone,)).encode()
    assert frame[:8].hex() == "2107" + "3b" + "0104" + "0005" + "01"
    assert decode_message(Frame.decode(frame)) == ExtendedStatus(1, (zone,), 4)


# --- hypothesis: round trips and fuzz ----------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "size"),
    [
        (s.record_class, n)
        for s in RECORD_SPECS.values()
        for n in range(s.basic_size, s.extended_size + 3)
    ],
)
@settings(max_examples=40)
@given(data=st.data())
def test_record_round_trip(cls: type[StatusRecord], size: int, data: st.DataObject) -> None:
    rec = data.draw(record(cls, size))
    wire = rec.encode(size)
    assert len(wire) == size
    assert cls.decode(wire) == rec


@given(raw_record(5))
def test_raw_record_round_trip(rec: StatusRecord) -> None:
    assert RawRecord.decode(rec.encode(5)) == rec


@pytest.mark.parametrize("strategy", STATUS_STRATEGIES, ids=lambda s: repr(s)[:40])
@given(data=st.data())
def test_message_round_trip(strategy: st.SearchStrategy[Message], data: st.DataObject) -> None:
    msg = data.draw(strategy)
    assert decode_message(Frame.decode(msg.encode())) == msg


@pytest.mark.parametrize("cls", [RequestStatus, RequestExtendedStatus, Status, ExtendedStatus])
@given(payload=st.binary(max_size=64))
def test_fuzz_decoders_raise_only_protocol_errors(cls: type[Message], payload: bytes) -> None:
    with contextlib.suppress(ProtocolError):
        cls.decode_payload(payload)


@pytest.mark.parametrize("object_type", list(RECORD_SPECS))
@given(payload=st.binary(max_size=40), length=st.integers(0, 20))
def test_fuzz_typed_extended_status(object_type: int, payload: bytes, length: int) -> None:
    try:
        msg = ExtendedStatus.decode_payload(bytes((object_type, length)) + payload)
    except ProtocolError:
        return
    assert all(type(r) is RECORD_SPECS[object_type].record_class for r in msg.records)
