"""A logging filter that masks NIKs in every record a handler writes (settings.LOGGING).

Cakupan's code never logs a NIK; this catches the rest: a NIK typed into a URL is logged by
Django's `django.request` ("Not Found: /…/5104014101900001/"), a library may echo input.
"""

from __future__ import annotations

import logging

from cakupan.lib.masking import mask_nik_runs


class MaskNiks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave the record to logging's own report
            return True
        masked = mask_nik_runs(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
