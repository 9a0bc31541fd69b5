"""Commands and security requests (spec §16, §17).

User codes are secrets: the ``code`` fields never appear in a repr (and so never in a log line).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Self

from ..commands import CommandType, encode_duration, pack_lo9_hi7, security_command
from ..enumutil import EnumView
from ..errors import DecodeError, EncodeError
from ..layouts import check_range, layout
from ..opcodes import Opcode
from ..security import Authority, SecurityMode, SecurityResult
from ..wire import PayloadReader
from .base import FixedLayoutMessage, Message

# --- Command (20) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Command(FixedLayoutMessage):
    """``[command, P1, P2 u16 BE]`` -> Ack, or Nak for an invalid object or parameter.

    ``command`` stays a raw int (any of 0..255 round-trips); :attr:`command_type` is the typed view.
    The constructors below cover the common actions; anything else is ``Command(type, p1, p2)``.
    """

    OPCODE = Opcode.COMMAND
    LAYOUT = layout("command p1 p2:u16")
    STRICT = True

    command: int
    p1: int = 0
    p2: int = 0

    command_type = EnumView(CommandType, "command")

    @classmethod
    def unit_on(cls, unit: int, seconds: int = 0) -> Self:
        """Turn a unit on, for ``seconds`` (0 = indefinitely; rounded as encode_duration does)."""
        return cls(CommandType.UNIT_ON, encode_duration(seconds), unit)

    @classmethod
    def unit_off(cls, unit: int, seconds: int = 0) -> Self:
        return cls(CommandType.UNIT_OFF, encode_duration(seconds), unit)

    @classmethod
    def unit_level(cls, unit: int, percent: int) -> Self:
        check_range(percent, 0, 100, "unit level %")
        return cls(CommandType.UNIT_LEVEL, percent, unit)

    @classmethod
    def timed_level(cls, unit: int, percent: int, seconds: int) -> Self:
        """Level for a duration: P2 = Lo9 unit | Hi7 level (one peer reads P2 differently)."""
        check_range(percent, 0, 100, "unit level %")
        return cls(
            CommandType.UNIT_TIMED_LEVEL, encode_duration(seconds), pack_lo9_hi7(unit, percent)
        )

    @classmethod
    def security(cls, mode: int, code_number: int, area: int = 0) -> Self:
        """Commands 48..54; P1 is the user code NUMBER from ValidateCode, never the code."""
        return cls(security_command(mode), code_number, area)

    @classmethod
    def execute_button(cls, button: int) -> Self:
        return cls(CommandType.EXECUTE_BUTTON, 0, button)

    @classmethod
    def execute_program(cls, slot: int) -> Self:
        """Command 104 as PC Access uses it (P1 = 0, pitfall 26); unverified on real panels."""
        return cls(CommandType.EXECUTE_PROGRAM, 0, slot)

    @classmethod
    def lock(cls, door: int) -> Self:
        """105 = LOCK per HAI's SDK; some peers swap 105/106 (pitfall 22). Door 0 = all."""
        return cls(CommandType.LOCK, 0, door)

    @classmethod
    def unlock(cls, door: int, seconds: int = 0) -> Self:
        """106 = UNLOCK, for ``seconds`` (0 = until locked again)."""
        return cls(CommandType.UNLOCK, encode_duration(seconds), door)


# --- User codes -----------------------------------------------------------------------------------


class _CodeRequest(FixedLayoutMessage):
    """A request whose ``LAYOUT`` fields are followed by a user code, one digit 0-9 per byte.

    Subclasses declare ``code: str = field(repr=False)`` as their last field.
    """

    code: str

    def encode_tail(self) -> bytes:
        # str.isdigit() would accept other scripts' digits; the panel wants ASCII 0-9 only.
        if len(self.code) != 4 or any(c not in "0123456789" for c in self.code):
            # Never echo the value: it is (nearly) a user code.
            raise EncodeError("code must be exactly 4 digits 0-9")
        return bytes(int(c) for c in self.code)

    @classmethod
    def decode_tail(cls, reader: PayloadReader) -> dict[str, Any]:
        digits = reader.raw(4, "code")
        if any(d > 9 for d in digits):
            raise DecodeError("code digits must be 0..9")
        return {"code": "".join(str(d) for d in digits)}


# --- ExecuteSecurityCommand (74/75) -------------------------------------------------------------
# Area and mode are checked only as bytes: the panel itself answers INVALID_AREA / INVALID_MODE,
# and the emulator must be able to receive those requests to exercise the replies.


