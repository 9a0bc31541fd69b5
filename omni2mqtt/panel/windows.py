"""Status request windows over discovered object numbers (spec §9).

Real panels stay silent when a reply would not fit one packet, and small panels Nak numbers
they do not have, so the client never asks for "1..capacity": it groups the numbers it
discovered into windows no wider than a per-kind size and the protocol's record limit.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..protocol.messages.status import max_records
from ..protocol.objects import ObjectType

# The spec's recommended windows; the record limit of one reply bounds them further.
RECOMMENDED_WINDOW: dict[ObjectType, int] = {
    ObjectType.ZONE: 32,
    ObjectType.UNIT: 32,
    ObjectType.MESSAGE: 32,
    ObjectType.AREA: 8,
    ObjectType.THERMOSTAT: 8,
    ObjectType.AUXILIARY: 16,
    ObjectType.AUDIO_ZONE: 16,
}
DEFAULT_WINDOW = 16


def window_size(object_type: ObjectType, extended: bool) -> int:
    recommended = RECOMMENDED_WINDOW.get(object_type, DEFAULT_WINDOW)
    # Units may carry a 7-byte record (power field) in extended replies: size for the worst case.
    record_length = 7 if extended and object_type is ObjectType.UNIT else None
    return max(1, min(recommended, max_records(object_type, extended, record_length)))


def build_windows(numbers: Iterable[int], size: int) -> list[tuple[int, int]]:
    """Group sorted object numbers into (first, last) ranges spanning at most ``size`` numbers.

    A range may include numbers between discovered ones (unnamed objects); the panel answers
    for them too, and the caller ignores what it did not ask about.
    """
    windows: list[tuple[int, int]] = []
    first = last = None
    for number in sorted(set(numbers)):
        if first is not None and last is not None and number - first < size:
            last = number
            continue
        if first is not None and last is not None:
            windows.append((first, last))
        first = last = number
    if first is not None and last is not None:
        windows.append((first, last))
    return windows
