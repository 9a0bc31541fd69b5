"""The live view's digest: which topics become which lines (pure, no broker)."""

from __future__ import annotations

import io
import json
from typing import TextIO

import pytest

from omni2mqtt.demo.digest import Digest, Line, Tone
from omni2mqtt.demo.view import Printer
from omni2mqtt.protocol.events import ZoneStateChanged, encode_event

BASE = "omni2mqtt"


def feed(digest: Digest, *messages: tuple[str, str]) -> list[str]:
    lines: list[str] = []
    for topic, payload in messages:
        lines += [line.text.rstrip() for line in digest.feed(f"{BASE}/{topic}", payload)]
    return lines


def test_first_values_are_the_starting_state_and_only_the_notable_ones_print() -> None:
    digest = Digest(BASE)
    lines = feed(
        digest,
        ("demo/availability", "offline"),
        ("demo/zone/5/state", "OFF"),
        ("demo/zone/5/alarm", "OFF"),
        ("demo/zone/5/attributes", "{}"),
        ("demo/zone/5/name", "KITCHEN WINDOW"),
        ("demo/zone/6/state", "ON"),
        ("demo/zone/6/name", "BEDROOM WINDOW"),
        ("demo/area/1/state", "disarmed"),
        ("demo/area/1/mode", "Off"),
        ("demo/area/1/name", "HOUSE"),
        ("demo/system/ac_power", "ok"),
        ("demo/availability", "online"),
    )
    assert lines == [
        "zone 6 BEDROOM WINDOW       OPEN",
        "area 1 HOUSE                disarmed",
        "panel demo online",
    ]


def test_changes_print_with_the_name_and_the_old_value() -> None:
    digest = Digest(BASE)
    feed(
        digest,
        ("demo/info", json.dumps({"model": "Omni Pro II", "temperature_unit": "\u00b0F"})),
        ("demo/zone/5/state", "OFF"),
        ("demo/zone/5/name", "KITCHEN WINDOW"),
        ("demo/area/1/state", "disarmed"),
        ("demo/area/1/name", "HOUSE"),
        ("demo/thermostat/1/temperature", "69.8"),
        ("demo/thermostat/1/name", "DOWNSTAIRS"),
        ("demo/system/ac_power", "ok"),
    )
    lines = feed(
        digest,
        ("demo/zone/5/state", "ON"),
        ("demo/zone/5/attributes", '{"open": true}'),
        ("demo/zone/5/state", "OFF"),
        ("demo/area/1/state", "arming"),
        ("demo/area/1/state", "armed_away"),
        ("demo/thermostat/1/temperature", "70.7"),
        ("demo/thermostat/1/temperature", "70.7"),  # repeated: nothing new
        ("demo/system/ac_power", "trouble"),
    )
    assert lines == [
        "zone 5 KITCHEN WINDOW       OPEN",
        "zone 5 KITCHEN WINDOW       secure",
        "area 1 HOUSE                disarmed -> arming",
        "area 1 HOUSE                arming -> armed_away",
        "thermostat 1 DOWNSTAIRS     temperature 69.8 -> 70.7 F",
        "system ac power             trouble",
    ]


def test_a_line_waits_for_its_name_but_not_for_ever() -> None:
    digest = Digest(BASE)
    # The name comes after the states; another object speaking releases the held line.
    assert feed(digest, ("demo/zone/7/state", "ON")) == []
    assert feed(digest, ("demo/zone/8/state", "OFF")) == ["zone 7                      OPEN"]


def test_events_commands_and_results_read_like_sentences_without_codes() -> None:
    digest = Digest(BASE)
    word = encode_event(ZoneStateChanged(zone=5, not_ready=True))
    event = {"event_type": "zone_state", "word": f"0x{word:04X}", "zone": 5}
    lines = feed(
        digest,
        ("demo/area/1/name", "HOUSE"),
        ("demo/event", json.dumps(event)),
        ("demo/area/1/set", json.dumps({"action": "ARM_AWAY", "code": "1234"})),
        ("demo/area/1/result", json.dumps({"status": "ok", "command": "area 1 arm_away"})),
        ("demo/thermostat/1/mode/set", "heat"),
        (
            "demo/area/1/result",
            json.dumps(
                {
                    "status": "error",
                    "command": "area 1 disarm",
                    "error": {"type": "invalid_code", "title": "Invalid user code"},
                }
            ),
        ),
        ("bridge/response/health", json.dumps({"status": "ok", "data": {}})),
        ("demo/event", "not json"),
    )
    assert lines == [
        "event: zone 5 not ready",
        "command: area 1 HOUSE <- ARM_AWAY (with code)",
        "result: area 1 arm_away: ok",
        "command: thermostat 1 mode <- heat",
        "result: area 1 disarm: invalid_code (Invalid user code)",
        "bridge health: ok",
    ]


def test_topics_outside_the_base_are_ignored() -> None:
    # amqtt may deliver retained messages nobody subscribed to (discovery configs).
    digest = Digest(BASE)
    assert digest.feed("homeassistant/binary_sensor/x/config", "{}") == []
    assert digest.feed("omni2mqtt-other/bridge/state", "online") == []


def test_the_printer_stamps_the_time_and_colours_only_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    plain = io.StringIO()
    Printer(plain).line(Line("bridge online", Tone.GOOD))
    assert plain.getvalue().endswith("  bridge online\n")
    assert "\033[" not in plain.getvalue()

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    Printer(terminal).line(Line("zone 5 OPEN", Tone.NOTICE))
    assert "\033[33mzone 5 OPEN\033[0m" in terminal.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\033[" not in _printed(Printer(Terminal()), Line("zone 5 OPEN", Tone.NOTICE))
    quiet = io.StringIO()
    Printer(quiet, enabled=False).line(Line("anything"))
    assert quiet.getvalue() == ""


def _printed(printer: Printer, line: Line) -> str:
    printer.line(line)
    stream: TextIO = printer.stream
    assert isinstance(stream, io.StringIO)
    return stream.getvalue()
