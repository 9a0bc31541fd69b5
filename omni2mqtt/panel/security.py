"""Arming, disarming and code validation with the user's code (spec 17).

User codes are secrets: they are never logged, never put into exception text and never kept in
an object. Only the code NUMBER the panel assigns (1..99, 251 duress) appears in results.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from ..protocol.messages.control import (
    Command,
    ExecuteSecurityCommand,
    ExecuteSecurityCommandResponse,
    RequestValidateCode,
    ValidateCode,
)
from ..protocol.messages.generic import Ack, Nak
from ..protocol.security import Authority, SecurityMode, SecurityResult
from .errors import PanelArgumentError, PanelNakError, SecurityCommandError
from .request_helpers import (
    RequestSender,
    exchange,
    member,
    prepared,
    require,
    send_acked,
    unexpected_reply,
)

_LOGGER = logging.getLogger(__name__)

CODE_DIGITS = 4


class SecurityMethod(StrEnum):
    """How a security command reached the panel."""

    EXECUTE_SECURITY_COMMAND = "execute_security_command"  # opcode 74, one step
    VALIDATE_CODE_COMMAND = "validate_code_command"  # fallback: ValidateCode + Command 48..54


@dataclass(frozen=True)
class CodeValidation:
    """The panel's verdict on a code in one area (the code itself is not kept)."""

    area: int
    user_number: int  # 1..99, 251 = duress, 0 = invalid
    authority: Authority | None  # None: a value the table does not know
    valid: bool
    duress: bool

    @classmethod
    def from_reply(cls, area: int, reply: ValidateCode) -> CodeValidation:
        return cls(area, reply.user_number, reply.authority_level, reply.valid, reply.duress)


@dataclass(frozen=True)
class SecurityOutcome:
    """A security command the panel accepted."""

    area: int
    mode: SecurityMode
    method: SecurityMethod
    # Known only after the ValidateCode fallback; opcode 74 does not reveal it.
    user_number: int | None = None


def _check_code(code: str) -> str:
    # The text must never contain the value, even partly.
    if (
        not isinstance(code, str)
        or len(code) != CODE_DIGITS
        or any(c not in "0123456789" for c in code)
    ):
        raise PanelArgumentError(f"a user code must be exactly {CODE_DIGITS} digits 0-9")
    return code


class PanelSecurity:
    """Security commands for one panel. Each method raises :class:`SecurityCommandError` (with
    ``kind`` invalid_code, not_ready, invalid_area, locked_out, ...) when the panel refuses."""

    def __init__(self, sender: RequestSender) -> None:
        self._sender = sender

    def __repr__(self) -> str:
        return f"<PanelSecurity via {self._sender!r}>"

    async def validate_code(self, area: int, code: str) -> CodeValidation:
        """Which user number and authority ``code`` has in ``area`` (0 = invalid there)."""
        require(area, 0, 255, "area")
        message = prepared(RequestValidateCode(area, _check_code(code)))
        reply = await exchange(self._sender, message, f"ValidateCode for area {area}")
        if not isinstance(reply, ValidateCode):
            raise unexpected_reply("ValidateCode", reply)
        return CodeValidation.from_reply(area, reply)

    async def code_number(self, area: int, code: str) -> int:
        """The user code number for bypass/restore commands; invalid_code when not valid."""
        validation = await self.validate_code(area, code)
        if not validation.valid:
            raise SecurityCommandError(SecurityResult.INVALID_CODE)
        return validation.user_number

    async def set_mode(self, area: int, mode: SecurityMode | int, code: str) -> SecurityOutcome:
        """Arm (or disarm, mode OFF) ``area`` with the user's code.

        Uses ExecuteSecurityCommand (74); its result codes become SecurityCommandError. An Ack
        also counts as success. If the panel Naks opcode 74 (unsupported on its firmware), the
        code is validated (38) and the mode set with Command 48..54 and the code NUMBER.
        """
        require(area, 0, 255, "area")
        typed = member(SecurityMode, mode, "security mode")
        message = prepared(ExecuteSecurityCommand(area, typed, _check_code(code)))
        _LOGGER.info("setting area %d to %s", area, typed.name)
        reply = await self._sender.request(message)
        if isinstance(reply, ExecuteSecurityCommandResponse):
            if not reply.success:
                raise SecurityCommandError(reply.status)
            return SecurityOutcome(area, typed, SecurityMethod.EXECUTE_SECURITY_COMMAND)
        if isinstance(reply, Ack):
            return SecurityOutcome(area, typed, SecurityMethod.EXECUTE_SECURITY_COMMAND)
        if not isinstance(reply, Nak):
            raise unexpected_reply("ExecuteSecurityCommand", reply)
        _LOGGER.info(
            "the panel refused ExecuteSecurityCommand (Nak); using ValidateCode and Command %d",
            48 + typed,
        )
        number = await self.code_number(area, code)
        try:
            await send_acked(self._sender, Command.security(typed, number, area), "Command")
        except PanelNakError:
            # Command 48..54 has no result code: a Nak is all the panel says.
            raise PanelNakError(
                f"the panel refused security mode {typed.name} for area {area} (Nak): zones "
                "may be not ready, or the code may have no authority for that"
            ) from None
        return SecurityOutcome(area, typed, SecurityMethod.VALIDATE_CODE_COMMAND, number)

    async def disarm(self, area: int, code: str) -> SecurityOutcome:
        return await self.set_mode(area, SecurityMode.OFF, code)
