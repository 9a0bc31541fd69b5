"""Event words (spec §18, vectors §23.7) and the SystemEvents / EnableNotifications messages."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omni2mqtt.protocol.commands import EnergyCost as EnergyCostLevel
from omni2mqtt.protocol.errors import DecodeError, EncodeError, ProtocolError
from omni2mqtt.protocol.events import (
    AccessReader,
    AcPower,
    AlarmActivated,
    AllUnits,
    Battery,
    ButtonExecuted,
    CameraTrigger,
    CentraLiteSwitch,
    Communicator,
    ComposeCode,
    EnergyCost,
    Event,
    PhoneLine,
    PhoneLineState,
    ProLinkMessage,
    SecurityModeChanged,
    SwitchPress,
    UnitStateChanged,
    UnknownEvent,
    UpbLink,
    UpbLinkAction,
    X10Code,
    ZoneStateChanged,
    decode_event,
    describe,
    encode_event,
)
from omni2mqtt.protocol.frame import Frame
from omni2mqtt.protocol.messages.base import Message, decode_message
from omni2mqtt.protocol.messages.notifications import (
    MAX_EVENT_WORDS,
    EnableNotifications,
    SystemEvents,
)
from omni2mqtt.protocol.security import AlarmType, SecurityMode

from .strategies.notifications import EVENT_STRATEGY, MESSAGE_STRATEGIES

AWAY = SecurityMode.AWAY

# Spec §23.7, every row, plus the §18 examples (`8101`, `0101`).
VECTORS_23_7: list[tuple[int, Event, str]] = [
    (0x0042, ButtonExecuted(66), "button 66 executed"),
    (0x0105, ProLinkMessage(5), "Pro-Link message 5 received"),
    (0x0101, ProLinkMessage(1), "Pro-Link message 1 received"),
    (0x0185, CentraLiteSwitch(5), "CentraLite switch 5"),
    (0x0213, AlarmActivated(1, 3), "burglary alarm in area 3"),
    (0x0262, AlarmActivated(6, 2), "water alarm in area 2"),
    (0x0205, AlarmActivated(0, 5), "alarm of unknown type 0 in area 5"),
    (0x0304, AcPower(on=False), "AC power off"),
    (0x0305, AcPower(on=True), "AC power restored"),
    (0x0306, Battery(low=True), "battery low"),
    (0x0309, Communicator(ok=True), "digital communicator OK"),
    (0x030C, EnergyCost(EnergyCostLevel.HIGH), "energy cost high"),
    (0x0311, CameraTrigger(4), "camera 4 triggered"),
    (0x03D2, AccessReader(3), "access reader 3"),
    (0x03F2, AllUnits(on=True, area=2), "all units on in area 2"),
    (0x03E1, AllUnits(on=False, area=1), "all units off in area 1"),
    (0x0384, UnknownEvent(0x0384), "unknown event 0x0384"),
    (0x0611, ZoneStateChanged(17, not_ready=True), "zone 17 not ready"),
    (0x0417, ZoneStateChanged(23, not_ready=False), "zone 23 secure"),
    (0x052C, ZoneStateChanged(300, not_ready=False), "zone 300 secure"),
    (0x0B2C, UnitStateChanged(300, on=True), "unit 300 on"),
    (0x0807, UnitStateChanged(7, on=False), "unit 7 off"),
    (0x0E14, X10Code("B", 5, on=True, all_units=False), "X-10 house B unit 5 on (single unit)"),
    (0x7123, ComposeCode("C", 4, 1), "compose house C unit 4 on"),
    (0xF201, SwitchPress(2, 1), "switch 1 pressed on unit 1"),
    (0xFC0C, UpbLink(UpbLinkAction.OFF, 12), "UPB link 12 off"),
    (0xFD0C, UpbLink(UpbLinkAction.ON, 12), "UPB link 12 on"),
    (0xFE0C, UpbLink(UpbLinkAction.SET, 12), "UPB link 12 set"),
    (0xFF0C, UpbLink(UpbLinkAction.FADE_STOP, 12), "UPB link 12 fade stop"),
    (0x8101, SecurityModeChanged(SecurityMode.OFF, 1, 1, True), "Off in area 1 by user 1"),
    (0xB205, SecurityModeChanged(AWAY, 2, 5, True), "Away in area 2 by user 5: exit delay started"),
    (0x3205, SecurityModeChanged(AWAY, 2, 5, False), "Away in area 2 by user 5: delay ended"),
    (0x9109, SecurityModeChanged(SecurityMode.DAY, 1, 9, True), "Day in area 1 by user 9: exit"),
    (0xB1FE, SecurityModeChanged(AWAY, 1, 254, True), "Away in area 1 by pc_access: exit"),
]


@pytest.mark.parametrize(
    ("word", "event", "text"), VECTORS_23_7, ids=[f"{w:04X}" for w, _, _ in VECTORS_23_7]
)
def test_vectors_23_7(word: int, event: Event, text: str) -> None:
    decoded = decode_event(word)
    assert decoded == event
    assert type(decoded) is type(event)
    assert encode_event(event) == word
    assert event.word == word
    assert describe(decoded).startswith(text)


def test_vector_details() -> None:
    alarm = decode_event(0x0205)
    assert isinstance(alarm, AlarmActivated)
    assert alarm.alarm is None
    assert alarm.to_dict()["alarm"] == "unknown"  # never "cleared"
    assert decode_event(0x0213).to_dict()["alarm"] == "burglary"
    assert AlarmActivated(6, 2).alarm is AlarmType.WATER
    assert decode_event(0xF201) == SwitchPress(state=2, unit=1)
    assert SwitchPress(2, 1).switch == 1
    assert SwitchPress(1, 1).switch is None
    assert ComposeCode("C", 4, 2).scene == "A"
    assert ComposeCode("C", 4, 13).scene == "L"
    assert ComposeCode("C", 4, 14).scene is None
    lumina = decode_event(0xB1FE)
    assert describe(lumina, lumina=True) == (
        "Away in area 1 by pc_access: mode-change delay started"
    )
    assert describe(decode_event(0x9109), lumina=True).startswith("Home in area 1")


def test_to_dict_is_json_with_hex_word() -> None:
    assert decode_event(0x0605).to_dict() == {
        "event_type": "zone_state",
        "word": "0x0605",
        "zone": 5,
        "not_ready": True,
    }
    assert decode_event(0xB205).to_dict() == {
        "event_type": "arming",
        "word": "0xB205",
        "mode": "away",
        "area": 2,
        "code": 5,
        "delay_started": True,
        "code_name": "user 5",
    }
    assert decode_event(0x0384).to_dict() == {"event_type": "unknown", "word": "0x0384"}
    assert decode_event(0x0302).to_dict()["state"] == "off_hook"
    assert decode_event(0xFF0C).to_dict()["action"] == "fade_stop"


def test_three_word_message() -> None:
    msg = SystemEvents.decode_payload(bytes.fromhex("0605 3107 0305"))
    assert msg.words == (0x0605, 0x3107, 0x0305)
    assert msg.events == (
        ZoneStateChanged(5, not_ready=True),
        SecurityModeChanged(AWAY, area=1, code=7, delay_started=False),
        AcPower(on=True),
    )
    assert [describe(e) for e in msg.events] == [
        "zone 5 not ready",
        "Away in area 1 by user 7: delay ended",
        "AC power restored",
    ]


@pytest.mark.parametrize(
    ("frame", "words"),
    [
        ("21 05 37 06 05 03 05 25 eb", (0x0605, 0x0305)),  # §23.5
        ("21 03 37 06 05 72 29", (0x0605,)),  # §23.4 seq-0 push plaintext
    ],
)
def test_system_events_frames(frame: str, words: tuple[int, ...]) -> None:
    raw = bytes.fromhex(frame)
    assert SystemEvents(words).encode() == raw
    assert decode_message(Frame.decode(raw)) == SystemEvents(words)
    events = tuple(decode_event(w) for w in words)
    assert SystemEvents.from_events(events).encode() == raw


@pytest.mark.parametrize(
    ("enabled", "frame"), [(True, "21 02 15 01 6e 90"), (False, "21 02 15 00 af 50")]
)
def test_enable_notifications_frames(enabled: bool, frame: str) -> None:
    raw = bytes.fromhex(frame)
    assert EnableNotifications(enabled).encode() == raw
    assert decode_message(Frame.decode(raw)) == EnableNotifications(enabled)


def _expected_class(word: int) -> type[Event]:
    """The §18 table as plain ranges, written independently of the decoder's mask tests."""
    ranges: list[tuple[int, int, type[Event]]] = [
        (0x0001, 0x00FF, ButtonExecuted),
        (0x0100, 0x017F, ProLinkMessage),
        (0x0180, 0x01FF, CentraLiteSwitch),
        (0x0200, 0x02FF, AlarmActivated),
        (0x0300, 0x0303, PhoneLine),
        (0x0304, 0x0305, AcPower),
        (0x0306, 0x0307, Battery),
        (0x0308, 0x0309, Communicator),
        (0x030A, 0x030D, EnergyCost),
        (0x030E, 0x0313, CameraTrigger),
        (0x03D0, 0x03DF, AccessReader),
        (0x03E0, 0x03FF, AllUnits),
        (0x0400, 0x07FF, ZoneStateChanged),
        (0x0800, 0x0BFF, UnitStateChanged),
        (0x0C00, 0x0FFF, X10Code),
        (0x7000, 0x7FFF, ComposeCode),
        (0xF000, 0xFBFF, SwitchPress),
        (0xFC00, 0xFFFF, UpbLink),
        (0x1000, 0x6FFF, SecurityModeChanged),
        (0x8000, 0xEFFF, SecurityModeChanged),
    ]
    for low, high, cls in ranges:
        if low <= word <= high:
            return cls
    return UnknownEvent


