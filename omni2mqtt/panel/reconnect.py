"""Back-off policy between panel sessions (spec §8), built on tenacity.

Exponential back-off with jitter up to a cap for ordinary failures; at least ``busy_delay``
after a ControllerCannotStartNewSession (another client holds the panel's only slot); a wrong
controller key is never retried, because hammering a panel with a bad key helps no one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    wait_exponential,
    wait_random,
)

from .errors import (
    PanelBusyError,
    PanelConnectionError,
    PanelNakError,
    PanelProtocolError,
    PanelTimeoutError,
)

_LOGGER = logging.getLogger(__name__)

# A Nak that ends a session (one to a request the sync cannot do without) is retried too: a
# real panel also answers a request corrupted on the wire with Nak.
RETRYABLE = (
    PanelConnectionError,
    PanelTimeoutError,
    PanelProtocolError,
    PanelBusyError,
    PanelNakError,
)


@dataclass(frozen=True)
class ReconnectPolicy:
    min_delay: float = 5.0
    max_delay: float = 60.0
    busy_delay: float = 30.0

    def _wait(self, retry_state: RetryCallState) -> float:
        base = (
            wait_exponential(multiplier=self.min_delay, max=self.max_delay)
            + wait_random(0, self.min_delay)
        )(retry_state)
        outcome = retry_state.outcome
        if outcome is not None and isinstance(outcome.exception(), PanelBusyError):
            return max(base, self.busy_delay)
        return min(base, self.max_delay)

    def retrying(self, what: str) -> AsyncRetrying:
        """A fresh retry loop: its attempt count restarts after every healthy session."""

        def log_retry(retry_state: RetryCallState) -> None:
            error = retry_state.outcome.exception() if retry_state.outcome else None
            delay = retry_state.next_action.sleep if retry_state.next_action else 0.0
            _LOGGER.warning(
                "%s: %s; retrying in %.1f s (attempt %d)",
                what,
                error,
                delay,
                retry_state.attempt_number,
            )

        return AsyncRetrying(
            wait=self._wait,
            retry=retry_if_exception_type(RETRYABLE),
            before_sleep=log_retry,
            reraise=True,
        )
