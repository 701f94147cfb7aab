"""The shell: dashboard, login/logout/password with audit, the CSRF failure page."""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from cakupan.accounts.throttle import login_wait_seconds
from cakupan.audit.services import audit_record, client_address
from cakupan.coverage.dashboard import dashboard_build, dashboard_query_parse
from cakupan.lib.masking import mask_nik_runs


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: coverage of the user's region and of the areas one level below it."""
    user = request.user
    if not user.can("coverage.view"):  # type: ignore[union-attr]
        return render(request, "web/home_plain.html")
    query = dashboard_query_parse(user, QueryDict())  # type: ignore[arg-type]
    board = dashboard_build(user, query, reverse("coverage"))  # type: ignore[arg-type]
    return render(request, "web/home.html", {"board": board, "q": query})


class LoginView(auth_views.LoginView):
    """Django's login, with every success and failure in the audit log, throttled: after too many
    failures (accounts.throttle) the password is not checked at all until the wait is over."""

    template_name = "registration/login.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = _typed_username(request.POST.get("username", ""))
        wait = login_wait_seconds(username=username, address=client_address(request))
        if wait:
            audit_record(
                actor=None,
                action="login.failed",
                request=request,
                actor_label=username,
                detail={"throttled": True},
            )
            minutes = max(1, math.ceil(wait / 60))
            messages.error(
                request,
                ngettext(
                    "Too many failed logins. Try again in %(minutes)d minute.",
                    "Too many failed logins. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            response = self.render_to_response(self.get_context_data(form=self.get_form_class()()))
            response.status_code = 429
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(actor=self.request.user, action="login", request=self.request)
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        username = _typed_username(form.data.get("username") or "")
        audit_record(actor=None, action="login.failed", request=self.request, actor_label=username)
        return super().form_invalid(form)


def _typed_username(value: str) -> str:
    """The username as typed, for the audit log: a NIK typed there is masked (no NIK in logs)."""
    return mask_nik_runs(value.strip())[:150]


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            audit_record(actor=request.user, action="logout", request=request)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    @transaction.atomic
    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(actor=self.request.user, action="password.change", request=self.request)
        return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A forged or missing CSRF token: say so in both languages; nothing was changed."""
    return render(request, "web/csrf_failure.html", status=403)


def favicon(request: HttpRequest) -> HttpResponse:
    """No icon: answer browsers' automatic /favicon.ico request without a 404."""
    response = HttpResponse(status=204)
    response["Cache-Control"] = "max-age=86400"
    return response
