"""Request -> reply dispatch of the simulation core, and its pushes, on the demo scenario."""

from __future__ import annotations

import importlib
import json
import pkgutil
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.scenario import load_scenario
from omni2mqtt.protocol.events import (
    AcPower,
    Battery,
    Communicator,
    PhoneLine,
    PhoneLineState,
)
from omni2mqtt.protocol.frame import Frame
from omni2mqtt.protocol.messages.base import Message, decode_message
from omni2mqtt.protocol.messages.control import (
    Command,
    ExecuteSecurityCommand,
    RequestZoneReady,
    ZoneReadyStatus,
)
from omni2mqtt.protocol.messages.eventlog import (
    EventLogItem,
    RequestAudioSourceStatus,
    RequestEventLogItem,
)
from omni2mqtt.protocol.messages.generic import Ack, EndOfData, Nak
from omni2mqtt.protocol.messages.notifications import EnableNotifications, SystemEvents
from omni2mqtt.protocol.messages.programs import DownloadProgram, ProgramData, UploadProgram
from omni2mqtt.protocol.messages.properties import (
    DownloadNames,
    NameData,
    Properties,
    PropertiesBody,
    RequestProperties,
    UploadNames,
)
from omni2mqtt.protocol.messages.status import (
    ExtendedStatus,
    RequestExtendedStatus,
    RequestStatus,
    Status,
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
from omni2mqtt.protocol.objects import ObjectType
from omni2mqtt.protocol.records import ThermostatRecord, UnitRecord
from omni2mqtt.protocol.system_tables import Trouble

from ..protocol import strategies
from .panel_helpers import (
    NOW,
    ask,
    command,
    demo_panel,
    events,
    listening,
    records,
    words,
    yaml_panel,
)

T = ObjectType


@pytest.fixture
def panel() -> EmulatedPanel:
    return listening(demo_panel())


# --- notifications -------------------------------------------------------------------------


def test_nothing_is_pushed_before_enable_notifications() -> None:
    panel = demo_panel()
    panel.set_zone_open(3, True)
    command(panel, 1, 0, 1)
    assert panel.drain_pushes() == []
    assert ask(panel, EnableNotifications(True)) == Ack()
    assert panel.drain_pushes() == []  # enabling pushes nothing by itself
    panel.set_zone_open(3, False)
    pushes = panel.drain_pushes()
    assert words(pushes) == [0x0403]
    assert all(isinstance(m, SystemEvents | ExtendedStatus) for m in pushes)
    assert ask(panel, EnableNotifications(False)) == Ack()
    panel.set_zone_open(3, True)
    assert panel.drain_pushes() == []


def test_a_new_session_starts_without_notifications(panel: EmulatedPanel) -> None:
    panel.set_zone_open(3, True)
    panel.session_started()
    assert not panel.notifications_enabled
    assert panel.drain_pushes() == []
    panel.set_zone_open(3, False)
    assert panel.drain_pushes() == []


def test_each_push_kind_can_be_switched_off(panel: EmulatedPanel) -> None:
    panel.push_extended_status = False
    command(panel, 1, 0, 5)
    assert panel.drain_pushes() == [SystemEvents((0x0A05,))]
    panel.push_extended_status, panel.push_system_events = True, False
    command(panel, 0, 0, 5)
    assert panel.drain_pushes() == [
        ExtendedStatus.of(T.UNIT, (UnitRecord(number=5, state=0, remaining=0),))
    ]


def test_no_push_when_nothing_changed(panel: EmulatedPanel) -> None:
    assert command(panel, 2, 0, 0) == Ack()  # all off: only the all-units word
    assert command(panel, 2, 0, 0) == Ack()
    assert [type(m) for m in panel.drain_pushes()].count(ExtendedStatus) == 3  # units 2, 4, 8


def test_event_word_bursts_fill_messages(panel: EmulatedPanel) -> None:
    panel.emit_event_words([0x0001] * 250)
    assert [len(m.words) for m in panel.drain_pushes()] == [117, 117, 16]  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match=r"0\.\.0xFFFF"):
        panel.emit_event_words([0x10000])


