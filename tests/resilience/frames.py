"""Frame fuzzing: a corpus of real panel traffic, mutators, and the three layers a frame from a
panel goes through in the gateway.

1. ``Frame.decode`` + ``decode_message`` (and the class's own ``decode_payload``): only
   ``ProtocolError`` subclasses may escape.
2. What decodes is applied to a synced ``PanelState`` as a push, and every view it changes is
   rendered to MQTT payloads: nothing may raise (a push handler that raises would kill the
   client's reader task).
3. The mutated frame, encrypted into an outer packet (sometimes with a mutated header or stray
   bytes around it), is fed in random chunks to a secure ``ClientSession``: only
   ``ProtocolError`` subclasses may escape (the client then reconnects), and the reader never
   buffers more than one largest packet.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
from collections import Counter
from collections.abc import Callable
from typing import Any

from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.scenario import load_scenario
from omni2mqtt.emulator.server import EmulatorServer
from omni2mqtt.mqtt.attributes import render_system, render_view
from omni2mqtt.panel.commands import PanelCommands
from omni2mqtt.panel.connection import PanelConnection
from omni2mqtt.panel.event_log import PanelEventLog
from omni2mqtt.panel.programs import PanelPrograms
from omni2mqtt.panel.security import PanelSecurity
from omni2mqtt.panel.state import PanelState, StateChange
from omni2mqtt.panel.sync import PanelSynchronizer
from omni2mqtt.protocol.errors import ProtocolError
from omni2mqtt.protocol.frame import MAX_MESSAGE_LENGTH, Frame
from omni2mqtt.protocol.messages.base import (
    Message,
    decode_message,
    message_class,
    registered_opcodes,
)
from omni2mqtt.protocol.messages.control import Command
from omni2mqtt.protocol.messages.system import RequestSystemStatus
from omni2mqtt.protocol.packet import HEADER_SIZE, MAX_READ_BLOCKS, Packet, PacketType
from omni2mqtt.protocol.session import (
    ClientSession,
    NewSessionRequested,
    PanelSession,
    SecureSessionRequested,
)
from omni2mqtt.protocol.system_tables import Trouble

KEY = bytes(range(16))
OPCODES = sorted(registered_opcodes())
_INTERESTING = (0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF)
_MAX_BUFFER = HEADER_SIZE + MAX_READ_BLOCKS * 16


# -- corpus: real traffic from an emulated panel ------------------------------------------------


class _Recording(PanelConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.seen: list[Message] = []
        super().__init__(*args, on_push=self.seen.append, **kwargs)

    async def request(
        self, message: Message, *, timeout: float | None = None, may_be_silent: bool = False
    ) -> Message:
        reply = await super().request(message, timeout=timeout, may_be_silent=may_be_silent)
        self.seen.append(reply)
        return reply


async def capture_corpus() -> tuple[list[bytes], PanelState]:
    """Every distinct frame a demo panel sent in a sync, commands, security, programs, the
    event log and pushes; and the synced state (for layer 2)."""
    panel = EmulatedPanel(load_scenario("demo"))
    async with EmulatorServer(panel, KEY, port=0) as server:
        connection = _Recording("127.0.0.1", server.port, KEY)
        await connection.connect()
        try:
            state = PanelState()
            await PanelSynchronizer(connection, state, panel_id="fuzz").run()
            await _exercise(connection, panel)
        finally:
            await connection.close()
    frames = {message.encode() for message in connection.seen}
    return sorted(frames), state


async def _exercise(connection: PanelConnection, panel: EmulatedPanel) -> None:
    commands = PanelCommands(connection)
    await commands.unit_on(1)
    await commands.unit_level(2, 35)
    await commands.set_counter(395, 9)
    await commands.set_heat_setpoint(1, 66)
    await commands.audio_zone_volume(1, 20)
    await commands.show_message(2)
    await commands.unlock(1)
    await PanelSecurity(connection).set_mode(2, 3, "1234")
    await PanelSecurity(connection).disarm(2, "1234")
    await PanelPrograms(connection).read_all()
    await PanelEventLog(connection).recent_items(10)
    await connection.request(RequestSystemStatus())
    await connection.request(Command(1, 0, 999))  # Nak
    panel.set_zone_open(3, True)
    panel.set_zone_loop(20, 120)
    panel.set_thermostat(1, temperature=130, humidity=100)
    panel.set_trouble(Trouble.AC_POWER, True)
    panel.emit_event_words([0x0300 | 5, 0x0400 | 2, 0xF000, 0x0200 | 1])
    await asyncio.sleep(0.3)  # the emulator's tick sends the pushes


# -- mutators ------------------------------------------------------------------------------------


def _bitflip(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes:
    buf = bytearray(data or b"\0")
    for _ in range(rng.randint(1, 4)):
        buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
    return bytes(buf)


def _byteset(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes:
    buf = bytearray(data or b"\0")
    for _ in range(rng.randint(1, 3)):
        value = rng.choice(_INTERESTING) if rng.random() < 0.5 else rng.randrange(256)
        buf[rng.randrange(len(buf))] = value
    return bytes(buf)


def _insert(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes:
    at = rng.randint(0, len(data))
    return data[:at] + rng.randbytes(rng.randint(1, 16)) + data[at:]


def _delete(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes:
    at = rng.randint(0, len(data))
    return data[:at] + data[at + rng.randint(1, 16) :]


def _truncate(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes:
    return data[: rng.randint(0, len(data))]


def _splice(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes:
    other = rng.choice(corpus)
    return data[: rng.randint(0, len(data))] + other[rng.randint(0, len(other)) :]


def _random(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes:
    return rng.randbytes(rng.randint(0, 260))


def _reframed(opcode: int, payload: bytes) -> bytes:
    """A frame with a correct length and CRC around any payload: reaches the decoders."""
    return Frame(opcode & 0xFF, payload[: MAX_MESSAGE_LENGTH - 1]).encode()


def _payload_mutation(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes:
    try:
        frame = Frame.decode(data)
    except ProtocolError:
        frame = Frame.decode(rng.choice(corpus))
    payload = rng.choice((_bitflip, _byteset, _insert, _delete, _truncate))(
        rng, frame.payload, corpus
    )
    return _reframed(frame.opcode, payload)


def _opcode_swap(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes:
    payload = data[3:-2] if len(data) > 5 else data
    opcode = rng.choice(OPCODES) if rng.random() < 0.9 else rng.randrange(256)
    return _reframed(opcode, payload)


def _random_payload(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes:
    return _reframed(rng.choice(OPCODES), rng.randbytes(rng.randint(0, 60)))


Mutator = Callable[[random.Random, bytes, list[bytes]], bytes]
# Frame-preserving mutators (valid length and CRC, fuzzed content) weigh most: they get past
# the frame checks into the decoders and the state.
MUTATORS: list[Mutator] = [
    _bitflip,
    _byteset,
    _insert,
    _delete,
    _truncate,
    _splice,
    _random,
    *[_payload_mutation] * 5,
    *[_opcode_swap] * 3,
    *[_random_payload] * 2,
]


def mutate(rng: random.Random, corpus: list[bytes]) -> bytes:
    data = rng.choice(corpus)
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        data = rng.choice(MUTATORS)(rng, data, corpus)
    return data


# -- the layers ----------------------------------------------------------------------------------


def secure_client() -> ClientSession:
    """A client session in the secure state, after an in-memory handshake."""
    client, panel = ClientSession(KEY), PanelSession(KEY)
    (requested,) = panel.receive_data(client.initiate())
    assert isinstance(requested, NewSessionRequested)
    client.receive_data(panel.accept(requested.seq, os.urandom(5)))
    (secure,) = panel.receive_data(client.request_secure_session())
    assert isinstance(secure, SecureSessionRequested)
    client.receive_data(panel.complete_handshake(secure.seq))
    return client


class FrameFuzzer:
    """Runs mutated frames through the three layers; ``counts`` says what each one saw."""

    def __init__(self, corpus: list[bytes], state: PanelState) -> None:
        self.corpus = corpus
        self.state = state
        self.client = secure_client()
        self.counts: Counter[str] = Counter()
        self._changes: list[StateChange] = []
        state.subscribe(self._changes.append)

    def run(self, rng: random.Random, frames: int) -> None:
        for _ in range(frames):
            data = mutate(rng, self.corpus)
            try:
                self.one(rng, data)
            except AssertionError:
                raise
            except Exception as exc:
                raise AssertionError(f"frame {data.hex()}: {exc!r}") from exc

    def one(self, rng: random.Random, data: bytes) -> None:
        self.counts["frames"] += 1
        message = self.decode(data)
        if message is not None:
            self.apply(message)
        self.stream(rng, data)

    def decode(self, data: bytes) -> Message | None:
        try:
            frame = Frame.decode(data)
        except ProtocolError:
            self.counts["frame_rejected"] += 1
            return None
        if frame.opcode in OPCODES:
            # The class's own decoder too: decode_message folds a stray ValueError into a
            # DecodeError, which would hide a decoder raising one.
            with contextlib.suppress(ProtocolError):
                message_class(frame.opcode).decode_payload(frame.payload)
        try:
            message = decode_message(frame)
        except ProtocolError:
            self.counts["payload_rejected"] += 1
            return None
        self.counts["decoded"] += 1
        return message

    def apply(self, message: Message) -> None:
        self._changes.clear()
        self.state.apply_message(message)
        self.state.areas_needing_refresh()
        for change in self._changes:
            if change.object_type is None:
                render_system(self.state.system_view())
            else:
                render_view(change.object_type, change.new)
        self.counts["state_changes"] += len(self._changes)

    def stream(self, rng: random.Random, data: bytes) -> None:
        seq = 0 if rng.random() < 0.5 else rng.randint(1, 0xFFFF)
        plain = data[: MAX_READ_BLOCKS * 16]
        wire = Packet(seq, PacketType.OMNI_LINK2_MESSAGE, self.client.cipher.encrypt(plain, seq))
        raw = wire.encode()
        if rng.random() < 0.1:
            raw = _bitflip(rng, raw[:HEADER_SIZE], self.corpus) + raw[HEADER_SIZE:]
        if rng.random() < 0.05:
            raw = rng.randbytes(rng.randint(1, 8)) + raw
        cuts = sorted(rng.randint(0, len(raw)) for _ in range(rng.randint(0, 3)))
        try:
            for start, end in zip([0, *cuts], [*cuts, len(raw)], strict=True):
                for _ in self.client.receive_data(raw[start:end]):
                    self.counts["stream_events"] += 1
                assert self.client._reader.buffered <= _MAX_BUFFER
        except ProtocolError:
            self.counts["stream_reset"] += 1
            self.client = secure_client()
