"""Writing the audit log. Call inside the transaction of the action it records."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.http import HttpRequest

from cakupan.audit.models import AuditEntry


def client_address(request: HttpRequest | None) -> str | None:
    """The caller's address (REMOTE_ADDR; a proxy in front must set it)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    rows: int | None = None,
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
    region_code: str | None = None,
    actor_label: str | None = None,
) -> AuditEntry:
    """Append one entry. `actor` is a User, an ApiToken or None (the system). Never put a NIK in
    `detail`: it is shown to administrators as it is."""
    user = actor if isinstance(actor, AbstractBaseUser) else None
    if actor_label is None:
        if user is not None:
            actor_label = user.get_username()
        elif actor is not None and hasattr(actor, "key_hash"):
            actor_label = f"token:{actor.name}"
        else:
            actor_label = "sistem"
    return AuditEntry.objects.create(
        actor=user,
        actor_label=actor_label[:150],
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        region_code=region_code or getattr(actor, "region_code", None) or "",
        row_count=rows,
        ip_address=client_address(request),
        detail=detail or {},
    )
