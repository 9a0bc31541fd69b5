"""PanelSecurity against the emulator over real TCP: codes, results, the ValidateCode fallback."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from omni2mqtt.emulator.faults import RequestFault
from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.server import EmulatorServer
from omni2mqtt.panel.connection import PanelConnection
from omni2mqtt.panel.errors import PanelArgumentError, PanelNakError, SecurityCommandError
from omni2mqtt.panel.security import PanelSecurity, SecurityMethod
from omni2mqtt.protocol.messages.base import Message
from omni2mqtt.protocol.messages.control import ExecuteSecurityCommandResponse, ValidateCode
from omni2mqtt.protocol.messages.generic import Ack, Nak
from omni2mqtt.protocol.objects import ObjectType
from omni2mqtt.protocol.opcodes import Opcode
from omni2mqtt.protocol.security import Authority, SecurityMode

from .command_helpers import read_record

MASTER = "1234"  # demo: user 1, master, areas 1 and 2
BOB = "1357"  # demo: user 3, user authority, area 1 only


@pytest.fixture
def security(connection: PanelConnection) -> PanelSecurity:
    return PanelSecurity(connection)


def area_mode(panel: EmulatedPanel, number: int) -> SecurityMode:
    mode: SecurityMode = panel.areas.peek(number).mode
    return mode


async def test_arm_with_the_right_code(
    security: PanelSecurity, emulated_panel: EmulatedPanel, connection: PanelConnection
) -> None:
    outcome = await security.set_mode(1, SecurityMode.AWAY, MASTER)
    assert outcome.method is SecurityMethod.EXECUTE_SECURITY_COMMAND
    assert (outcome.area, outcome.mode, outcome.user_number) == (1, SecurityMode.AWAY, None)
    area = emulated_panel.areas.peek(1)
    assert (area.mode, area.arming) == (SecurityMode.AWAY, True)
    record: Any = await read_record(connection, ObjectType.AREA, 1)
    assert record.mode == SecurityMode.AWAY + 8  # exit delay running
    assert 0 < record.exit_timer <= 30
    disarmed = await security.disarm(1, MASTER)
    assert disarmed.mode is SecurityMode.OFF
    record = await read_record(connection, ObjectType.AREA, 1)
    assert (record.mode, record.exit_timer) == (0, 0)


@pytest.mark.parametrize(
    ("area", "code", "kind"),
    [
        (1, "0000", "invalid_code"),
        (1, "9999", "invalid_code"),  # the cleaner's code is valid in area 2 only
        (9, MASTER, "invalid_area"),
    ],
)
async def test_refused_security_commands(
    security: PanelSecurity, emulated_panel: EmulatedPanel, area: int, code: str, kind: str
) -> None:
    with pytest.raises(SecurityCommandError) as info:
        await security.set_mode(area, SecurityMode.AWAY, code)
    assert info.value.kind == kind
    assert code not in str(info.value)
    assert code not in repr(info.value)
    assert area_mode(emulated_panel, 1) is SecurityMode.OFF


async def test_arm_while_a_zone_is_open_is_not_ready(
    security: PanelSecurity, emulated_panel: EmulatedPanel
) -> None:
    emulated_panel.set_zone_open(3, True)  # patio door, perimeter
    with pytest.raises(SecurityCommandError) as info:
        await security.set_mode(1, SecurityMode.AWAY, MASTER)
    assert info.value.kind == "not_ready"
    assert area_mode(emulated_panel, 1) is SecurityMode.OFF
    emulated_panel.set_zone_open(3, False)
    await security.set_mode(1, SecurityMode.AWAY, MASTER)
    assert area_mode(emulated_panel, 1) is SecurityMode.AWAY


async def test_nak_falls_back_to_validate_code_and_command(
    security: PanelSecurity, emulated_panel: EmulatedPanel, emulator: EmulatorServer[Any]
) -> None:
    emulator.faults.arm(RequestFault.NAK)  # the panel "does not support" opcode 74
    outcome = await security.set_mode(1, SecurityMode.NIGHT, BOB)
    assert outcome.method is SecurityMethod.VALIDATE_CODE_COMMAND
    assert outcome.user_number == 3
    area = emulated_panel.areas.peek(1)
    assert (area.mode, area.code) == (SecurityMode.NIGHT, 3)


async def test_fallback_with_a_wrong_code_is_invalid_code(
    security: PanelSecurity, emulated_panel: EmulatedPanel, emulator: EmulatorServer[Any]
) -> None:
    emulator.faults.arm(RequestFault.NAK)
    with pytest.raises(SecurityCommandError) as info:
        await security.set_mode(1, SecurityMode.AWAY, "4321")
    assert info.value.kind == "invalid_code"
    assert area_mode(emulated_panel, 1) is SecurityMode.OFF


async def test_fallback_not_ready_is_a_nak(
    security: PanelSecurity, emulated_panel: EmulatedPanel, emulator: EmulatorServer[Any]
) -> None:
    emulated_panel.set_zone_open(3, True)
    emulator.faults.arm(RequestFault.NAK)
    with pytest.raises(PanelNakError, match="AWAY for area 1") as info:
        await security.set_mode(1, SecurityMode.AWAY, MASTER)
    assert info.value.kind == "panel_nak"
    assert MASTER not in str(info.value)
    assert area_mode(emulated_panel, 1) is SecurityMode.OFF


async def test_validate_code(security: PanelSecurity) -> None:
    master = await security.validate_code(1, MASTER)
    assert (master.user_number, master.authority, master.valid) == (1, Authority.MASTER, True)
    bob = await security.validate_code(1, BOB)
    assert (bob.user_number, bob.authority, bob.valid, bob.duress) == (
        3,
        Authority.USER,
        True,
        False,
    )
    elsewhere = await security.validate_code(2, BOB)
    assert (elsewhere.user_number, elsewhere.valid) == (0, False)
    assert await security.code_number(2, MASTER) == 1
    with pytest.raises(SecurityCommandError) as info:
        await security.code_number(2, BOB)
    assert info.value.kind == "invalid_code"


@pytest.mark.parametrize("code", ["123", "12345", "12a4", "", 1234, "\u0661234"])
async def test_malformed_codes_fail_before_sending(
    security: PanelSecurity, connection: PanelConnection, code: Any
) -> None:
    sent = connection.requests_sent
    for attempt in (
        lambda: security.set_mode(1, SecurityMode.AWAY, code),
        lambda: security.validate_code(1, code),
    ):
        with pytest.raises(PanelArgumentError) as info:
            await attempt()
        assert str(code) not in str(info.value) or code == ""
    assert connection.requests_sent == sent


async def test_bad_mode_and_area_fail_before_sending(
    security: PanelSecurity, connection: PanelConnection
) -> None:
    sent = connection.requests_sent
    with pytest.raises(PanelArgumentError):
        await security.set_mode(1, 7, MASTER)
    with pytest.raises(PanelArgumentError):
        await security.set_mode(256, SecurityMode.AWAY, MASTER)
    assert connection.requests_sent == sent


async def test_codes_never_reach_logs_or_reprs(
    security: PanelSecurity, caplog: pytest.LogCaptureFixture, emulator: EmulatorServer[Any]
) -> None:
    caplog.set_level(logging.DEBUG)
    outcome = await security.set_mode(2, SecurityMode.AWAY, MASTER)
    emulator.faults.arm(RequestFault.NAK)
    fallback = await security.set_mode(2, SecurityMode.OFF, MASTER)
    with pytest.raises(SecurityCommandError):
        await security.set_mode(1, SecurityMode.AWAY, "8642")
    validation = await security.validate_code(1, MASTER)
    for text in (caplog.text, repr(outcome), repr(fallback), repr(validation), repr(security)):
        assert MASTER not in text
        assert "8642" not in text


class ScriptedPanel:
    """Answers by opcode from a script and keeps each request's payload (exact wire bytes)."""

    def __init__(self, replies: dict[int, Message]) -> None:
        self.replies = replies
        self.payloads: list[str] = []

    async def request(self, message: Message, *, timeout: float | None = None) -> Message:
        self.payloads.append(f"{int(message.OPCODE)}:{message.encode_payload().hex()}")
        return self.replies[message.OPCODE]


