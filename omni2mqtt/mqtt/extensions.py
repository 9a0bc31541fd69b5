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
# order: it only subscribes. The state publisher before discovery: every state topic is
# retained, so Home Assistant still gets each value when a config makes it subscribe, and
# the values (what Node-RED flows and scripts read) reach the broker ahead of ~2,500 configs.
DEFAULT_EXTENSIONS: list[type[Extension]] = [
    Availability,
    StatePublisher,
    Discovery,
    Bridge,
    CommandRouter,
]
