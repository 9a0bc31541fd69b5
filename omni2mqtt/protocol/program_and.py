"""AND records of clausal programs (spec §20, firmware >= 3.0): typed views and JSON.

Byte 1 is either the family byte of a compact condition (traditional form, instance in bytes
3-4) or an operator 1..9 (structured form); the ranges overlap and the role of byte 1 is partly
unverified. Operators 1..3 are read as structured (no compact family byte is 01..03); 4..9 as
structured only when a byte that only the structured form uses (2, 5..11) is non-zero. Either
reading covers its bytes exactly, so the record survives a JSON round trip whichever form was
chosen.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from .enumutil import EnumView, enum_names, name_or_number
from .errors import ProgramError
from .program_json import expect_int, expect_name, expect_object
from .program_words import Condition


class AndOperator(IntEnum):
    """Byte 1 of the structured form."""

    EQ = 1
    NE = 2
    LT = 3
    GT = 4
    ODD = 5
    EVEN = 6
    MULTIPLE = 7
    IN = 8
    NOT_IN = 9


class AndArgType(IntEnum):
    """Argument type bytes 2 and 6 of the structured form."""

    CONSTANT = 0
    USER_SETTING = 1
    ZONE = 2
    UNIT = 3
    THERMOSTAT = 4
    AUXILIARY = 5
    AREA = 6
    TIME_DATE = 7
    AUDIO = 8
    ACCESS_CONTROL = 9
    MESSAGE = 10
    SYSTEM = 11


AND_OPERATORS = enum_names(AndOperator)
AND_ARG_TYPES = enum_names(AndArgType)
_ARG_OFFSETS = {"arg1": 2, "arg2": 6}  # type byte; index u16 follows, then the field byte
_CONSTANT_OFFSET = 10


def _u16_at(record: bytes | bytearray, offset: int) -> int:
    return (record[offset] << 8) | record[offset + 1]


@dataclass(frozen=True)
class AndTraditional:
    family: int  # byte 1: the high byte of a compact condition (04 zone secure, 0A unit on)
    instance: int  # bytes 3-4

    @property
    def condition(self) -> Condition | None:
        """The compact condition ``family << 8 | instance``, when the instance fits a byte."""
        return Condition((self.family << 8) | self.instance) if self.instance <= 0xFF else None


@dataclass(frozen=True)
class AndArg:
    type: int
    index: int
    field: int

    arg_type = EnumView(AndArgType, "type")


@dataclass(frozen=True)
class AndStructured:
    operator: int
    arg1: AndArg
    arg2: AndArg
    constant: int

    operator_type = EnumView(AndOperator, "operator")


def decode_and(record: bytes) -> AndTraditional | AndStructured:
    op = record[1]
    if op not in AND_OPERATORS.values() or (
        op >= AndOperator.GT and not (record[2] or any(record[5 : _CONSTANT_OFFSET + 2]))
    ):
        return AndTraditional(op, _u16_at(record, 3))
    arg1, arg2 = (
        AndArg(record[o], _u16_at(record, o + 1), record[o + 3]) for o in _ARG_OFFSETS.values()
    )
    return AndStructured(op, arg1, arg2, _u16_at(record, _CONSTANT_OFFSET))


def and_to_json(record: bytes) -> dict[str, Any]:
    """{"form": "traditional", "condition": <condition>}, with "family" and "instance" instead
    when the instance does not fit a byte; or {"form": "structured", "operator": "gt", "arg1":
    {"type": "thermostat", "index": 1, "field": 1}, "arg2": {...}, "constant": 0}."""
    view = decode_and(record)
    if isinstance(view, AndTraditional):
        condition = view.condition
        if condition is None:
            return {"form": "traditional", "family": view.family, "instance": view.instance}
        return {"form": "traditional", "condition": condition.to_json()}
    out: dict[str, Any] = {
        "form": "structured",
        "operator": name_or_number(view.operator, AND_OPERATORS),
    }
    for key, arg in (("arg1", view.arg1), ("arg2", view.arg2)):
        kind = name_or_number(arg.type, AND_ARG_TYPES)
        out[key] = {"type": kind, "index": arg.index, "field": arg.field}
    out["constant"] = view.constant
    return out


_TRADITIONAL_KEYS = ("form", "condition", "family", "instance")
_STRUCTURED_KEYS = ("form", "operator", "arg1", "arg2", "constant")


def and_from_json(obj: object, path: str, record: bytearray) -> None:
    """Write the bytes the chosen AND form owns into ``record``; others stay as they are."""
    data = expect_object(obj, path, (*_TRADITIONAL_KEYS, *_STRUCTURED_KEYS[1:]))
    form = data.get("form", "structured" if "operator" in data else "traditional")
    if form == "traditional":
        expect_object(obj, path, _TRADITIONAL_KEYS)
        if "condition" in data:
            expect_object(obj, path, ("form", "condition"))
            value = Condition.from_json(data["condition"], f"{path}.condition").value
            family, instance = value >> 8, value & 0xFF
        else:
            expect_object(obj, path, _TRADITIONAL_KEYS, ("family", "instance"))
            family = expect_int(data["family"], f"{path}.family", 0, 255)
            instance = expect_int(data["instance"], f"{path}.instance", 0, 0xFFFF)
        record[1] = family
        record[3:5] = instance.to_bytes(2, "big")
        return
    if form != "structured":
        raise ProgramError(f"{path}.form must be 'traditional' or 'structured', got {form!r}")
    expect_object(obj, path, _STRUCTURED_KEYS, ("operator",))
    record[1] = expect_name(data["operator"], f"{path}.operator", AND_OPERATORS, 9)
    if not record[1]:
        raise ProgramError(f"{path}.operator must be 1..9 or one of {', '.join(AND_OPERATORS)}")
    for key, offset in _ARG_OFFSETS.items():
        arg_path = f"{path}.{key}"
        arg = expect_object(data.get(key, {}), arg_path, ("type", "index", "field"))
        record[offset] = expect_name(arg.get("type", 0), f"{arg_path}.type", AND_ARG_TYPES)
        index = expect_int(arg.get("index", 0), f"{arg_path}.index", 0, 0xFFFF)
        record[offset + 1 : offset + 3] = index.to_bytes(2, "big")
        record[offset + 3] = expect_int(arg.get("field", 0), f"{arg_path}.field", 0, 255)
    constant = expect_int(data.get("constant", 0), f"{path}.constant", 0, 0xFFFF)
    record[_CONSTANT_OFFSET : _CONSTANT_OFFSET + 2] = constant.to_bytes(2, "big")
