"""Fault injection beyond the emulator's own: faults timed into the middle of a sync, and a
broker killed (SIGKILL) or stopped (SIGTERM) and started again on the same port."""

from __future__ import annotations

import signal
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from omni2mqtt.emulator.faults import FaultState, RequestFault

from ..broker import Mosquitto


@dataclass
class ScheduledFaults(FaultState):
    """A :class:`FaultState` that can arm a request fault ``after`` so many more requests.

    Armed right after a session was dropped, the fault lands inside the next session's sync
    (a warm demo panel sync is 14 requests). ``during_sync`` tells, when a fault is
    taken, whether the client was still syncing; the split is counted in ``taken``.
    """

    during_sync: Callable[[], bool] = field(default=lambda: False, repr=False)
    requests_seen: int = 0
    scheduled: list[tuple[int, RequestFault, int]] = field(default_factory=list)
    taken: Counter[str] = field(default_factory=Counter)

    def arm_after(self, requests: int, fault: RequestFault, count: int = 1) -> None:
        self.scheduled.append((self.requests_seen + requests, fault, count))

    def take_request_fault(self) -> RequestFault | None:
        self.requests_seen += 1
        for item in list(self.scheduled):
            due, fault, count = item
            if self.requests_seen >= due:
                self.scheduled.remove(item)
                self.arm(fault, count)
        fault = super().take_request_fault()
        if fault is not None:
            where = "mid_sync" if self.during_sync() else "mid_session"
            self.taken[f"{fault.value}_{where}"] += 1
        return fault

    def clear(self) -> None:
        super().clear()
        self.scheduled.clear()

    @property
    def injected(self) -> int:
        """Every panel fault carried out so far (each Nak of a burst counts)."""
        return sum(self.counters.values())


def stop_broker(broker: Mosquitto, *, kill: bool) -> None:
    """Stop the broker hard (SIGKILL: no clean disconnects, no wills) or cleanly (SIGTERM).

    Without persistence the next broker on the port holds no retained message and no session:
    the gateway must notice, reconnect and republish everything.
    """
    process = broker.process
    assert process is not None
    if kill:
        process.send_signal(signal.SIGKILL)
        process.wait()
        broker.process = None
    broker.stop()  # SIGTERM, then wait (nothing left to do after the kill)
