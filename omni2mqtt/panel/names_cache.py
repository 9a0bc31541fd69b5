"""On-disk cache of what a panel identity always answers the same: capacities and named objects.

A warm start applies it at once: no capacity reads and no Properties walk before the panel is
online; the names are checked cheaply afterwards (:meth:`PanelSynchronizer.verify_names`).
Entries are stored as the panel's own Properties payloads (hex), decoded again with the protocol
codec: no second schema to keep in step. The cache is keyed by the configured panel id plus the
panel's identity (model and firmware), so a firmware upgrade or another panel invalidates it;
capacities are fixed for a model and firmware, so they are as good as the key.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

from ..protocol.errors import ProtocolError
from ..protocol.messages.properties import Properties, RawProperties
from ..protocol.objects import ObjectType

_LOGGER = logging.getLogger(__name__)
# 2: capacities and learned status windows are stored beside the names.
CACHE_VERSION = 2

Objects = Mapping[int, Sequence[Properties]]


@dataclass(frozen=True)
class PanelIdentity:
    panel_id: str
    model: int
    firmware: str

    def as_dict(self) -> dict[str, object]:
        return {"panel_id": self.panel_id, "model": self.model, "firmware": self.firmware}


@dataclass
class CachedPanel:
    """What one panel identity answered: capacities per kind (0 = none), the named objects per
    kind, and status windows it taught to be smaller than one reply holds."""

    objects: dict[int, list[Properties]]
    capacities: dict[ObjectType, int] = field(default_factory=dict)
    windows: dict[ObjectType, int] = field(default_factory=dict)


class NamesCache:
    """Reads and writes ``<directory>/<panel_id>.names.json``."""

    def __init__(self, directory: Path, panel_id: str) -> None:
        self.path = directory / f"{panel_id}.names.json"

    def load(self, identity: PanelIdentity) -> CachedPanel | None:
        """The cached panel, or None if absent, stale, of another version or unreadable."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            _LOGGER.warning("ignoring unreadable name cache %s: %s", self.path, exc)
            return None
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return None
        if data.get("identity") != identity.as_dict():
            _LOGGER.info("name cache %s is for another panel or firmware; walking names", self.path)
            return None
        try:
            return CachedPanel(
                objects={
                    int(kind): [Properties.decode_payload(bytes.fromhex(h)) for h in entries]
                    for kind, entries in data["objects"].items()
                },
                capacities=_counts(data.get("capacities", {}), minimum=0),
                windows=_counts(data.get("windows", {}), minimum=1),
            )
        except (KeyError, ValueError, TypeError, AttributeError, ProtocolError) as exc:
            _LOGGER.warning("ignoring corrupt name cache %s: %s", self.path, exc)
            return None

    def save(self, identity: PanelIdentity, panel: CachedPanel) -> None:
        data = {
            "version": CACHE_VERSION,
            "identity": identity.as_dict(),
            "capacities": {str(int(k)): v for k, v in sorted(panel.capacities.items())},
            "windows": {str(int(k)): v for k, v in sorted(panel.windows.items())},
            "objects": {
                str(kind): [p.encode_payload().hex() for p in entries]
                for kind, entries in sorted(panel.objects.items())
            },
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a crash never leaves a half-written cache behind.
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, separators=(",", ":"))
            os.replace(tmp, self.path)
        except OSError as exc:
            _LOGGER.warning("cannot write name cache %s: %s", self.path, exc)


def _counts(raw: object, *, minimum: int) -> dict[ObjectType, int]:
    if not isinstance(raw, dict):
        raise TypeError("expected a mapping of object types to counts")
    counts = {ObjectType(int(kind)): value for kind, value in raw.items()}
    for value in counts.values():
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(f"bad count {value!r}")
    return counts


def configuration(properties: Properties) -> object:
    """What a cached entry is checked by: number, name and configuration (types, area...).

    Properties also carry live values (a zone's status, a thermostat's temperature); those
    differ from the cache whenever the house changed and say nothing about the names.
    """
    body = properties.body
    if isinstance(body, RawProperties):
        return body
    live = _live_fields(type(body))
    return (
        type(body),
        tuple((f.name, getattr(body, f.name)) for f in fields(body) if f.name not in live),
    )


def _live_fields(body_type: type) -> frozenset[str]:
    # The field groups a body shares with status records (protocol.object_fields) declare
    # FIELDS (and EXTRA) themselves; the bodies only compose them into their PREFIX.
    return frozenset(
        name
        for base in body_type.__mro__
        for group in ("FIELDS", "EXTRA")
        for name, _ in vars(base).get(group, ())
    )
