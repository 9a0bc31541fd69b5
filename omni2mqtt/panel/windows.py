"""Status request windows over discovered object numbers (spec §9).

Real panels stay silent when a reply would not fit one packet, and small panels Nak numbers
they do not have, so the client never asks for "1..capacity": it polls the numbers it
discovered in windows no wider than one reply holds.

Deviation from the spec: its *recommended* windows (32 zones or units, 8 areas or thermostats,
16 auxiliaries) are conservative guesses, not observed limits. The spec's own data says a panel
goes silent only when the reply would not fit (an Omni IIe answered a 50-zone ExtendedStatus and
ignored a 60-zone one; 58 is the most that fits), so windows here are sized to the protocol's
limit (MessageLength L <= 236): 58 zones, 38 areas, 16 thermostats, 77 messages... About half
the requests of the recommended windows on a large panel. Where that guess is wrong the
fallback still holds: a window that gets Nak, EOD or silence is split down to single objects,
and a panel that stays silent is remembered (:class:`StatusWindows`), so it costs the timeout
once per panel identity, not on every start.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence

from ..protocol.messages.status import max_records
from ..protocol.objects import ObjectType

# A multi-object window may be ignored on purpose (a reply that would not fit), so its timeout
# decides what a start costs when that happens. A panel answers a status request from memory
# in tens of milliseconds; 2 s is still two orders of magnitude above that, while the general
# request timeout (5-10 s, spec 8) is sized for slow commands. A reply later than this is
# dropped as a stale sequence number and the window is retried in halves: never wrong, only
# slower. But a silence also teaches a smaller window, kept across starts, so a panel seen to
# answer slowly gets proportionally longer (up to the request timeout): it must not be taken
# for one that cannot fit the reply.
SILENT_WINDOW_TIMEOUT = 2.0
SLOW_REPLY_FACTOR = 4.0

# Extended records the panel may send longer than documented: units with the SDK's power field
# (7 bytes instead of 5). Until a reply shows the length, windows assume the longest.
_LONGEST_RECORD: dict[ObjectType, int] = {ObjectType.UNIT: 7}


def window_size(object_type: ObjectType, extended: bool, record_length: int | None = None) -> int:
    """How many objects one reply holds; ``record_length`` is the longest the panel was seen to
    send (None: not seen yet, assume the longest it may send)."""
    if not extended:
        return max(1, max_records(object_type, False))
    length = record_length or _LONGEST_RECORD.get(object_type)
    return max(1, max_records(object_type, True, length))


def silent_window_timeout(request_timeout: float, slowest_reply: float) -> float:
    """The timeout of a window the panel may ignore, given its slowest reply so far."""
    return min(request_timeout, max(SILENT_WINDOW_TIMEOUT, SLOW_REPLY_FACTOR * slowest_reply))


def next_window(numbers: Sequence[int], size: int) -> int:
    """How many of the sorted ``numbers`` the window from the first one spanning ``size``
    numbers takes. It may span unnamed objects; the panel answers for those too."""
    return bisect_left(numbers, numbers[0] + size) if numbers else 0


class StatusWindows:
    """Window sizes per kind for one panel: what fits one reply, and no more than the panel
    taught by staying silent (``learned``, kept with the name cache)."""

    def __init__(self, extended: bool, learned: Mapping[ObjectType, int] | None = None) -> None:
        self.extended = extended
        self.learned: dict[ObjectType, int] = dict(learned or {})
        self.changed = False  # learned something since the last save
        self._record_length: dict[ObjectType, int] = {}

    def size(self, kind: ObjectType) -> int:
        fit = window_size(kind, self.extended, self._record_length.get(kind))
        return min(fit, self.learned.get(kind, fit))

    def saw_record_length(self, kind: ObjectType, length: int) -> None:
        # The longest seen wins: one reply with short records does not prove all are short.
        if self.extended and length > self._record_length.get(kind, 0):
            self._record_length[kind] = length

    def after_failure(self, kind: ObjectType, span: int, *, silent: bool) -> int:
        """The window to retry a failed one spanning ``span`` numbers with.

        Only silence teaches a limit: the panel ignores a reply that would not fit, while Nak
        and EOD are about the objects in the window (a small panel refusing numbers it lacks)
        and say nothing about the size.
        """
        safe = window_size(kind, self.extended)
        smaller = safe if span > safe else max(1, span // 2)
        if silent and smaller < self.learned.get(kind, span):
            self.learned[kind] = smaller
            self.changed = True
        return smaller
