"""Award pages, part one: the award's home, creating a cycle, a cycle's stages and settings, and
the rubric editor with its version history. Thin: forms in, services called, templates out."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import formset_factory
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cakupan.accounts.models import User
from cakupan.accounts.scope import require_capability
from cakupan.audit.services import audit_record
from cakupan.award.forms import (
    AspectFormSet,
    AspectRow,
    CycleForm,
    IndicatorFormSet,
    IndicatorRow,
    RubricNoteForm,
    SettingsForm,
    StageDatesForm,
    default_stage_initial,
    spec_from_rows,
    spec_initial,
)
from cakupan.award.models import Category, Cycle, IndicatorValue, RubricVersion, StageKind
from cakupan.award.selectors import (
    cycle_get,
    cycle_list,
    is_committee,
    my_assignments,
    results_visible,
    rubric_versions,
)
from cakupan.award.services.cycles import (
    ACTIONS,
    cycle_create,
    cycle_rubric_set,
    cycle_settings_set,
    stage_close,
    stage_current,
    stage_dates_set,
    stage_states,
)
from cakupan.award.services.indicators import METRICS, values_compute
from cakupan.award.services.rubrics import rubric_changes, rubric_spec, rubric_version_create
from cakupan.errors import CakupanError, InvalidInput, NotFound, OutOfScope, PermissionDenied

HARD = (PermissionDenied, OutOfScope, NotFound)


def user_of(request: HttpRequest) -> User:
    return cast(User, request.user)


def attempt(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run a service; a refusal becomes a message in both languages (permission and scope
    errors stay errors: the error page)."""
    try:
        action()
    except HARD:
        raise
    except CakupanError as exc:
        messages.error(request, f"{exc.pesan_id} / {exc.message_en}")
        return False
    messages.success(request, success)
    return True


