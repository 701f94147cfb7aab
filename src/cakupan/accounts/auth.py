"""API authentication: a session for people, a bearer token for services."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from cakupan.accounts.models import ApiToken
from cakupan.accounts.services import token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ckp_…`; `request.auth` becomes the ApiToken."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = token_authenticate(token)
        if found is not None:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        return found


class PeopleSessionAuth(SessionAuth):
    """A logged-in, active person; `request.auth` becomes the User."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


api_auth = [PeopleSessionAuth(), TokenAuth()]