@pytest.mark.parametrize(
    ("trouble", "raised", "cleared"),
    [
        (Trouble.AC_POWER, AcPower(on=False), AcPower(on=True)),
        (Trouble.BATTERY_LOW, Battery(low=True), Battery(low=False)),
        (Trouble.PHONE_LINE, PhoneLine(PhoneLineState.DEAD), PhoneLine(PhoneLineState.ON_HOOK)),
        (Trouble.COMMUNICATOR, Communicator(ok=False), Communicator(ok=True)),
    ],
)
def test_troubles_raise_and_clear_with_words(
    panel: EmulatedPanel, trouble: Trouble, raised: object, cleared: object
) -> None:
    panel.set_trouble(trouble, True)
    assert ask(panel, RequestSystemTroubles()) == SystemTroubles((trouble,))
    panel.set_trouble(trouble, True)  # no change, no second word
    panel.set_trouble(trouble, False)
    assert ask(panel, RequestSystemTroubles()) == SystemTroubles(())
    assert events(panel.drain_pushes()) == [raised, cleared]


def test_analog_readings_push_zone_and_auxiliary(panel: EmulatedPanel) -> None:
    panel.set_zone_loop(20, 110)
    pushes = panel.drain_pushes()
    assert words(pushes) == []
    assert [(m.object_type, m.records[0].number) for m in pushes] == [  # type: ignore[attr-defined]
        (T.ZONE, 20),
        (T.AUXILIARY, 20),
    ]
    panel.set_thermostat(2, temperature=130, humidity=95, outdoor_temperature=90)
    (record,) = records(panel.drain_pushes(), T.THERMOSTAT)
    assert isinstance(record, ThermostatRecord)
    assert (record.temperature, record.humidity, record.outdoor_temperature) == (130, 95, 90)
    with pytest.raises(ValueError, match="capacity"):
        panel.set_zone_open(177, True)


# --- status windows ------------------------------------------------------------------------


def test_status_windows_and_silence(panel: EmulatedPanel) -> None:
    # Silent exactly when the reply would not fit one packet (L <= 236), like a real panel.
    reply = ask(panel, RequestExtendedStatus(T.ZONE, 1, 58))
    assert isinstance(reply, ExtendedStatus) and len(reply.records) == 58
    assert ask(panel, RequestExtendedStatus(T.ZONE, 1, 59)) is None
    assert ask(panel, RequestStatus(T.ZONE, 100, 158)) is None
    assert isinstance(ask(panel, RequestStatus(T.MESSAGE, 1, 78)), Status)
    assert ask(panel, RequestExtendedStatus(T.MESSAGE, 1, 78)) is None
    # Thermostats: 16 extended records fit one reply, 17 do not.
    assert isinstance(ask(panel, RequestExtendedStatus(T.THERMOSTAT, 1, 16)), ExtendedStatus)
    assert ask(panel, RequestExtendedStatus(T.THERMOSTAT, 1, 17)) is None
    basic = ask(panel, RequestStatus(T.THERMOSTAT, 1, 26))
    assert isinstance(basic, Status) and basic.records[0].humidity is None  # type: ignore[attr-defined]
    small = demo_panel(max_status_records=8)
    assert ask(small, RequestStatus(T.UNIT, 1, 9)) is None
    assert isinstance(ask(small, RequestStatus(T.UNIT, 1, 8)), Status)


@pytest.mark.parametrize(
    ("request_", "reply"),
    [
        (RequestStatus(T.ZONE, 170, 177), Nak()),  # beyond capacity
        (RequestStatus(T.AREA, 1, 9), Nak()),
        (RequestStatus(T.ZONE, 0, 5), Nak()),
        (RequestStatus(T.BUTTON, 1, 5), Nak()),  # no status records
        (RequestStatus(99, 1, 1), Nak()),
        (RequestExtendedStatus(T.ZONE, 9, 8), EndOfData()),  # the empty range
    ],
)
def test_status_range_errors(panel: EmulatedPanel, request_: Message, reply: Message) -> None:
    assert ask(panel, request_) == reply


