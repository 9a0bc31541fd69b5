"""Sequence-number rules (spec §5)."""

from __future__ import annotations

from .errors import EncodeError

PUSH_SEQ = 0  # unsolicited panel messages carry seq 0; a client never uses it
MAX_SEQ = 0xFFFF


def next_seq(seq: int) -> int:
    """The client's next sequence number: +1, and after FFFF back to 1 (never 0)."""
    return 1 if seq >= MAX_SEQ else seq + 1


class SequenceCounter:
    """Numbers every packet a client sends; starts at 1 by default (HAI's SDK starts at 2)."""

    __slots__ = ("_next",)

    def __init__(self, first: int = 1) -> None:
        if not 1 <= first <= MAX_SEQ:
            raise EncodeError(f"a client's first sequence number must be 1..65535, got {first}")
        self._next = first

    @property
    def peek(self) -> int:
        return self._next

    def take(self) -> int:
        seq = self._next
        self._next = next_seq(seq)
        return seq
