"""Typed v2 messages. Importing this package registers every message class by opcode."""

from . import (
    control,
    eventlog,
    generic,
    names,
    notifications,
    programs,
    properties,
    status,
    system,
)

__all__ = [
    "control",
    "eventlog",
    "generic",
    "names",
    "notifications",
    "programs",
    "properties",
    "status",
    "system",
]
