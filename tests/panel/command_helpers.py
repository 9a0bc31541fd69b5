"""Helpers shared by the command, security, program and event-log tests (emulator over TCP)."""

from __future__ import annotations

from omni2mqtt.panel.connection import PanelConnection
from omni2mqtt.protocol.messages.status import ExtendedStatus, RequestExtendedStatus
from omni2mqtt.protocol.objects import ObjectType
from omni2mqtt.protocol.records import StatusRecord


async def read_record(conn: PanelConnection, kind: ObjectType, number: int) -> StatusRecord:
    """One object's status as the panel reports it over the wire."""
    reply = await conn.request_as(RequestExtendedStatus(kind, number, number), ExtendedStatus)
    (record,) = reply.records
    assert record.number == number
    return record
