"""Request -> reply dispatch: every request a real panel answers (spec 10-20).

:meth:`RequestHandler.handle` returns the reply, or None to stay silent as a real panel does
for a status window too large to answer. Unsupported opcodes, replies sent as requests and
invalid objects get Nak; exhausted walks get EOD.

Status and ExtendedStatus (spec 9, 14): every object number 1..capacity has a record (a real
panel reports unconfigured objects too), so a range within capacity is never empty; ``first > last``
is the empty range (EOD); ``first`` 0 or ``last`` beyond capacity is Nak'd; a reply that would
not fit one packet (MessageLength L > 236, with the record length it would really carry) is not
sent at all, and neither is one of more records than the optional ``max_status_records``
(a fault knob for panels with a smaller limit).
Firmware below 3.0 Naks ExtendedStatus (pitfall 9).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

from ..protocol.messages.base import Message
from ..protocol.messages.control import (
    AcknowledgeAlerts,
    ActivateKeypadEmergency,
    Command,
    ExecuteSecurityCommand,
    ExecuteSecurityCommandResponse,
    RequestValidateCode,
    RequestZoneReady,
    ValidateCode,
    ZoneReadyStatus,
)
from ..protocol.messages.eventlog import RequestAudioSourceStatus, RequestEventLogItem
from ..protocol.messages.generic import Ack, EndOfData, Nak
from ..protocol.messages.notifications import EnableNotifications
from ..protocol.messages.programs import DownloadProgram, UploadProgram
from ..protocol.messages.properties import DownloadNames, RequestProperties, UploadNames
from ..protocol.messages.status import (
    ExtendedStatus,
    RequestExtendedStatus,
    RequestStatus,
    Status,
    max_records,
)
from ..protocol.messages.system import (
    Capacities,
    RequestCapacities,
    RequestSystemFeatures,
    RequestSystemFormats,
    RequestSystemInformation,
    RequestSystemStatus,
    RequestSystemTroubles,
    SetTime,
    SystemFeatures,
    SystemFormats,
    SystemInformation,
    SystemStatus,
    SystemTroubles,
)
from ..protocol.objects import ObjectType
from ..protocol.records import RECORD_SPECS
from ..protocol.system_tables import MessageDisplay, Trouble
from .command_sim import CommandSim
from .journal import PanelClock
from .security_sim import SecuritySim
from .walks import (
    download_names_reply,
    download_program_reply,
    event_log_reply,
    properties_reply,
    upload_names_reply,
    upload_program_reply,
)

# Fixed sun times: the emulator has no location (SystemStatus reports calculated times).
SUNRISE, SUNSET = time(6, 30), time(18, 30)
# Raw battery reading (scale unverified, spec 12); lower while the battery-low trouble is on.
BATTERY_OK, BATTERY_LOW = 200, 120

_Handler = Callable[[Any], Message | None]


class RequestHandler:
    def __init__(
        self,
        security: SecuritySim,
        commands: CommandSim,
        clock: PanelClock,
        *,
        set_notifications: Callable[[bool], None],
        max_status_records: int | None = None,
    ) -> None:
        self.model, self.log = security.model, security.log
        self.security, self.commands, self.clock = security, commands, clock
        self._set_notifications = set_notifications
        self.max_status_records = max_status_records
        m = self.model
        self._handlers: dict[type[Message], _Handler] = {
            RequestSystemInformation: lambda r: self._system_information(),
            RequestSystemStatus: lambda r: self._system_status(),
            RequestSystemTroubles: lambda r: SystemTroubles(tuple(sorted(m.troubles))),
            RequestSystemFeatures: lambda r: SystemFeatures(tuple(m.scenario.features)),
            RequestSystemFormats: lambda r: self._system_formats(),
            RequestCapacities: self._capacities,
            SetTime: self._set_time,
            EnableNotifications: self._enable_notifications,
            RequestProperties: lambda r: properties_reply(m, r),
            UploadNames: lambda r: upload_names_reply(m, r),
            DownloadNames: lambda r: download_names_reply(m, r),
            RequestStatus: lambda r: self._status(r, extended=False),
            RequestExtendedStatus: lambda r: self._status(r, extended=True),
            Command: self._command,
            ExecuteSecurityCommand: self._execute_security,
            RequestValidateCode: self._validate_code,
            ActivateKeypadEmergency: self._keypad_emergency,
            RequestZoneReady: lambda r: self._zone_ready(),
            AcknowledgeAlerts: lambda r: self._acknowledge(),
            RequestEventLogItem: lambda r: event_log_reply(self.log, r),
            UploadProgram: lambda r: upload_program_reply(m, r),
            DownloadProgram: lambda r: download_program_reply(m, r),
            # No audio system metadata is emulated: every source walk ends at once.
            RequestAudioSourceStatus: lambda r: EndOfData(),
        }

    def handle(self, message: Message) -> Message | None:
        handler = self._handlers.get(type(message))
        return Nak() if handler is None else handler(message)

    # --- system --------------------------------------------------------------------------------

    def _system_information(self) -> SystemInformation:
        s = self.model.scenario
        major, minor, revision = s.firmware
        return SystemInformation(s.model, major, minor, revision, s.phone)

    def _system_status(self) -> SystemStatus:
        alarms = tuple((a.number, a.alarms) for a in self.model.areas if a.alarms)
        low = Trouble.BATTERY_LOW in self.model.troubles
        return SystemStatus.at(
            self.clock.now(),
            dst=self.clock.dst,
            sunrise=SUNRISE,
            sunset=SUNSET,
            battery=BATTERY_LOW if low else BATTERY_OK,
            area_alarms=alarms,
        )

    def _system_formats(self) -> SystemFormats:
        s = self.model.scenario
        return SystemFormats(s.temperature_unit, s.time_format, s.date_format)

    def _capacities(self, request: RequestCapacities) -> Message:
        capacity = self.model.capacity(request.object_type)
        return Capacities(request.object_type, capacity) if capacity else Nak()

    def _set_time(self, request: SetTime) -> Message:
        moment = request.to_datetime()
        if moment is None or request.dst > 1 or not 1 <= request.day_of_week <= 7:
            return Nak()
        self.clock.set(moment, bool(request.dst))
        return Ack()

    def _enable_notifications(self, request: EnableNotifications) -> Message:
        self._set_notifications(request.enabled)
        return Ack()

    # --- status --------------------------------------------------------------------------------

    def _status(self, request: RequestStatus, extended: bool) -> Message | None:
        kind = request.object_type
        capacity = self.model.capacity(kind)
        if kind not in RECORD_SPECS or capacity == 0:
            return Nak()
        if extended and self.model.scenario.firmware[0] < 3:
            return Nak()
        if request.first == 0 or request.last > capacity:
            return Nak()
        if request.first > request.last:
            return EndOfData()
        count = request.last - request.first + 1
        limit = self.max_status_records
        # Checked with the shortest record first, so a huge range is refused before it is built.
        if count > max_records(kind, extended) or (limit is not None and count > limit):
            return None  # a real panel does not answer a request whose reply would not fit
        records = tuple(
            record
            for number in range(request.first, request.last + 1)
            if (record := self.model.record(kind, number)) is not None
        )
        if extended:
            reply = ExtendedStatus.of(kind, records)
            fits = len(records) <= max_records(kind, True, reply.record_length)
            return reply if fits else None
        # The basic record is a prefix of the extended one (thermostats: 9 of 14 bytes); the
        # reply holds what the wire carries, so it equals its own decoded form.
        spec = RECORD_SPECS[kind]
        return Status(
            kind, tuple(spec.record_class.decode(r.encode(spec.basic_size)) for r in records)
        )

    # --- commands and security -----------------------------------------------------------------

    def _command(self, request: Command) -> Message:
        return Ack() if self.commands.execute(request.command, request.p1, request.p2) else Nak()

    def _execute_security(self, request: ExecuteSecurityCommand) -> Message:
        result = self.security.execute(request.area, request.mode, request.code)
        return ExecuteSecurityCommandResponse(result)

    def _validate_code(self, request: RequestValidateCode) -> Message:
        number, authority = self.security.validate_code(request.area, request.code)
        return ValidateCode(number, authority)

    def _keypad_emergency(self, request: ActivateKeypadEmergency) -> Message:
        ok = self.security.keypad_emergency(request.area, request.emergency)
        return Ack() if ok else Nak()

    def _zone_ready(self) -> Message:
        capacity = self.model.capacity(ObjectType.ZONE)
        return ZoneReadyStatus.from_not_ready(self.security.not_ready_zones(), capacity)

    def _acknowledge(self) -> Message:
        """Acknowledge alerts as a keypad would: alarm memories, zone troubles, messages."""
        self.security.acknowledge()
        for message in self.model.messages:
            if message.display == MessageDisplay.DISPLAYED_NOT_ACKNOWLEDGED:
                self.security.journal.touch(ObjectType.MESSAGE, message.number)
                message.display = MessageDisplay.DISPLAYED
        return Ack()
