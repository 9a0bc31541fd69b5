"""Hypothesis strategies for status records, Status/ExtendedStatus, Properties and names."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from omni2mqtt.protocol.messages.base import Message, layout_size
from omni2mqtt.protocol.messages.properties import (
    PROPERTIES_BODIES,
    DownloadNames,
    NameData,
    Properties,
    PropertiesBody,
    RawProperties,
    RequestProperties,
    UploadNames,
    name_type_width,
)
from omni2mqtt.protocol.messages.status import (
    ExtendedStatus,
    RequestExtendedStatus,
    RequestStatus,
    Status,
    max_records,
)
from omni2mqtt.protocol.objects import NameType, name_width
from omni2mqtt.protocol.records import RECORD_SPECS, RawRecord, StatusRecord

_u8 = st.integers(0, 0xFF)
_u16 = st.integers(0, 0xFFFF)
_KIND_VALUES = {"u8": _u8, "i8": st.integers(-128, 127), "u16": _u16}

# Object types with no status record layout / no Properties layout.
UNKNOWN_RECORD_TYPES = st.integers(0, 0xFF).filter(lambda t: t not in RECORD_SPECS)
UNKNOWN_PROPERTIES_TYPES = st.integers(0, 0xFF).filter(lambda t: t not in PROPERTIES_BODIES)


def _values(fields: tuple[tuple[str, str], ...]) -> dict[str, SearchStrategy[int]]:
    return {attr: _KIND_VALUES[kind] for attr, kind in fields}


def _fitting(fields: tuple[tuple[str, str], ...], room: int) -> tuple[tuple[str, str], ...]:
    """The leading optional fields that fit in ``room`` bytes."""
    count = 0
    while count < len(fields) and layout_size(fields[: count + 1]) <= room:
        count += 1
    return fields[:count]


def record(cls: type[StatusRecord], size: int) -> SearchStrategy[StatusRecord]:
    """A record whose fields exactly match what a ``size``-byte wire record carries."""
    optional = _fitting(cls.OPTIONAL, size - cls.min_size())
    return st.builds(cls, number=_u16, **_values(cls.FIELDS + optional))


def raw_record(size: int) -> SearchStrategy[StatusRecord]:
    return st.builds(RawRecord, number=_u16, data=st.binary(min_size=size - 2, max_size=size - 2))


@st.composite
def status(draw: st.DrawFn) -> Status:
    object_type, spec = draw(st.sampled_from(list(RECORD_SPECS.items())))
    records = st.lists(
        record(spec.record_class, spec.basic_size), max_size=max_records(object_type, False)
    )
    return Status(int(object_type), tuple(draw(records)))


@st.composite
def extended_status(draw: st.DrawFn) -> ExtendedStatus:
    if draw(st.booleans()):
        kind, spec = draw(st.sampled_from(list(RECORD_SPECS.items())))
        object_type = int(kind)
        length = draw(st.integers(spec.record_class.min_size(), spec.extended_size + 4))
        records = record(spec.record_class, length)
    else:
        object_type = draw(UNKNOWN_RECORD_TYPES)
        length = draw(st.integers(2, 12))
        records = raw_record(length)
    count = (236 - 3) // length  # what fits one reply (§9)
    return ExtendedStatus(object_type, tuple(draw(st.lists(records, max_size=count))), length)


_NAME_CHARS = st.characters(min_codepoint=1, max_codepoint=0xFF)


def _name(width: int) -> SearchStrategy[str]:
    return st.text(_NAME_CHARS, max_size=width - 1)


@st.composite
def properties_body(draw: st.DrawFn, cls: type[PropertiesBody]) -> tuple[PropertiesBody, bool]:
    suffix = cls.SUFFIX[: draw(st.integers(0, len(cls.SUFFIX)))]
    kwargs: dict[str, Any] = {attr: draw(s) for attr, s in _values(cls.PREFIX + suffix).items()}
    name = draw(_name(name_width(cls.OBJECT_TYPE)))
    body = cls(number=draw(_u16), name=name, **kwargs)
    # A short name field can only end the payload.
    return body, not suffix and draw(st.booleans())


@st.composite
def properties(draw: st.DrawFn) -> Properties:
    if draw(st.integers(0, 9)) == 0:
        raw = RawProperties(
            object_type=draw(UNKNOWN_PROPERTIES_TYPES), number=draw(_u16), data=draw(st.binary())
        )
        return Properties(raw)
    cls = draw(st.sampled_from(list(PROPERTIES_BODIES.values())))
    body, short = draw(properties_body(cls))
    return Properties(body, short)


@st.composite
def name_message(draw: st.DrawFn, cls: type[NameData] | type[DownloadNames]) -> Message:
    name_type = int(draw(st.sampled_from(list(NameType))))
    width = name_type_width(name_type)
    assert width is not None
    return cls(name_type, draw(_u16), draw(_name(width)), draw(st.booleans()))


STATUS_STRATEGIES: list[SearchStrategy[Message]] = [
    st.builds(RequestStatus, _u8, _u16, _u16),
    st.builds(RequestExtendedStatus, _u8, _u16, _u16),
    status(),
    extended_status(),
]

PROPERTIES_STRATEGIES: list[SearchStrategy[Message]] = [
    st.builds(RequestProperties, _u8, _u16, st.integers(-128, 127), _u8, _u8, _u8),
    properties(),
    st.builds(UploadNames, _u8, _u16, st.none() | _u8),
    name_message(NameData),
    name_message(DownloadNames),
]

MESSAGE_STRATEGIES: list[SearchStrategy[Message]] = STATUS_STRATEGIES + PROPERTIES_STRATEGIES