def test_every_number_up_to_capacity_has_a_record(panel: EmulatedPanel) -> None:
    reply = ask(panel, RequestExtendedStatus(T.AREA, 1, 8))
    assert isinstance(reply, ExtendedStatus)
    assert [r.number for r in reply.records] == list(range(1, 9))
    assert len(panel.areas.stored) == 2  # reading did not create objects
    reply = ask(panel, RequestExtendedStatus(T.ACCESS_LOCK, 1, 2))
    assert [r.locked for r in reply.records] == [True, True]  # type: ignore[union-attr]


def test_old_firmware_naks_extended_status() -> None:
    panel = yaml_panel("firmware: [2, 16, 1]\nzones: [{number: 1}]")
    assert ask(panel, RequestExtendedStatus(T.ZONE, 1, 1)) == Nak()
    assert isinstance(ask(panel, RequestStatus(T.ZONE, 1, 1)), Status)
    listening(panel).set_zone_open(1, True)
    assert panel.drain_pushes() == [SystemEvents((0x0601,))]  # no ExtendedStatus push


# --- properties and names ------------------------------------------------------------------


def walk(panel: EmulatedPanel, kind: int, **filters: int) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    index = 0
    while True:
        reply = ask(panel, RequestProperties(kind, index, **filters))
        if isinstance(reply, EndOfData):
            return found
        assert isinstance(reply, Properties) and isinstance(reply.body, PropertiesBody)
        assert reply.object_type == kind
        found.append((reply.body.number, reply.body.name))
        index = reply.body.number


SCENARIO_KEYS = {
    T.ZONE: "zones",
    T.UNIT: "units",
    T.BUTTON: "buttons",
    T.CODE: "codes",
    T.AREA: "areas",
    T.THERMOSTAT: "thermostats",
    T.MESSAGE: "messages",
    T.AUDIO_SOURCE: "audio_sources",
    T.AUDIO_ZONE: "audio_zones",
    T.ACCESS_READER: "locks",
}


@pytest.mark.parametrize("kind", list(SCENARIO_KEYS))
def test_property_walk_visits_every_named_object_then_eod(panel: EmulatedPanel, kind: T) -> None:
    scenario = load_scenario("demo")
    expected = [(o.number, o.name) for o in getattr(scenario, SCENARIO_KEYS[kind])]
    assert walk(panel, kind) == sorted(expected)


def test_auxiliary_walk_finds_the_analog_zones(panel: EmulatedPanel) -> None:
    scenario = load_scenario("demo")
    analog = [(z.number, z.name) for z in scenario.zones if z.type >= 80]
    assert walk(panel, T.AUXILIARY) == analog


def test_property_filters_and_directions(panel: EmulatedPanel) -> None:
    unnamed = ask(panel, RequestProperties(T.ZONE, 0, 1, filter1=2))
    assert isinstance(unnamed, Properties) and unnamed.body.number == 22
    exact = ask(panel, RequestProperties(T.ZONE, 100, 0, filter1=0))
    assert isinstance(exact, Properties) and isinstance(exact.body, PropertiesBody)
    assert exact.body.name == ""
    assert ask(panel, RequestProperties(T.ZONE, 100, 0, filter1=1)) == EndOfData()
    assert ask(panel, RequestProperties(T.ZONE, 177, 0)) == Nak()
    previous = ask(panel, RequestProperties(T.ZONE, 0, -1))
    assert isinstance(previous, Properties) and previous.body.number == 21
    assert walk(panel, T.ZONE, filter2=0x40) == [
        (16, "GARAGE DOOR"),
        (17, "GARAGE SIDE"),
        (18, "GARAGE MOTION"),
    ]
    assert [n for n, _ in walk(panel, T.UNIT, filter2=0x40)] == [7]
    assert ask(panel, RequestProperties(T.EXPANSION, 0)) == Nak()
    assert ask(panel, RequestProperties(T.ZONE, 0, 2)) == Nak()


