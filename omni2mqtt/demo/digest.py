"""A readable digest of the gateway's MQTT topics: one line per change a person cares about.

:class:`Digest` is fed every message under the base topic and returns the lines to show, e.g.
``zone 5 KITCHEN WINDOW  OPEN``, ``area 1 HOUSE  arming -> armed_away`` or
``event: zone 5 not ready``. The first value of a topic is the starting state and stays
silent unless it is worth knowing (an area's mode, an open zone, a trouble); later values print
as changes. Attribute JSON, names and discovery are not shown. It is pure: no I/O, no clock.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ..mqtt.attributes import ON
from ..mqtt.topics import KIND_TOPICS, PROGRAM
from ..protocol.errors import ProtocolError
from ..protocol.events import decode_event, describe

LABEL_WIDTH = 28
_TROUBLES = ("ac_power", "battery", "phone_line", "communicator", "freeze", "fuse")
# The leaves of each kind shown as "leaf old -> new"; the others (JSON attributes, raw mode
# names, setpoints of auxiliaries ...) would drown the changes that matter.
_SHOWN: dict[str, tuple[str, ...]] = {
    "area": ("state", "alarm"),
    "zone": ("state", "bypass", "alarm", "trouble", "temperature", "humidity"),
    "unit": ("state", "brightness", "value"),
    "thermostat": (
        "temperature",
        "heat_setpoint",
        "cool_setpoint",
        "mode",
        "fan_mode",
        "hold",
        "action",
        "humidity",
        "outdoor_temperature",
    ),
    "message": ("state",),
    "lock": ("state",),
    "audio_zone": ("state", "source", "volume", "mute"),
}
_TEMPERATURES = ("temperature", "heat_setpoint", "cool_setpoint", "outdoor_temperature")
_KINDS = frozenset((*KIND_TOPICS.values(), PROGRAM))


class Tone(Enum):
    """How a line reads at a glance; the terminal view turns it into a colour."""

    PLAIN = "plain"
    GOOD = "good"
    NOTICE = "notice"
    ALERT = "alert"
    EVENT = "event"
    MUTED = "muted"


@dataclass(frozen=True)
class Line:
    text: str
    tone: Tone = Tone.PLAIN


@dataclass(frozen=True)
class _Object:
    panel: str
    kind: str
    number: int

    def label(self, name: str | None) -> str:
        text = f"{self.kind.replace('_', ' ')} {self.number}" + (f" {name}" if name else "")
        return text.ljust(LABEL_WIDTH)


def _json(payload: str) -> Any:
    try:
        return json.loads(payload)
    except ValueError:
        return None


def _area_tone(state: str) -> Tone:
    if state == "disarmed":
        return Tone.GOOD
    if state == "triggered":
        return Tone.ALERT
    return Tone.NOTICE


class Digest:
    """Turns ``(topic, payload)`` under ``base`` into :class:`Line` s."""

    def __init__(self, base: str) -> None:
        self.base = base
        self._values: dict[str, str] = {}
        self._names: dict[_Object, str] = {}
        self._units: dict[str, str] = {}
        # Lines of an object whose name has not arrived yet (the state publisher sends the
        # name after the states); printed with the name, or without once another object speaks.
        self._held: tuple[_Object, list[Line]] | None = None

    def feed(self, topic: str, payload: str) -> list[Line]:
        if not topic.startswith(self.base + "/"):
            return []  # amqtt may deliver retained messages nobody subscribed to
        levels = topic[len(self.base) + 1 :].split("/")
        old = self._values.get(topic)
        self._values[topic] = payload
        obj = _object_of(levels)
        out = self._release(keep=obj)
        if levels[0] == "bridge":
            return out + self._bridge(levels[1:], payload)
        if len(levels) == 2:
            return out + self._panel(levels[0], levels[1], payload, old)
        if len(levels) == 3 and levels[1] == "system":
            return out + self._system(levels[0], levels[2], payload, old)
        if obj is None:
            return out
        rest = levels[3:]
        if rest == ["name"]:
            self._names[obj] = payload
            return out + self._release(keep=None)
        if rest[-1:] == ["set"]:
            return [*out, self._command(obj, rest[:-1], payload)]
        if rest[-1:] == ["result"]:
            return out + self._result(payload)
        if len(rest) != 1 or rest[0] not in _SHOWN.get(obj.kind, ()):
            return out
        line = self._state(obj, rest[0], payload, old)
        if line is None:
            return out
        if obj not in self._names:
            held = self._held[1] if self._held is not None else []
            self._held = (obj, [*held, line])
            return out
        return [*out, self._named(obj, line)]

    # -- bridge and panel-level topics ---------------------------------------------------------

    def _bridge(self, rest: list[str], payload: str) -> list[Line]:
        if rest == ["state"]:
            return [Line(f"bridge {payload}", Tone.GOOD if payload == "online" else Tone.NOTICE)]
        if rest[:1] == ["response"]:
            answer = _json(payload)
            status = answer.get("status", "?") if isinstance(answer, dict) else "?"
            tone = Tone.GOOD if status == "ok" else Tone.ALERT
            return [Line(f"bridge {'/'.join(rest[1:])}: {status}", tone)]
        return []

    def _panel(self, panel: str, leaf: str, payload: str, old: str | None) -> list[Line]:
        if leaf == "availability":
            if payload == old or (old is None and payload != "online"):
                return []  # the gateway says offline once before the first sync
            tone = Tone.GOOD if payload == "online" else Tone.NOTICE
            return [Line(f"panel {panel} {payload}", tone)]
        if leaf == "info" and payload != old:
            info = _json(payload)
            if not isinstance(info, dict):
                return []
            # ASCII: a terminal or pipe with a non-UTF-8 locale cannot print a degree sign.
            unit = str(info.get("temperature_unit") or "").replace("\N{DEGREE SIGN}", "")
            self._units[panel] = f" {unit}" if unit else ""
            objects = info.get("objects") or {}
            counts = ", ".join(
                _count(n, kind.replace("_", " "))
                for kind, n in objects.items()
                if isinstance(n, int) and n
            )
            text = f"panel {panel}: {info.get('model')} firmware {info.get('firmware')}: {counts}"
            return [Line(text, Tone.MUTED)]
        if leaf == "event":
            return self._event(payload)
        return []

    def _system(self, panel: str, leaf: str, payload: str, old: str | None) -> list[Line]:
        if leaf not in _TROUBLES or payload == old or (old is None and payload == "ok"):
            return []
        tone = Tone.GOOD if payload == "ok" else Tone.ALERT
        return [Line(f"{'system ' + leaf.replace('_', ' '):<{LABEL_WIDTH}}{payload}", tone)]

    def _event(self, payload: str) -> list[Line]:
        event = _json(payload)
        if not isinstance(event, dict):
            return []
        try:
            text = describe(decode_event(int(str(event.get("word")), 16)))
        except (ValueError, ProtocolError):
            text = str(event.get("event_type", "unknown"))
        return [Line(f"event: {text}", Tone.EVENT)]

    # -- objects ---------------------------------------------------------------------------------

    def _named(self, obj: _Object, line: Line) -> Line:
        return Line(obj.label(self._names.get(obj)) + line.text, line.tone)

    def _release(self, keep: _Object | None) -> list[Line]:
        """The held lines, unless they belong to ``keep`` (whose name may still come)."""
        if self._held is None or self._held[0] == keep:
            return []
        obj, lines = self._held
        self._held = None
        return [self._named(obj, line) for line in lines]

    def _command(self, obj: _Object, attribute: list[str], payload: str) -> Line:
        data = _json(payload)
        if isinstance(data, dict):
            # Never show a user code, even in the demo: a digest gets copied into bug reports.
            coded = data.pop("code", None) is not None
            shown = " ".join(str(v) for v in data.values()) or "{}"
            payload = shown + (" (with code)" if coded else "")
        target = " ".join(attribute)
        name = self._names.get(obj)
        what = f"{obj.kind.replace('_', ' ')} {obj.number}" + (f" {name}" if name else "")
        return Line(f"command: {what} {target + ' ' if target else ''}<- {payload}", Tone.EVENT)

    def _result(self, payload: str) -> list[Line]:
        result = _json(payload)
        if not isinstance(result, dict):
            return []
        command = result.get("command", "?")
        if result.get("status") == "ok":
            return [Line(f"result: {command}: ok", Tone.GOOD)]
        error = result.get("error") or {}
        kind = error.get("type", "error") if isinstance(error, dict) else "error"
        title = error.get("title", "") if isinstance(error, dict) else ""
        return [Line(f"result: {command}: {kind}" + (f" ({title})" if title else ""), Tone.ALERT)]

    def _state(self, obj: _Object, leaf: str, payload: str, old: str | None) -> Line | None:
        if payload == old or not payload:
            return None
        if obj.kind == "area" and leaf == "state":
            text = payload if old is None else f"{old} -> {payload}"
            return Line(text, _area_tone(payload))
        on = payload == ON
        if leaf in ("alarm", "trouble"):
            if old is None and not on:
                return None
            text = leaf.upper() if on else f"{leaf} cleared"
            return Line(text, Tone.ALERT if on else Tone.GOOD)
        if obj.kind == "zone" and leaf in ("state", "bypass"):
            if old is None and not on:
                return None
            if leaf == "bypass":
                return Line("bypassed" if on else "bypass off", Tone.NOTICE)
            return Line("OPEN" if on else "secure", Tone.NOTICE if on else Tone.GOOD)
        if old is None:
            return None
        if leaf == "state":
            return Line(payload, Tone.PLAIN)
        unit = self._units.get(obj.panel, "") if leaf in _TEMPERATURES else ""
        return Line(f"{leaf.replace('_', ' ')} {old} -> {payload}{unit}", Tone.PLAIN)


def _count(n: int, noun: str) -> str:
    if n != 1:
        noun = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{n} {noun}"


def _object_of(levels: list[str]) -> _Object | None:
    """``<panel>/<kind>/<n>/...`` as an object, else None."""
    if len(levels) < 4 or levels[1] not in _KINDS:
        return None
    if not (levels[2].isascii() and levels[2].isdigit()):  # "²".isdigit() is True, int() fails
        return None
    return _Object(levels[0], levels[1], int(levels[2]))
