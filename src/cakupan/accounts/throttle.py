"""Login throttling: too many failed logins for one username from one address, or from one
address for any usernames, and the login form stops checking passwords for a while.

The count is read from the audit log, where every failed login is already written
(`login.failed`, with the username typed and the address): the limit holds across every gunicorn
worker and host without a shared cache, and a restart does not reset it. Limits (settings, with
these defaults): `LOGIN_FAILURES_PER_USER` 5 per username and address, `LOGIN_FAILURES_PER_ADDRESS`
30 per address, within `LOGIN_THROTTLE_SECONDS` 900. A successful login from the address clears
its username's count; refused attempts are logged (detail `throttled`) but do not count.
"""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from cakupan.audit.models import AuditEntry

DEFAULTS = {
    "LOGIN_FAILURES_PER_USER": 5,
    "LOGIN_FAILURES_PER_ADDRESS": 30,
    "LOGIN_THROTTLE_SECONDS": 900,
}


def _setting(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


def login_wait_seconds(*, username: str, address: str | None) -> int:
    """Seconds this login attempt must wait (0: go ahead and check the password)."""
    window = _setting("LOGIN_THROTTLE_SECONDS")
    since = timezone.now() - timedelta(seconds=window)
    failures = AuditEntry.objects.filter(
        action="login.failed", created_at__gte=since, ip_address=address
    ).exclude(detail__has_key="throttled")
    by_address = list(failures.order_by("-created_at").values_list("created_at", flat=True)[:1000])
    if len(by_address) >= _setting("LOGIN_FAILURES_PER_ADDRESS"):
        oldest = by_address[_setting("LOGIN_FAILURES_PER_ADDRESS") - 1]
        return _remaining(oldest, window)
    last_success = (
        AuditEntry.objects.filter(
            action="login", actor_label=username[:150], ip_address=address, created_at__gte=since
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    mine = failures.filter(actor_label=username[:150])
    if last_success is not None:
        mine = mine.filter(created_at__gt=last_success)
    times = list(mine.order_by("-created_at").values_list("created_at", flat=True)[:100])
    limit = _setting("LOGIN_FAILURES_PER_USER")
    if len(times) >= limit:
        return _remaining(times[limit - 1], window)
    return 0


def _remaining(oldest_counted: object, window: int) -> int:
    ends = oldest_counted + timedelta(seconds=window)  # type: ignore[operator]
    return max(1, math.ceil((ends - timezone.now()).total_seconds()))