def test_upload_and_download_names(panel: EmulatedPanel) -> None:
    assert ask(panel, UploadNames(5, 0)) == NameData(5, 1, "HOUSE")
    assert ask(panel, UploadNames(5, 2)) == EndOfData()
    assert ask(panel, DownloadNames(5, 3, "ATTIC")) == Ack()
    assert ask(panel, UploadNames(5, 2)) == NameData(5, 3, "ATTIC")
    assert (3, "ATTIC") in walk(panel, T.AREA)
    assert ask(panel, DownloadNames(1, 177, "NOPE")) == Nak()
    assert ask(panel, UploadNames(9, 0, None)) == NameData(9, 1, "FRONT LOCK")


# --- programs ------------------------------------------------------------------------------


def program_walk(panel: EmulatedPanel) -> list[int]:
    slots, slot = [], 0
    while isinstance(reply := ask(panel, UploadProgram(slot, 1)), ProgramData):
        slots.append(reply.slot)
        slot = reply.slot
    assert reply == EndOfData()
    return slots


def test_program_walk_write_clear_and_read_back(panel: EmulatedPanel) -> None:
    assert program_walk(panel) == [1, 2, 3, 10, 11, 20]
    record = bytes.fromhex("01000381 00093c012c00003e061e")
    assert ask(panel, DownloadProgram(42, record)) == Ack()
    assert ask(panel, UploadProgram(42, 0)) == ProgramData(42, record)
    assert program_walk(panel) == [1, 2, 3, 10, 11, 20, 42]
    assert ask(panel, DownloadProgram.clear(42)) == Ack()
    assert ask(panel, UploadProgram(42, 0)) == ProgramData(42, bytes(14))
    assert 42 not in program_walk(panel)
    assert ask(panel, DownloadProgram(0, record)) == Nak()
    assert ask(panel, DownloadProgram(1501, record)) == Nak()
    assert ask(panel, DownloadProgram(5, record[:12])) == Nak()  # this panel uses 14 bytes
    assert ask(panel, UploadProgram(1501, 0)) == Nak()
    assert ask(panel, UploadProgram(1, 2)) == Nak()
    assert ask(panel, UploadProgram(20, 1)) == EndOfData()


# --- system and misc requests --------------------------------------------------------------


def test_system_requests(panel: EmulatedPanel) -> None:
    assert ask(panel, RequestSystemInformation()) == SystemInformation(16, 3, 16, 2, "555-0100")
    assert ask(panel, RequestSystemFormats()) == SystemFormats(1, 1, 1)
    assert ask(panel, RequestSystemFeatures()) == SystemFeatures(())
    assert ask(panel, RequestCapacities(T.ZONE)) == Capacities(T.ZONE, 176)
    assert ask(panel, RequestCapacities(0)) == Nak()
    status = ask(panel, RequestSystemStatus())
    assert isinstance(status, SystemStatus)
    assert status.panel_time == NOW and status.area_alarms == ()
    panel.set_zone_open(13, True)  # water
    status = ask(panel, RequestSystemStatus())
    assert status.area_alarms == ((1, 0x20),)  # type: ignore[union-attr]


def test_set_time_moves_the_panel_clock(panel: EmulatedPanel) -> None:
    assert ask(panel, SetTime.from_datetime(datetime(2025, 12, 24, 18, 0), dst=True)) == Ack()
    status = ask(panel, RequestSystemStatus())
    assert isinstance(status, SystemStatus)
    assert (status.panel_time, status.dst) == (datetime(2025, 12, 24, 18, 0), 1)
    bad = SetTime(25, 2, 30, 7, 10, 0, 0)
    assert ask(panel, bad) == Nak()


