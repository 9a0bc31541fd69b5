"""Keep secrets out of log output, whatever a library or a handler decides to log.

The filter sits on the handlers, so it sees every record that is written, including those
propagated from any logger, and it rewrites the rendered message and traceback text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

MASK = "***"
# A 4-digit user code after the word "code" (``code 1234``, ``"code": "1234"``, ``code=1234``).
_CODE = re.compile(r"(?i)(\bcodes?\b[^0-9a-z]{0,4})\d{4}(?!\d)")
_TRACEBACKS = logging.Formatter()


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str], codes: bool = True) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is masked whole.
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)
        self.codes = codes

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return _CODE.sub(rf"\g<1>{MASK}", text) if self.codes else text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to the handler's error path
            return True
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install_redaction(secrets: Iterable[str], logger: logging.Logger | None = None) -> None:
    """Add a :class:`RedactingFilter` to every handler of ``logger`` (the root logger)."""
    redacting = RedactingFilter(secrets)
    for handler in (logger or logging.getLogger()).handlers:
        handler.addFilter(redacting)
