"""The protocol package's one exception hierarchy.

Every decoder and state machine in ``omni2mqtt.protocol`` raises only :class:`ProtocolError`
subclasses, whatever bytes it is fed; callers can rely on that to keep running on junk input.
Messages are written for the person reading the log: what was wrong and what to do about it.
"""

from __future__ import annotations


class ProtocolError(Exception):
    """Base class: the bytes or the exchange broke the Omni-Link II protocol."""


class FramingError(ProtocolError):
    """The byte stream cannot be split into packets (desync, bad header); reconnect."""


class UnknownPacketTypeError(FramingError):
    """An outer packet carried a type byte the protocol does not define."""

    def __init__(self, packet_type: int) -> None:
        super().__init__(
            f"unknown outer packet type 0x{packet_type:02x}: the stream is out of step "
            "or the peer is not an Omni-Link II panel; reconnect"
        )
        self.packet_type = packet_type


class BadStartByteError(FramingError):
    """A decrypted message does not start with the v2 start character 0x21."""

    def __init__(self, start: int) -> None:
        super().__init__(
            f"decrypted message starts with 0x{start:02x}, not 0x21: the controller key is "
            "wrong or the stream is out of step; reconnect"
        )
        self.start = start


class BadLengthError(FramingError):
    """A message's length byte or size is impossible."""


class BadCrcError(ProtocolError):
    """A message's CRC-16/ARC does not match its content."""

    def __init__(self, expected: int, received: int) -> None:
        super().__init__(
            f"CRC mismatch: computed 0x{expected:04x}, message carries 0x{received:04x} "
            "(corrupted frame or desynchronised stream)"
        )
        self.expected = expected
        self.received = received


class DecodeError(ProtocolError):
    """A well-framed message's payload does not fit its opcode's layout."""


class EncodeError(ProtocolError):
    """A value cannot be put on the wire (out of range, too long, wrong type)."""


class UnknownOpcodeError(DecodeError):
    """A message carries an opcode this codec does not know."""

    def __init__(self, opcode: int) -> None:
        super().__init__(f"unknown Omni-Link II opcode {opcode}")
        self.opcode = opcode


class HandshakeError(ProtocolError):
    """The session handshake went wrong (unexpected packet, bad version, mismatched echo)."""


class WrongKeyError(HandshakeError):
    """The panel rejected the secure session: the controller key is wrong."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "the panel rejected the secure session: the controller key is wrong "
            "(copy it again from PC Access, 32 hex digits)" + (f"; {detail}" if detail else "")
        )


class SessionRefusedError(HandshakeError):
    """The panel answered ControllerCannotStartNewSession: another client holds it."""

    def __init__(self) -> None:
        super().__init__(
            "the panel refused a new session (ControllerCannotStartNewSession): another "
            "client such as PC Access or another bridge is connected; wait and retry"
        )


class SessionTerminatedError(ProtocolError):
    """The peer ended the session (ControllerSessionTerminated / ClientSessionTerminated)."""


class ProgramError(ProtocolError):
    """A program record or its JSON form is invalid (slot, field range, unknown type)."""
