"""Program transfer messages (spec §20): UploadProgram (9), ProgramData (10), DownloadProgram (8).

Records travel in wire form (u16 fields big-endian). The record size follows from the message
(L - 3): 14 bytes, or 12 on models without the double-conditional feature. The messages keep the
record as bytes so that whatever a panel sends is written back unchanged (pitfall 28); use
:attr:`program` for the typed view. Slots are checked only against the u16 wire range here:
the emulator must decode an out-of-range request in order to Nak it; the MQTT layer checks
user input with :func:`~omni2mqtt.protocol.programs.validate_slot`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Self

from ..enumutil import EnumView
from ..errors import DecodeError, EncodeError
from ..layouts import layout
from ..opcodes import Opcode
from ..programs import RECORD_SIZE, SHORT_RECORD_SIZE, Program
from ..wire import PayloadReader
from .base import FixedLayoutMessage

_RECORD_SIZES = (RECORD_SIZE, SHORT_RECORD_SIZE)


class UploadReason(IntEnum):
    EXACT = 0  # exactly this slot
    NEXT = 1  # the next defined slot after it (walk from 0 until EOD)


@dataclass(frozen=True)
class UploadProgram(FixedLayoutMessage):
    """Read a program slot; the panel answers ProgramData, or EOD past the last one."""

    OPCODE = Opcode.UPLOAD_PROGRAM
    LAYOUT = layout("slot:u16 reason")
    STRICT = True

    slot: int
    reason: int = UploadReason.EXACT

    upload_reason = EnumView(UploadReason, "reason")


@dataclass(frozen=True)
class _SlotRecord(FixedLayoutMessage):
    """``[slot u16 BE, record]``, shared by ProgramData and DownloadProgram."""

    LAYOUT = layout("slot:u16")

    slot: int
    record: bytes

    @property
    def program(self) -> Program:
        return Program.from_record(self.record)

    @classmethod
    def for_program(cls, slot: int, program: Program) -> Self:
        return cls(slot, program.to_record())

    def check(self) -> None:
        if len(self.record) not in _RECORD_SIZES:
            raise EncodeError(f"program record must be 14 or 12 bytes, got {len(self.record)}")

    def encode_tail(self) -> bytes:
        return bytes(self.record)

    @classmethod
    def decode_tail(cls, reader: PayloadReader) -> dict[str, Any]:
        record = reader.rest()
        if len(record) not in _RECORD_SIZES:
            raise DecodeError(
                f"{cls.__name__}: program record must be 14 or 12 bytes, got {len(record)}"
            )
        return {"record": record}


@dataclass(frozen=True)
class ProgramData(_SlotRecord):
    """The panel's answer to UploadProgram: one slot and its record."""

    OPCODE = Opcode.PROGRAM_DATA


@dataclass(frozen=True)
class DownloadProgram(_SlotRecord):
    """Write a slot (answered by Ack / Nak). A panel may Ack a write that did not stick: read
    the slot back and compare whole records (pitfall 29)."""

    OPCODE = Opcode.DOWNLOAD_PROGRAM

    @classmethod
    def clear(cls, slot: int, record_size: int = RECORD_SIZE) -> Self:
        """An all-zero record clears the slot."""
        if record_size not in _RECORD_SIZES:
            raise EncodeError(f"record_size must be 14 or 12, got {record_size}")
        return cls(slot, bytes(record_size))
