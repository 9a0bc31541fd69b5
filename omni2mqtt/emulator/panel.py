"""EmulatedPanel: the deterministic simulation core of the emulator (no asyncio, sockets or
real clock; time moves only through :meth:`EmulatedPanel.tick`).

The TCP server feeds it decoded requests (:meth:`~EmulatedPanel.handle`), ticks it and sends
what :meth:`~EmulatedPanel.drain_pushes` returns with sequence number 0. Tests, the control
channel, the demo and the benchmarks drive it through the control API below.

Pushes (spec 18, 21.4): every operation (a request, a tick, a control call) ends by turning
what changed into messages: one SystemEvents message with the words raised (split when longer
than one message carries), then one ExtendedStatus message per object whose record really
changed. They are queued only while notifications are enabled, each kind only while its
switch (``push_system_events`` / ``push_extended_status``) is on; ExtendedStatus pushes need
firmware 3.0 or later, like the request.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from ..protocol.events import AcPower, Battery, Communicator, Event, PhoneLine, PhoneLineState
from ..protocol.messages.base import Message
from ..protocol.messages.notifications import MAX_EVENT_WORDS, SystemEvents
from ..protocol.messages.status import ExtendedStatus
from ..protocol.objects import ObjectType
from ..protocol.records import StatusRecord
from ..protocol.system_tables import Trouble
from ..protocol.zones import ZoneCondition
from .command_sim import CommandSim
from .journal import EventLog, Journal, PanelClock
from .model import PanelModel
from .requests import RequestHandler
from .scenario import Scenario
from .security_sim import SecuritySim

# Pushes wait here for the server; a session that never drains must not grow it without end.
MAX_QUEUED_PUSHES = 10_000


def _trouble_event(trouble: Trouble, active: bool) -> Event | None:
    """The SystemEvents word of a trouble change (freeze and fuse have none)."""
    if trouble == Trouble.AC_POWER:
        return AcPower(on=not active)
    if trouble == Trouble.BATTERY_LOW:
        return Battery(low=active)
    if trouble == Trouble.PHONE_LINE:
        return PhoneLine(PhoneLineState.DEAD if active else PhoneLineState.ON_HOOK)
    if trouble == Trouble.COMMUNICATOR:
        return Communicator(ok=not active)
    return None


class EmulatedPanel:
    def __init__(
        self,
        scenario: Scenario,
        *,
        max_status_records: int | None = None,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.scenario = scenario
        self.notifications_enabled = False
        self.push_system_events = True
        self.push_extended_status = True
        self.clock = PanelClock(clock)
        self.model = PanelModel(scenario)
        self.journal = Journal(self.model.record)
        self.event_log = EventLog(self.clock.now)
        self.security = SecuritySim(self.model, self.journal, self.event_log)
        self.commands = CommandSim(self.model, self.journal, self.event_log, self.security)
        self.requests = RequestHandler(
            self.security,
            self.commands,
            self.clock,
            set_notifications=self._set_notifications,
            max_status_records=max_status_records,
        )
        self._outbox: deque[Message] = deque(maxlen=MAX_QUEUED_PUSHES)
        # Read access for tests and the demo: the model's tables (never replaced).
        m = self.model
        self.areas, self.zones, self.units, self.buttons = m.areas, m.zones, m.units, m.buttons
        self.codes, self.thermostats, self.messages = m.codes, m.thermostats, m.messages
        self.audio_zones, self.locks, self.user_settings = m.audio_zones, m.locks, m.user_settings

    # --- read access for tests -----------------------------------------------------------------

    @property
    def max_status_records(self) -> int | None:
        """None: every reply that fits one packet is sent, like a real panel."""
        return self.requests.max_status_records

    @max_status_records.setter
    def max_status_records(self, value: int | None) -> None:
        self.requests.max_status_records = value

    @property
    def programs(self) -> dict[int, bytes]:
        return self.model.programs

    @property
    def troubles(self) -> frozenset[Trouble]:
        return frozenset(self.model.troubles)

    # --- the server's side ---------------------------------------------------------------------

    def handle(self, message: Message) -> Message | None:
        with self._operation():
            return self.requests.handle(message)

    def tick(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"time only moves forward, not by {seconds} s")
        with self._operation():
            self.security.tick(seconds)
            self.commands.tick(seconds)

    def drain_pushes(self) -> list[Message]:
        pushes = list(self._outbox)
        self._outbox.clear()
        return pushes

    def session_started(self) -> None:
        """A new client session: nothing is pushed until it enables notifications."""
        self.notifications_enabled = False
        self._outbox.clear()

    # --- control API ---------------------------------------------------------------------------

    def set_zone_open(self, zone: int, is_open: bool) -> None:
        """Trip or restore a zone (runs the entry delay / alarms as the area's mode says)."""
        with self._operation():
            target = self.model.zones.obtain(self._check(ObjectType.ZONE, zone))
            condition = ZoneCondition.NOT_READY if is_open else ZoneCondition.SECURE
            self.security.set_condition(target, condition)

    def set_zone_trouble(self, zone: int, active: bool) -> None:
        """Raise or clear a zone trouble (condition 2; logged as 129 / 133)."""
        with self._operation():
            target = self.model.zones.obtain(self._check(ObjectType.ZONE, zone))
            self.security.set_zone_trouble(target, active)

    def set_zone_loop(self, zone: int, raw: int) -> None:
        """The raw loop byte; for analog zones the temperature or humidity byte."""
        _check_byte("loop", raw)
        with self._operation():
            target = self.model.zones.obtain(self._check(ObjectType.ZONE, zone))
            self.journal.touch(ObjectType.ZONE, target.number)
            self.journal.touch(ObjectType.AUXILIARY, target.number)
            target.loop = raw
            self.security.loop_changed(target)

    def set_thermostat(
        self,
        number: int,
        *,
        temperature: int | None = None,
        humidity: int | None = None,
        outdoor_temperature: int | None = None,
        communicating: bool | None = None,
    ) -> None:
        """Change a thermostat's readings (raw bytes) or its communication state."""
        readings = {
            "temperature": temperature,
            "humidity": humidity,
            "outdoor_temperature": outdoor_temperature,
        }
        for name, value in readings.items():
            if value is not None:
                _check_byte(name, value)
        with self._operation():
            target = self.model.thermostats.obtain(self._check(ObjectType.THERMOSTAT, number))
            self.journal.touch(ObjectType.THERMOSTAT, target.number)
            for name, value in readings.items():
                if value is not None:
                    setattr(target, name, value)
            if communicating is not None:
                target.communicating = communicating

    def set_trouble(self, trouble: Trouble, active: bool) -> None:
        """Raise or clear a system trouble, with its event word (AC, battery, phone, DCM)."""
        trouble = Trouble(trouble)
        if (trouble in self.model.troubles) == active:
            return
        with self._operation():
            if active:
                self.model.troubles.add(trouble)
            else:
                self.model.troubles.discard(trouble)
            event = _trouble_event(trouble, active)
            if event is not None:
                self.journal.event(event)

    def emit_event_words(self, words: Sequence[int]) -> None:
        """Push arbitrary SystemEvents words (bursts), as few messages as they fit in."""
        for word in words:
            if isinstance(word, bool) or not 0 <= word <= 0xFFFF:
                raise ValueError(f"event word must be 0..0xFFFF, got {word!r}")
        if self.notifications_enabled and self.push_system_events:
            self._queue_words(list(words))

    def snapshot(self) -> dict[str, Any]:
        """The JSON-able truth of every configured (or since changed) object's state."""
        s = self.scenario
        return {
            "model": int(s.model),
            "firmware": list(s.firmware),
            "clock": self.clock.now().isoformat(timespec="seconds"),
            "notifications_enabled": self.notifications_enabled,
            "energy_cost": self.model.energy_cost,
            **self.model.snapshot(),
            "event_log": [
                {"number": e.number, "type": e.event_type, "p1": e.p1, "p2": e.p2}
                for e in self.event_log.entries()
            ],
        }

    # --- internals -----------------------------------------------------------------------------

    def _set_notifications(self, enabled: bool) -> None:
        self.notifications_enabled = enabled

    def _check(self, kind: ObjectType, number: int) -> int:
        if not 1 <= number <= self.model.capacity(kind):
            raise ValueError(
                f"{kind.slug} {number} is beyond this panel's capacity "
                f"({self.model.capacity(kind)})"
            )
        return number

    @contextmanager
    def _operation(self) -> Iterator[None]:
        try:
            yield
        finally:
            words, changed = self.journal.collect()
            if self.notifications_enabled:
                self._queue(words, changed)

    def _queue(self, words: list[int], changed: list[tuple[ObjectType, StatusRecord]]) -> None:
        if self.push_system_events:
            self._queue_words(words)
        if self.push_extended_status and self.scenario.firmware[0] >= 3:
            for kind, record in changed:
                self._outbox.append(ExtendedStatus.of(kind, (record,)))

    def _queue_words(self, words: list[int]) -> None:
        for start in range(0, len(words), MAX_EVENT_WORDS):
            self._outbox.append(SystemEvents(tuple(words[start : start + MAX_EVENT_WORDS])))


def _check_byte(what: str, value: int) -> None:
    if not 0 <= value <= 0xFF:
        raise ValueError(f"{what} must be a raw byte 0..255, got {value}")
