"""Read walks: Properties and names (spec 13), programs (spec 20), the event log (spec 19).
Each function answers one request with its reply, EOD or Nak.

Properties choices the spec leaves open:
- Every number 1..capacity exists; "named" means a non-empty name. filter1 0 walks every number,
  1 only named objects (the discovery walk), 2 only unnamed ones.
- Direction 0 with an index outside 1..capacity is Nak'd (invalid object); a walk (+1 / -1)
  that runs off the end gets EOD. Index 0 with direction -1 starts from the highest number, as
  number 0 with -1 means "the newest" in event-log reads.
- filter2 (area mask, bit 7 = area 1) applies to zones, units and areas; filter3 to units: 254
  rooms (HLC / ViziaRF room types), 255 independent loads, n = the loads of room n (units
  8n-6 .. 8n, the HLC room layout).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..protocol.capacities import PROGRAM_SLOTS
from ..protocol.messages.base import Message
from ..protocol.messages.eventlog import RequestEventLogItem
from ..protocol.messages.generic import Ack, EndOfData, Nak
from ..protocol.messages.programs import DownloadProgram, ProgramData, UploadProgram, UploadReason
from ..protocol.messages.properties import (
    NAME_TYPE_OBJECTS,
    AreaProperties,
    DownloadNames,
    NameData,
    NameFilter,
    Properties,
    PropertiesBody,
    RequestProperties,
    UnitFilter,
    UnitProperties,
    UploadNames,
    ZoneProperties,
)
from ..protocol.messages.system import enum_or_none
from ..protocol.objects import NameType
from ..protocol.units import UnitType
from .journal import EventLog
from .model import PanelModel

_ROOM_TYPES = frozenset({UnitType.HLC_ROOM, UnitType.VIZIARF_ROOM})
_ROOM_SIZE = 8


def walk_numbers(capacity: int, index: int, direction: int) -> Iterable[int]:
    """The object numbers a request visits, in order."""
    if direction == 0:
        return [index] if 1 <= index <= capacity else []
    if direction == 1:
        return range(index + 1, capacity + 1)
    start = capacity if index == 0 else min(index - 1, capacity)
    return range(start, 0, -1)


def _area_bit(area: int) -> int:
    return 0x80 >> (area - 1) if 1 <= area <= 8 else 0


def _in_areas(body: PropertiesBody, mask: int) -> bool:
    if not mask:
        return True
    if isinstance(body, ZoneProperties):
        return bool(_area_bit(body.area) & mask)
    if isinstance(body, UnitProperties):
        return bool((body.area or 0) & mask)
    if isinstance(body, AreaProperties):
        return bool(_area_bit(body.number) & mask)
    return True


def _unit_filter(body: PropertiesBody, filter3: int) -> bool:
    if not isinstance(body, UnitProperties) or filter3 == UnitFilter.ANY:
        return True
    is_room = body.unit_type in _ROOM_TYPES
    if filter3 == UnitFilter.ROOMS:
        return is_room
    if filter3 == UnitFilter.INDEPENDENT:
        return not is_room
    room_first = (filter3 - 1) * _ROOM_SIZE + 1
    return not is_room and room_first < body.number <= room_first + _ROOM_SIZE - 1


def _matches(body: PropertiesBody, request: RequestProperties) -> bool:
    named = body.name != ""
    wanted = {NameFilter.ANY: True, NameFilter.NAMED: named, NameFilter.UNNAMED: not named}
    return (
        wanted[NameFilter(request.filter1)]
        and _in_areas(body, request.filter2)
        and _unit_filter(body, request.filter3)
    )


def properties_reply(model: PanelModel, request: RequestProperties) -> Message:
    kind, capacity = request.object_type, model.capacity(request.object_type)
    if capacity == 0 or model.properties(kind, 1) is None:
        return Nak()  # an object type without documented Properties (expansion, console, lock)
    if request.direction not in (-1, 0, 1) or request.filter1 > NameFilter.UNNAMED:
        return Nak()
    if request.direction == 0 and not 1 <= request.index <= capacity:
        return Nak()
    for number in walk_numbers(capacity, request.index, request.direction):
        body = model.properties(kind, number)
        if body is not None and _matches(body, request):
            return Properties(body)
    return EndOfData()


def upload_names_reply(model: PanelModel, request: UploadNames) -> Message:
    """The next named object after ``number``, or EOD."""
    name_type = enum_or_none(NameType, request.name_type)
    if name_type is None:
        return Nak()
    kind = NAME_TYPE_OBJECTS[name_type]
    for number in walk_numbers(model.capacity(kind), request.number, 1):
        name = model.name(kind, number)
        if name:
            return NameData(request.name_type, number, name)
    return EndOfData()


def download_names_reply(model: PanelModel, request: DownloadNames) -> Message:
    kind = request.object_type
    ok = kind is not None and model.set_name(kind, request.number, request.name)
    return Ack() if ok else Nak()


# --- programs ----------------------------------------------------------------------------------


def upload_program_reply(model: PanelModel, request: UploadProgram) -> Message:
    """Reason 0: exactly this slot (an empty slot reads as zeros); 1: the next defined slot."""
    if request.reason == UploadReason.EXACT:
        if not 1 <= request.slot <= PROGRAM_SLOTS:
            return Nak()
        empty = bytes(model.program_record_size)
        return ProgramData(request.slot, model.programs.get(request.slot, empty))
    if request.reason == UploadReason.NEXT:
        following = [slot for slot in model.programs if slot > request.slot]
        if not following:
            return EndOfData()
        slot = min(following)
        return ProgramData(slot, model.programs[slot])
    return Nak()


def download_program_reply(model: PanelModel, request: DownloadProgram) -> Message:
    """Write a slot; an all-zero record clears it. Nak an invalid slot or record size."""
    if not 1 <= request.slot <= PROGRAM_SLOTS:
        return Nak()
    if len(request.record) != model.program_record_size:
        return Nak()
    if any(request.record):
        model.programs[request.slot] = bytes(request.record)
    else:
        model.programs.pop(request.slot, None)
    return Ack()


def event_log_reply(log: EventLog, request: RequestEventLogItem) -> Message:
    item = log.read(request.number, request.direction)
    return item if item is not None else EndOfData()
