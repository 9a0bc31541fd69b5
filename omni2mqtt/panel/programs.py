"""Reading and writing panel programs (spec 20), with read-back verification.

A panel has been seen to Ack a program write that did not stick (pitfall 29), so every write
and clear is read back and compared as a whole record. ClearPrograms (opcode 7) erases every
program at once and is never sent: slots are cleared one at a time with an all-zero record.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from ..protocol.capacities import PROGRAM_SLOTS
from ..protocol.messages.generic import EndOfData
from ..protocol.messages.programs import (
    DownloadProgram,
    ProgramData,
    UploadProgram,
    UploadReason,
)
from ..protocol.programs import RECORD_SIZE, Program
from .errors import PanelError, PanelProtocolError
from .request_helpers import RequestSender, argument_errors, exchange, require, send_acked

_LOGGER = logging.getLogger(__name__)


class ProgramNotStoredError(PanelError):
    """The panel acknowledged a program write but reading the slot back gave other bytes."""

    kind = "program_not_stored"

    def __init__(self, slot: int, expected: bytes, stored: bytes | None) -> None:
        self.slot = slot
        self.expected = expected
        self.stored = stored
        found = "an empty slot" if stored is None else stored.hex()
        super().__init__(
            f"the panel acknowledged the write to program slot {slot} but did not store it: "
            f"wrote {expected.hex()}, read back {found}"
        )


class ProgramSlotEmptyError(PanelError):
    """A program operation needs a defined slot (e.g. the source of a clone)."""

    kind = "unknown_object"


class PanelPrograms:
    """Program slots of one panel: walk, read, write (verified), clear (verified), clone.

    ``max_slot`` is the model's slot count (1500 on the Omni Pro II; other models unverified).
    The record size (14, or 12 without cond2) is learned from the first record the panel sends.
    """

    def __init__(self, sender: RequestSender, max_slot: int = PROGRAM_SLOTS) -> None:
        self._sender = sender
        self.max_slot = max_slot
        self.record_size = RECORD_SIZE

    def __repr__(self) -> str:
        return f"<PanelPrograms via {self._sender!r}, {self.max_slot} slots>"

    def _slot(self, slot: int) -> int:
        return require(slot, 1, self.max_slot, "program slot")

    async def _upload(self, slot: int, reason: UploadReason) -> ProgramData | None:
        """One UploadProgram exchange: the ProgramData, or None for EOD."""
        what = f"UploadProgram slot {slot}"
        reply = await exchange(self._sender, UploadProgram(slot, reason), what)
        if isinstance(reply, EndOfData):
            return None
        if not isinstance(reply, ProgramData):
            raise PanelProtocolError(f"{what} was answered with {type(reply).__name__}")
        self.record_size = len(reply.record)
        return reply

    async def iter_programs(self) -> AsyncIterator[tuple[int, Program]]:
        """Every defined program, by slot ascending: the next-defined walk from slot 0 to EOD."""
        slot = 0
        while True:
            data = await self._upload(slot, UploadReason.NEXT)
            if data is None:
                return
            if data.slot <= slot:
                # A panel repeating or going backwards would make the walk endless.
                raise PanelProtocolError(
                    f"program walk went from slot {slot} back to {data.slot}; stopping"
                )
            slot = data.slot
            program = data.program
            if not program.is_clear:
                yield slot, program

    async def read_all(self) -> dict[int, Program]:
        return {slot: program async for slot, program in self.iter_programs()}

    async def read(self, slot: int) -> Program | None:
        """The program in ``slot``; None when the slot is empty (EOD or an all-zero record)."""
        self._slot(slot)
        data = await self._upload(slot, UploadReason.EXACT)
        if data is None:
            return None
        if data.slot != slot:
            raise PanelProtocolError(f"asked for program slot {slot}, got slot {data.slot}")
        program = data.program
        return None if program.is_clear else program

    async def write(self, slot: int, program: Program | bytes) -> Program:
        """Write ``program`` to ``slot``, read it back and compare whole records.

        Raises :class:`ProgramNotStoredError` when the panel Acked but stored something else.
        Writing an all-zero record clears the slot (see :meth:`clear`).
        """
        self._slot(slot)
        with argument_errors():
            record = program.to_record() if isinstance(program, Program) else bytes(program)
            Program.from_record(record)
        _LOGGER.info("writing program slot %d", slot)
        await send_acked(self._sender, DownloadProgram(slot, record), f"program write to {slot}")
        stored = await self.read(slot)
        stored_record = None if stored is None else stored.to_record()
        # read() reports an all-zero record as None, so a clear expects None.
        if stored_record != (record if any(record) else None):
            raise ProgramNotStoredError(slot, record, stored_record)
        return Program.from_record(record)

    async def clear(self, slot: int) -> None:
        """Clear one slot with an all-zero record (never ClearPrograms) and verify it."""
        await self.write(slot, bytes(self.record_size))

    async def clone(self, source: int, target: int) -> Program:
        """Copy the record in ``source`` to ``target`` unchanged (all bytes preserved)."""
        self._slot(target)
        program = await self.read(source)
        if program is None:
            raise ProgramSlotEmptyError(f"program slot {source} is empty; nothing to clone")
        return await self.write(target, program)
