"""Program records, their JSON form and the program messages (spec §20, vectors §23.5 / §23.8)."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from omni2mqtt.protocol.commands import CommandType
from omni2mqtt.protocol.errors import DecodeError, EncodeError, ProgramError, ProtocolError
from omni2mqtt.protocol.events import SecurityModeChanged, ZoneStateChanged
from omni2mqtt.protocol.frame import Frame
from omni2mqtt.protocol.messages.base import decode_message
from omni2mqtt.protocol.messages.programs import (
    DownloadProgram,
    ProgramData,
    UploadProgram,
    UploadReason,
)
from omni2mqtt.protocol.program_conditions import (
    AndStructured,
    AndTraditional,
    Condition,
    ConditionFamily,
    OtherCondition,
    event_from_json,
    event_to_json,
    security_trigger,
)
from omni2mqtt.protocol.programs import (
    Program,
    ProgramType,
    record_from_pca,
    record_to_pca,
    validate_slot,
)
from omni2mqtt.protocol.security import SecurityMode

from .strategies.programs import (
    MESSAGE_STRATEGIES,
    PROGRAM_STRATEGY,
    RECORD_STRATEGY,
    WORD_STRATEGY,
)


def h(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


TIMED_WEEKDAYS = "01 0003 8100 09 3c 012c 00 00 3e 06 1e"
TIMED_SUNSET = "01 0000 0000 01 00 0011 00 00 fe 1a f1"
EVENT_ZONE_12 = "02 3100 0000 01 6e 0101 06 0c 00 00 00"
EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

# Every record of §23.8 with its full JSON form (typed fields first, raw last).
VECTORS: list[tuple[str, dict[str, Any]]] = [
    (
        TIMED_WEEKDAYS,
        {
            "type": "timed",
            "days": ["mon", "tue", "wed", "thu", "fri"],
            "time": {"hour": 6, "minute": 30},
            "conditions": [{"other": "dark"}, {"area": 1, "mode": "off"}],
            "action": {"command": "unit_level", "p1": 60, "p2": 300},
        },
    ),
    (
        TIMED_SUNSET,
        {
            "type": "timed",
            "days": EVERY_DAY,
            "time": {"sunset": -15},
            "conditions": [],
            "action": {"command": "unit_on", "p1": 0, "p2": 17},
        },
    ),
    (
        "01 0000 0000 00 00 0011 00 00 c0 19 14",
        {
            "type": "timed",
            "days": ["sat", "sun"],
            "time": {"sunrise": 20},
            "conditions": [],
            "action": {"command": "unit_off", "p1": 0, "p2": 17},
        },
    ),
    (
        EVENT_ZONE_12,
        {
            "type": "event",
            "event": {"zone": 12, "state": "not_ready"},
            "conditions": [{"area": 1, "mode": "away"}],
            "action": {"command": "unit_on", "p1": 110, "p2": 257},
        },
    ),
    (
        "02 0000 0000 50 00 0003 0b 02 00 00 00",
        {
            "type": "event",
            "event": {"unit": 258, "state": "on"},
            "conditions": [],
            "action": {"command": "show_message", "p1": 0, "p2": 3},
        },
    ),
    (
        "03 0000 0000 07 00 0003 0c 18 00 12 00",
        {
            "type": "yearly",
            "date": {"month": 12, "day": 24},
            "time": {"hour": 18, "minute": 0},
            "conditions": [],
            "action": {"command": "execute_button", "p1": 0, "p2": 3},
        },
    ),
    (
        "05 0000 0000 00 00 0000 04 07 00 00 00",
        {"type": "when", "event": {"zone": 7, "state": "secure"}},
    ),
    (
        "0a 0000 0000 00 00 000c 00 00 00 00 00",
        {"type": "then", "action": {"command": "unit_off", "p1": 0, "p2": 12}},
    ),
    (
        "0a 0000 0000 43 81 0002 00 00 00 00 00",
        {"type": "then", "action": {"command": "set_cool_setpoint", "p1": 129, "p2": 2}},
    ),
    (
        "06 0000 0000 00 00 0000 00 00 fe 16 2d",
        {"type": "at", "days": EVERY_DAY, "time": {"hour": 22, "minute": 45}},
    ),
    ("09" + "00" * 13, {"type": "or"}),
    ("00" * 14, {"type": "free"}),
]


@pytest.mark.parametrize(("record", "expected"), VECTORS)
def test_spec_records_decode_to_json_and_reencode(record: str, expected: dict[str, Any]) -> None:
    raw = h(record)
    program = Program.from_record(raw)
    assert program.to_record() == raw
    assert program.to_json() == {**expected, "raw": raw.hex()}
    # The typed keys alone (no raw) must rebuild the exact record too.
    assert Program.from_json(expected).to_record() == raw
    assert Program.from_json(program.to_json()) == program


def test_timed_record_typed_views() -> None:
    program = Program.from_record(h(TIMED_WEEKDAYS))
    assert program.program_type is ProgramType.TIMED
    assert (program.cond, program.cond2, program.cmd, program.par, program.pr2) == (
        0x0003,
        0x8100,
        9,
        60,
        300,
    )
    assert program.day_list == ["mon", "tue", "wed", "thu", "fri"]
    assert program.time is not None
    assert (program.time.hour, program.time.minute, program.time.relative_to) == (6, 30, None)
    dark, area_off = program.conditions
    assert dark.family is ConditionFamily.OTHER and dark.other is OtherCondition.DARK
    assert area_off.family is ConditionFamily.SECURITY
    assert (area_off.number, area_off.mode, area_off.arming) == (1, SecurityMode.OFF, True)
    assert program.action is not None
    assert program.action.command_type is CommandType.UNIT_LEVEL
    assert program.event is None and program.date is None and program.remark_id is None


def test_sunset_and_event_typed_views() -> None:
    sunset = Program.from_record(h(TIMED_SUNSET))
    assert sunset.days == 0xFE
    assert sunset.time is not None
    assert (sunset.time.relative_to, sunset.time.offset) == ("sunset", -15)
    event = Program.from_record(h(EVENT_ZONE_12))
    assert event.event == 0x060C
    assert event.trigger == ZoneStateChanged(zone=12, not_ready=True)
    assert event.action is not None and (event.action.p1, event.action.p2) == (110, 257)
    assert event.time is None and event.day_list is None
    yearly = Program.from_record(h("03 0000 0000 07 00 0003 0c 18 00 12 00"))
    assert yearly.date == (12, 24)


FRAMES = [
    (
        DownloadProgram(42, h(TIMED_WEEKDAYS)),
        "21 11 08 00 2a 01 00 03 81 00 09 3c 01 2c 00 00 3e 06 1e 4d 06",
    ),
    (
        ProgramData(42, h(TIMED_WEEKDAYS)),
        "21 11 0a 00 2a 01 00 03 81 00 09 3c 01 2c 00 00 3e 06 1e ec 66",
    ),
    (DownloadProgram.clear(42), "21 11 08 00 2a" + " 00" * 14 + " 78 e4"),
    (
        DownloadProgram.for_program(1500, Program.from_record(h(TIMED_SUNSET))),
        "21 11 08 05 dc 01 00 00 00 00 01 00 00 11 00 00 fe 1a f1 68 f5",
    ),
    (UploadProgram(0, UploadReason.NEXT), "21 04 09 00 00 01 33 9c"),
    (UploadProgram(42), "21 04 09 00 2a 00 ed 3c"),
]


@pytest.mark.parametrize(("message", "frame"), FRAMES)
def test_known_frames(message: Any, frame: str) -> None:
    assert message.encode() == h(frame)
    assert decode_message(Frame.decode(h(frame))) == message


def test_frame_views() -> None:
    data = decode_message(Frame.decode(h(FRAMES[1][1])))
    assert isinstance(data, ProgramData)
    assert data.slot == 42 and data.program == Program.from_record(h(TIMED_WEEKDAYS))
    assert UploadProgram(0, 1).upload_reason is UploadReason.NEXT
    assert UploadProgram(0, 7).upload_reason is None
    assert DownloadProgram.clear(3, 12).record == bytes(12)
    assert DownloadProgram.clear(3).program.is_clear


def test_message_errors() -> None:
    with pytest.raises(EncodeError, match="14 or 12 bytes"):
        DownloadProgram(1, b"\x01" * 13).encode()
    with pytest.raises(EncodeError, match="slot"):
        DownloadProgram(0x10000, bytes(14)).encode()
    with pytest.raises(DecodeError, match="14 or 12 bytes"):
        ProgramData.decode_payload(b"\x00\x01" + bytes(13))
    with pytest.raises(DecodeError, match="trailing"):
        UploadProgram.decode_payload(b"\x00\x01\x00\x00")
    with pytest.raises(EncodeError):
        DownloadProgram.clear(1, 13)


def test_pca_vectors() -> None:
    for wire, pca in [
        (TIMED_WEEKDAYS, "01 0300 0081 09 3c 2c01 00 00 3e 06 1e"),
        (EVENT_ZONE_12, "02 0031 0000 01 6e 0101 0c 06 00 00 00"),
    ]:
        assert record_to_pca(h(wire)) == h(pca)
        assert record_from_pca(h(pca)) == h(wire)


def test_pca_when_records_follow_the_chosen_reading() -> None:
    when = h("05 0000 0000 00 00 0000 04 07 00 00 00")
    assert record_to_pca(when) == when
    assert record_to_pca(when, swap_when=True) == h("05 0000 0000 00 00 0000 07 04 00 00 00")
    short = h("01 0003 09 3c 012c 00 00 3e 06 1e")
    assert record_to_pca(short) == h("01 0300 09 3c 2c01 00 00 3e 06 1e")
    with pytest.raises(ProgramError):
        record_from_pca(b"\x01\x02")


@given(RECORD_STRATEGY, st.booleans())
def test_pca_conversion_is_an_involution(raw: bytes, swap_when: bool) -> None:
    assert record_from_pca(record_to_pca(raw, swap_when=swap_when), swap_when=swap_when) == raw


def test_short_records_have_no_cond2() -> None:
    raw = h("01 0003 09 3c 012c 00 00 3e 06 1e")
    program = Program.from_record(raw)
    assert (program.record_size, program.cond, program.cond2, program.cmd) == (12, 3, 0, 9)
    assert (program.pr2, program.days, program.hour, program.minute) == (300, 0x3E, 6, 30)
    assert program.to_record() == raw
    assert program.to_json()["conditions"] == [{"other": "dark"}]
    with pytest.raises(ProgramError, match="at most 1 conditions"):
        Program.from_json({"type": "timed", "conditions": [None, {"other": "dark"}]}, 12)
    with pytest.raises(ProgramError, match="no second condition"):
        Program(cond2=1, record_size=12)
    with pytest.raises(ProgramError, match="12-byte program records"):
        Program.from_json({"raw": TIMED_WEEKDAYS}, record_size=12)


def test_unknown_type_byte_is_kept() -> None:
    raw = bytes([0x42]) + bytes(range(1, 14))
    program = Program.from_record(raw)
    assert program.program_type is None and program.action is None
    assert program.to_json() == {"type": 0x42, "raw": raw.hex()}
    assert Program.from_json(program.to_json()).to_record() == raw
    with pytest.raises(ProgramError, match="not used by 66 programs"):
        Program.from_json({"type": 0x42, "days": []})


def test_unused_bytes_survive_a_json_edit() -> None:
    # Bytes 11..13 have no meaning for EVENT but must be kept (pitfall 28).
    raw = h("02 0000 0000 01 00 0005 06 0c 7f 80 81")
    edited = Program.from_json({**Program.from_record(raw).to_json(), "event": "0x0605"})
    assert edited.to_record() == h("02 0000 0000 01 00 0005 06 05 7f 80 81")


def test_remark_every_and_or_records() -> None:
    remark = Program.from_record(h("04 1234 5678 00 00 0000 00 00 00 00 00"))
    assert remark.remark_id == 0x12345678
    assert remark.to_json()["remark_id"] == 0x12345678
    assert Program.from_json({"type": "remark", "remark_id": 7}).to_record()[:5] == h("04 00000007")
    every = Program.from_json({"type": "every", "interval": 0x0105})
    assert every.to_record()[:5] == h("07 0001 0500")
    assert every.interval == 0x0105
    with pytest.raises(ProgramError, match="multiples of 256"):
        Program.from_json({"type": "every", "interval": 5}, record_size=12)


def test_and_record_forms() -> None:
    traditional = Program.from_record(h("08 04 00 0005 00 00 0000 00 00 00 00 00"))
    view = traditional.and_condition
    assert isinstance(view, AndTraditional) and view.family == 4 and view.instance == 5
    assert view.condition == Condition(0x0405)
    assert traditional.to_json()["and"] == {
        "form": "traditional",
        "condition": {"zone": 5, "state": "secure"},
    }
    wide = Program.from_record(h("08 05 00 012c 00 00 0000 00 00 00 00 00"))
    assert wide.to_json()["and"] == {"form": "traditional", "family": 5, "instance": 300}
    structured = Program.from_json(
        {
            "type": "and",
            "and": {
                "operator": "gt",
                "arg1": {"type": "thermostat", "index": 1, "field": 1},
                "arg2": {"index": 70},
                "constant": 9,
            },
        }
    )
    assert structured.to_record() == h("08 04 04 0001 01 00 0046 00 0009 00 00")
    view2 = structured.and_condition
    assert isinstance(view2, AndStructured)
    assert view2.operator_type is not None and view2.operator_type.name == "GT"
    assert view2.arg1.arg_type is not None and view2.arg1.arg_type.name == "THERMOSTAT"
    assert view2.constant == 9
    # Operators 1..3 cannot be a compact family byte, so they are always structured.
    assert isinstance(Program.from_record(h("08 01" + "00" * 12)).and_condition, AndStructured)


def test_condition_and_event_json_are_exact_for_every_word() -> None:
    for word in range(0x10000):
        assert Condition.from_json(Condition(word).to_json(), "c").value == word
        assert event_from_json(json.loads(json.dumps(event_to_json(word))), "e") == word


def test_condition_json_forms() -> None:
    assert Condition(0xB100).to_json() == {"area": 1, "mode": "away", "arming": True}
    assert Condition(0x0C03 | 0x200).to_json() == {"time_clock": 3, "state": "enabled"}
    assert Condition(0x0D03).to_json() == {"raw": "0x0D03"}
    assert Condition(0x0100).to_json() == {"raw": "0x0100"}
    assert Condition(0x3105).to_json() == {"raw": "0x3105"}
    assert Condition(0x0A05).to_json() == {"unit": 5, "state": "on"}
    assert Condition.from_json({"area": 2, "mode": "OFF", "arming": False}, "c") == Condition(
        0x8200
    )
    assert event_to_json(0x0042) == {"button": 66}
    assert event_to_json(0x7123) == "0x7123"
    assert event_from_json("060c", "e") == 0x060C


def test_security_trigger_ignores_bit_15() -> None:
    assert security_trigger(0xB100) == security_trigger(0x3100) == (1, SecurityMode.AWAY)
    assert security_trigger(0x0605) is None
    when = Program.from_json({"type": "when", "event": {"area": 2, "mode": "away"}})
    assert when.event == 0x3200
    assert isinstance(when.trigger, SecurityModeChanged)


BAD_JSON = [
    ({"type": "timed", "days": ["mun"]}, "days: unknown day 'mun'"),
    ({"type": "timed", "time": {"hour": 24, "minute": 0}}, "time.hour must be 0..23"),
    ({"type": "timed", "time": {"hour": 6}}, "time: missing key 'minute'"),
    ({"type": "timed", "time": {"sunset": 200}}, "time.sunset must be -128..127"),
    ({"type": "yearly", "date": {"month": 13, "day": 1}}, "date.month must be 1..12"),
    ({"type": "event", "days": []}, "days: not used by event programs"),
    ({"type": "timed", "dayz": []}, "unknown key 'dayz'"),
    ({"type": "bogus"}, "type: unknown value 'bogus'"),
    ({"days": []}, "missing key 'type'"),
    ({"type": "timed", "conditions": [{"zone": 1}]}, "conditions[0]: missing key 'state'"),
    ({"type": "timed", "conditions": [{"zone": 600, "state": "secure"}]}, "zone must be 0..511"),
    ({"type": "timed", "conditions": [{"zone": 1, "unit": 2}]}, "exactly one of"),
    ({"type": "timed", "conditions": [{"area": 1, "mode": "away", "state": "x"}]}, "'state'"),
    ({"type": "timed", "conditions": [{"area": 1, "mode": "nap"}]}, "mode: unknown value"),
    ({"type": "timed", "conditions": [{"other": "dusk"}]}, "other: unknown value 'dusk'"),
    ({"type": "timed", "conditions": [None, None, None]}, "at most 2 conditions"),
    ({"type": "timed", "action": {"command": "fly"}}, "action.command: unknown value 'fly'"),
    ({"type": "timed", "action": {"command": 9, "p1": 256}}, "action.p1 must be 0..255"),
    ({"type": "timed", "action": {"p1": 1}}, "action: missing key 'command'"),
    ({"type": "event", "event": "zone"}, "not a hex number"),
    ({"type": "event", "event": {"button": 0}}, "event.button must be 1..255"),
    ({"type": "event", "event": 0x10000}, "event must be 0..65535"),
    ({"type": "remark", "remark_id": True}, "remark_id must be an integer"),
    ({"type": "and", "and": {"form": "odd"}}, "and.form must be"),
    ({"type": "and", "and": {"operator": 0}}, "and.operator must be 1..9"),
    ({"type": "and", "and": {"family": 4}}, "missing key 'instance'"),
    ({"type": "timed", "raw": "zz"}, "raw: 'zz' is not hex"),
    ({"type": "timed", "raw": "0102"}, "raw: a program record is 14 or 12 bytes"),
    ([1, 2], "program must be a JSON object"),
]


@pytest.mark.parametrize(("data", "message"), BAD_JSON)
def test_json_validation_messages(data: Any, message: str) -> None:
    with pytest.raises(ProgramError) as info:
        Program.from_json(data)
    assert message in str(info.value)


def test_json_conveniences() -> None:
    program = Program.from_json(
        {"type": "TIMED", "days": "every_day", "time": {"hour": 7, "minute": 5}}
    )
    assert (program.days, program.hour, program.minute) == (0xFE, 7, 5)
    assert Program.from_json({"raw": TIMED_WEEKDAYS}) == Program.from_record(h(TIMED_WEEKDAYS))
    # A set bit 0 of the days byte has no name, so it is shown as a number.
    assert Program(type_code=1, days=0x03).to_json()["days"] == 3


def test_validate_slot() -> None:
    assert validate_slot(1) == 1 and validate_slot("1500") == 1500
    assert validate_slot(2000, max_slot=2000) == 2000
    for bad in (0, 1501, "x", None, True):
        with pytest.raises(ProgramError, match="slot must be"):
            validate_slot(bad)


@given(PROGRAM_STRATEGY)
def test_record_and_json_round_trips(program: Program) -> None:
    assert Program.from_record(program.to_record()) == program
    document = json.loads(json.dumps(program.to_json()))
    assert Program.from_json(document) == program
    # Dropping raw keeps every byte a typed key describes; the rest then reads as zero.
    typed_only = {k: v for k, v in document.items() if k != "raw"}
    rebuilt = Program.from_json(typed_only, record_size=program.record_size)
    assert rebuilt.to_json().items() >= {k: v for k, v in typed_only.items()}.items()


@given(WORD_STRATEGY, WORD_STRATEGY)
def test_conditions_round_trip(cond: int, cond2: int) -> None:
    program = Program(type_code=ProgramType.EVENT, cond=cond, cond2=cond2)
    assert Program.from_json(program.to_json()) == program


@pytest.mark.parametrize("strategy", MESSAGE_STRATEGIES)
@given(data=st.data())
def test_message_round_trips(strategy: Any, data: st.DataObject) -> None:
    message = data.draw(strategy)
    assert decode_message(Frame.decode(message.encode())) == message


@given(st.binary(max_size=20))
def test_decoders_raise_only_protocol_errors(payload: bytes) -> None:
    for cls in (UploadProgram, ProgramData, DownloadProgram):
        with contextlib.suppress(ProtocolError):
            cls.decode_payload(payload)
    with contextlib.suppress(ProgramError):
        Program.from_record(payload)


_json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-300, 70000),
    st.text(max_size=6),
    st.sampled_from(
        ["timed", "event", "and", "mon", "zone", "sunset", "0x060C", "off", "structured"]
    ),
)
_json_value = st.recursive(
    _json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "type",
                    "days",
                    "time",
                    "hour",
                    "minute",
                    "sunset",
                    "event",
                    "zone",
                    "state",
                    "conditions",
                    "action",
                    "command",
                    "p1",
                    "and",
                    "form",
                    "operator",
                    "arg1",
                    "area",
                    "mode",
                    "raw",
                    "interval",
                    "remark_id",
                    "date",
                    "month",
                    "day",
                ]
            ),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=12,
)


@given(_json_value)
def test_from_json_raises_only_program_errors(document: Any) -> None:
    with contextlib.suppress(ProgramError):
        Program.from_json(document)
