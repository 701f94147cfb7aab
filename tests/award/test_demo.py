"""The demo's award cycle: 9 regencies/cities, 5 jurors, evidence and scores, at the decision
stage, Gianyar first — and the CLI ranking on it."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from cakupan.award.demo import DEMO_CODE, award_demo_load
from cakupan.award.models import Assignment, Conflict, Cycle, Evidence, IndicatorValue
from cakupan.award.services.cycles import stage_current
from cakupan.award.services.jury import conflict_for
from cakupan.award.services.results import cycle_rankings

pytestmark = pytest.mark.django_db

BALI = ["51.01", "51.02", "51.03", "51.04", "51.05", "51.06", "51.07", "51.08", "51.71"]


@pytest.fixture
def demo():
    """The whole `cakupan demo` sequence (smaller), then the award cycle."""
    from cakupan.compliance.matching import business_match
    from cakupan.compliance.status import status_refresh
    from cakupan.coverage.facts import facts_refresh_all
    from cakupan.coverage.workforce import workforce_estimate_all
    from cakupan.demo import demo_businesses_load, demo_load
    from cakupan.programmes.demo import programmes_demo_load

    demo_load(participants=2500, seed=2023)
    workforce_estimate_all()
    programmes_demo_load(seed=2023)
    periods = facts_refresh_all()
    demo_businesses_load(seed=2023, periode=periods[-1])
    business_match()
    for periode in periods:
        status_refresh(periode)
    award_demo_load()


def test_demo_cycle_stands_at_the_decision_stage_with_gianyar_first(demo):
    cycle = Cycle.objects.get(kode=DEMO_CODE)
    assert stage_current(cycle) == "keputusan" and cycle.decided_at is None
    pemkab = cycle.candidates.filter(kategori="pemkab").order_by("kode")
    assert list(pemkab.values_list("kode", flat=True)) == BALI
    jurors = set(Assignment.objects.filter(cycle=cycle).values_list("juror__username", flat=True))
    assert jurors == {"juri", "juri2", "juri3", "juri4", "juri5"}
    assert not Assignment.objects.filter(cycle=cycle, submitted_at__isnull=True).exists()
    assert Evidence.objects.filter(candidate__cycle=cycle).count() >= 9 * 4
    assert IndicatorValue.objects.filter(candidate__cycle=cycle, nilai__isnull=False).exists()
    ranking = {c.kategori: c for c in cycle_rankings(cycle)}["pemkab"]
    assert ranking.rows[0].candidate.kode == "51.04"
    assert ranking.rows[0].peringkat == 1
    # the harsh and lenient jurors make the two columns differ
    assert any(abs(r.skor_mentah - r.skor_z) > 0.01 for r in ranking.rows)
    # one load of the demo serves every check below
    check_conflicts_are_never_assigned()
    check_loads_once()
    check_cli_ranking_csv_json_and_table()
    check_pdfs_render()


def check_conflicts_are_never_assigned():
    cycle = Cycle.objects.get(kode=DEMO_CODE)
    assert Conflict.objects.filter(cycle=cycle).count() == 2
    for a in Assignment.objects.filter(cycle=cycle).select_related("juror", "candidate"):
        assert conflict_for(cycle, a.juror, a.candidate) is None


def check_loads_once():
    award_demo_load()
    assert Cycle.objects.filter(kode=DEMO_CODE).count() == 1


def check_cli_ranking_csv_json_and_table():
    out = io.StringIO()
    call_command(
        "award",
        "ranking",
        "--cycle",
        DEMO_CODE,
        "--category",
        "pemkab",
        "--format",
        "csv",
        stdout=out,
        stderr=io.StringIO(),
    )
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["peringkat", "kode", "nama", "skor"]
    assert rows[1][:3] == ["1", "51.04", "Pemerintah Kabupaten Gianyar"]
    assert len(rows) == 10 and float(rows[1][3]) >= float(rows[2][3])

    out = io.StringIO()
    call_command(
        "award",
        "ranking",
        "--cycle",
        DEMO_CODE,
        "--format",
        "json",
        stdout=out,
        stderr=io.StringIO(),
    )
    data = json.loads(out.getvalue())
    assert {d["kategori"] for d in data} >= {"pemkab"}
    assert data[0] == {**data[0], "peringkat": 1, "kode": "51.04", "kategori": "pemkab"}

    out, err = io.StringIO(), io.StringIO()
    call_command(
        "award", "ranking", "--cycle", DEMO_CODE, "--category", "pemkab", stdout=out, stderr=err
    )
    assert "Pemerintah Kabupaten Gianyar" in out.getvalue().splitlines()[2]
    assert "Peringkat sementara" in err.getvalue() and "Provisional ranking" in err.getvalue()


def check_pdfs_render():
    from cakupan.award.pdf import results_pdf, scorecard_pdf
    from cakupan.award.scorecards import scorecard_build

    cycle = Cycle.objects.get(kode=DEMO_CODE)
    text = (
        PdfReader(io.BytesIO(results_pdf(cycle, cycle_rankings(cycle), oleh="panitia")))
        .pages[0]
        .extract_text()
    )
    assert "Pemerintah Kabupaten Gianyar" in text and "HASIL SEMENTARA" in text
    card = scorecard_build(cycle, cycle.candidates.get(kode="51.06"))
    pdf = PdfReader(io.BytesIO(scorecard_pdf(card, oleh="panitia")))
    body = "".join(p.extract_text() for p in pdf.pages)
    assert "Pemerintah Kabupaten Bangli" in body and "Tiga indikator" in body
    assert len(card.gains) == 3
