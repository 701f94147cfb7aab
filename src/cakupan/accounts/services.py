"""Writes on accounts: users, API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from cakupan.accounts.models import ApiToken, User
from cakupan.accounts.roles import Role
from cakupan.audit.services import audit_record
from cakupan.errors import InvalidInput
from cakupan.regions.selectors import region_get

TOKEN_PREFIX = "ckp_"


def token_hash(key: str) -> str:
    """SHA-256 of a token: what is stored and looked up."""
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, name: str, role: str, region_code: str | None = None, acting_user: User | None = None
) -> tuple[ApiToken, str]:
    """Make a bearer token for a service; returns the row and the token, which is never kept."""
    if role not in Role.values:
        raise InvalidInput(
            kolom="role",
            pesan_rinci=f"peran {role!r} tidak dikenal; pilih salah satu: {', '.join(Role.values)}",
            detail=f"unknown role {role!r}; choose one of: {', '.join(Role.values)}",
        )
    if ApiToken.objects.filter(name=name).exists():
        raise InvalidInput(
            kolom="name",
            pesan_rinci=f"token bernama {name!r} sudah ada",
            detail=f"a token named {name!r} already exists",
        )
    region = region_get(region_code) if region_code else None
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name,
        role=role,
        region=region,
        key_hash=token_hash(key),
        prefix=key[:10],
        created_by=acting_user,
    )
    audit_record(
        actor=acting_user,
        action="token.create",
        target=token,
        detail={"role": role, "region": region_code},
    )
    return token, key


def token_authenticate(key: str) -> ApiToken | None:
    """The live token matching `key`, or None."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.filter(key_hash=token_hash(key), revoked_at__isnull=True)
        .select_related("region")
        .first()
    )
    return token


@transaction.atomic
def token_revoke(*, token: ApiToken, acting_user: User | None = None) -> None:
    """Revoke a token; it stops working at once."""
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=acting_user, action="token.revoke", target=token)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    region_code: str | None,
    acting_user: User | None = None,
    full_name: str = "",
) -> User:
    """Create a person with one role and one region scope."""
    region = region_get(region_code) if region_code else None
    user = User(username=username, role=role, region=region, first_name=full_name)
    user.set_password(password)
    user.is_staff = role == Role.BPJS_ADMIN
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=acting_user,
        action="permission.change",
        target=user,
        detail={"role": role, "region": region_code},
    )
    return user
