"""Helpers for the simulation-core tests: a demo panel on a fixed clock, and push decoding."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from omni2mqtt.emulator.panel import EmulatedPanel
from omni2mqtt.emulator.scenario import load_scenario, parse_scenario
from omni2mqtt.protocol.events import Event
from omni2mqtt.protocol.frame import Frame
from omni2mqtt.protocol.messages.base import Message, decode_message
from omni2mqtt.protocol.messages.control import Command
from omni2mqtt.protocol.messages.notifications import EnableNotifications, SystemEvents
from omni2mqtt.protocol.messages.status import ExtendedStatus
from omni2mqtt.protocol.records import StatusRecord

NOW = datetime(2024, 5, 6, 7, 8, 9)  # a Monday


def demo_panel(**kwargs: Any) -> EmulatedPanel:
    return EmulatedPanel(load_scenario("demo"), clock=lambda: NOW, **kwargs)


def yaml_panel(text: str, **kwargs: Any) -> EmulatedPanel:
    return EmulatedPanel(parse_scenario(text), clock=lambda: NOW, **kwargs)


def ask(panel: EmulatedPanel, message: Message) -> Message | None:
    """Send a request through its wire form and return the reply, checked the same way."""
    request = decode_message(Frame.decode(message.encode()))
    reply = panel.handle(request)
    if reply is not None:
        assert decode_message(Frame.decode(reply.encode())) == reply
    return reply


def command(panel: EmulatedPanel, cmd: int, p1: int = 0, p2: int = 0) -> Message | None:
    return ask(panel, Command(cmd, p1, p2))


def listening(panel: EmulatedPanel) -> EmulatedPanel:
    """Enable notifications (as a client does after the handshake) and drop earlier pushes."""
    assert ask(panel, EnableNotifications(True)) is not None
    panel.drain_pushes()
    return panel


def words(pushes: list[Message]) -> list[int]:
    return [w for m in pushes if isinstance(m, SystemEvents) for w in m.words]


def events(pushes: list[Message]) -> list[Event]:
    return [e for m in pushes if isinstance(m, SystemEvents) for e in m.events]


def records(pushes: list[Message], object_type: int | None = None) -> list[StatusRecord]:
    """Records of the ExtendedStatus pushes (each must carry exactly one object)."""
    found = []
    for message in pushes:
        if isinstance(message, ExtendedStatus):
            assert len(message.records) == 1
            if object_type is None or message.object_type == object_type:
                found.append(message.records[0])
    return found
