"""Checks over every registered message class at once (spec §7, §9).

Each module in ``tests/protocol/strategies/`` exports ``MESSAGE_STRATEGIES``, one strategy per
message class. A message class that is registered (by defining it) without a strategy there
fails :func:`test_every_registered_message_has_one_strategy`; the round trip and the fuzz tests
then cover it through the whole path: frame bytes, ``Frame.decode``, ``decode_message``.
"""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
from types import ModuleType

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

import omni2mqtt.protocol
from omni2mqtt.protocol.errors import ProtocolError
from omni2mqtt.protocol.frame import Frame
from omni2mqtt.protocol.messages.base import (
    Message,
    decode_message,
    message_class,
    registered_opcodes,
)

from . import strategies


def _import_all(package: ModuleType) -> list[ModuleType]:
    return [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
    ]


# Defining a message class registers it: import every protocol module, not only those that
# messages/__init__ lists, so a class in a forgotten module is still seen here.
_import_all(omni2mqtt.protocol)
STRATEGY_MODULES = {
    module.__name__.rpartition(".")[2]: module for module in _import_all(strategies)
}
STRATEGIES: list[SearchStrategy[Message]] = [
    strategy for module in STRATEGY_MODULES.values() for strategy in module.MESSAGE_STRATEGIES
]
REGISTERED_OPCODES = registered_opcodes()
REGISTERED = {message_class(opcode) for opcode in REGISTERED_OPCODES}


def _class_of(strategy: SearchStrategy[Message]) -> type[Message]:
    """The class a strategy produces, from its first (simplest) example."""
    quick = settings(database=None, max_examples=1, phases=[Phase.generate])
    return type(find(strategy, lambda _: True, settings=quick))


STRATEGIES_BY_CLASS: dict[type[Message], SearchStrategy[Message]] = {
    _class_of(strategy): strategy for strategy in STRATEGIES
}
COVERED = sorted(STRATEGIES_BY_CLASS, key=lambda cls: int(cls.OPCODE))


def test_strategy_modules_are_all_found() -> None:
    assert set(STRATEGY_MODULES) >= {"generic", "notifications", "programs", "status", "system"}


def test_every_registered_message_has_one_strategy() -> None:
    assert len(STRATEGIES_BY_CLASS) == len(STRATEGIES), "two strategies build the same class"
    missing = sorted(cls.__name__ for cls in REGISTERED - set(STRATEGIES_BY_CLASS))
    unregistered = sorted(cls.__name__ for cls in set(STRATEGIES_BY_CLASS) - REGISTERED)
    assert not missing, f"registered messages without a strategy in strategies/: {missing}"
    assert not unregistered, f"strategies for classes that are not registered: {unregistered}"
    assert len(REGISTERED) >= 43  # every message of spec §11-§20 at the time of writing


@pytest.mark.parametrize("cls", COVERED, ids=lambda cls: cls.__name__)
@settings(max_examples=50)
@given(data=st.data())
def test_round_trip_through_the_frame(cls: type[Message], data: st.DataObject) -> None:
    message = data.draw(STRATEGIES_BY_CLASS[cls])
    assert type(message) is cls
    frame = Frame.decode(message.encode())
    assert frame.opcode == cls.OPCODE
    assert decode_message(frame) == message


_OPCODES = st.one_of(st.sampled_from(sorted(REGISTERED_OPCODES)), st.integers(0, 0xFF))


@settings(max_examples=10_000)
@given(opcode=_OPCODES, payload=st.binary(max_size=260))
def test_fuzz_payloads_raise_only_protocol_errors(opcode: int, payload: bytes) -> None:
    message: Message | None = None
    with contextlib.suppress(ProtocolError):
        message = decode_message(Frame(opcode, payload))
    if opcode in REGISTERED_OPCODES:
        # The class's own decoder too: decode_message folds a leaked ValueError / TypeError
        # into DecodeError, which would hide a decoder that raises one.
        cls = message_class(opcode)
        with contextlib.suppress(ProtocolError):
            assert type(cls.decode_payload(payload)) is cls
    if message is None:
        return
    assert opcode == message.OPCODE
    # Whatever decodes and encodes again (a decoder may accept values the encoder refuses, so
    # that an emulator can Nak them) decodes back to the same message.
    with contextlib.suppress(ProtocolError):
        assert decode_message(Frame.decode(message.encode())) == message


# Arbitrary bytes rarely carry a valid CRC; frames built from arbitrary content do, and then
# truncating or extending them exercises the length checks.
_FRAMES = st.one_of(
    st.binary(max_size=260),
    st.builds(
        lambda opcode, payload, cut, extra: Frame(opcode, payload).encode()[:cut] + extra,
        _OPCODES,
        st.binary(max_size=254),
        st.integers(0, 260),
        st.binary(max_size=4),
    ),
)


# Frame.decode is a few length and CRC checks: fewer examples cover it.
@settings(max_examples=3_000)
@given(data=_FRAMES)
def test_fuzz_frames_raise_only_protocol_errors(data: bytes) -> None:
    with contextlib.suppress(ProtocolError):
        decode_message(Frame.decode(data))