@dataclass(frozen=True)
class ExecuteSecurityCommand(_CodeRequest):
    """``[area 1..8, mode 0..6, d1..d4]``: arm or disarm with the user's code in one step."""

    OPCODE = Opcode.EXECUTE_SECURITY_COMMAND
    LAYOUT = layout("area mode")
    STRICT = True

    area: int
    mode: int
    code: str = field(repr=False)

    security_mode = EnumView(SecurityMode, "mode")


@dataclass(frozen=True)
class ExecuteSecurityCommandResponse(FixedLayoutMessage):
    """Result of ExecuteSecurityCommand. An Ack also means success; a Nak means unsupported."""

    OPCODE = Opcode.EXECUTE_SECURITY_COMMAND_RESPONSE
    LAYOUT = layout("status")

    status: int

    result = EnumView(SecurityResult, "status")

    @property
    def success(self) -> bool:
        return self.status == SecurityResult.SUCCESS


# --- ValidateCode (38/39) -------------------------------------------------------------------------

DURESS_CODE_NUMBER = 251


@dataclass(frozen=True)
class RequestValidateCode(_CodeRequest):
    """``[area, d1..d4]``: which user number and authority a code has in an area."""

    OPCODE = Opcode.REQUEST_VALIDATE_CODE
    LAYOUT = layout("area")
    STRICT = True

    area: int
    code: str = field(repr=False)


@dataclass(frozen=True)
class ValidateCode(FixedLayoutMessage):
    """``[user number (1..99, 251 duress, 0 invalid), authority]``."""

    OPCODE = Opcode.VALIDATE_CODE
    LAYOUT = layout("user_number authority")

    user_number: int
    authority: int

    authority_level = EnumView(Authority, "authority")

    @property
    def valid(self) -> bool:
        return self.user_number != 0 and self.authority != Authority.INVALID

    @property
    def duress(self) -> bool:
        return self.user_number == DURESS_CODE_NUMBER


# --- Other security requests ----------------------------------------------------------------------


@dataclass(frozen=True)
class AcknowledgeAlerts(Message):
    """Acknowledge pending alerts and troubles as a keypad would (exact effects unverified)."""

    OPCODE = Opcode.ACKNOWLEDGE_ALERTS


class EmergencyType(IntEnum):
    """ActivateKeypadEmg's second byte (not the AlarmType numbering: auxiliary is 3 here)."""

    BURGLARY = 1
    FIRE = 2
    AUXILIARY = 3


@dataclass(frozen=True)
class ActivateKeypadEmergency(FixedLayoutMessage):
    OPCODE = Opcode.ACTIVATE_KEYPAD_EMERGENCY
    LAYOUT = layout("area emergency")
    STRICT = True

    area: int
    emergency: int

    emergency_type = EnumView(EmergencyType, "emergency")

    def check(self) -> None:
        check_range(self.emergency, 1, 3, "ActivateKeypadEmergency.emergency")


# --- Zone ready (56/57) ---------------------------------------------------------------------------


# One reply must fit a frame: at most 250 payload bytes of 8 zones each.
MAX_READY_ZONES = 250 * 8


@dataclass(frozen=True)
class RequestZoneReady(Message):
    OPCODE = Opcode.REQUEST_ZONE_READY


@dataclass(frozen=True)
class ZoneReadyStatus(Message):
    """Bitmaps of 8 zones per byte; bit 7 is the LOWEST zone of the byte; set = not ready.

    Covers burglary and 24-hour zones; auxiliary and temperature zones always read ready.
    """

    OPCODE = Opcode.ZONE_READY_STATUS

    bitmap: bytes = b""

    def not_ready_zones(self) -> frozenset[int]:
        return frozenset(
            index * 8 + bit + 1
            for index, byte in enumerate(self.bitmap)
            for bit in range(8)
            if byte & (0x80 >> bit)
        )

    def is_ready(self, zone: int) -> bool:
        index, bit = divmod(zone - 1, 8)
        return not (0 <= index < len(self.bitmap) and self.bitmap[index] & (0x80 >> bit))

    @classmethod
    def from_not_ready(cls, zones: Iterable[int], zone_count: int) -> Self:
        """The bitmap an emulator sends for ``zone_count`` zones with ``zones`` not ready."""
        check_range(zone_count, 0, MAX_READY_ZONES, "zone count")
        bitmap = bytearray((zone_count + 7) // 8)
        for zone in zones:
            check_range(zone, 1, zone_count, "not-ready zone")
            index, bit = divmod(zone - 1, 8)
            bitmap[index] |= 0x80 >> bit
        return cls(bytes(bitmap))

    def encode_payload(self) -> bytes:
        return bytes(self.bitmap)

    @classmethod
    def decode_payload(cls, payload: bytes) -> Self:
        return cls(bytes(payload))
