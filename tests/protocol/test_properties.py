"""Properties and names (§13) with the §23.4 / §23.5 vectors."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omni2mqtt.protocol.errors import DecodeError, EncodeError, ProtocolError
from omni2mqtt.protocol.frame import Frame
from omni2mqtt.protocol.messages.base import Message, decode_message
from omni2mqtt.protocol.messages.properties import (
    PROPERTIES_BODIES,
    AccessReaderProperties,
    AreaProperties,
    AudioZoneProperties,
    AuxiliaryProperties,
    ButtonProperties,
    Direction,
    DownloadNames,
    MessageProperties,
    NameData,
    NameFilter,
    Properties,
    RawProperties,
    RequestProperties,
    ThermostatProperties,
    UnitProperties,
    UploadNames,
    UserSettingProperties,
    ZoneProperties,
    name_type_width,
)
from omni2mqtt.protocol.objects import NameType, ObjectType
from omni2mqtt.protocol.system_tables import UserSettingType
from omni2mqtt.protocol.thermostats import ThermostatType
from omni2mqtt.protocol.units import UnitType
from omni2mqtt.protocol.zones import ZoneCondition, ZoneType

from .strategies.status import PROPERTIES_STRATEGIES

FRONT_DOOR = "211821010001000000010046524f4e5420444f4f520000000000c025"


# --- RequestProperties (§23.5) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        # Zone, next named after 0: the discovery walk's first step (the defaults).
        ("21 08 20 01 00 00 01 01 00 00 25 24", RequestProperties(ObjectType.ZONE, 0)),
        (
            "21 08 20 02 01 2c 00 00 00 00 d6 0f",
            RequestProperties(ObjectType.UNIT, 300, Direction.EXACT, NameFilter.ANY),
        ),
    ],
)
def test_request_properties_vectors(frame: str, message: Message) -> None:
    wire = bytes.fromhex(frame)
    assert message.encode() == wire
    assert decode_message(Frame.decode(wire)) == message


def test_request_properties_previous_is_signed() -> None:
    msg = RequestProperties(ObjectType.AREA, 3, Direction.PREVIOUS, NameFilter.ANY)
    assert msg.encode_payload().hex() == "050003ff000000"
    decoded = RequestProperties.decode_payload(bytes.fromhex("050003ff000000"))
    assert decoded.direction == -1
    with pytest.raises(DecodeError):
        RequestProperties.decode_payload(bytes.fromhex("05000301000000ff"))
    with pytest.raises(EncodeError):
        RequestProperties(1, 0, direction=128).encode()


# --- Properties: the §23.4 FRONT DOOR frame ----------------------------------------------------


def test_front_door_vector() -> None:
    wire = bytes.fromhex(FRONT_DOOR)
    msg = decode_message(Frame.decode(wire))
    assert msg == Properties(
        ZoneProperties(
            number=1, name="FRONT DOOR", status=0, loop=0, zone_type=0, area=1, options=0
        ),
        short_name=True,
    )
    assert isinstance(msg, Properties)
    body = msg.body
    assert isinstance(body, ZoneProperties)
    assert msg.object_type == ObjectType.ZONE
    assert body.kind is ZoneType.ENTRY_EXIT
    assert body.type_info.ha_device_class == "door"
    assert body.zone_status.condition is ZoneCondition.SECURE
    assert not (body.cross_zoning or body.swinger_shutdown or body.dial_out_delay)
    assert msg.encode() == wire


def test_front_door_full_width_encoding() -> None:
    msg = Properties(
        ZoneProperties(
            number=1, name="FRONT DOOR", status=0, loop=0, zone_type=0, area=1, options=7
        )
    )
    payload = msg.encode_payload()
    assert payload.hex() == "010001000000010746524f4e5420444f4f52" + "00" * 6
    assert len(payload) == 24
    decoded = Properties.decode_payload(payload)
    assert decoded == msg
    assert not decoded.short_name
    assert isinstance(decoded.body, ZoneProperties)
    assert decoded.body.cross_zoning and decoded.body.dial_out_delay


def test_fifteen_character_name_in_a_short_field_has_no_nul() -> None:
    msg = Properties(MessageProperties(number=9, name="ABCDEFGHIJKLMNO"), short_name=True)
    assert msg.encode_payload() == bytes.fromhex("070009") + b"ABCDEFGHIJKLMNO"
    assert Properties.decode_payload(msg.encode_payload()) == msg


# --- Properties: every body, byte by byte ------------------------------------------------------


def _name(text: str, width: int) -> str:
    return (text.encode("latin-1") + bytes(width - len(text))).hex()


def test_unit_properties_with_and_without_area() -> None:
    base = "02 0101 96 0005 04" + _name("Porch", 13)
    with_area = Properties.decode_payload(bytes.fromhex(base + "80"))
    body = with_area.body
    assert body == UnitProperties(
        number=257, name="Porch", state=150, remaining=5, unit_type=4, area=0x80
    )
    assert isinstance(body, UnitProperties)
    assert body.kind is UnitType.UPB
    assert not body.switch_only
    assert body.unit_state.value == 50
    assert with_area.encode_payload().hex() == base.replace(" ", "") + "80"
    without = Properties.decode_payload(bytes.fromhex(base))
    assert isinstance(without.body, UnitProperties)
    assert without.body.area is None
    assert not without.short_name
    # One byte short and no area byte: the tolerated short name field.
    short = Properties.decode_payload(bytes.fromhex(base)[:-1])
    assert short.short_name
    assert short.body.number == 257


def test_short_name_cannot_precede_suffix_fields() -> None:
    body = UnitProperties(number=1, name="x", state=0, remaining=0, unit_type=12, area=1)
    with pytest.raises(EncodeError, match="short name"):
        Properties(body, short_name=True).encode()


def test_thermostat_properties_old_and_new_firmware() -> None:
    old = "06 0002 00 78 82 96 03 00 00 01" + _name("Hall", 13)
    msg = Properties.decode_payload(bytes.fromhex(old))
    body = msg.body
    assert isinstance(body, ThermostatProperties)
    assert body.kind is ThermostatType.AUTO_HEAT_COOL
    assert (body.temperature, body.mode, body.humidity, body.hc_status) == (120, 3, None, None)
    assert body.name == "Hall"
    new = Properties.decode_payload(bytes.fromhex(old + "59 00 9c 50 02"))
    nb = new.body
    assert isinstance(nb, ThermostatProperties)
    assert (nb.humidity, nb.dehumidify_setpoint, nb.outdoor_temperature) == (0x59, 0x9C, 80)
    assert nb.humidity_percent == 40
    assert nb.hvac_action == "cooling"
    assert new.encode_payload().hex() == (old + "59009c5002").replace(" ", "")
    # Some firmware sends only part of the extension: what is there is read.
    partial = Properties.decode_payload(bytes.fromhex(old + "59 00"))
    assert isinstance(partial.body, ThermostatProperties)
    assert partial.body.humidify_setpoint == 0
    assert partial.body.dehumidify_setpoint is None


def test_extension_fields_must_be_a_prefix() -> None:
    body = ThermostatProperties(
        number=1, name="T", status=0, temperature=0, heat_setpoint=0, cool_setpoint=0,
        mode=0, fan=0, hold=0, thermostat_type=1, humidity=None, hc_status=1,
    )  # fmt: skip
    with pytest.raises(EncodeError, match="hc_status"):
        Properties(body).encode()


@pytest.mark.parametrize(
    ("payload", "body"),
    [
        (
            "05 0001 01 00 00 00 01 3c 1e" + _name("Main", 13),
            AreaProperties(
                number=1, name="Main", mode=1, alarms=0, entry_timer=0, exit_timer=0,
                enabled=1, exit_delay=60, entry_delay=30,
            ),
        ),
        (
            "08 0011 00 8c 50 a0 52" + _name("Attic temp", 16),
            AuxiliaryProperties(
                number=17, name="Attic temp", output=0, value=140, low_setpoint=80,
                high_setpoint=160, sensor_type=82,
            ),
        ),
        (
            "0a 0002 01 03 4b 00" + _name("Kitchen", 13),
            AudioZoneProperties(
                number=2, name="Kitchen", power=1, source=3, volume=75, mute=0
            ),
        ),
        (
            "0d 0004 06 0715" + _name("Wake up", 16),
            UserSettingProperties(number=4, name="Wake up", setting_type=6, value=0x0715),
        ),
        (
            "0e 0003 01 012c 00 2a" + _name("Garage reader", 16),
            AccessReaderProperties(
                number=3, name="Garage reader", lock_state=1, unlock_timer=300, access=0,
                last_user=42,
            ),
        ),
        ("03 0040" + _name("Goodnight", 13), ButtonProperties(number=64, name="Goodnight")),
        ("07 0080" + _name("Welcome!", 16), MessageProperties(number=128, name="Welcome!")),
    ],
)  # fmt: skip
def test_bodies(payload: str, body: object) -> None:
    raw = bytes.fromhex(payload)
    msg = Properties.decode_payload(raw)
    assert msg.body == body
    assert not msg.short_name
    assert msg.encode_payload() == raw
    # Newer firmware may append fields: ignored.
    assert Properties.decode_payload(raw + b"\x01\x02").body == body


def test_body_views() -> None:
    area = AreaProperties(
        number=1, name="", mode=9, alarms=0, entry_timer=0, exit_timer=0,
        enabled=0, exit_delay=60, entry_delay=30,
    )  # fmt: skip
    assert not area.configured
    assert area.exit_delay_running
    aux = AuxiliaryProperties(
        number=1, name="", output=1, value=0, low_setpoint=0, high_setpoint=0, sensor_type=84
    )
    assert aux.sensor_kind is ZoneType.HUMIDITY
    assert aux.energised
    setting = UserSettingProperties(number=1, name="", setting_type=2, value=90)
    assert setting.kind is UserSettingType.DURATION
    reader = AccessReaderProperties(
        number=1, name="", lock_state=0, unlock_timer=0, access=1, last_user=0
    )
    assert reader.locked and not reader.granted
    flag = UnitProperties(number=1, name="", state=1, remaining=0, unit_type=12)
    assert flag.switch_only


def test_latin1_names() -> None:
    body = ZoneProperties(number=2, name="Entrée", status=0, loop=0, zone_type=1, area=1, options=0)
    payload = Properties(body).encode_payload()
    assert b"Entr\xe9e" in payload
    assert Properties.decode_payload(payload).body == body


@pytest.mark.parametrize(
    ("name", "match"),
    [("A" * 16, "longer than 15"), ("snow \u2603", "Latin-1"), ("a\x00b", "NUL")],
)
def test_bad_names(name: str, match: str) -> None:
    body = ZoneProperties(number=1, name=name, status=0, loop=0, zone_type=0, area=1, options=0)
    with pytest.raises(EncodeError, match=match):
        Properties(body).encode()


def test_name_field_two_bytes_short_is_an_error() -> None:
    with pytest.raises(DecodeError):
        Properties.decode_payload(bytes.fromhex(FRONT_DOOR)[3:-4])


def test_raw_properties_for_undocumented_types() -> None:
    msg = Properties.decode_payload(bytes.fromhex("0b 0002 0102"))
    assert msg == Properties(RawProperties(object_type=11, number=2, data=b"\x01\x02"))
    assert msg.object_type == ObjectType.EXPANSION
    assert msg.encode_payload().hex() == "0b00020102"
    with pytest.raises(EncodeError):
        Properties(RawProperties(object_type=1, number=1)).encode()
    with pytest.raises(DecodeError):
        Properties.decode_payload(bytes.fromhex("0b00"))


def test_every_documented_type_has_a_body() -> None:
    assert set(PROPERTIES_BODIES) == set(ObjectType) - {
        ObjectType.EXPANSION,
        ObjectType.CONSOLE,
        ObjectType.ACCESS_LOCK,
    }


# --- names -------------------------------------------------------------------------------------


def test_upload_names_four_and_three_bytes() -> None:
    assert UploadNames(NameType.ZONE, 0).encode_payload().hex() == "01000001"
    assert UploadNames.decode_payload(bytes.fromhex("01000001")) == UploadNames(1, 0, 1)
    three = UploadNames.decode_payload(bytes.fromhex("090010"))
    assert three == UploadNames(9, 16, None)
    assert three.encode_payload().hex() == "090010"
    with pytest.raises(DecodeError):
        UploadNames.decode_payload(bytes.fromhex("0100000100"))


def test_name_data_and_download_names() -> None:
    payload = bytes.fromhex("08 0003") + b"Wake up" + bytes(9)
    msg = NameData.decode_payload(payload)
    assert msg == NameData(NameType.USER_SETTING, 3, "Wake up")
    assert msg.object_type is ObjectType.USER_SETTING
    assert msg.encode_payload() == payload
    download = DownloadNames(NameType.UNIT, 257, "Porch light")
    assert download.encode_payload() == bytes.fromhex("02 0101") + b"Porch light\x00\x00"
    short = DownloadNames.decode_payload(bytes.fromhex("02 0101") + b"Porch light\x00")
    assert short == DownloadNames(2, 257, "Porch light", short_name=True)
    assert decode_message(Frame.decode(download.encode())) == download


def test_name_type_widths() -> None:
    widths = {t.name: name_type_width(t) for t in NameType}
    assert widths == {
        "ZONE": 16, "UNIT": 13, "BUTTON": 13, "CODE": 13, "AREA": 13, "THERMOSTAT": 13,
        "MESSAGE": 16, "USER_SETTING": 16, "ACCESS_READER": 16,
    }  # fmt: skip
    assert name_type_width(10) is None
    with pytest.raises(DecodeError, match="unknown name type"):
        NameData.decode_payload(bytes.fromhex("0a0001") + bytes(16))
    with pytest.raises(EncodeError, match="unknown name type"):
        NameData(0, 1, "x").encode()


# --- hypothesis: round trips and fuzz ----------------------------------------------------------


@pytest.mark.parametrize("strategy", PROPERTIES_STRATEGIES, ids=lambda s: repr(s)[:40])
@given(data=st.data())
def test_message_round_trip(strategy: st.SearchStrategy[Message], data: st.DataObject) -> None:
    msg = data.draw(strategy)
    assert decode_message(Frame.decode(msg.encode())) == msg


@pytest.mark.parametrize(
    "cls", [RequestProperties, Properties, UploadNames, NameData, DownloadNames]
)
@given(payload=st.binary(max_size=40))
def test_fuzz_decoders_raise_only_protocol_errors(cls: type[Message], payload: bytes) -> None:
    with contextlib.suppress(ProtocolError):
        cls.decode_payload(payload)


@given(object_type=st.sampled_from(list(PROPERTIES_BODIES)), rest=st.binary(max_size=40))
def test_fuzz_typed_properties(object_type: int, rest: bytes) -> None:
    with contextlib.suppress(ProtocolError):
        msg = Properties.decode_payload(bytes((object_type,)) + rest)
        assert type(msg.body) is PROPERTIES_BODIES[object_type]
