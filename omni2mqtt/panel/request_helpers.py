"""Request plumbing shared by the typed panel APIs (commands, security, programs, event log,
time sync): argument checks that fail before anything is sent, and reply checks that turn a Nak
or an unexpected reply into the typed panel errors.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from enum import IntEnum
from typing import Protocol, TypeVar

from ..protocol.errors import ProtocolError
from ..protocol.messages.base import Message
from ..protocol.messages.generic import Ack, Nak
from .errors import PanelArgumentError, PanelNakError, PanelProtocolError

E = TypeVar("E", bound=IntEnum)


class RequestSender(Protocol):
    """What the commands need from a connection (:class:`PanelConnection` provides it)."""

    async def request(self, message: Message, *, timeout: float | None = None) -> Message: ...


@contextlib.contextmanager
def argument_errors() -> Iterator[None]:
    """Turn a codec's refusal to build a message into :class:`PanelArgumentError`."""
    try:
        yield
    except ProtocolError as exc:
        # Codec messages name the field and range; the code encoder never echoes the code.
        raise PanelArgumentError(str(exc)) from None


def prepared(message: Message) -> Message:
    """Encode once before sending, so a bad value fails here and not inside the connection."""
    with argument_errors():
        message.encode()
    return message


def require(value: int, low: int, high: int, what: str) -> int:
    """``value`` if it is an int in ``low..high``, else :class:`PanelArgumentError`."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise PanelArgumentError(f"{what} must be {low}..{high}, got {value!r}")
    return value


def member(enum: type[E], value: int, what: str) -> E:
    """The enum member for ``value`` (a member or its number), else PanelArgumentError."""
    try:
        if isinstance(value, bool):
            raise ValueError(value)
        return enum(value)
    except ValueError:
        names = ", ".join(f"{m.value} {m.name.lower()}" for m in enum)
        raise PanelArgumentError(f"{what} must be one of {names}; got {value!r}") from None


async def exchange(sender: RequestSender, message: Message, what: str) -> Message:
    """Send one request; a Nak raises :class:`PanelNakError` naming ``what``."""
    reply = await sender.request(message)
    if isinstance(reply, Nak):
        raise PanelNakError(f"the panel refused {what} (Nak)")
    return reply


async def send_acked(sender: RequestSender, message: Message, what: str) -> None:
    """Send a request whose only good answer is Ack."""
    reply = await exchange(sender, prepared(message), what)
    if not isinstance(reply, Ack):
        raise PanelProtocolError(f"{what} was answered with {type(reply).__name__}, not Ack")


def unexpected_reply(what: str, reply: Message) -> PanelProtocolError:
    return PanelProtocolError(f"{what} was answered with {type(reply).__name__}")
