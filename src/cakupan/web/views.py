"""The shell: dashboard, login/logout/password with audit, the CSRF failure page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET

from cakupan.audit.services import audit_record
from cakupan.coverage.selectors import coverage_by_area, coverage_summary, latest_period
from cakupan.regions.selectors import child_level, region_ancestors, region_get


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: coverage of the user's region and of the areas one level below it."""
    user = request.user
    if not user.can("coverage.view"):  # type: ignore[union-attr]
        return render(request, "web/home_plain.html")
    scope = user.region_code  # type: ignore[union-attr]
    periode = latest_period()
    region = region_get(scope) if scope else None
    rows = []
    summary = None
    level = child_level(scope)
    if periode:
        summary = coverage_summary(actor=user, region_code=scope, periode=periode)
        if level:
            rows = coverage_by_area(actor=user, region_code=scope, level=level, periode=periode)
    return render(
        request,
        "web/home.html",
        {
            "region": region,
            "ancestors": region_ancestors(scope) if scope else [],
            "periode": periode,
            "summary": summary,
            "rows": rows,
            "drill": level not in (None, "village"),
        },
    )


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