def test_every_word_round_trips_and_classifies() -> None:
    """All 65536 words: right class, exact re-encoding, stable decode, JSON-able dict."""
    seen: set[type[Event]] = set()
    for word in range(0x10000):
        event = decode_event(word)
        assert type(event) is _expected_class(word), hex(word)
        assert encode_event(event) == word, hex(word)
        assert decode_event(encode_event(event)) == event
        data = event.to_dict()
        assert data["word"] == f"0x{word:04X}"
        assert data["event_type"] == event.event_type
        json.dumps(data)
        assert describe(event)
        if isinstance(event, SecurityModeChanged) and event.mode == SecurityMode.OFF:
            assert event.delay_started is True  # an Off word always has bit 15
        seen.add(type(event))
    assert len(seen) == 20


def test_event_types_are_distinct_snake_case() -> None:
    classes = {type(decode_event(w)) for w in range(0x10000)}
    names = [cls.event_type for cls in classes]
    assert len(set(names)) == len(names)
    assert all(name.replace("_", "").isalnum() and name.islower() for name in names)
    assert ZoneStateChanged.event_type == "zone_state"
    assert UnitStateChanged.event_type == "unit_state"
    assert SecurityModeChanged.event_type == "arming"
    assert AlarmActivated.event_type == "alarm"
    assert AcPower.event_type == "ac_power"


