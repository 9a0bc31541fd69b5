"""On-disk cache of the named objects, so a warm start skips the Properties walk.

Entries are stored as the panel's own Properties payloads (hex), decoded again with the protocol
codec: no second schema to keep in step. The cache is keyed by the configured panel id plus the
panel's identity (model and firmware), so a firmware upgrade or another panel invalidates it.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..protocol.errors import ProtocolError
from ..protocol.messages.properties import Properties

_LOGGER = logging.getLogger(__name__)
CACHE_VERSION = 1


@dataclass(frozen=True)
class PanelIdentity:
    panel_id: str
    model: int
    firmware: str

    def as_dict(self) -> dict[str, object]:
        return {"panel_id": self.panel_id, "model": self.model, "firmware": self.firmware}


class NamesCache:
    """Reads and writes ``<directory>/<panel_id>.names.json``."""

    def __init__(self, directory: Path, panel_id: str) -> None:
        self.path = directory / f"{panel_id}.names.json"

    def load(self, identity: PanelIdentity) -> dict[int, list[Properties]] | None:
        """Cached Properties per object type, or None if absent, stale or unreadable."""
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
            return {
                int(kind): [Properties.decode_payload(bytes.fromhex(h)) for h in entries]
                for kind, entries in data["objects"].items()
            }
        except (KeyError, ValueError, TypeError, AttributeError, ProtocolError) as exc:
            _LOGGER.warning("ignoring corrupt name cache %s: %s", self.path, exc)
            return None

    def save(self, identity: PanelIdentity, objects: Mapping[int, Sequence[Properties]]) -> None:
        data = {
            "version": CACHE_VERSION,
            "identity": identity.as_dict(),
            "objects": {
                str(kind): [p.encode_payload().hex() for p in entries]
                for kind, entries in sorted(objects.items())
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
