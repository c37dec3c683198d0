import logging


class WithoutTraceback(logging.Filter):
    """Keeps the record's one line and drops its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True