def test_event_log_reads(panel: EmulatedPanel) -> None:
    assert ask(panel, RequestEventLogItem.most_recent()) == EndOfData()
    for mode in (3, 0, 1):
        command(panel, 48 + mode, 1, 1)
    newest = ask(panel, RequestEventLogItem.most_recent())
    assert isinstance(newest, EventLogItem) and (newest.number, newest.event_type) == (3, 49)
    oldest = ask(panel, RequestEventLogItem.oldest())
    assert isinstance(oldest, EventLogItem) and (oldest.number, oldest.p1, oldest.p2) == (1, 1, 1)
    walked = []
    item: Message | None = newest
    while isinstance(item, EventLogItem):
        walked.append(item.number)
        item = ask(panel, RequestEventLogItem(item.number, -1))
    assert (walked, item) == ([3, 2, 1], EndOfData())
    assert ask(panel, RequestEventLogItem(2, 0)).event_type == 48  # type: ignore[union-attr]


def test_zone_ready_and_audio_source_status(panel: EmulatedPanel) -> None:
    panel.set_zone_open(1, True)
    panel.set_zone_open(10, True)
    panel.set_zone_loop(19, 30)  # analog zones always read ready
    reply = ask(panel, RequestZoneReady())
    assert isinstance(reply, ZoneReadyStatus)
    assert len(reply.bitmap) == 22 and reply.not_ready_zones() == {1, 10}
    assert ask(panel, RequestAudioSourceStatus(1, 0)) == EndOfData()


@pytest.mark.parametrize("message", [Ack(), Nak(), SystemEvents((1,)), SystemTroubles(())])
def test_messages_that_are_not_requests_get_nak(panel: EmulatedPanel, message: Message) -> None:
    assert ask(panel, message) == Nak()


# --- robustness ----------------------------------------------------------------------------

_STRATEGY_MODULES = [
    importlib.import_module(info.name)
    for info in pkgutil.iter_modules(strategies.__path__, f"{strategies.__name__}.")
]
SMALL = st.integers(0, 24)
# Values near the demo's objects, so that most requests reach the simulation, not a range check.
TARGETED = st.one_of(
    st.builds(Command, st.integers(0, 120), st.integers(0, 255), SMALL),
    st.builds(
        RequestProperties,
        st.integers(0, 16),
        SMALL,
        st.sampled_from([-1, 0, 1]),
        st.integers(0, 2),
        st.sampled_from([0, 0x80, 0x40]),
        st.sampled_from([0, 1, 254, 255]),
    ),
    st.builds(RequestExtendedStatus, st.integers(0, 16), SMALL, SMALL),
    st.builds(RequestStatus, st.integers(0, 16), SMALL, SMALL),
    st.builds(
        ExecuteSecurityCommand,
        st.integers(0, 3),
        st.integers(0, 7),
        st.sampled_from(["1234", "1357", "9999", "0000"]),
    ),
    st.builds(RequestEventLogItem, st.integers(0, 6), st.sampled_from([-1, 0, 1])),
    st.builds(UploadProgram, SMALL, st.integers(0, 1)),
)
ANY_MESSAGE = st.one_of(
    TARGETED,
    *[s for module in _STRATEGY_MODULES for s in getattr(module, "MESSAGE_STRATEGIES", [])],
)
ZONE_TRIP = st.tuples(st.integers(1, 21), st.booleans())
DEMO = load_scenario("demo")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.one_of(ANY_MESSAGE, ZONE_TRIP), st.floats(0, 40)), max_size=12))
def test_any_message_gets_a_valid_reply_or_silence(
    steps: list[tuple[Message | tuple[int, bool], float]],
) -> None:
    panel = EmulatedPanel(DEMO, clock=lambda: NOW)
    panel.notifications_enabled = True
    for step, seconds in steps:
        if isinstance(step, tuple):
            panel.set_zone_open(*step)
        else:
            ask(panel, step)  # checks that every reply encodes and decodes to itself
        panel.tick(seconds)
        for push in panel.drain_pushes():
            assert decode_message(Frame.decode(push.encode())) == push
    assert json.loads(json.dumps(panel.snapshot())) == panel.snapshot()
