"""No phone, ID or bank-card number in the logs, whoever logged it."""

from __future__ import annotations

import logging

from bot.privacy import mask_personal_numbers

_installed = False
_TRACEBACKS = logging.Formatter()  # formats an exception's trace the way every handler would


def install_log_masking() -> None:
    """Mask personal numbers in every log record this process creates (idempotent).

    A record factory rather than a handler filter: it also covers gunicorn's handlers and the
    last-resort handler, which a filter on our own handlers would miss.
    """
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def masked_record(*args, **kwargs) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed log call: leave it to logging's own report
            return record
        record.msg, record.args = mask_personal_numbers(message), None
        if record.exc_info and not record.exc_text:
            # The trace ends with the error's own message, which may quote what a user wrote.
            # Handlers use exc_text when it is set, so each writes this masked copy.
            record.exc_text = mask_personal_numbers(_TRACEBACKS.formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = mask_personal_numbers(record.stack_info)
        return record

    logging.setLogRecordFactory(masked_record)
    _installed = True
