"""Program records (spec §20): the 14-byte (or 12-byte) record, its typed views and its JSON.

A :class:`Program` holds every field of the record as the raw wire value, so
``Program.from_record(r).to_record() == r`` for every record of a valid size, whatever the
bytes (pitfall 28: bytes without meaning for a type, such as bytes 11-13 of an EVENT record, are
kept). An unknown type byte is kept as a number too: such a record decodes, re-encodes
identically and its JSON is ``{"type": <number>, "raw": ...}``.

JSON (what users send to ``program/<slot>/set``)::

    {"type": "timed", "days": ["mon", "fri"], "time": {"hour": 6, "minute": 30},
     "conditions": [{"other": "dark"}, {"area": 1, "mode": "off"}],
     "action": {"command": "unit_level", "p1": 60, "p2": 300}, "raw": "01000381..."}

- ``type``: free timed event yearly remark when at every and or then (or the type byte).
- ``days``: day names mon..sun, "every_day", or the bitmask. ``time``: {"hour", "minute"},
  {"sunrise": offset} or {"sunset": offset} (signed minutes). ``date``: {"month", "day"}.
- ``conditions``: up to two (one in 12-byte records), null for an empty slot before a set one:
  {"other": "dark"}, {"zone": 5, "state": "secure" | "not_ready"}, {"unit": 5, "state": "off" |
  "on"}, {"time_clock": 1, "state": "disabled" | "enabled"}, {"area": 1 (0 = any), "mode":
  "away", "arming": true}, or {"raw": "0x0100"}.
- ``event``: {"button": 66}, the zone / unit / area forms above (area: code byte 0), or the
  word as hex ("0x060C"). ``action``: {"command": name or number, "p1", "p2"}.
- ``remark_id`` (u32), ``interval`` (EVERY, unverified), ``and`` (see ``and_to_json``).

``to_json`` always emits ``raw`` (the whole record as hex). ``from_json`` starts from ``raw``
when present (else from zeros) and then applies each typed key present, so bytes that no typed
key describes survive a read-edit-write cycle, and ``from_json(to_json(p)) == p`` exactly.
``to_json`` leaves out a key whose bytes have no valid typed form (hour 30, month 0); ``raw``
still carries them. Optional sub-keys (action p1 / p2, AND arguments) default to 0, not to the
preserved bytes. Which keys a type accepts is :data:`TYPE_KEYS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from .enumutil import EnumView, enum_names, name_or_number
from .errors import ProgramError
from .events import Event, decode_event
from .program_and import AndStructured, AndTraditional, and_from_json, and_to_json, decode_and
from .program_conditions import (
    ProgramAction,
    ProgramTime,
    date_from_json,
    date_to_json,
    day_names,
    days_from_json,
    days_to_json,
)
from .program_json import expect_int, expect_name, expect_object
from .program_record import (
    RECORD_FIELDS,
    RECORD_LAYOUTS,
    RECORD_SIZE,
    SHORT_RECORD_SIZE,
    ProgramType,
    record_from_pca,
    record_layout,
    record_to_pca,
)
from .program_words import Condition, event_from_json, event_to_json

__all__ = [
    "MAX_SLOT",
    "RECORD_SIZE",
    "SHORT_RECORD_SIZE",
    "TYPE_KEYS",
    "Program",
    "ProgramType",
    "record_from_pca",
    "record_to_pca",
    "validate_slot",
]


MAX_SLOT = 1500  # Omni Pro II; other models unverified


def validate_slot(slot: object, max_slot: int = MAX_SLOT) -> int:
    """A program slot 1..max_slot (an int or a decimal string such as an MQTT topic level)."""
    if isinstance(slot, str) and slot.strip().isascii() and slot.strip().isdigit():
        slot = int(slot)
    return expect_int(slot, "slot", 1, max_slot)


@dataclass(frozen=True)
class Program:
    """One program record; fields are raw wire values, typed views are properties."""

    type_code: int = 0
    cond: int = 0
    cond2: int = 0
    cmd: int = 0
    par: int = 0
    pr2: int = 0
    # Bytes 9 / 10: month and day of YEARLY records; the event word's high and low byte in
    # EVENT and WHEN records.
    month: int = 0
    day: int = 0
    days: int = 0
    hour: int = 0
    minute: int = 0
    record_size: int = RECORD_SIZE

    def __post_init__(self) -> None:
        if self.record_size not in RECORD_LAYOUTS:
            raise ProgramError(f"record_size must be 14 or 12, got {self.record_size}")
        for name, width in RECORD_FIELDS:
            value = getattr(self, name)
            top = (1 << (8 * width)) - 1
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
                raise ProgramError(f"program field {name} must be 0..{top}, got {value!r}")
        if self.cond2 and self.record_size == SHORT_RECORD_SIZE:
            raise ProgramError("a 12-byte program record has no second condition (cond2)")

    # --- wire form ---------------------------------------------------------------------------

    @classmethod
    def from_record(cls, raw: bytes) -> Program:
        """Decode a wire record (u16 fields big-endian); its size gives the layout."""
        raw = bytes(raw)
        layout = record_layout(raw)
        values = {
            name: int.from_bytes(raw[off : off + width], "big")
            for name, (off, width) in layout.items()
        }
        return cls(**values, record_size=len(raw))

    def to_record(self) -> bytes:
        return b"".join(
            getattr(self, name).to_bytes(width, "big")
            for name, (_, width) in RECORD_LAYOUTS[self.record_size].items()
        )

    @classmethod
    def cleared(cls, record_size: int = RECORD_SIZE) -> Program:
        """The all-zero record that clears a slot."""
        return cls(record_size=record_size)

    # --- typed views -------------------------------------------------------------------------

    program_type = EnumView(ProgramType, "type_code")

    @property
    def is_clear(self) -> bool:
        return not any(self.to_record())

    def _is(self, *types: ProgramType) -> bool:
        return self.type_code in types

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """The AND-IF conditions of TIMED / EVENT / YEARLY records that are set."""
        if not self._is(*_COMPACT):
            return ()
        return tuple(Condition(v) for v in (self.cond, self.cond2) if v)

    @property
    def day_list(self) -> list[str] | None:
        """Day names ("mon" .. "sun") of TIMED and AT records."""
        return day_names(self.days) if self._is(ProgramType.TIMED, ProgramType.AT) else None

    @property
    def time(self) -> ProgramTime | None:
        if not self._is(ProgramType.TIMED, ProgramType.AT, ProgramType.YEARLY):
            return None
        return ProgramTime(self.hour, self.minute)

    @property
    def date(self) -> tuple[int, int] | None:
        """(month, day) of a YEARLY record."""
        return (self.month, self.day) if self._is(ProgramType.YEARLY) else None

    @property
    def event(self) -> int | None:
        """The trigger event word (§18 format) of EVENT and WHEN records."""
        if not self._is(ProgramType.EVENT, ProgramType.WHEN):
            return None
        return (self.month << 8) | self.day

    @property
    def trigger(self) -> Event | None:
        """The event word of EVENT and WHEN records, decoded as a SystemEvents word."""
        word = self.event
        return None if word is None else decode_event(word)

    @property
    def action(self) -> ProgramAction | None:
        if not self._is(*_COMPACT, ProgramType.THEN):
            return None
        return ProgramAction(self.cmd, self.par, self.pr2)

    @property
    def remark_id(self) -> int | None:
        """REMARK: u32 in bytes 1-4 (the text exists only in the .pca file)."""
        if not self._is(ProgramType.REMARK):
            return None
        return int.from_bytes(self.to_record()[1:5], "big")

    @property
    def interval(self) -> int | None:
        """EVERY: ``((cond & FF) << 8) | (cond2 >> 8)``, seconds in one implementation.

        Both the unit and the placement are unverified (spec §20); the raw bytes stay exact.
        """
        if not self._is(ProgramType.EVERY):
            return None
        return ((self.cond & 0xFF) << 8) | (self.cond2 >> 8)

    @property
    def and_condition(self) -> AndTraditional | AndStructured | None:
        return decode_and(self.to_record()) if self._is(ProgramType.AND) else None

    # --- JSON --------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": _type_name(self.type_code)}
        for key in TYPE_KEYS.get(self.type_code, ()):
            value = _CODECS[key][0](self)
            if value is not None:
                out[key] = value
        out["raw"] = self.to_record().hex()
        return out

    @classmethod
    def from_json(cls, data: object, record_size: int | None = None) -> Program:
        """Validate and build a program from its JSON form (see the module docstring).

        ``record_size`` is the panel's record size; without ``raw`` it defaults to 14.
        """
        obj = expect_object(data, "program", _ALL_KEYS)
        program = _raw_from_json(obj["raw"]) if "raw" in obj else cls(record_size=record_size or 14)
        if record_size is not None and program.record_size != record_size:
            raise ProgramError(
                f"raw: this panel uses {record_size}-byte program records, "
                f"got {program.record_size} bytes"
            )
        if "type" in obj:
            type_code = expect_name(obj["type"], "type", _TYPE_NAMES)
            program = replace(program, type_code=type_code)
        elif "raw" not in obj:
            raise ProgramError(f"program: missing key 'type' ({', '.join(_TYPE_NAMES)})")
        allowed = TYPE_KEYS.get(program.type_code, ())
        for key in obj:
            if key not in ("type", "raw", *allowed):
                uses = ", ".join(allowed) or "no typed keys, only raw"
                raise ProgramError(
                    f"{key}: not used by {_type_name(program.type_code)} programs (uses {uses})"
                )
        for key in allowed:
            if key in obj:
                program = _CODECS[key][1](program, obj[key], key)
        return program


_COMPACT = (ProgramType.TIMED, ProgramType.EVENT, ProgramType.YEARLY)
_TYPE_NAMES = enum_names(ProgramType)


def _type_name(type_code: int) -> str | int:
    return name_or_number(type_code, _TYPE_NAMES)


def _raw_from_json(value: object) -> Program:
    if not isinstance(value, str):
        raise ProgramError(f"raw must be a hex string of 14 or 12 bytes, got {value!r}")
    try:
        raw = bytes.fromhex(value.replace(" ", ""))
    except ValueError:
        raise ProgramError(f"raw: {value!r} is not hex") from None
    try:
        return Program.from_record(raw)
    except ProgramError as exc:
        raise ProgramError(f"raw: {exc}") from None


def _with_bytes(program: Program, offset: int, data: bytes) -> Program:
    record = bytearray(program.to_record())
    record[offset : offset + len(data)] = data
    return Program.from_record(bytes(record))


# --- per-key JSON codecs: (emit, apply). emit returns None to leave the key out (the raw bytes
# then carry a value that has no exact typed form); apply validates and returns the new program.


def _emit_conditions(p: Program) -> list[Any]:
    values = [p.cond, p.cond2][: 2 if p.record_size == RECORD_SIZE else 1]
    while values and not values[-1]:
        values.pop()
    return [Condition(v).to_json() for v in values]


def _apply_conditions(p: Program, obj: object, path: str) -> Program:
    room = 2 if p.record_size == RECORD_SIZE else 1
    if not isinstance(obj, list) or len(obj) > room:
        raise ProgramError(
            f"{path} must be a list of at most {room} conditions "
            f"(null for none) in a {p.record_size}-byte record, got {obj!r}"
        )
    values = [Condition.from_json(item, f"{path}[{i}]").value for i, item in enumerate(obj)]
    values += [0, 0]
    return replace(p, cond=values[0], cond2=values[1])


def _emit_time(p: Program) -> dict[str, Any] | None:
    return ProgramTime(p.hour, p.minute).to_json()


def _apply_time(p: Program, obj: object, path: str) -> Program:
    time = ProgramTime.from_json(obj, path)
    return replace(p, hour=time.hour, minute=time.minute)


def _apply_date(p: Program, obj: object, path: str) -> Program:
    month, day = date_from_json(obj, path)
    return replace(p, month=month, day=day)


def _apply_event(p: Program, obj: object, path: str) -> Program:
    word = event_from_json(obj, path)
    return replace(p, month=word >> 8, day=word & 0xFF)


def _apply_action(p: Program, obj: object, path: str) -> Program:
    action = ProgramAction.from_json(obj, path)
    return replace(p, cmd=action.command, par=action.p1, pr2=action.p2)


def _apply_remark(p: Program, obj: object, path: str) -> Program:
    remark_id = expect_int(obj, path, 0, 0xFFFFFFFF)
    return _with_bytes(p, 1, remark_id.to_bytes(4, "big"))


def _apply_interval(p: Program, obj: object, path: str) -> Program:
    interval = expect_int(obj, path, 0, 0xFFFF)
    if interval & 0xFF and p.record_size == SHORT_RECORD_SIZE:
        raise ProgramError(f"{path}: a 12-byte record only holds multiples of 256")
    return replace(
        p,
        cond=(p.cond & 0xFF00) | (interval >> 8),
        cond2=((interval & 0xFF) << 8) | (p.cond2 & 0xFF),
    )


def _apply_and(p: Program, obj: object, path: str) -> Program:
    record = bytearray(p.to_record())
    and_from_json(obj, path, record)
    return Program.from_record(bytes(record))


_Emit = Callable[[Program], Any]
_Apply = Callable[[Program, object, str], Program]
_CODECS: dict[str, tuple[_Emit, _Apply]] = {
    "event": (lambda p: event_to_json((p.month << 8) | p.day), _apply_event),
    "days": (
        lambda p: days_to_json(p.days),
        lambda p, o, path: replace(p, days=days_from_json(o, path)),
    ),
    "date": (lambda p: date_to_json(p.month, p.day), _apply_date),
    "time": (_emit_time, _apply_time),
    "interval": (lambda p: p.interval, _apply_interval),
    "remark_id": (lambda p: p.remark_id, _apply_remark),
    "and": (lambda p: and_to_json(p.to_record()), _apply_and),
    "conditions": (_emit_conditions, _apply_conditions),
    "action": (lambda p: ProgramAction(p.cmd, p.par, p.pr2).to_json(), _apply_action),
}

# Typed JSON keys per type, in the order to_json emits them. Bytes outside these keys are
# still preserved through "raw".
TYPE_KEYS: dict[int, tuple[str, ...]] = {
    ProgramType.TIMED: ("days", "time", "conditions", "action"),
    ProgramType.EVENT: ("event", "conditions", "action"),
    ProgramType.YEARLY: ("date", "time", "conditions", "action"),
    ProgramType.REMARK: ("remark_id",),
    ProgramType.WHEN: ("event",),
    ProgramType.AT: ("days", "time"),
    ProgramType.EVERY: ("interval",),
    ProgramType.AND: ("and",),
    ProgramType.THEN: ("action",),
}
_ALL_KEYS = ("type", *_CODECS, "raw")
