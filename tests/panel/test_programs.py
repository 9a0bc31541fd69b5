"""PanelPrograms against the emulator over real TCP: walk, read, verified write, clear, clone."""

from __future__ import annotations

from typing import Any

import pytest

from omni2mqtt.emulator.faults import RequestFault
from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.server import EmulatorServer
from omni2mqtt.panel.connection import PanelConnection
from omni2mqtt.panel.errors import PanelArgumentError, PanelNakError
from omni2mqtt.panel.programs import PanelPrograms, ProgramNotStoredError, ProgramSlotEmptyError
from omni2mqtt.protocol.messages.base import Message
from omni2mqtt.protocol.messages.generic import Ack
from omni2mqtt.protocol.messages.programs import DownloadProgram
from omni2mqtt.protocol.opcodes import Opcode
from omni2mqtt.protocol.programs import Program, ProgramType

# The demo scenario's programs (wire order, u16 fields big-endian).
DEMO = {
    1: "01 0003 8100 09 3c 0002 00 00 3e 06 1e",
    2: "01 0000 0000 01 00 0001 00 00 fe 1a f1",
    3: "01 0000 0000 00 00 0001 00 00 fe 19 14",
    10: "02 3100 0000 01 6e 0002 06 01 00 00 00",
    11: "02 0000 0000 50 00 0002 06 10 00 00 00",
    20: "03 0000 0000 07 00 0001 0c 18 00 12 00",
}
# Spec 23.8: EVENT unit 258 on (0B02): show message 3.
EVENT_RECORD = bytes.fromhex("02 0000 0000 50 00 0003 0b 02 00 00 00".replace(" ", ""))


def record(hex_text: str) -> bytes:
    return bytes.fromhex(hex_text.replace(" ", ""))


class RecordingSender:
    """Forwards to the connection and remembers every opcode sent."""

    def __init__(self, connection: PanelConnection) -> None:
        self.connection = connection
        self.opcodes: list[int] = []

    async def request(self, message: Message, *, timeout: float | None = None) -> Message:
        self.opcodes.append(message.OPCODE)
        return await self.connection.request(message, timeout=timeout)


@pytest.fixture
def sender(connection: PanelConnection) -> RecordingSender:
    return RecordingSender(connection)


@pytest.fixture
def programs(sender: RecordingSender) -> PanelPrograms:
    return PanelPrograms(sender)


def stored(panel: EmulatedPanel) -> dict[int, bytes]:
    result: dict[int, bytes] = panel.programs
    return result


async def test_iterate_all_defined_programs(programs: PanelPrograms) -> None:
    found = await programs.read_all()
    assert sorted(found) == sorted(DEMO)
    for slot, hex_text in DEMO.items():
        assert found[slot].to_record() == record(hex_text)
    assert found[20].program_type is ProgramType.YEARLY
    assert programs.record_size == 14


async def test_read_one_slot(programs: PanelPrograms) -> None:
    program = await programs.read(10)
    assert program == Program.from_record(record(DEMO[10]))
    assert program is not None and program.event == 0x0601
    assert await programs.read(5) is None  # an empty slot
    for slot in (0, 1501):
        with pytest.raises(PanelArgumentError):
            await programs.read(slot)


async def test_write_reads_back(
    programs: PanelPrograms, emulated_panel: EmulatedPanel, sender: RecordingSender
) -> None:
    written = await programs.write(30, Program.from_record(EVENT_RECORD))
    assert written.to_record() == EVENT_RECORD
    assert stored(emulated_panel)[30] == EVENT_RECORD
    # The write was verified by an exact read of the same slot.
    assert sender.opcodes == [Opcode.DOWNLOAD_PROGRAM, Opcode.UPLOAD_PROGRAM]
    assert (await programs.read(30)) == Program.from_record(EVENT_RECORD)
    await programs.write(1, EVENT_RECORD)  # bytes work too; overwrites
    assert stored(emulated_panel)[1] == EVENT_RECORD


async def test_write_that_does_not_stick_raises(
    programs: PanelPrograms, emulated_panel: EmulatedPanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_handle = emulated_panel.handle

    def forgetful(message: Message) -> Message | None:
        # Like the panel seen in the field: Ack the write, keep the old record.
        if isinstance(message, DownloadProgram):
            return Ack()
        return real_handle(message)

    monkeypatch.setattr(emulated_panel, "handle", forgetful)
    with pytest.raises(ProgramNotStoredError) as info:
        await programs.write(2, EVENT_RECORD)
    assert info.value.kind == "program_not_stored"
    assert info.value.stored == record(DEMO[2])
    assert "did not store" in str(info.value)
    with pytest.raises(ProgramNotStoredError) as empty:
        await programs.write(31, EVENT_RECORD)
    assert empty.value.stored is None


async def test_clear_is_verified_and_never_clear_programs(
    programs: PanelPrograms, emulated_panel: EmulatedPanel, sender: RecordingSender
) -> None:
    await programs.clear(10)
    assert 10 not in stored(emulated_panel)
    assert await programs.read(10) is None
    assert sorted(await programs.read_all()) == [1, 2, 3, 11, 20]
    assert Opcode.CLEAR_PROGRAMS not in sender.opcodes
    await programs.clear(10)  # clearing an empty slot is fine


async def test_clone(programs: PanelPrograms, emulated_panel: EmulatedPanel) -> None:
    cloned = await programs.clone(1, 40)
    assert cloned.to_record() == record(DEMO[1])
    assert stored(emulated_panel)[40] == stored(emulated_panel)[1]
    with pytest.raises(ProgramSlotEmptyError) as info:
        await programs.clone(41, 42)
    assert info.value.kind == "unknown_object"
    assert 42 not in stored(emulated_panel)


async def test_bad_records_fail_before_sending(
    programs: PanelPrograms, sender: RecordingSender
) -> None:
    for bad in (b"\x01" * 13, b"", b"\x01" * 15):
        with pytest.raises(PanelArgumentError):
            await programs.write(30, bad)
    with pytest.raises(PanelArgumentError):
        await programs.write(1501, EVENT_RECORD)
    assert sender.opcodes == []


async def test_nak_is_typed(programs: PanelPrograms, emulator: EmulatorServer[Any]) -> None:
    emulator.faults.arm(RequestFault.NAK)
    with pytest.raises(PanelNakError):
        await programs.read(1)
    emulator.faults.arm(RequestFault.NAK)
    with pytest.raises(PanelNakError):
        await programs.write(30, EVENT_RECORD)
