"""The emulated panel's state: every object, built from a Scenario, looked up by type and number.

Object numbers 1..capacity all exist, as on a real panel; the scenario only names and
configures some of them. A table keeps the objects the scenario defines and those that a
command has since touched (:meth:`ObjectTable.obtain`); a read of any other number in range
gets a fresh default object (:meth:`ObjectTable.peek`) that is not stored, so status polls do
not fill the snapshot with unconfigured objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from ..protocol.messages.properties import NAME_TYPE_OBJECTS, PropertiesBody
from ..protocol.objects import ObjectType
from ..protocol.programs import RECORD_SIZE, Program
from ..protocol.records import StatusRecord
from ..protocol.system_tables import Trouble
from ..protocol.units import UnitType
from ..protocol.zones import ZoneCondition
from .devices import (
    AudioSource,
    AudioZone,
    Expansion,
    Lock,
    PanelMessage,
    Thermostat,
    UserSetting,
)
from .objects import Area, Button, Unit, UserCode, Zone
from .scenario import Scenario

T = TypeVar("T")


class ObjectTable(Generic[T]):
    """Objects 1..capacity of one type: the stored ones plus defaults made on demand."""

    def __init__(self, capacity: int, factory: Callable[[int], T]) -> None:
        self.capacity = capacity
        self._factory = factory
        self.stored: dict[int, T] = {}

    def __contains__(self, number: object) -> bool:
        return isinstance(number, int) and 1 <= number <= self.capacity

    def get(self, number: int) -> T | None:
        """The stored object, if the scenario or a command made one."""
        return self.stored.get(number)

    def peek(self, number: int) -> T:
        """The object for reading: stored, or a default that is not kept."""
        if number not in self:
            raise KeyError(f"object {number} is beyond capacity {self.capacity}")
        found = self.stored.get(number)
        return found if found is not None else self._factory(number)

    def obtain(self, number: int) -> T:
        """The object for changing: stored from now on."""
        found = self.stored.get(number)
        if found is None:
            found = self.peek(number)
            self.stored[number] = found
        return found

    def __iter__(self) -> Iterator[T]:
        """Stored objects in number order."""
        return iter([self.stored[n] for n in sorted(self.stored)])


def _default_unit_type(number: int, capacity: int) -> UnitType:
    # Omni Pro II unit map (spec 11): 257-392 outputs, 393-511 flags and counters. Other
    # models' maps are unverified; their unconfigured units read as standard.
    if capacity >= 511 and 257 <= number <= 392:
        return UnitType.OUTPUT
    if capacity >= 511 and number >= 393:
        return UnitType.FLAG
    return UnitType.STANDARD


class PanelModel:
    """Every object of the panel, the program slots and the active troubles."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.capacities = scenario.capacities
        cap = self.capacities
        self.areas = ObjectTable(cap[ObjectType.AREA], Area)
        self.zones = ObjectTable(cap[ObjectType.ZONE], lambda n: Zone(n, area=self.areas.peek(1)))
        self.units = ObjectTable(
            cap[ObjectType.UNIT],
            lambda n: Unit(n, unit_type=_default_unit_type(n, cap[ObjectType.UNIT])),
        )
        self.buttons = ObjectTable(cap[ObjectType.BUTTON], Button)
        self.codes = ObjectTable(cap[ObjectType.CODE], UserCode)
        self.thermostats = ObjectTable(cap[ObjectType.THERMOSTAT], Thermostat)
        self.messages = ObjectTable(cap[ObjectType.MESSAGE], PanelMessage)
        self.audio_sources = ObjectTable(cap[ObjectType.AUDIO_SOURCE], AudioSource)
        self.audio_zones = ObjectTable(cap[ObjectType.AUDIO_ZONE], AudioZone)
        self.locks = ObjectTable(cap[ObjectType.ACCESS_LOCK], Lock)
        self.user_settings = ObjectTable(cap[ObjectType.USER_SETTING], UserSetting)
        self.expansions = ObjectTable(cap[ObjectType.EXPANSION], Expansion)
        self.programs: dict[int, bytes] = {}
        self.program_record_size = RECORD_SIZE
        self.troubles: set[Trouble] = set(scenario.troubles)
        self.energy_cost = 0
        self._load(scenario)

    # --- building from the scenario ------------------------------------------------------------

    def _load(self, s: Scenario) -> None:
        for a in s.areas:
            self.areas.stored[a.number] = Area(
                a.number, a.name, True, a.exit_delay, a.entry_delay, mode=a.mode
            )
        for z in s.zones:
            self.zones.stored[z.number] = Zone(
                z.number,
                self.areas.obtain(z.area),
                z.name,
                int(z.type),
                z.loop,
                ZoneCondition.NOT_READY if z.open else ZoneCondition.SECURE,
                low_setpoint=z.low_setpoint,
                high_setpoint=z.high_setpoint,
            )
        for u in s.units:
            self.units.stored[u.number] = Unit(u.number, u.name, int(u.type), u.state, u.areas)
        for b in s.buttons:
            self.buttons.stored[b.number] = Button(b.number, b.name, tuple(b.macro))
        for c in s.codes:
            self.codes.stored[c.number] = UserCode(
                c.number, c.name, c.code, c.authority, frozenset(c.areas)
            )
        for t in s.thermostats:
            values = t.model_dump(exclude={"number", "type", "mode", "fan", "hold"})
            self.thermostats.stored[t.number] = Thermostat(
                t.number, thermostat_type=int(t.type), mode=t.mode, fan=t.fan, hold=t.hold, **values
            )
        for m in s.messages:
            self.messages.stored[m.number] = PanelMessage(m.number, m.name)
        for src in s.audio_sources:
            self.audio_sources.stored[src.number] = AudioSource(src.number, src.name)
        for az in s.audio_zones:
            self.audio_zones.stored[az.number] = AudioZone(**az.model_dump())
        for lk in s.locks:
            self.locks.stored[lk.number] = Lock(lk.number, lk.name, lk.locked)
        for us in s.user_settings:
            self.user_settings.stored[us.number] = UserSetting(
                us.number, us.name, us.type, us.value
            )
        for p in s.programs:
            if p.record is not None:
                record = bytes.fromhex(p.record.replace(" ", ""))
            else:
                record = Program.from_json(p.program, self.program_record_size).to_record()
            if len(record) != self.program_record_size:
                raise ValueError(f"program slot {p.slot}: record of {len(record)} bytes")
            if any(record):
                self.programs[p.slot] = record

    # --- generic access by object type ---------------------------------------------------------

    def capacity(self, kind: int) -> int:
        """Capacity for an object-type byte; 0 for types the panel does not have."""
        try:
            return self.capacities.get(ObjectType(kind), 0)
        except ValueError:
            return 0

    def _view(self, kind: int, number: int, which: int) -> Any:
        entry = _VIEWS.get(kind)
        method = entry[which] if entry is not None else None
        if entry is None or method is None:
            return None
        table: ObjectTable[Any] = getattr(self, entry[0])
        return getattr(table.peek(number), method)()

    def record(self, kind: int, number: int) -> StatusRecord | None:
        """The status record of any object in range; None for types without records."""
        record: StatusRecord | None = self._view(kind, number, 1)
        return record

    def properties(self, kind: int, number: int) -> PropertiesBody | None:
        """The Properties body of any object in range; None for undocumented types."""
        body: PropertiesBody | None = self._view(kind, number, 2)
        return body

    def name(self, kind: int, number: int) -> str:
        """The object's name ("" = unnamed); used by walks and UploadNames."""
        body = self.properties(kind, number)
        return "" if body is None else body.name

    def set_name(self, kind: int, number: int, name: str) -> bool:
        """DownloadNames: False for a type without names or a number out of range."""
        if kind not in NAME_TYPE_OBJECTS.values():
            return False
        table: ObjectTable[Any] = getattr(self, _VIEWS[kind][0])
        if table is None or number not in table:
            return False
        table.obtain(number).name = name
        return True

    def snapshot(self) -> dict[str, Any]:
        def table(objects: ObjectTable[Any]) -> dict[str, Any]:
            return {str(o.number): o.snapshot() for o in objects}

        return {
            "areas": table(self.areas),
            "zones": table(self.zones),
            "auxiliaries": {str(z.number): z.aux_snapshot() for z in self.zones if z.analog},
            "units": table(self.units),
            "buttons": table(self.buttons),
            "codes": table(self.codes),
            "thermostats": table(self.thermostats),
            "messages": table(self.messages),
            "audio_sources": table(self.audio_sources),
            "audio_zones": table(self.audio_zones),
            "locks": table(self.locks),
            "user_settings": table(self.user_settings),
            "troubles": sorted(t.slug for t in self.troubles),
            "programs": {str(slot): self.programs[slot].hex() for slot in sorted(self.programs)},
        }


# Object type -> (table attribute, status-record method, Properties method); None = the type has
# no such view (buttons have no status, locks no Properties of their own).
_VIEWS: dict[int, tuple[str, str | None, str | None]] = {
    ObjectType.ZONE: ("zones", "record", "properties"),
    ObjectType.UNIT: ("units", "record", "properties"),
    ObjectType.BUTTON: ("buttons", None, "properties"),
    ObjectType.CODE: ("codes", None, "properties"),
    ObjectType.AREA: ("areas", "record", "properties"),
    ObjectType.THERMOSTAT: ("thermostats", "record", "properties"),
    ObjectType.MESSAGE: ("messages", "record", "properties"),
    ObjectType.AUXILIARY: ("zones", "aux_record", "aux_properties"),
    ObjectType.AUDIO_SOURCE: ("audio_sources", None, "properties"),
    ObjectType.AUDIO_ZONE: ("audio_zones", "record", "properties"),
    ObjectType.EXPANSION: ("expansions", "record", None),
    ObjectType.USER_SETTING: ("user_settings", "record", "properties"),
    ObjectType.ACCESS_READER: ("locks", "reader_record", "properties"),
    ObjectType.ACCESS_LOCK: ("locks", "record", None),
}
