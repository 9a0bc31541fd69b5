"""Errors of the asyncio panel client, each with a stable machine-readable ``kind``.

The MQTT layer maps ``kind`` straight into command results (``panel_offline``, ``panel_nak``,
``timeout``, ...), so the strings are part of the user-facing contract.
"""

from __future__ import annotations

from ..protocol.security import SecurityResult


class PanelError(Exception):
    """Base of everything the panel client raises."""

    kind = "panel_error"


class PanelOfflineError(PanelError):
    """No secure session: the command was refused at once, never queued."""

    kind = "panel_offline"

    def __init__(self, detail: str = "the panel is not connected") -> None:
        super().__init__(detail)


class PanelConnectionError(PanelError):
    """The TCP connection failed or dropped."""

    kind = "connection_error"


class PanelTimeoutError(PanelError):
    """The panel did not answer in time."""

    kind = "timeout"


class PanelProtocolError(PanelError):
    """The panel's reply broke the protocol (bad CRC, undecodable payload, wrong reply type)."""

    kind = "protocol_error"


class PanelNakError(PanelError):
    """The panel refused the request (Nak): unsupported, invalid object or parameter."""

    kind = "panel_nak"


class PanelAuthenticationError(PanelError):
    """The panel rejected the controller key; retrying would only hammer it."""

    kind = "wrong_key"


class PanelBusyError(PanelError):
    """The panel refused a session because another client (PC Access, a bridge) holds it."""

    kind = "panel_busy"


class SecurityCommandError(PanelError):
    """A security command was refused with a specific result (invalid code, not ready, ...)."""

    _KINDS = {
        SecurityResult.INVALID_CODE: "invalid_code",
        SecurityResult.INVALID_MODE: "invalid_mode",
        SecurityResult.INVALID_AREA: "invalid_area",
        SecurityResult.ZONES_NOT_READY: "not_ready",
        SecurityResult.INSTALLER_RESTORE_NEEDED: "installer_restore_needed",
        SecurityResult.CODE_LOCKED_OUT: "locked_out",
        SecurityResult.INVALID: "invalid",
    }
    _TEXT = {
        SecurityResult.INVALID_CODE: "invalid code for this area",
        SecurityResult.INVALID_MODE: "invalid security mode",
        SecurityResult.INVALID_AREA: "invalid area",
        SecurityResult.ZONES_NOT_READY: "zones not ready: close or bypass them first",
        SecurityResult.INSTALLER_RESTORE_NEEDED: "installer restore needed",
        SecurityResult.CODE_LOCKED_OUT: "code locked out after too many attempts",
        SecurityResult.INVALID: "the panel rejected the security command",
    }

    def __init__(self, result: int) -> None:
        try:
            typed: SecurityResult | None = SecurityResult(result)
        except ValueError:
            typed = None
        self.result = typed
        self.raw_result = result
        self.kind = self._KINDS.get(typed, "invalid") if typed is not None else "invalid"
        text = self._TEXT.get(typed) if typed is not None else None
        super().__init__(text or f"the panel answered security result {result}")


class PanelArgumentError(PanelError, ValueError):
    """A request argument is invalid (level 150 %, 200 degrees, a 3-digit code): nothing was sent.

    The text never contains a user code; it names the argument and the accepted range.
    """

    kind = "bad_payload"
