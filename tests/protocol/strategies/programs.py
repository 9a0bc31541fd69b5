"""Hypothesis strategies for program records (§20) and the three program messages.

``RECORD_STRATEGY`` mixes arbitrary bytes (every byte value must survive) with records built
from meaningful field values, so the typed JSON forms (zone, unit and security conditions,
sunrise / sunset times, typed event words, both AND forms) are exercised as well as the raw
fallbacks.
"""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from omni2mqtt.protocol.messages.base import Message
from omni2mqtt.protocol.messages.programs import DownloadProgram, ProgramData, UploadProgram
from omni2mqtt.protocol.programs import RECORD_SIZE, SHORT_RECORD_SIZE, Program

_byte = st.integers(0, 0xFF)
_u16 = st.integers(0, 0xFFFF)
_type_byte = st.one_of(st.integers(0, 10), _byte)

# Condition and event words from each family, with and without stray bits.
_security_word = st.builds(
    lambda arming, mode, area: (arming << 15) | (mode << 12) | (area << 8),
    st.booleans(),
    st.integers(0, 7),
    st.integers(0, 15),
)
WORD_STRATEGY: SearchStrategy[int] = st.one_of(
    st.integers(0, 0x0F),
    st.integers(0x0400, 0x0FFF),
    _security_word.filter(lambda w: w >= 0x1000),
    _u16,
)


def _raw_record(size: int) -> SearchStrategy[bytes]:
    return st.builds(
        lambda t, rest: bytes([t]) + rest,
        _type_byte,
        st.binary(min_size=size - 1, max_size=size - 1),
    )


@st.composite
def _semantic_program(draw: st.DrawFn) -> Program:
    size = draw(st.sampled_from([RECORD_SIZE, SHORT_RECORD_SIZE]))
    word = draw(WORD_STRATEGY)
    return Program(
        type_code=draw(_type_byte),
        cond=draw(WORD_STRATEGY),
        cond2=draw(WORD_STRATEGY) if size == RECORD_SIZE else 0,
        cmd=draw(_byte),
        par=draw(_byte),
        pr2=draw(_u16),
        month=word >> 8,
        day=word & 0xFF,
        days=draw(st.one_of(st.integers(0, 0x7F).map(lambda d: d << 1), _byte)),
        hour=draw(st.one_of(st.integers(0, 27), _byte)),
        minute=draw(st.one_of(st.integers(0, 59), _byte)),
        record_size=size,
    )


RECORD_STRATEGY: SearchStrategy[bytes] = st.one_of(
    _raw_record(RECORD_SIZE),
    _raw_record(SHORT_RECORD_SIZE),
    _semantic_program().map(Program.to_record),
)
PROGRAM_STRATEGY: SearchStrategy[Program] = RECORD_STRATEGY.map(Program.from_record)

MESSAGE_STRATEGIES: list[SearchStrategy[Message]] = [
    st.builds(UploadProgram, _u16, _byte),
    st.builds(ProgramData, _u16, RECORD_STRATEGY),
    st.builds(DownloadProgram, _u16, RECORD_STRATEGY),
]
