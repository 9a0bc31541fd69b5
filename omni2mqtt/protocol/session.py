"""Sans-I/O session state machines for both roles: handshake, encryption, message codec (§3-§8).

Feed received bytes to ``receive_data`` and act on the returned events; every method that has
something to send returns the bytes to write. Nothing here reads a clock or touches a socket: the
client (``omni2mqtt.panel``) and the emulator (``omni2mqtt.emulator``) do the I/O and the timing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from . import messages as _messages  # noqa: F401  (importing registers every message class)
from .crypto import SESSION_ID_SIZE, PacketCipher, derive_session_key
from .errors import (
    HandshakeError,
    ProtocolError,
    SessionRefusedError,
    WrongKeyError,
)
from .frame import START_V2, Frame
from .messages.base import Message, decode_message
from .packet import PROTOCOL_VERSION, Packet, PacketReader, PacketType
from .sequence import PUSH_SEQ, SequenceCounter

_SECURE_PADDING = bytes(11)


class SessionState(Enum):
    IDLE = "idle"
    AWAITING_NEW_SESSION_ACK = "awaiting_new_session_ack"  # client
    AWAITING_SECURE_REQUEST = "awaiting_secure_request"  # panel
    AWAITING_SECURE_ACK = "awaiting_secure_ack"  # client
    SECURE = "secure"
    CLOSED = "closed"


@dataclass(frozen=True)
class SessionEvent:
    """Base of everything ``receive_data`` reports."""


@dataclass(frozen=True)
class NewSessionRequested(SessionEvent):
    """Panel side: a client sent ClientRequestNewSession; answer with accept() or refuse()."""

    seq: int


@dataclass(frozen=True)
class SecureSessionRequested(SessionEvent):
    """Panel side: the client proved (or failed to prove) the key; answer complete_handshake()."""

    seq: int
    key_ok: bool


@dataclass(frozen=True)
class NewSessionAcknowledged(SessionEvent):
    """Client side: the panel sent a session id; answer with request_secure_session()."""

    session_id: bytes = field(repr=False)


@dataclass(frozen=True)
class SecureSessionEstablished(SessionEvent):
    """Client side: the panel acknowledged the secure session; requests may flow."""

    session_id: bytes = field(repr=False)


@dataclass(frozen=True)
class MessageReceived(SessionEvent):
    """A decoded application message. ``seq`` 0 is an unsolicited panel push."""

    seq: int
    message: Message

    @property
    def is_push(self) -> bool:
        return self.seq == PUSH_SEQ


@dataclass(frozen=True)
class InvalidMessage(SessionEvent):
    """A whole packet arrived but its message could not be decoded (bad CRC, unknown opcode,
    payload that does not fit the layout). The stream itself is still in step."""

    seq: int
    error: ProtocolError
    frame: Frame | None = None


@dataclass(frozen=True)
class SessionTerminated(SessionEvent):
    """The peer ended the session (05 from a client, 06 from a panel)."""


@dataclass
class _SessionBase:
    controller_key: bytes = field(repr=False)
    state: SessionState = SessionState.IDLE
    session_id: bytes | None = field(default=None, repr=False)
    _cipher: PacketCipher | None = field(default=None, repr=False)
    _reader: PacketReader = field(default_factory=PacketReader, repr=False)

    def _set_session_id(self, session_id: bytes) -> None:
        self.session_id = session_id
        self._cipher = PacketCipher(derive_session_key(self.controller_key, session_id))
        self._reader.cipher = self._cipher

    @property
    def cipher(self) -> PacketCipher:
        if self._cipher is None:
            raise HandshakeError("no session key yet: the handshake has not got that far")
        return self._cipher

    def _encrypt_packet(self, seq: int, packet_type: PacketType, plain: bytes) -> bytes:
        return Packet(seq, packet_type, self.cipher.encrypt(plain, seq)).encode()

    def _encode_message(self, seq: int, message: Message) -> bytes:
        if self.state is not SessionState.SECURE:
            raise HandshakeError(
                f"cannot send {type(message).__name__}: session is {self.state.value}"
            )
        return self._encrypt_packet(seq, PacketType.OMNI_LINK2_MESSAGE, message.encode())

    def _decode_message_packet(self, packet: Packet) -> SessionEvent:
        if self.state is not SessionState.SECURE:
            raise HandshakeError("an application message arrived before the session was secure")
        plain = self.cipher.decrypt(packet.payload, packet.seq)
        frame: Frame | None = None
        try:
            frame = Frame.decode(plain, START_V2)
            return MessageReceived(packet.seq, decode_message(frame))
        except ProtocolError as exc:
            return InvalidMessage(packet.seq, exc, frame)

    def _unexpected(self, packet: Packet) -> HandshakeError:
        return HandshakeError(
            f"unexpected {packet.type.name} packet (seq {packet.seq}) while {self.state.value}"
        )

    def receive_data(self, data: bytes) -> list[SessionEvent]:
        """Consume received bytes; return the events of every whole packet among them.

        Raises a :class:`ProtocolError` subclass when the stream is unusable (framing error,
        failed handshake); the connection must then be closed.
        """
        self._reader.feed(data)
        events: list[SessionEvent] = []
        for packet in self._reader:
            event = self._handle(packet)
            if event is not None:
                events.append(event)
        return events

    def _handle(self, packet: Packet) -> SessionEvent | None:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass
class ClientSession(_SessionBase):
    """The client's side: ``initiate()``, feed replies, then ``send()`` requests."""

    first_seq: int = 1
    _seq: SequenceCounter = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._seq = SequenceCounter(self.first_seq)

    def initiate(self) -> bytes:
        """ClientRequestNewSession: the first bytes of every connection."""
        if self.state is not SessionState.IDLE:
            raise HandshakeError(f"initiate() called while {self.state.value}")
        self.state = SessionState.AWAITING_NEW_SESSION_ACK
        return Packet(self._seq.take(), PacketType.CLIENT_REQUEST_NEW_SESSION).encode()

    def send(self, message: Message) -> tuple[int, bytes]:
        """Encrypt a request under the next sequence number; returns (seq, bytes)."""
        seq = self._seq.take()
        return seq, self._encode_message(seq, message)

    def close(self) -> bytes:
        """ClientSessionTerminated with the next sequence number (send it before closing)."""
        self.state = SessionState.CLOSED
        return Packet(self._seq.take(), PacketType.CLIENT_SESSION_TERMINATED).encode()

    def _handle(self, packet: Packet) -> SessionEvent | None:
        kind = packet.type
        if kind is PacketType.OMNI_LINK2_MESSAGE:
            return self._decode_message_packet(packet)
        if kind is PacketType.CONTROLLER_SESSION_TERMINATED:
            if self.state is SessionState.AWAITING_SECURE_ACK:
                # The panel answers a SecureSession it cannot decrypt with 06 (spec §3 step 5).
                self.state = SessionState.CLOSED
                raise WrongKeyError()
            self.state = SessionState.CLOSED
            return SessionTerminated()
        if kind is PacketType.CONTROLLER_CANNOT_START_NEW_SESSION:
            self.state = SessionState.CLOSED
            raise SessionRefusedError()
        if kind is PacketType.NO_MESSAGE:
            return None
        if (
            kind is PacketType.CONTROLLER_ACK_NEW_SESSION
            and self.state is SessionState.AWAITING_NEW_SESSION_ACK
        ):
            return self._on_new_session_ack(packet)
        if (
            kind is PacketType.CONTROLLER_ACK_SECURE_SESSION
            and self.state is SessionState.AWAITING_SECURE_ACK
        ):
            return self._on_secure_ack(packet)
        raise self._unexpected(packet)

    def _on_new_session_ack(self, packet: Packet) -> SessionEvent:
        version, session_id = packet.payload[:2], packet.payload[2:]
        if version != PROTOCOL_VERSION:
            raise HandshakeError(
                f"panel speaks protocol version {version.hex()}, not 0001: unsupported panel"
            )
        self._set_session_id(session_id)
        return NewSessionAcknowledged(session_id)

    def request_secure_session(self) -> bytes:
        """ClientRequestSecureSession: the session id, encrypted, proves we hold the key."""
        if self.state is not SessionState.AWAITING_NEW_SESSION_ACK or self.session_id is None:
            raise HandshakeError(f"request_secure_session() called while {self.state.value}")
        self.state = SessionState.AWAITING_SECURE_ACK
        return self._encrypt_packet(
            self._seq.take(),
            PacketType.CLIENT_REQUEST_SECURE_SESSION,
            self.session_id + _SECURE_PADDING,
        )

    def _on_secure_ack(self, packet: Packet) -> SessionEvent:
        echoed = self.cipher.decrypt(packet.payload, packet.seq)[:SESSION_ID_SIZE]
        if echoed != self.session_id:
            self.state = SessionState.CLOSED
            raise WrongKeyError("the panel's secure-session echo does not match our session id")
        self.state = SessionState.SECURE
        return SecureSessionEstablished(echoed)


