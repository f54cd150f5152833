"""No phone, ID or bank-card number in the logs, whoever logged it."""

from __future__ import annotations

import logging

from bot.privacy import mask_personal_numbers

_installed = False


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
        return record

    logging.setLogRecordFactory(masked_record)
    _installed = True
