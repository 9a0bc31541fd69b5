"""Command results: the one JSON message every command gets, and the mapping of errors to it.

``{"status": "ok", "command": ..., "transaction"?: ...}`` or ``{"status": "error", "command":
..., "transaction"?: ..., "error": {"type", "title", "detail"}}``. ``type`` is stable and
machine-readable: the panel error's ``kind`` where one exists (``invalid_code``, ``not_ready``,
``panel_offline``, ``timeout``, ``program_not_stored``, ...), else one of the router's own
(``bad_payload``, ``unknown_object``, ``code_required``, ``internal_error``, ``cancelled``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..panel.errors import PanelError
from ..protocol.errors import ProgramError
from .command_payloads import BAD_PAYLOAD, CommandError, Payload

INTERNAL_ERROR = "internal_error"
CANCELLED = "cancelled"

# Short human titles; a kind without one gets its name spelled out.
TITLES: dict[str, str] = {
    BAD_PAYLOAD: "Invalid command payload",
    "unknown_object": "Unknown object",
    "code_required": "User code required",
    "invalid_code": "Invalid user code",
    "not_ready": "Zones not ready",
    "locked_out": "Code locked out",
    "invalid_area": "Invalid area",
    "invalid_mode": "Invalid security mode",
    "installer_restore_needed": "Installer restore needed",
    "panel_offline": "Panel offline",
    "panel_nak": "Refused by the panel",
    "timeout": "No answer from the panel",
    "connection_error": "Panel connection lost",
    "protocol_error": "Panel protocol error",
    "program_not_stored": "Program not stored",
    INTERNAL_ERROR: "Internal error",
    CANCELLED: "Command cancelled",
}


@dataclass(frozen=True)
class Failure:
    kind: str
    detail: str

    @property
    def title(self) -> str:
        return TITLES.get(self.kind) or self.kind.replace("_", " ").capitalize()

    @property
    def internal(self) -> bool:
        return self.kind == INTERNAL_ERROR


def failure(exc: BaseException) -> Failure:
    """The result error for an exception. Panel and router error texts never contain a code;
    anything unexpected is reported without its text (it is logged instead)."""
    if isinstance(exc, CommandError):
        return Failure(exc.kind, exc.detail)
    if isinstance(exc, PanelError):
        return Failure(exc.kind, str(exc))
    if isinstance(exc, ProgramError):
        return Failure(BAD_PAYLOAD, str(exc))
    return Failure(INTERNAL_ERROR, "the gateway failed to run the command; see its log")


def result_payload(command: str, payload: Payload | None, error: Failure | None = None) -> str:
    """The JSON result message; ``payload`` supplies the transaction to echo, if any."""
    body: dict[str, object] = {"status": "ok" if error is None else "error", "command": command}
    if payload is not None and payload.has_transaction:
        body["transaction"] = payload.transaction
    if error is not None:
        body["error"] = {"type": error.kind, "title": error.title, "detail": error.detail}
    return json.dumps(body)
