"""The extensions a gateway runs, in start order."""

from __future__ import annotations

from .availability import Availability
from .extension import Extension
from .state_publisher import StatePublisher

# Availability first: on a reconnect its callback runs before the state republish, so a
# subscriber never sees fresh state under a stale "offline".
DEFAULT_EXTENSIONS: list[type[Extension]] = [Availability, StatePublisher]
