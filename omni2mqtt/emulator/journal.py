"""What the panel tells the outside world about changes: push journal and event log.

:class:`Journal` collects, during one operation (a request, a tick, a control call), the event
words raised and the objects that may have changed. Simulation code calls :meth:`Journal.touch`
BEFORE it changes an object; at the end the journal compares each touched object's status
record with the one it saw first, so a push goes out only for a real change, once per object,
however many steps the operation took.

:class:`EventLog` is the panel's own log (spec 19): numbered entries, the newest last, numbers
rolling over from 65535 to 1, at most ``EVENT_LOG_SIZE`` kept.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta

from ..protocol.capacities import EVENT_LOG_SIZE
from ..protocol.events import Event, encode_event
from ..protocol.messages.eventlog import EventLogItem, EventLogType
from ..protocol.objects import ObjectType
from ..protocol.records import StatusRecord

RecordOf = Callable[[ObjectType, int], StatusRecord | None]


class Journal:
    def __init__(self, record_of: RecordOf) -> None:
        self._record_of = record_of
        self._words: list[int] = []
        self._before: dict[tuple[ObjectType, int], StatusRecord | None] = {}

    def event(self, event: Event) -> None:
        """Raise a SystemEvents word; built through the protocol's event classes."""
        self._words.append(encode_event(event))

    def touch(self, kind: ObjectType, number: int) -> None:
        """Remember how an object looks before it may change."""
        key = (kind, number)
        if key not in self._before:
            self._before[key] = self._record_of(kind, number)

    def collect(self) -> tuple[list[int], list[tuple[ObjectType, StatusRecord]]]:
        """The words raised and the records that really changed, in order; then start afresh."""
        words, self._words = self._words, []
        before, self._before = self._before, {}
        changed = []
        for (kind, number), old in before.items():
            new = self._record_of(kind, number)
            if new is not None and new != old:
                changed.append((kind, new))
        return words, changed


class PanelClock:
    """The panel's wall clock: the host clock plus whatever offset SetTime asked for."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self._offset = timedelta(0)
        self.dst = False

    def now(self) -> datetime:
        return self._clock() + self._offset

    def set(self, moment: datetime, dst: bool) -> None:
        self._offset = moment - self._clock()
        self.dst = dst


LAST_EVENT_NUMBER = 0xFFFF


class EventLog:
    def __init__(self, clock: Callable[[], datetime], size: int = EVENT_LOG_SIZE) -> None:
        self._clock = clock
        self._entries: deque[EventLogItem] = deque(maxlen=size)
        self._next = 1

    def add(self, event_type: EventLogType | int, p1: int = 0, p2: int = 0) -> EventLogItem:
        now = self._clock()
        entry = EventLogItem(
            number=self._next,
            time_valid=1,
            month=now.month,
            day=now.day,
            hour=now.hour,
            minute=now.minute,
            event_type=int(event_type),
            p1=p1,
            p2=p2,
        )
        self._entries.append(entry)
        # Rolls over from 65535 to 1: 0 is the "from the end" marker of requests.
        self._next = 1 if self._next == LAST_EVENT_NUMBER else self._next + 1
        return entry

    def read(self, number: int, direction: int) -> EventLogItem | None:
        """Spec 19: number 0 with -1 = newest, with +1 = oldest; otherwise the entry before /
        at / after ``number`` in log order (so a walk crosses the 65535 -> 1 roll-over).
        None (EOD) past either end or for a number no longer in the log."""
        entries = self._entries
        if not entries or direction not in (-1, 0, 1):
            return None
        if number == 0:
            return {-1: entries[-1], 1: entries[0]}.get(direction)
        index = next((i for i, e in enumerate(entries) if e.number == number), None)
        if index is None:
            return None
        index += direction
        return entries[index] if 0 <= index < len(entries) else None

    def entries(self) -> list[EventLogItem]:
        return list(self._entries)
