"""Security: user codes, arming with the exit delay, entry delay, alarms, bypass (spec 15, 17).

Rules a real Omni follows that the spec leaves open, and what this emulator does:
- A code is valid only in its areas; areas the scenario does not configure are invalid areas.
- Arming fails with ZONES_NOT_READY when a zone that the target mode would arm is open and not
  bypassed (24-hour and non-security zones do not block arming).
- Arming any mode starts the area's exit delay (mode byte = mode + 8, exit timer counting
  down); nothing but 24-hour zones alarms during it. A word with bit 15 set goes out when it
  starts, one with bit 15 clear when it ends; an exit delay of 0 arms at once (one word, clear).
- Disarming (Off) clears alarms, timers and bypasses (an Omni restores bypassed zones when the
  area is turned off), and turns the latched "tripped" bits of latching and 24-hour zones into
  "reset but previously tripped"; the next arming or AcknowledgeAlerts clears those.
- Area and zone status pushes go out on transitions, not on every second of a countdown.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..protocol.events import AlarmActivated, SecurityModeChanged, ZoneStateChanged
from ..protocol.messages.eventlog import EventLogType
from ..protocol.objects import ObjectType
from ..protocol.security import AlarmType, AreaAlarms, Authority, SecurityMode, SecurityResult
from ..protocol.zones import ZoneCondition, ZoneLatched
from .journal import EventLog, Journal
from .model import PanelModel
from .objects import TIMER_EPSILON, Area, Zone
from .zone_rules import (
    INSTANT_MODES,
    TEMPERATURE_ALARM_TYPES,
    ZoneRole,
    armed_in,
    bypassable,
    emergency_alarm,
    entry_multiplier,
    latches,
    reports_ready,
    zone_role,
)

# ActivateKeypadEmergency's type byte (1 burglary, 2 fire, 3 auxiliary) -> the alarm raised.
KEYPAD_EMERGENCIES = {1: AlarmType.BURGLARY, 2: AlarmType.FIRE, 3: AlarmType.AUXILIARY}


class SecuritySim:
    def __init__(self, model: PanelModel, journal: Journal, log: EventLog) -> None:
        self.model = model
        self.journal = journal
        self.log = log

    # --- codes ---------------------------------------------------------------------------------

    def validate_code(self, area: int, code: str) -> tuple[int, Authority]:
        """RequestValidateCode: (user number, authority), or (0, INVALID)."""
        for user in self.model.codes:
            if user.code == code and user.valid_for(area):
                return user.number, user.authority
        return 0, Authority.INVALID

    def code_number_valid(self, number: int, area: int) -> bool:
        user = self.model.codes.get(number)
        return user is not None and user.valid_for(area)

    def configured_area(self, number: int) -> Area | None:
        area = self.model.areas.get(number)
        return area if area is not None and area.configured else None

    # --- arming --------------------------------------------------------------------------------

    def execute(self, area: int, mode: int, code: str) -> SecurityResult:
        """ExecuteSecurityCommand: the code itself, one area."""
        target = self.configured_area(area)
        if target is None:
            return SecurityResult.INVALID_AREA
        if not SecurityMode.OFF <= mode <= SecurityMode.NIGHT_DELAYED:
            return SecurityResult.INVALID_MODE
        number, _ = self.validate_code(area, code)
        if not number:
            return SecurityResult.INVALID_CODE
        return self.set_mode([target], SecurityMode(mode), number, log_area=area)

    def command(self, mode: SecurityMode, code_number: int, area: int) -> SecurityResult:
        """Commands 48-54: the code NUMBER (from ValidateCode); area 0 = every area of the code."""
        if area == 0:
            targets = [
                a
                for a in self.model.areas
                if a.configured and self.code_number_valid(code_number, a.number)
            ]
            if not targets:
                return SecurityResult.INVALID_CODE
        else:
            target = self.configured_area(area)
            if target is None:
                return SecurityResult.INVALID_AREA
            if not self.code_number_valid(code_number, area):
                return SecurityResult.INVALID_CODE
            targets = [target]
        return self.set_mode(targets, mode, code_number, log_area=area)

    def set_mode(
        self, areas: list[Area], mode: SecurityMode, code: int, log_area: int
    ) -> SecurityResult:
        if mode != SecurityMode.OFF and any(self.not_ready_for(a, mode) for a in areas):
            return SecurityResult.ZONES_NOT_READY
        self.log.add(EventLogType.SECURITY_OFF + mode, code, log_area)
        for area in areas:
            if mode == SecurityMode.OFF:
                self._disarm(area, code)
            else:
                self._arm(area, mode, code)
        return SecurityResult.SUCCESS

    def not_ready_for(self, area: Area, mode: SecurityMode) -> list[Zone]:
        return [
            z
            for z in self.zones_in(area)
            if z.is_open and not z.bypassed and armed_in(z.zone_type, mode)
        ]

    def zones_in(self, area: Area) -> list[Zone]:
        return [z for z in self.model.zones if z.area is area]

    def _touch_area(self, area: Area, zones: Iterable[Zone] = ()) -> None:
        self.journal.touch(ObjectType.AREA, area.number)
        for zone in zones:
            self.journal.touch(ObjectType.ZONE, zone.number)

    def _mode_word(self, area: Area, delay_started: bool) -> None:
        self.journal.event(SecurityModeChanged(area.mode, area.number, area.code, delay_started))

    def _arm(self, area: Area, mode: SecurityMode, code: int) -> None:
        zones = self.zones_in(area)
        self._touch_area(area, zones)
        for zone in zones:
            if zone.latched == ZoneLatched.RESET:
                zone.latched = ZoneLatched.SECURE
        area.mode, area.code = mode, code
        area.entry_remaining, area.entry_zone = 0.0, 0
        area.arming = area.exit_delay > 0
        area.exit_remaining = float(area.exit_delay)
        self._mode_word(area, delay_started=area.arming)

    def _finish_arming(self, area: Area) -> None:
        self._touch_area(area, self.zones_in(area))
        area.arming, area.exit_remaining = False, 0.0
        self._mode_word(area, delay_started=False)

    def _disarm(self, area: Area, code: int) -> None:
        zones = self.zones_in(area)
        self._touch_area(area, zones)
        for alarm in AlarmType:
            if area.alarms & (1 << (alarm - 1)):
                self.log.add(EventLogType.ALARM_RESET, alarm, area.number)
        area.mode, area.code, area.arming = SecurityMode.OFF, code, False
        area.exit_remaining = area.entry_remaining = 0.0
        area.entry_zone, area.alarms = 0, 0
        for zone in zones:
            zone.bypassed = False
            if zone.latched == ZoneLatched.TRIPPED:
                zone.latched = ZoneLatched.RESET if latches(zone.zone_type) else ZoneLatched.SECURE
        # Off always has bit 15 set (spec 18).
        self._mode_word(area, delay_started=True)

    # --- zones and alarms ----------------------------------------------------------------------

    def set_condition(self, zone: Zone, condition: ZoneCondition) -> None:
        """A zone's loop changed (trip, restore, trouble): word, push, then security effects."""
        if zone.condition == condition:
            return
        self.journal.touch(ObjectType.ZONE, zone.number)
        zone.condition = condition
        self.journal.event(ZoneStateChanged(zone.number, zone.is_open))
        if condition == ZoneCondition.NOT_READY:
            self._tripped(zone)

    def _tripped(self, zone: Zone) -> None:
        if zone.bypassed:
            return
        area, role = zone.area, zone_role(zone.zone_type)
        if role is ZoneRole.EMERGENCY:
            self.alarm(area, emergency_alarm(zone.zone_type), zone)
            return
        if not area.armed or not armed_in(zone.zone_type, area.mode):
            return
        if area.alarms & AreaAlarms.BURGLARY:
            self.alarm(area, AlarmType.BURGLARY, zone)
        elif role is ZoneRole.ENTRY and area.mode not in INSTANT_MODES and area.entry_delay:
            if area.entry_remaining <= TIMER_EPSILON:
                self._touch_area(area)
                delay = area.entry_delay * entry_multiplier(zone.zone_type)
                area.entry_remaining, area.entry_zone = float(min(delay, 0xFF)), zone.number
        elif role is ZoneRole.PERIMETER or area.entry_remaining <= TIMER_EPSILON:
            # Interior zones follow a running entry delay instead of alarming at once.
            self.alarm(area, AlarmType.BURGLARY, zone)

    def loop_changed(self, zone: Zone) -> None:
        """Temperature-alarm zones alarm when the reading leaves their setpoint band."""
        low, high = zone.low_setpoint, zone.high_setpoint
        banded = zone.zone_type in TEMPERATURE_ALARM_TYPES and (low or high)
        if banded and not low <= zone.loop <= high:
            self.alarm(zone.area, AlarmType.TEMPERATURE, zone)

    def alarm(self, area: Area, alarm: AlarmType, zone: Zone | None = None) -> None:
        self._touch_area(area)
        if zone is not None:
            self.journal.touch(ObjectType.ZONE, zone.number)
            zone.latched = ZoneLatched.TRIPPED
            self.log.add(EventLogType.ZONE_TRIPPED, 0, zone.number)
        if alarm == AlarmType.BURGLARY:
            area.entry_remaining, area.entry_zone = 0.0, 0
        bit = 1 << (alarm - 1)
        if not area.alarms & bit:
            area.alarms |= bit
            self.journal.event(AlarmActivated(alarm, area.number))
            self.log.add(EventLogType.ALARM_ACTIVATED, alarm, area.number)

    def keypad_emergency(self, area: int, emergency: int) -> bool:
        target = self.configured_area(area)
        alarm = KEYPAD_EMERGENCIES.get(emergency)
        if target is None or alarm is None:
            return False
        self.alarm(target, alarm)
        return True

    def tick(self, seconds: float) -> None:
        for area in self.model.areas:
            if area.arming:
                area.exit_remaining -= seconds
                if area.exit_remaining <= TIMER_EPSILON:
                    self._finish_arming(area)
            elif area.entry_remaining > TIMER_EPSILON:
                area.entry_remaining -= seconds
                if area.entry_remaining <= TIMER_EPSILON:
                    zone = self.model.zones.get(area.entry_zone)
                    self.alarm(area, AlarmType.BURGLARY, zone)

    # --- bypass, readiness, acknowledgement ----------------------------------------------------

    def _set_bypass(self, zone: Zone, bypassed: bool, code: int) -> None:
        self.journal.touch(ObjectType.ZONE, zone.number)
        zone.bypassed = bypassed
        kind = EventLogType.ZONE_BYPASSED if bypassed else EventLogType.ZONE_RESTORED
        self.log.add(kind, code, zone.number)

    def bypass(self, number: int, code: int, bypassed: bool) -> bool:
        """Commands 4 / 5: bypass or restore one zone, with a code valid in its area."""
        if number not in self.model.zones:
            return False
        zone = self.model.zones.obtain(number)
        if not self.code_number_valid(code, zone.area.number):
            return False
        if bypassed and not bypassable(zone.zone_type):
            return False
        self._set_bypass(zone, bypassed, code)
        return True

    def restore_all(self, area: int, code: int) -> bool:
        """Command 6: restore every bypassed zone of the area (0 = all areas of the code)."""
        if area == 0:
            areas = [a for a in self.model.areas if self.code_number_valid(code, a.number)]
        else:
            target = self.configured_area(area)
            ok = target is not None and self.code_number_valid(code, area)
            areas = [target] if ok and target is not None else []
        if not areas:
            return False
        for target in areas:
            for zone in self.zones_in(target):
                if zone.bypassed:
                    self.journal.touch(ObjectType.ZONE, zone.number)
                    zone.bypassed = False
        self.log.add(EventLogType.ALL_ZONES_RESTORED, code, area)
        return True

    def not_ready_zones(self) -> list[int]:
        """RequestZoneReady: open burglary and 24-hour zones (bypassed ones are still open)."""
        return [z.number for z in self.model.zones if z.is_open and reports_ready(z.zone_type)]

    def acknowledge(self) -> None:
        """AcknowledgeAlerts: clear alarm memories and unacknowledged zone troubles."""
        for zone in self.model.zones:
            if zone.latched == ZoneLatched.RESET or zone.trouble_unacknowledged:
                self.journal.touch(ObjectType.ZONE, zone.number)
                zone.trouble_unacknowledged = False
                if zone.latched == ZoneLatched.RESET:
                    zone.latched = ZoneLatched.SECURE

    def set_zone_trouble(self, zone: Zone, active: bool) -> None:
        """A zone reports (or clears) a trouble condition: logged as 129 / 133."""
        if active == (zone.condition == ZoneCondition.TROUBLE):
            return
        self.journal.touch(ObjectType.ZONE, zone.number)
        if active:
            zone.trouble_unacknowledged = True
        self.set_condition(zone, ZoneCondition.TROUBLE if active else ZoneCondition.SECURE)
        kind = EventLogType.ZONE_TROUBLE if active else EventLogType.ZONE_TROUBLE_CLEARED
        self.log.add(kind, 0, zone.number)