def cycle_tabs(request: HttpRequest, cycle: Cycle) -> dict[str, Any]:
    """What the cycle's tab bar shows to this user."""
    user = user_of(request)
    return {
        "cycle": cycle,
        "committee": is_committee(user, cycle),
        "is_juror": user.can("award.score"),
        "can_results": results_visible(user, cycle),
        "stages": stage_states(cycle),
    }


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The cycles the user can see, with what they can do in each."""
    user = user_of(request)
    cycles = list(cycle_list(actor=user))
    rows = []
    for cycle in cycles:
        states = stage_states(cycle)
        current = next((s for s in states if s.current), None)
        rows.append({"cycle": cycle, "current": current, "committee": is_committee(user, cycle)})
    return render(
        request,
        "award/home.html",
        {
            "rows": rows,
            "can_manage": user.can("award.manage"),
            "is_juror": user.can("award.score"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def cycle_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    require_capability(user, "award.manage")
    initial = {
        "tingkat": "provinsi",
        "kode_wilayah": user.region_code or "",
        "kategori": [Category.PEMKAB],
        **default_stage_initial(),
    }
    form = CycleForm(request.POST or None, initial=initial)
    error = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            cycle = cycle_create(
                kode=d["kode"],
                nama=d["nama"],
                tahun=d["tahun"],
                tingkat=d["tingkat"],
                kode_wilayah=d["kode_wilayah"].strip(),
                periode_data=d["periode_data"],
                periode_banding=d["periode_banding"] or "",
                stages=form.stages(),
                kategori=d["kategori"],
                acting_user=user,
            )
        except HARD:
            raise
        except CakupanError as exc:
            error = exc
        else:
            messages.success(request, _("Cycle created with its candidates."))
            return redirect("award_cycle", kode=cycle.kode)
    stage_fields = [
        (StageKind(k).label, form[f"{k}_mulai"], form[f"{k}_selesai"]) for k in StageKind.values
    ]
    return render(
        request,
        "award/cycle_form.html",
        {"form": form, "stage_fields": stage_fields, "error": error},
        status=error.http_status if error else 200,
    )


@require_GET
@login_required
def cycle_detail(request: HttpRequest, kode: str) -> HttpResponse:
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    committee = is_committee(user, cycle)
    categories = list(cycle.categories.select_related("rubric").order_by("id"))
    versions = {
        c.kategori: list(RubricVersion.objects.filter(kategori=c.kategori).order_by("-nomor"))
        for c in categories
    }
    counts = {
        c.kategori: cycle.candidates.filter(kategori=c.kategori, aktif=True).count()
        for c in categories
    }
    computed = IndicatorValue.objects.filter(candidate__cycle=cycle).count()
    current = stage_current(cycle)
    return render(
        request,
        "award/cycle.html",
        {
            **cycle_tabs(request, cycle),
            "categories": [(c, versions[c.kategori], counts[c.kategori]) for c in categories],
            "computed": computed,
            "settings_form": SettingsForm(
                initial={"normalisasi": cycle.normalisasi, "jumlah_pemenang": cycle.jumlah_pemenang}
            ),
            "my_sheets": my_assignments(actor=user, cycle=cycle).count()
            if user.can("award.score")
            else 0,
            "committee": committee,
            "can_compute": committee and current in ACTIONS["compute"][0],
            "can_settings": committee and current in ACTIONS["settings"][0],
            "can_dates": committee and current in ACTIONS["stage_dates"][0],
            "can_rubric": committee and current in ACTIONS["rubric"][0],
        },
    )


@require_POST
@login_required
def stage_close_view(request: HttpRequest, kode: str, jenis: str) -> HttpResponse:
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    attempt(
        request,
        lambda: stage_close(cycle=cycle, jenis=jenis, acting_user=user),
        _("Stage closed."),
    )
    return redirect("award_cycle", kode=cycle.kode)


@require_POST
@login_required
def stage_dates_view(request: HttpRequest, kode: str, jenis: str) -> HttpResponse:
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    form = StageDatesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter both dates as YYYY-MM-DD."))
    else:
        attempt(
            request,
            lambda: stage_dates_set(
                cycle=cycle,
                jenis=jenis,
                mulai=form.cleaned_data["mulai"],
                selesai=form.cleaned_data["selesai"],
                acting_user=user,
            ),
            _("Stage dates saved."),
        )
    return redirect("award_cycle", kode=cycle.kode)


@require_POST
@login_required
def settings_view(request: HttpRequest, kode: str) -> HttpResponse:
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    form = SettingsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The number of winners must be 1 to 10."))
    else:
        attempt(
            request,
            lambda: cycle_settings_set(
                cycle=cycle,
                normalisasi=form.cleaned_data["normalisasi"],
                jumlah_pemenang=form.cleaned_data["jumlah_pemenang"],
                acting_user=user,
            ),
            _("Ranking settings saved."),
        )
    return redirect("award_cycle", kode=cycle.kode)


@require_POST
@login_required
def cycle_rubric_view(request: HttpRequest, kode: str, kategori: str) -> HttpResponse:
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    version = RubricVersion.objects.filter(
        kategori=kategori, nomor=request.POST.get("nomor") or 0
    ).first()
    if version is None:
        raise NotFound(apa="Versi rubrik", what="Rubric version")
    attempt(
        request,
        lambda: cycle_rubric_set(cycle=cycle, kategori=kategori, version=version, acting_user=user),
        _("The cycle now uses rubric version %(n)s.") % {"n": version.nomor},
    )
    return redirect("award_cycle", kode=cycle.kode)


@require_POST
@login_required
def compute_view(request: HttpRequest, kode: str) -> HttpResponse:
    user = user_of(request)
    cycle = cycle_get(actor=user, kode=kode)
    attempt(
        request,
        lambda: values_compute(cycle=cycle, acting_user=user),
        _("Data indicators computed from the registry, coverage, compliance and programmes."),
    )
    return redirect("award_cycle", kode=cycle.kode)


# ---------------------------------------------------------------------------------- rubrics


def _kategori(kategori: str) -> str:
    if kategori not in Category.values:
        raise NotFound(apa=f"Kategori {kategori}", what=f"Category {kategori}")
    return kategori


@require_GET
@login_required
def rubrics(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    versions = rubric_versions(actor=user)
    latest: dict[str, RubricVersion] = {}
    for v in versions:
        latest.setdefault(v.kategori, v)
    rows = [(value, label, latest.get(value)) for value, label in Category.choices]
    return render(
        request, "award/rubrics.html", {"rows": rows, "can_manage": user.can("award.manage")}
    )


@require_GET
@login_required
def rubric_history(request: HttpRequest, kategori: str) -> HttpResponse:
    user = user_of(request)
    versions = list(rubric_versions(actor=user, kategori=_kategori(kategori)))
    history = []
    for n, v in enumerate(versions):
        older = versions[n + 1] if n + 1 < len(versions) else None
        history.append((v, rubric_changes(older, v)))
    return render(
        request,
        "award/rubric_history.html",
        {
            "kategori": kategori,
            "label": Category(kategori).label,
            "history": history,
            "can_manage": user.can("award.manage"),
        },
    )


def _version(user: User, kategori: str, nomor: int) -> RubricVersion:
    version = rubric_versions(actor=user, kategori=_kategori(kategori)).filter(nomor=nomor).first()
    if version is None:
        raise NotFound(apa=f"Rubrik {kategori} versi {nomor}", what=f"Rubric {kategori} v{nomor}")
    return version


@require_GET
@login_required
def rubric_version(request: HttpRequest, kategori: str, nomor: int) -> HttpResponse:
    user = user_of(request)
    version = _version(user, kategori, nomor)
    aspects = version.aspects.prefetch_related("indicators")
    used_by = Cycle.objects.visible_to(user).filter(categories__rubric=version).distinct()
    return render(
        request,
        "award/rubric_version.html",
        {
            "version": version,
            "label": Category(kategori).label,
            "aspects": aspects,
            "used_by": used_by,
            "metrics": METRICS,
        },
    )


@require_GET
@login_required
def rubric_json(request: HttpRequest, kategori: str, nomor: int) -> HttpResponse:
    """A version as JSON (the format `cakupan award rubric-import` reads); audited."""
    user = user_of(request)
    version = _version(user, kategori, nomor)
    audit_record(
        actor=user,
        action="export",
        target=version,
        request=request,
        detail={"what": "award.rubric", "kategori": kategori, "nomor": nomor},
    )
    response = HttpResponse(
        json.dumps(rubric_spec(version), ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="rubrik-{kategori}-v{nomor}.json"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def rubric_edit(request: HttpRequest, kategori: str) -> HttpResponse:
    """Edit the latest version; saving checks it whole and keeps it as the next version."""
    user = user_of(request)
    require_capability(user, "award.manage")
    _kategori(kategori)
    latest = RubricVersion.objects.filter(kategori=kategori).order_by("-nomor").first()
    error: CakupanError | None = None
    if request.method == "POST":
        aspects = AspectFormSet(request.POST, prefix="aspek")
        indicators = IndicatorFormSet(request.POST, prefix="indikator")
        note = RubricNoteForm(request.POST)
        if aspects.is_valid() and indicators.is_valid() and note.is_valid():
            spec = spec_from_rows(
                [f.cleaned_data for f in aspects if f.cleaned_data],
                [f.cleaned_data for f in indicators if f.cleaned_data],
                note.cleaned_data["catatan"],
            )
            try:
                if spec["yatim"]:
                    raise InvalidInput(
                        kolom="indikator",
                        pesan_rinci=f"aspek indikator {', '.join(spec['yatim'])} tidak ada",
                        detail=f"the aspect of indicator {', '.join(spec['yatim'])} does not exist",
                    )
                version = rubric_version_create(kategori=kategori, spec=spec, acting_user=user)
            except HARD:
                raise
            except CakupanError as exc:
                error = exc
            else:
                messages.success(
                    request, _("Rubric saved as version %(n)s.") % {"n": version.nomor}
                )
                return redirect("award_rubric_version", kategori=kategori, nomor=version.nomor)
        elif not note.is_valid():
            error = InvalidInput(
                kolom="catatan",
                pesan_rinci="tulis apa yang berubah dan mengapa",
                detail="say what changed and why",
            )
    else:
        a_rows, i_rows = spec_initial(rubric_spec(latest)) if latest else ([], [])
        more = request.GET.get("tambah", "")
        extra = min(20, int(more)) if more.isdigit() else 0
        aspects = formset_factory(AspectRow, extra=1 + extra)(prefix="aspek", initial=a_rows)
        indicators = formset_factory(IndicatorRow, extra=2 + extra)(
            prefix="indikator", initial=i_rows
        )
        note = RubricNoteForm()
    return render(
        request,
        "award/rubric_edit.html",
        {
            "kategori": kategori,
            "label": Category(kategori).label,
            "latest": latest,
            "aspects": aspects,
            "indicators": indicators,
            "note": note,
            "error": error,
            "metrics": METRICS,
        },
        status=error.http_status if error else 200,
    )
