"""Fault injection for the emulator: armed faults the server consults, and their counters.

Faults that act at once on the live connection (drop it now, write garbage now) are carried
out by :class:`~omni2mqtt.emulator.server.EmulatorServer`; this module holds what is *armed*
for a later occurrence (the next session, the next request, the next reply) and how long replies
are held back. Everything here is plain state with no I/O, so tests can drive it directly.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum, StrEnum


class FaultKind(StrEnum):
    """Names used in counters and on the control channel."""

    DROP = "drop"  # connection closed at once
    DROP_MID_REQUEST = "drop_mid_request"  # closed instead of answering a request
    GARBAGE = "garbage"  # random bytes written to the client
    STALL = "stall"  # replies held back for a while
    STALL_REQUEST = "stall_request"  # a request never answered
    REFUSE_SESSION = "refuse_session"  # ControllerCannotStartNewSession although free
    NAK = "nak"  # Nak instead of the real answer


class RequestFault(Enum):
    """What the server must do with the request it is about to handle."""

    DROP = "drop"
    IGNORE = "ignore"
    NAK = "nak"
    GARBAGE = "garbage"


def garbage_bytes(count: int) -> bytes:
    """Random bytes that a client cannot mistake for a packet.

    Byte 2 of an outer header is the packet type; 0xFF is no type, so a client reading these
    bytes at a packet boundary sees a framing error at once instead of waiting for a payload
    that looks plausible by chance.
    """
    data = bytearray(os.urandom(count))
    if count >= 3:
        data[2] = 0xFF
    return bytes(data)


# Order in which armed request faults are taken, and the counter each one bumps.
_REQUEST_FAULTS: dict[RequestFault, FaultKind] = {
    RequestFault.DROP: FaultKind.DROP_MID_REQUEST,
    RequestFault.IGNORE: FaultKind.STALL_REQUEST,
    RequestFault.GARBAGE: FaultKind.GARBAGE,
    RequestFault.NAK: FaultKind.NAK,
}
_ARMED_NAMES = {
    RequestFault.DROP: "drop_next_requests",
    RequestFault.IGNORE: "stall_next_requests",
    RequestFault.GARBAGE: "garbage_next_replies",
    RequestFault.NAK: "nak_next_requests",
}


@dataclass
class FaultState:
    """Armed faults and the per-request latency.

    Request faults are taken in a fixed order (drop, stall, garbage, nak) so one request never
    gets two of them; each armed count is consumed by one request.
    """

    latency: float = 0.0
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    pending: dict[RequestFault, int] = field(default_factory=lambda: dict.fromkeys(RequestFault, 0))
    garbage_size: int = 32
    refuse_sessions: int = 0
    stall_until: float = 0.0
    counters: Counter[str] = field(default_factory=Counter)

    # -- arming -------------------------------------------------------------------------------

    def set_latency(self, seconds: float) -> None:
        if not 0.0 <= seconds <= 60.0:
            raise ValueError(f"latency must be 0..60 seconds, got {seconds}")
        self.latency = seconds

    def stall(self, seconds: float) -> None:
        """Hold every reply (and push) back for ``seconds`` from now; requests keep queueing."""
        if not 0.0 < seconds <= 3600.0:
            raise ValueError(f"stall must be 0..3600 seconds, got {seconds}")
        self.stall_until = max(self.stall_until, self.clock() + seconds)
        self.counters[FaultKind.STALL.value] += 1

    def arm(self, fault: RequestFault, count: int = 1, *, size: int | None = None) -> None:
        """Arm ``fault`` for the next ``count`` requests (``size``: garbage bytes per reply)."""
        _check_count(count)
        if size is not None:
            check_garbage_size(size)
            self.garbage_size = size
        self.pending[fault] += count

    def refuse_next_sessions(self, count: int = 1) -> None:
        _check_count(count)
        self.refuse_sessions += count

    def clear(self) -> None:
        """Disarm everything (latency and counters stay)."""
        self.pending = dict.fromkeys(RequestFault, 0)
        self.refuse_sessions = 0
        self.stall_until = 0.0

    # -- consulting ---------------------------------------------------------------------------

    def stall_remaining(self) -> float:
        return max(0.0, self.stall_until - self.clock())

    @property
    def stalled(self) -> bool:
        return self.stall_remaining() > 0.0

    def take_request_fault(self) -> RequestFault | None:
        """The fault armed for the request being handled now, if any (consumes it)."""
        for fault, kind in _REQUEST_FAULTS.items():
            if self.pending[fault]:
                self.pending[fault] -= 1
                self.counters[kind.value] += 1
                return fault
        return None

    def take_refusal(self) -> bool:
        """True when the session being opened must be refused with 07 (consumes it)."""
        if not self.refuse_sessions:
            return False
        self.refuse_sessions -= 1
        self.counters[FaultKind.REFUSE_SESSION.value] += 1
        return True

    def count(self, kind: FaultKind) -> None:
        """Record a fault the server carried out at once (drop, garbage)."""
        self.counters[kind.value] += 1

    def summary(self) -> dict[str, object]:
        """JSON-ready view for the control channel's status op."""
        armed: dict[str, float] = {_ARMED_NAMES[f]: n for f, n in self.pending.items()}
        armed["refuse_next_sessions"] = self.refuse_sessions
        armed["stall_remaining"] = round(self.stall_remaining(), 3)
        return {
            "latency": self.latency,
            "armed": armed,
            "injected": {kind.value: self.counters[kind.value] for kind in FaultKind},
        }


def _check_count(count: int) -> None:
    if not 1 <= count <= 100_000:
        raise ValueError(f"count must be 1..100000, got {count}")


def check_garbage_size(size: int) -> None:
    if not 1 <= size <= 65536:
        raise ValueError(f"garbage size must be 1..65536 bytes, got {size}")
