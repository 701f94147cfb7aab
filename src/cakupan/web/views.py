"""The shell: dashboard, login/logout/password with audit, the CSRF failure page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_GET

from cakupan.audit.services import audit_record
from cakupan.coverage.dashboard import dashboard_build, dashboard_query_parse


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
    """Django's login, with every success and failure in the audit log."""

    template_name = "registration/login.html"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(actor=self.request.user, action="login", request=self.request)
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        username = (form.data.get("username") or "")[:150]
        audit_record(actor=None, action="login.failed", request=self.request, actor_label=username)
        return super().form_invalid(form)


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
