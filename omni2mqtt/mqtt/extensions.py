"""The extensions a gateway runs, in start order."""

from __future__ import annotations

from .availability import Availability
from .bridge import Bridge
from .commands import CommandRouter
from .discovery import Discovery
from .extension import Extension
from .state_publisher import StatePublisher

# Availability first: on a reconnect its callback runs before the state republish, so a
# subscriber never sees fresh state under a stale "offline". The command router needs no
# order: it only subscribes. Discovery before the state publisher: after a sync, a reconnect
# or Home Assistant's birth its configs are queued before the states they describe.
DEFAULT_EXTENSIONS: list[type[Extension]] = [
    Availability,
    Discovery,
    StatePublisher,
    Bridge,
    CommandRouter,
]