def test_pitfalls() -> None:
    # §22 rules 10-12, 14.
    assert isinstance(decode_event(0x0101), ProLinkMessage)
    assert decode_event(0x8101) == SecurityModeChanged(SecurityMode.OFF, 1, 1, True)
    for word in (0x7000, 0x7305, 0xF000, 0xFB05, 0xFBFF):
        assert not isinstance(decode_event(word), SecurityModeChanged)
    assert decode_event(0x07FF) == ZoneStateChanged(511, True)
    assert decode_event(0x0000) == UnknownEvent(0)


@pytest.mark.parametrize("word", [-1, 0x10000, 1 << 40, True, "0605", None, 1.0])
def test_decode_rejects_non_words(word: object) -> None:
    with pytest.raises(DecodeError):
        decode_event(word)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "event",
    [
        ButtonExecuted(0),
        ButtonExecuted(256),
        ProLinkMessage(128),
        CentraLiteSwitch(-1),
        AlarmActivated(16, 1),
        AlarmActivated(1, 16),
        PhoneLine(4),  # type: ignore[arg-type]
        AcPower(2),  # type: ignore[arg-type]
        Battery("yes"),  # type: ignore[arg-type]
        EnergyCost(4),  # type: ignore[arg-type]
        CameraTrigger(0),
        CameraTrigger(7),
        AccessReader(0),
        AccessReader(17),
        AllUnits(True, 16),
        ZoneStateChanged(512, True),
        UnitStateChanged(-1, True),
        X10Code("Q", 1, True, False),
        X10Code("a", 1, True, False),
        X10Code("B", 0, True, False),
        X10Code("B", 17, True, False),
        ComposeCode("AB", 1, 0),
        ComposeCode("A", 1, 16),
        SwitchPress(12, 1),
        SwitchPress(0, 256),
        UpbLink(4, 1),  # type: ignore[arg-type]
        UpbLink(UpbLinkAction.ON, 256),
        SecurityModeChanged(SecurityMode.OFF, 1, 1, False),
        SecurityModeChanged(7, 1, 1, True),  # type: ignore[arg-type]
        SecurityModeChanged(AWAY, 16, 1, True),
        SecurityModeChanged(AWAY, 1, 256, True),
        SecurityModeChanged(AWAY, 1, 1, 2),  # type: ignore[arg-type]
        ZoneStateChanged(True, True),  # a bool is not a zone number
        UnknownEvent(0x0605),  # a defined word
        UnknownEvent(0x10000),
    ],
    ids=repr,
)
def test_encode_rejects_invalid_fields(event: Event) -> None:
    with pytest.raises(EncodeError):
        encode_event(event)


