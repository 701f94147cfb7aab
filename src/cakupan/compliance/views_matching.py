"""The review queue of uncertain business ↔ employer pairs: list them, accept or reject one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cakupan.accounts.scope import require_capability
from cakupan.compliance.matching import candidate_decide, candidate_queue
from cakupan.errors import NotFound
from cakupan.regions.models import Region

PAGE_SIZE = 50


class DecisionForm(forms.Form):
    candidate = forms.IntegerField(min_value=1)
    keputusan = forms.ChoiceField(choices=[("terima", "terima"), ("tolak", "tolak")])


@require_http_methods(["GET", "POST"])
@login_required
def match_queue(request: HttpRequest) -> HttpResponse:
    """Pairs waiting for review in the user's region; POST accepts or rejects one, then back."""
    user = request.user
    require_capability(user, "compliance.followup")  # type: ignore[arg-type]
    queue = candidate_queue(actor=user)  # type: ignore[arg-type]
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a pair and a decision."))
            return redirect(request.get_full_path())
        candidate = queue.filter(pk=form.cleaned_data["candidate"]).first()
        if candidate is None:
            number = form.cleaned_data["candidate"]
            raise NotFound(apa=f"Pasangan menunggu #{number}", what=f"Waiting pair #{number}")
        accept = form.cleaned_data["keputusan"] == "terima"
        candidate_decide(candidate=candidate, accept=accept, acting_user=user)  # type: ignore[arg-type]
        if accept:
            messages.success(
                request,
                _("Accepted: %(business)s is employer %(npp)s.")
                % {"business": candidate.business.nama, "npp": candidate.employer.npp},
            )
        else:
            messages.success(
                request,
                _("Rejected: %(business)s and %(employer)s will not be proposed again.")
                % {"business": candidate.business.nama, "employer": candidate.employer.nama},
            )
        return redirect(request.get_full_path())
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    codes = {c.business.kode_wilayah for c in rows} | {c.employer.kode_wilayah for c in rows}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    for c in rows:
        c.business_region = names.get(c.business.kode_wilayah, "")  # type: ignore[attr-defined]
        c.employer_region = names.get(c.employer.kode_wilayah, "")  # type: ignore[attr-defined]
    return render(request, "compliance/match_queue.html", {"page": page, "rows": rows})
