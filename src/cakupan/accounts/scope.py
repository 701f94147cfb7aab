"""Region and role scope, enforced in one place: `ScopedQuerySet.visible_to(actor)`.

A scoped model names the region-code field it is cut by (`scope_field`) and the capability a role
needs to read it at all (`scope_capability`). Every selector starts from `Model.objects.visible_to`.
"""

from __future__ import annotations

from typing import Protocol, Self, TypeVar

from django.db import models

from cakupan.accounts.roles import Role, role_can
from cakupan.errors import OutOfScope, PermissionDenied
from cakupan.regions.selectors import within_q


class Actor(Protocol):
    """A user or an API token: what scope checks need to know."""

    role: str

    @property
    def region_code(self) -> str | None: ...

    def can(self, capability: str) -> bool: ...


M = TypeVar("M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[M]):
    def visible_to(self, actor: Actor) -> Self:
        """Only the rows `actor`'s role may read, inside `actor`'s region."""
        model = self.model
        if not actor.can(model.scope_capability):  # type: ignore[attr-defined]
            return self.none()
        return self.filter(within_q(model.scope_field, actor.region_code))  # type: ignore[attr-defined]


def in_scope(actor: Actor, code: str | None) -> bool:
    """Whether region `code` (None: all Indonesia) lies inside `actor`'s scope."""
    scope = actor.region_code
    if scope is None:
        return True
    if code is None:
        return False
    return code == scope or code.startswith(scope + ".")


def require_scope(actor: Actor, code: str | None) -> None:
    """Raise OutOfScope unless region `code` lies inside `actor`'s scope."""
    if not in_scope(actor, code):
        raise OutOfScope(kode_wilayah=code or "ID", lingkup=actor.region_code or "ID")


def require_capability(actor: Actor, capability: str) -> None:
    """Raise PermissionDenied unless `actor`'s role has `capability`."""
    if not actor.can(capability):
        raise PermissionDenied(
            alasan_id=f"peran {actor.role} tidak boleh {capability}",
            reason=f"role {actor.role} may not {capability}",
        )


def effective_region(actor: Actor, requested: str | None) -> str | None:
    """The region a request looks at: the one asked for (which must be in scope) or the scope."""
    if requested is None:
        return actor.region_code
    require_scope(actor, requested)
    return requested


class SystemActor:
    """The machine's operator at the command line: a BPJS administrator for all of Indonesia."""

    role: str = Role.BPJS_ADMIN
    region_code: str | None = None
    is_active = True

    def can(self, capability: str) -> bool:
        return role_can(self.role, capability)