def test_encode_rejects_non_events() -> None:
    with pytest.raises(EncodeError):
        encode_event(0x0605)  # type: ignore[arg-type]
    with pytest.raises(EncodeError):
        SystemEvents.from_events([CameraTrigger(9)])


def test_ints_for_bools_and_enums_round_trip_equal() -> None:
    # Plain ints compare equal to the bools/IntEnums the decoder returns.
    assert decode_event(encode_event(AcPower(1))) == AcPower(1)  # type: ignore[arg-type]
    assert decode_event(encode_event(PhoneLine(1))) == PhoneLine(PhoneLineState.RINGING)  # type: ignore[arg-type]


@given(EVENT_STRATEGY)
def test_event_strategy_round_trips(event: Event) -> None:
    word = encode_event(event)
    assert 0 <= word <= 0xFFFF
    decoded = decode_event(word)
    assert decoded == event
    assert type(decoded) is type(event)
    assert decoded.to_dict() == event.to_dict()


# --- SystemEvents / EnableNotifications messages ------------------------------------------------


def test_system_events_odd_trailing_byte_ignored() -> None:
    assert SystemEvents.decode_payload(bytes.fromhex("060503")).words == (0x0605,)
    assert SystemEvents.decode_payload(b"").words == ()
    assert SystemEvents.decode_payload(b"\x07").words == ()


def test_system_events_size_limit() -> None:
    assert MAX_EVENT_WORDS == 117
    frame = SystemEvents((0x0605,) * 117).to_frame()
    assert frame.message_length == 235
    with pytest.raises(EncodeError):
        SystemEvents((0x0605,) * 118).encode()
    with pytest.raises(EncodeError):
        SystemEvents((0x10000,)).encode()


def test_system_events_accepts_list_and_keeps_order() -> None:
    msg = SystemEvents([0x0305, 0x0605])  # type: ignore[arg-type]
    assert msg.words == (0x0305, 0x0605)
    assert msg == SystemEvents((0x0305, 0x0605))
    assert [e.event_type for e in msg.events] == ["ac_power", "zone_state"]


@pytest.mark.parametrize("payload", ["", "02", "0100", "ff"])
def test_enable_notifications_rejects_bad_payloads(payload: str) -> None:
    with pytest.raises(DecodeError):
        EnableNotifications.decode_payload(bytes.fromhex(payload))


def test_enable_notifications_rejects_non_bool() -> None:
    with pytest.raises(EncodeError):
        EnableNotifications(2).encode()  # type: ignore[arg-type]


@pytest.mark.parametrize("strategy", MESSAGE_STRATEGIES)
@given(data=st.data())
def test_messages_round_trip(strategy: st.SearchStrategy[Message], data: st.DataObject) -> None:
    msg = data.draw(strategy)
    assert decode_message(Frame.decode(msg.encode())) == msg


@given(st.binary(max_size=260))
def test_decoders_raise_only_protocol_errors(payload: bytes) -> None:
    for cls in (SystemEvents, EnableNotifications):
        try:
            msg = cls.decode_payload(payload)
        except ProtocolError:
            continue
        if isinstance(msg, SystemEvents):
            assert len(msg.words) == len(payload) // 2
            assert len(msg.events) == len(msg.words)
