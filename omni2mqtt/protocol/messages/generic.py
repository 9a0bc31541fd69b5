"""Generic replies (spec §9) and the payload-less requests."""

from __future__ import annotations

from dataclasses import dataclass

from ..opcodes import Opcode
from .base import Message


@dataclass(frozen=True)
class Ack(Message):
    """Accepted / done."""

    OPCODE = Opcode.ACK


@dataclass(frozen=True)
class Nak(Message):
    """Refused: unsupported opcode, invalid object or range, beyond capacity, bad parameter."""

    OPCODE = Opcode.NAK


@dataclass(frozen=True)
class EndOfData(Message):
    """Nothing (more) matches: ends walks, empty ranges, program uploads past the last slot."""

    OPCODE = Opcode.EOD