async def test_wire_bytes_of_both_paths() -> None:
    # Spec 23.6: ExecuteSecurityCommand area 1, Away, 1234 and area 2, Off, 0007; an Ack is
    # also success.
    direct = ScriptedPanel({Opcode.EXECUTE_SECURITY_COMMAND: ExecuteSecurityCommandResponse(0)})
    await PanelSecurity(direct).set_mode(1, SecurityMode.AWAY, "1234")
    acked = ScriptedPanel({Opcode.EXECUTE_SECURITY_COMMAND: Ack()})
    assert (await PanelSecurity(acked).disarm(2, "0007")).mode is SecurityMode.OFF
    assert direct.payloads + acked.payloads == ["74:010301020304", "74:020000000007"]
    # The fallback: ValidateCode [area, d1..d4], then Command 51 (Away) with the code NUMBER.
    fallback = ScriptedPanel(
        {
            Opcode.EXECUTE_SECURITY_COMMAND: Nak(),
            Opcode.REQUEST_VALIDATE_CODE: ValidateCode(1, Authority.MASTER),
            Opcode.COMMAND: Ack(),
        }
    )
    outcome = await PanelSecurity(fallback).set_mode(1, SecurityMode.AWAY, "1234")
    assert outcome.user_number == 1
    assert fallback.payloads == ["74:010301020304", "38:0101020304", "20:33010001"]


RESULT_KINDS = {
    1: "invalid_code",
    2: "invalid_mode",
    3: "invalid_area",
    4: "not_ready",
    5: "installer_restore_needed",
    6: "locked_out",
    0xFF: "invalid",
    9: "invalid",  # a value the table does not know
}


@pytest.mark.parametrize(("status", "kind"), sorted(RESULT_KINDS.items()))
async def test_every_result_code_is_typed(status: int, kind: str) -> None:
    panel = ScriptedPanel({Opcode.EXECUTE_SECURITY_COMMAND: ExecuteSecurityCommandResponse(status)})
    with pytest.raises(SecurityCommandError) as info:
        await PanelSecurity(panel).set_mode(1, SecurityMode.AWAY, "1234")
    assert info.value.kind == kind
    assert info.value.raw_result == status