@dataclass
class PanelSession(_SessionBase):
    """The panel's side, for the emulator: answer the handshake, decode requests, reply, push."""

    _key_ok: bool = field(default=False, repr=False)

    def _handle(self, packet: Packet) -> SessionEvent | None:
        kind = packet.type
        if kind is PacketType.OMNI_LINK2_MESSAGE:
            return self._decode_message_packet(packet)
        if kind is PacketType.CLIENT_SESSION_TERMINATED:
            self.state = SessionState.CLOSED
            return SessionTerminated()
        if kind is PacketType.NO_MESSAGE:
            return None
        if kind is PacketType.CLIENT_REQUEST_NEW_SESSION and self.state is SessionState.IDLE:
            return NewSessionRequested(packet.seq)
        if (
            kind is PacketType.CLIENT_REQUEST_SECURE_SESSION
            and self.state is SessionState.AWAITING_SECURE_REQUEST
        ):
            plain = self.cipher.decrypt(packet.payload, packet.seq)
            self._key_ok = plain == (self.session_id or b"") + _SECURE_PADDING
            return SecureSessionRequested(packet.seq, self._key_ok)
        raise self._unexpected(packet)

    def accept(self, seq: int, session_id: bytes) -> bytes:
        """ControllerAckNewSession echoing the client's seq, with a fresh 5-byte session id."""
        if self.state is not SessionState.IDLE:
            raise HandshakeError(f"accept() called while {self.state.value}")
        if len(session_id) != SESSION_ID_SIZE:
            raise HandshakeError(f"session id must be {SESSION_ID_SIZE} bytes")
        self._set_session_id(session_id)
        self.state = SessionState.AWAITING_SECURE_REQUEST
        payload = PROTOCOL_VERSION + session_id
        return Packet(seq, PacketType.CONTROLLER_ACK_NEW_SESSION, payload).encode()

    def refuse(self, seq: int) -> bytes:
        """ControllerCannotStartNewSession: the panel is busy with another client."""
        self.state = SessionState.CLOSED
        return Packet(seq, PacketType.CONTROLLER_CANNOT_START_NEW_SESSION).encode()

    def complete_handshake(self, seq: int) -> bytes:
        """Answer the secure-session request: the encrypted echo, or 06 for a wrong key."""
        if self.state is not SessionState.AWAITING_SECURE_REQUEST or self.session_id is None:
            raise HandshakeError(f"complete_handshake() called while {self.state.value}")
        if not self._key_ok:
            return self.terminate(seq)
        self.state = SessionState.SECURE
        return self._encrypt_packet(
            seq, PacketType.CONTROLLER_ACK_SECURE_SESSION, self.session_id + _SECURE_PADDING
        )

    def reply(self, seq: int, message: Message) -> bytes:
        """A reply carries the request's sequence number, whatever the client started at."""
        return self._encode_message(seq, message)

    def push(self, message: Message) -> bytes:
        """An unsolicited message (SystemEvents, ExtendedStatus) with sequence 0."""
        return self._encode_message(PUSH_SEQ, message)

    def terminate(self, seq: int = PUSH_SEQ) -> bytes:
        """ControllerSessionTerminated: the panel ends the session (wrong key, idle timeout)."""
        self.state = SessionState.CLOSED
        return Packet(seq, PacketType.CONTROLLER_SESSION_TERMINATED).encode()
