"""Regional screens of sponsored protection: the programme overview (villages map, programmes,
budget use, progress to target), what a sponsor funded, staff and officials' rosters, and the
what-if simulator. Aggregates only: no name, no NIK on any of them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cakupan.accounts.roles import Role
from cakupan.accounts.scope import Actor, effective_region, in_scope, require_capability
from cakupan.coverage import palette
from cakupan.coverage.dashboard import trend_chart
from cakupan.coverage.geo import feature_collection
from cakupan.coverage.models import CoverageSnapshot
from cakupan.coverage.selectors import TrendPoint, coverage_periods, coverage_summary, target_for
from cakupan.errors import CakupanError, InvalidInput
from cakupan.programmes.models import ProgrammeStatus, RosterKind
from cakupan.programmes.rates import PACKAGES
from cakupan.programmes.rosters import RostersRejected, roster_save, rosters_import
from cakupan.programmes.selectors import (
    BERJALAN,
    MENUNGGU,
    TANPA,
    VillageRow,
    budget_use,
    programme_end,
    programme_figures,
    programme_list,
    protection_trend,
    region_protection,
    roster_kind_shares,
    roster_overview,
    sponsor_list,
    sponsor_summary,
    village_programme_map,
)
from cakupan.programmes.simulator import PEMBAGIAN, simulate_target, simulate_villages
from cakupan.regions.models import Region
from cakupan.regions.selectors import region_ancestors, region_children, region_get
from cakupan.registry.selectors import period_parse

# Map colours: ColorBrewer-style, told apart without colour vision too (blue / orange / grey).
STATE_COLOURS = {BERJALAN: "#2166ac", MENUNGGU: "#f4a582", TANPA: "#bababa"}
RENTAN_COLOURS = {True: "#2166ac", False: "#bababa"}
PROGRAMMES_PER_PAGE = 50
SPONSORS_PER_PAGE = 20
OPTIONAL_SIMULATOR_FIELDS = ("penghasilan", "sudah_aktif", "target", "periode")


def _state_labels() -> dict[str, str]:
    return {
        BERJALAN: _("Programme running"),
        MENUNGGU: _("Programme planned or awaiting approval"),
        TANPA: _("No programme"),
    }


# --- request parsing -------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionQuery:
    """Region (inside the user's scope), coverage period and budget year of a page."""

    region: Region | None
    periode: str
    tahun: int
    periods: list[str]

    @property
    def code(self) -> str | None:
        return self.region.code if self.region else None

    def params(self, **change: Any) -> str:
        values = {"region": self.code or "", "periode": self.periode, "tahun": self.tahun}
        values.update(change)
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def _region_query(actor: Actor, params: QueryDict) -> RegionQuery:
    code = effective_region(actor, (params.get("region") or "").strip() or None)
    region = region_get(code) if code else None
    periods = coverage_periods()
    periode = (params.get("periode") or "").strip() or (
        periods[0] if periods else timezone.localdate().strftime("%Y-%m")
    )
    period_parse(periode)
    tahun_text = (params.get("tahun") or "").strip()
    if tahun_text and not (tahun_text.isdigit() and 2000 <= int(tahun_text) <= 2100):
        raise InvalidInput(
            kolom="tahun",
            pesan_rinci=f"tahun anggaran harus 2000–2100, tertulis {tahun_text!r}",
            detail=f"the fiscal year must be 2000–2100, found {tahun_text!r}",
        )
    tahun = int(tahun_text) if tahun_text else int(periode[:4])
    return RegionQuery(region, periode, tahun, periods)


def _region_options(actor: Actor, region: Region | None) -> list[Region]:
    """Regions a page offers: the user's scope and the areas one level below it, plus the
    region shown and its ancestors inside the scope."""
    scope = actor.region_code
    options: list[Region] = []
    if scope:
        options.append(region_get(scope))
    if scope is None or scope.count(".") < 3:
        options += list(region_children(scope))
    if region is not None:
        options += [
            a for a in region_ancestors(region.code) if scope is None or len(a.code) >= len(scope)
        ]
        options.append(region)
    seen: dict[str, Region] = {}
    for r in options:
        seen.setdefault(r.code, r)
    return sorted(seen.values(), key=lambda r: r.code)


def _tabs(actor: Any, current: str) -> list[tuple[str, str, bool]]:
    """The links between the regional programme screens this user may open."""
    regional = actor.can("programmes.view") and actor.role != Role.SPONSOR
    entries = [
        ("programmes_overview", _("Overview"), regional),
        (
            "programmes_sponsor",
            _("What we funded") if actor.role == Role.SPONSOR else _("Sponsors"),
            actor.can("programmes.view"),
        ),
        ("programmes_staff", _("Staff and village officials"), regional),
        ("programmes_simulator", _("What-if simulator"), actor.can("programmes.simulate")),
    ]
    return [(reverse(name), label, name == current) for name, label, shown in entries if shown]


# --- the overview ----------------------------------------------------------------------------


@require_GET
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Programmes of a region: villages on a map with or without a programme, the programmes and
    their approval, budget use per funding line, people protected and progress to the target."""
    user: Any = request.user
    require_capability(user, "programmes.view")
    if user.role == Role.SPONSOR:
        return redirect("programmes_sponsor")
    q = _region_query(user, request.GET)
    programmes = programme_figures(programme_list(actor=user, kode_wilayah=q.code)).order_by(
        "status", "-created_at", "pk"
    )
    page = Paginator(programmes, PROGRAMMES_PER_PAGE).get_page(request.GET.get("page"))
    for p in page:
        p.bulan_akhir = programme_end(p)  # type: ignore[attr-defined]
        p.dalam_lingkup = in_scope(user, p.kode_wilayah)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "q": q,
        "tabs": _tabs(user, "programmes_overview"),
        "options": _region_options(user, q.region),
        "page": page,
        "can_approve": user.can("programmes.approve"),
        "can_simulate": user.can("programmes.simulate"),
        "submitted": ProgrammeStatus.SUBMITTED,
        "budget": budget_use(actor=user, kode_wilayah=q.code, tahun=q.tahun),
        "trend": protection_trend(actor=user, kode_wilayah=q.code),
    }
    if q.region is not None:
        villages = village_programme_map(actor=user, kode_wilayah=q.code, periode=q.periode)
        has_data = CoverageSnapshot.objects.filter(periode=q.periode).exists()
        context.update(
            protection=region_protection(kode_wilayah=q.region.code, periode=q.periode),
            villages=villages,
            counts={s: sum(v.status == s for v in villages) for s in STATE_COLOURS},
            legend=[(STATE_COLOURS[s], label) for s, label in _state_labels().items()],
            state_labels=_state_labels(),
            summary=coverage_summary(actor=user, region_code=q.code, periode=q.periode)
            if has_data
            else None,
            map_url=f"{reverse('programmes_map')}?{q.params()}",
        )
    return render(request, "programmes/region/overview.html", context)


def _village_feature(v: VillageRow, colour: str, label: str, periode: str) -> dict[str, Any]:
    coverage = (
        _("coverage %(persen)s%%") % {"persen": palette.format_number(v.cakupan_persen, 2)}
        if v.cakupan_persen is not None
        else _("coverage unknown")
    )
    detail = _("%(n)s protected in %(periode)s, quota %(kuota)s") % {
        "n": palette.format_number(v.dilindungi),
        "periode": periode,
        "kuota": palette.format_number(v.kuota),
    }
    return {
        "code": v.kode_wilayah,
        "name": v.nama_wilayah,
        "warna": colour,
        "label": label,
        "detail": f"{detail} · {coverage}",
        "status": v.status,
    }


@require_GET
@login_required
def village_map(request: HttpRequest) -> JsonResponse:
    """The region's villages as GeoJSON, coloured by programme state (`warna=program`, the
    default) or by whether they already protect vulnerable workers (`warna=rentan`). A sponsor
    sees only its own programmes on it."""
    user: Any = request.user
    require_capability(user, "programmes.view")
    q = _region_query(user, request.GET)
    if q.region is None:
        return JsonResponse({"type": "FeatureCollection", "features": []})
    villages = village_programme_map(actor=user, kode_wilayah=q.region.code, periode=q.periode)
    by_vulnerable = request.GET.get("warna") == "rentan"
    labels = _state_labels()
    features = []
    for v in villages:
        if by_vulnerable:
            colour = RENTAN_COLOURS[v.rentan]
            label = (
                _("Already protects vulnerable workers")
                if v.rentan
                else _("No programme for vulnerable workers")
            )
        else:
            colour, label = STATE_COLOURS[v.status], labels[v.status]
        features.append(_village_feature(v, colour, label, q.periode))
    response = JsonResponse(feature_collection("village", features))
    response["Cache-Control"] = "private, max-age=60"
    return response


# --- the sponsor's page ----------------------------------------------------------------------


@require_GET
@login_required
def sponsor(request: HttpRequest) -> HttpResponse:
    """What a sponsor funded: programmes, villages, people protected per month, budget, paid.
    A sponsor user sees its own sponsors; regional staff every sponsor in their scope."""
    user: Any = request.user
    page = Paginator(sponsor_list(actor=user).values_list("pk", flat=True), SPONSORS_PER_PAGE)
    page = page.get_page(request.GET.get("page"))
    summaries = sponsor_summary(actor=user, sponsor_ids=list(page))
    return render(
        request,
        "programmes/region/sponsor.html",
        {
            "page": page,
            "summaries": summaries,
            "is_sponsor": user.role == Role.SPONSOR,
            "tabs": _tabs(user, "programmes_sponsor"),
        },
    )


# --- staff and officials' rosters ------------------------------------------------------------


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Roster file (CSV or XLSX)"))


class RosterForm(forms.Form):
    kode_wilayah = forms.CharField(label=gettext_lazy("Region code of the employer"), max_length=13)
    jenis = forms.ChoiceField(label=gettext_lazy("Kind"), choices=RosterKind.choices)
    unit = forms.CharField(
        label=gettext_lazy("Agency/OPD, or village (name or code)"), max_length=200
    )
    periode = forms.RegexField(
        label=gettext_lazy("Period (YYYY-MM)"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        widget=forms.TextInput(attrs={"placeholder": "2024-01"}),
    )
    jumlah = forms.IntegerField(label=gettext_lazy("Number of people"), min_value=0)
    sumber = forms.CharField(label=gettext_lazy("Source"), max_length=200, required=False)


@require_http_methods(["GET", "POST"])
@login_required
def staff(request: HttpRequest) -> HttpResponse:
    """Non-ASN staff and village officials: count against protected per unit, the share, over
    time, and the programmes and budget lines behind each figure; roster upload and entry."""
    user: Any = request.user
    require_capability(user, "programmes.view")
    if request.method == "POST":
        require_capability(user, "programmes.manage")
    if user.role == Role.SPONSOR:
        return redirect("programmes_sponsor")
    can_manage = user.can("programmes.manage")
    upload_form = RosterUploadForm() if can_manage else None
    entry_form = (
        RosterForm(initial={"kode_wilayah": user.region_code or ""}) if can_manage else None
    )
    problems = []
    if request.method == "POST":
        if request.POST.get("aksi") == "unggah":
            upload_form = RosterUploadForm(request.POST, request.FILES)
            if upload_form.is_valid():
                try:
                    saved = rosters_import(file=upload_form.cleaned_data["file"], acting_user=user)
                except RostersRejected as error:
                    problems = error.problems
                    upload_form.add_error(None, str(error))
                except CakupanError as error:
                    upload_form.add_error(None, str(error))
                else:
                    messages.success(request, _("%(n)s roster rows saved.") % {"n": saved})
                    return redirect(f"{reverse('programmes_staff')}?{request.GET.urlencode()}")
        else:
            entry_form = RosterForm(request.POST)
            if entry_form.is_valid():
                try:
                    roster_save(acting_user=user, **entry_form.cleaned_data)
                except CakupanError as error:
                    entry_form.add_error(None, str(error))
                else:
                    messages.success(request, _("Roster saved."))
                    return redirect(f"{reverse('programmes_staff')}?{request.GET.urlencode()}")
    code = effective_region(user, (request.GET.get("region") or "").strip() or None)
    region = region_get(code) if code else None
    jenis = request.GET.get("jenis") or None
    data = roster_overview(actor=user, kode_wilayah=code, jenis=jenis)
    periode = request.GET.get("periode") or (data.periods[-1] if data.periods else None)
    if periode:
        period_parse(periode)
    rows = data.rows_in(periode)
    kind_shares = roster_kind_shares(rows)
    points = [
        TrendPoint(p.periode, p.dilindungi, p.jumlah or None, p.persen, False) for p in data.trend
    ]
    return render(
        request,
        "programmes/region/staff.html",
        {
            "region": region,
            "tabs": _tabs(user, "programmes_staff"),
            "options": _region_options(user, region),
            "jenis": jenis,
            "kinds": RosterKind.choices,
            "periode": periode,
            "data": data,
            "rows": rows,
            "point": data.point(periode),
            "kind_shares": kind_shares if len(kind_shares) > 1 else [],
            "unmatched": data.unmatched.get(periode or "", 0),
            "chart": trend_chart(points, None) if points else None,
            "upload_form": upload_form,
            "entry_form": entry_form,
            "problems": problems,
        },
        status=422 if problems else 200,
    )


# --- the simulator ---------------------------------------------------------------------------


class SimulatorForm(forms.Form):
    region = forms.CharField(label=gettext_lazy("Region"), max_length=13)
    per_desa = forms.IntegerField(
        label=gettext_lazy("People per village"), min_value=1, max_value=100_000, initial=100
    )
    bulan = forms.IntegerField(label=gettext_lazy("Months"), min_value=1, max_value=60, initial=12)
    paket = forms.ChoiceField(
        label=gettext_lazy("Package"), choices=[(p, p) for p in PACKAGES], initial=PACKAGES[0]
    )
    penghasilan = forms.IntegerField(
        label=gettext_lazy("Declared monthly income (Rp; empty: the lowest allowed)"),
        min_value=0,
        required=False,
    )
    lewati = forms.BooleanField(
        label=gettext_lazy("Do not count villages already running a programme twice"),
        required=False,
        initial=True,
    )
    sudah_aktif = forms.DecimalField(
        label=gettext_lazy("Share of listed people already active (%)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        initial=0,
        required=False,
    )
    target = forms.DecimalField(
        label=gettext_lazy("Coverage target (%)"),
        min_value=Decimal("0.01"),
        max_value=100,
        decimal_places=2,
        required=False,
    )
    pembagian = forms.ChoiceField(
        label=gettext_lazy("Share the workers out to villages"),
        choices=[
            ("proporsional", gettext_lazy("in proportion to uncovered informal workers")),
            ("rata", gettext_lazy("evenly")),
        ],
        initial=PEMBAGIAN[0],
    )
    periode = forms.CharField(label=gettext_lazy("Coverage period"), required=False)


def _simulator_form(actor: Actor, params: QueryDict) -> SimulatorForm:
    """The form bound to the request (a value left out takes its default), or to the defaults on
    a first visit: the user's region, 100 people, 12 months, the region's own target."""
    region = (params.get("region") or "").strip() or actor.region_code or ""
    periods = coverage_periods()
    target = target_for(region, periods[0]) if region and periods else None
    data: dict[str, Any] = {
        name: "" if field.initial is None else field.initial
        for name, field in SimulatorForm.base_fields.items()
    }
    data.update(region=region, target=target.persen if target else "")
    for name in SimulatorForm.base_fields:
        if name in params and (params.get(name) or name in OPTIONAL_SIMULATOR_FIELDS):
            data[name] = params.get(name, "").strip()
    # An unticked box sends nothing: the hidden field before it says "0"; absent means ticked.
    data["lewati"] = "1" if params.getlist("lewati")[-1:] in (["1"], []) else ""
    if not region:
        return SimulatorForm(initial=data)  # all Indonesia: let the user choose a region first
    return SimulatorForm(data)


@require_GET
@login_required
def simulator(request: HttpRequest) -> HttpResponse:
    """If every village of a region protects N workers: cost, coverage before and after, villages
    already doing it on the map; and the workers and cost to reach a coverage target."""
    user: Any = request.user
    require_capability(user, "programmes.simulate")
    form = _simulator_form(user, request.GET)
    simulation = plan = None
    error = None
    region = None
    if form.is_valid():
        d = form.cleaned_data
        try:
            region = region_get(effective_region(user, d["region"].strip()) or "")
            common = {
                "actor": user,
                "kode_wilayah": region.code,
                "months": d["bulan"],
                "program": d["paket"],
                "penghasilan": d["penghasilan"],
                "periode": d["periode"] or None,
            }
            simulation = simulate_villages(
                per_village=d["per_desa"],
                skip_running=d["lewati"],
                sudah_aktif_persen=d["sudah_aktif"] or Decimal(0),
                **common,
            )
            if d["target"] is not None:
                plan = simulate_target(
                    target_persen=d["target"], pembagian=d["pembagian"], **common
                )
        except CakupanError as exc:
            error = exc
    periode = simulation.periode if simulation else None
    map_params = urlencode(
        {"region": region.code if region else "", "periode": periode or "", "warna": "rentan"}
    )
    return render(
        request,
        "programmes/region/simulator.html",
        {
            "form": form,
            "tabs": _tabs(user, "programmes_simulator"),
            "options": _region_options(user, region),
            "periods": coverage_periods(),
            "simulation": simulation,
            "plan": plan,
            "error": error,
            "region": region,
            "map_url": f"{reverse('programmes_map')}?{map_params}",
            "legend": [
                (RENTAN_COLOURS[True], _("Already protects vulnerable workers")),
                (RENTAN_COLOURS[False], _("No programme for vulnerable workers")),
            ],
            "can_map": user.can("programmes.view"),
        },
    )
