"""The licensing system's businesses: every bad cell named, re-import changes nothing, matching by
NIB, NPWP (old 15-digit form too) and name and place within a regency, and the review queue
(decisions audited and remembered, cut to the reviewer's region)."""

from __future__ import annotations

import csv

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import path

from cakupan.audit.models import AuditEntry
from cakupan.compliance.businesses import business_import
from cakupan.compliance.matching import (
    AUTO,
    REVIEW,
    CandidateDecided,
    business_match,
    candidate_decide,
    candidate_queue,
    name_parts,
)
from cakupan.compliance.models import Business, CandidateState, MatchCandidate
from cakupan.compliance.views_matching import match_queue
from cakupan.errors import OutOfScope, PermissionDenied
from cakupan.imports.forms import UploadForm
from cakupan.imports.models import Outcome
from cakupan.jobs.services import _KINDS
from cakupan.registry.models import Employer
from cakupan.urls import urlpatterns as cakupan_urlpatterns

# The review page is not in cakupan.urls yet: the view tests use this module as their URLconf.
urlpatterns = [
    *cakupan_urlpatterns,
    path("kepatuhan/pencocokan/", match_queue, name="match_queue"),
]
QUEUE_URL = "/kepatuhan/pencocokan/"

HEADER = ["nib", "npwp", "nama", "alamat", "kode_wilayah", "kbli", "skala", "jumlah_pekerja"]
BATUBULAN, KETEWEL, GUWANG = "51.04.01.2001", "51.04.01.2002", "51.04.01.2003"
SERANGAN = "51.71.01.1001"  # Denpasar: another regency
NIB_1, NIB_2, NIB_3 = "9120001000001", "9120001000002", "9120001000003"
NPWP_15 = "013000666091000"  # valid old-format NPWP (python-stdnum's example)
NPWP_OTHER_15 = "027189802801000"


def write(tmp_path, rows, header=HEADER, name="usaha.csv"):
    file = tmp_path / name
    with open(file, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows(rows)
    return file


def row(nib=NIB_1, nama="PT Bali Segara Resort", kode=BATUBULAN, npwp="", alamat="", n="12"):
    return [nib, npwp, nama, alamat, kode, "55110", "kecil", n]


def run(tmp_path, rows, actor, **kwargs):
    return business_import(path=write(tmp_path, rows), acting_user=actor, **kwargs)


def employer(npp, nama, kode=BATUBULAN, nib="", npwp=""):
    return Employer.objects.create(npp=npp, nama=nama, kode_wilayah=kode, nib=nib, npwp=npwp)


def match_of(nib=NIB_1):
    b = Business.objects.get(nib=nib)
    return b.employer_id, b.cocok_metode, b.cocok_skor


def waiting(nib=NIB_1):
    return sorted(
        MatchCandidate.objects.filter(business__nib=nib, state=CandidateState.MENUNGGU).values_list(
            "employer__npp", flat=True
        )
    )


# --- import ------------------------------------------------------------------------------------


def test_every_bad_cell_is_named_by_row_and_column_and_nothing_imported(tmp_path, bpjs_admin):
    rows = [
        ["912000100000", "12", "PT A", "", "51.99.99.9999", "5511", "raksasa", "-3"],
        [NIB_2, "", "", "", BATUBULAN, "", "", "lima"],
        [NIB_3, "", "PT C", "", BATUBULAN, "", "", "2000000"],
        [NIB_3, "", "PT D", "", BATUBULAN, "", "", "4"],
        ["9120001000004", "", "PT E", "", "", "", "", ""],
    ]
    result = run(tmp_path, rows, bpjs_admin)
    assert result.exit_code == 1
    assert result.record.outcome == Outcome.REJECTED
    assert Business.objects.count() == 0
    assert {(p.baris, p.kolom, p.kode) for p in result.problems} == {
        (1, "nib", "nib_tidak_valid"),
        (1, "npwp", "npwp_tidak_valid"),
        (1, "kbli", "kbli_tidak_valid"),
        (1, "skala", "pilihan_tidak_dikenal"),
        (1, "jumlah_pekerja", "jumlah_pekerja_negatif"),
        (1, "kode_wilayah", "wilayah_tidak_ada"),
        (2, "nama", "sel_wajib_kosong"),
        (2, "jumlah_pekerja", "angka_tidak_valid"),
        (3, "jumlah_pekerja", "jumlah_pekerja_tidak_wajar"),
        (4, "nib", "nib_ganda"),
        (5, "kode_wilayah", "sel_wajib_kosong"),
        (5, "jumlah_pekerja", "sel_wajib_kosong"),
    }
    duplicate = next(p for p in result.problems if p.kode == "nib_ganda")
    assert duplicate.pesan == "NIB ini sudah ada di baris 3 berkas yang sama."
    assert duplicate.message == "This NIB already appears in row 3 of the same file."
    negative = next(p for p in result.problems if p.kode == "jumlah_pekerja_negatif")
    assert negative.pesan == (
        "Kolom jumlah_pekerja: jumlah pekerja tidak boleh negatif, tertulis -3."
    )
    assert negative.message == (
        "Column jumlah_pekerja: a number of workers cannot be negative, found -3."
    )


def test_a_region_outside_the_importers_scope_is_rejected(tmp_path, make_user):
    gianyar_admin = make_user("admin_gianyar", "bpjs_admin", "51.04")
    result = run(tmp_path, [row(), row(nib=NIB_2, kode=SERANGAN)], gianyar_admin)
    assert [(p.baris, p.kolom, p.kode) for p in result.problems] == [
        (2, "kode_wilayah", "wilayah_di_luar_cakupan")
    ]
    assert Business.objects.count() == 0


def test_import_needs_the_compliance_import_capability(tmp_path, analyst):
    with pytest.raises(PermissionDenied):
        run(tmp_path, [row()], analyst)
    assert Business.objects.count() == 0


def test_english_headers_and_grouped_counts_are_read(tmp_path, bpjs_admin):
    header = "business_id,tax_id,nama_usaha,address,region_code,sector,size,employees".split(",")
    cells = [NIB_1, "01.300.066.6-091.000", "CV Maju", "Jl. Raya", BATUBULAN, "47111", "Mikro"]
    file = write(tmp_path, [[*cells, "1.250"]], header=header)
    result = business_import(path=file, acting_user=bpjs_admin)
    assert result.record.outcome == Outcome.IMPORTED
    b = Business.objects.values(*HEADER).get()
    assert b == dict(zip(HEADER, [*cells[:5], "47111", "mikro", 1250], strict=True)) | {
        "npwp": NPWP_15
    }


def test_reimport_of_the_same_file_changes_nothing(tmp_path, bpjs_admin):
    employer("10000001", "Hotel Lain", nib=NIB_1)
    employer("10000002", "Bali Segara Resort, PT")
    employer("10000003", "PT Segara Indah Bali")
    rows = [
        row(),  # by NIB
        row(nib=NIB_2, nama="PT Bali Segara Resort", n="0"),  # by name
        row(nib=NIB_3, nama="PT Segara Indah", alamat="Jl. Raya Batubulan"),  # queued
    ]
    first_run = run(tmp_path, rows, bpjs_admin)
    assert first_run.record.options["pencocokan"] == {
        "nib": 1,
        "npwp": 0,
        "nama": 1,
        "manual": 0,
        "ditinjau": 1,
        "tidak_cocok": 0,
    }
    businesses = list(Business.objects.order_by("nib").values())
    candidates = list(MatchCandidate.objects.values())
    second_run = run(tmp_path, rows, bpjs_admin)
    assert second_run.record.outcome == Outcome.IMPORTED
    assert second_run.record.options["pencocokan"] == first_run.record.options["pencocokan"]
    assert list(Business.objects.order_by("nib").values()) == businesses  # updated_at too
    assert list(MatchCandidate.objects.values()) == candidates
    run(tmp_path, [row(n="15"), *rows[1:]], bpjs_admin)
    assert Business.objects.get(nib=NIB_1).jumlah_pekerja == 15
    assert Business.objects.get(nib=NIB_2).updated_at == businesses[1]["updated_at"]


def test_the_command_imports_businesses(tmp_path, db, capsys):
    employer("10000001", "Hotel Lain", nib=NIB_1)
    call_command("import", "businesses", str(write(tmp_path, [row()])))
    assert "imported" in capsys.readouterr().out
    assert match_of()[1] == "nib"


def test_upload_form_and_background_job_know_the_kind():
    assert "businesses" in dict(UploadForm.base_fields["kind"].choices)
    assert "imports.businesses" in _KINDS


# --- matching: NIB, NPWP -----------------------------------------------------------------------


def test_matches_by_nib_first(tmp_path, bpjs_admin):
    by_nib = employer("10000001", "Nama Lain Sekali", nib=NIB_1)
    employer("10000002", "PT Bali Segara Resort", npwp=NPWP_15)
    result = run(tmp_path, [row(npwp=NPWP_15)], bpjs_admin)
    assert match_of() == (by_nib.pk, "nib", 1.0)
    counts = result.record.options["pencocokan"]
    assert counts == {"nib": 1, "npwp": 0, "nama": 0, "manual": 0, "ditinjau": 0, "tidak_cocok": 0}


def test_matches_by_npwp_in_either_form(tmp_path, bpjs_admin):
    sixteen = employer("10000001", "Nama Satu", npwp="0" + NPWP_15)
    fifteen = employer("10000002", "Nama Dua", npwp=NPWP_OTHER_15)
    run(tmp_path, [row(npwp=NPWP_15), row(nib=NIB_2, npwp="0" + NPWP_OTHER_15)], bpjs_admin)
    assert match_of(NIB_1) == (sixteen.pk, "npwp", 1.0)
    assert match_of(NIB_2) == (fifteen.pk, "npwp", 1.0)


def test_a_match_whose_evidence_is_gone_is_undone(tmp_path, bpjs_admin):
    e = employer("10000001", "Nama Lain Sekali", nib=NIB_1)
    run(tmp_path, [row()], bpjs_admin)
    assert match_of()[1] == "nib"
    Employer.objects.filter(pk=e.pk).update(nib="")
    assert business_match()["tidak_cocok"] == 1
    assert match_of() == (None, "", None)


# --- matching: name and place ------------------------------------------------------------------


def test_legal_forms_and_punctuation_are_stripped_from_names():
    assert name_parts("Bali Segara Resort, PT") == ("bali segara resort", "pt")
    assert name_parts("P.T. Bali Segara Resort Tbk") == ("bali segara resort", "pt")
    assert name_parts("Perseroan Terbatas Bali Segara") == ("bali segara", "pt")
    assert name_parts("Koperasi Tani Makmur") == ("tani makmur", "koperasi")


def test_same_name_in_the_same_village_is_matched(tmp_path, bpjs_admin):
    e = employer("10000001", "Bali Segara Resort, PT")
    run(tmp_path, [row(alamat="Jl. Raya Batubulan No. 7")], bpjs_admin)
    employer_id, metode, skor = match_of()
    assert (employer_id, metode) == (e.pk, "nama")
    assert skor >= AUTO
    assert waiting() == []


def test_a_similar_name_in_another_regency_is_never_matched(tmp_path, bpjs_admin):
    employer("10000001", "PT Bali Segara Resort", kode=SERANGAN)
    result = run(tmp_path, [row()], bpjs_admin)
    assert match_of() == (None, "", None)
    assert waiting() == []
    assert result.record.options["pencocokan"]["tidak_cocok"] == 1


def test_two_equally_likely_employers_are_queued_not_matched(tmp_path, bpjs_admin):
    employer("10000001", "PT Segara Indah Bali", kode=BATUBULAN)
    employer("10000002", "PT Segara Indah Bali", kode=KETEWEL)
    result = run(tmp_path, [row(nama="PT Segara Indah Bali", kode=GUWANG)], bpjs_admin)
    assert match_of() == (None, "", None)
    assert waiting() == ["10000001", "10000002"]
    assert result.record.options["pencocokan"]["ditinjau"] == 1


def test_a_merely_similar_name_is_queued(tmp_path, bpjs_admin):
    employer("10000001", "PT Segara Indah Bali")
    run(tmp_path, [row(nama="PT Segara Indah")], bpjs_admin)
    assert match_of()[0] is None
    candidate = MatchCandidate.objects.get()
    assert REVIEW <= candidate.skor < AUTO


def test_a_different_legal_form_or_a_one_word_name_is_queued(tmp_path, bpjs_admin):
    employer("10000001", "CV Sinar Jaya")
    employer("10000002", "PT Sinar")
    run(tmp_path, [row(nama="PT Sinar Jaya"), row(nib=NIB_2, nama="PT Sinar")], bpjs_admin)
    assert match_of(NIB_1)[0] is None and waiting(NIB_1) == ["10000001"]
    assert match_of(NIB_2)[0] is None and waiting(NIB_2) == ["10000002"]


def test_an_employer_with_another_nib_is_not_proposed(tmp_path, bpjs_admin):
    employer("10000001", "PT Bali Segara Resort", nib=NIB_3)
    run(tmp_path, [row()], bpjs_admin)
    assert match_of()[0] is None and waiting() == []


# --- review queue ------------------------------------------------------------------------------


def queued(tmp_path, actor):
    """One business (Guwang) with two equally likely employers waiting for review."""
    employer("10000001", "PT Segara Indah Bali", kode=BATUBULAN)
    employer("10000002", "PT Segara Indah Bali", kode=KETEWEL)
    rows = [row(nama="PT Segara Indah Bali", kode=GUWANG)]
    run(tmp_path, rows, actor)
    return rows


def test_accepting_a_pair_matches_it_and_rejects_the_others(tmp_path, bpjs_admin):
    rows = queued(tmp_path, bpjs_admin)
    first, second = MatchCandidate.objects.order_by("employer__npp")
    decided = candidate_decide(candidate=first, accept=True, acting_user=bpjs_admin)
    assert decided.state == CandidateState.DITERIMA and decided.decided_by == bpjs_admin
    assert match_of() == (first.employer_id, "manual", first.skor)
    second.refresh_from_db()
    assert second.state == CandidateState.DITOLAK
    entry = AuditEntry.objects.get(action="business_match.accept")
    assert entry.actor == bpjs_admin and entry.target_id == str(first.pk)
    assert entry.detail["npp"] == "10000001" and entry.detail["ditolak_juga"] == [second.pk]
    with pytest.raises(CandidateDecided):
        candidate_decide(candidate=first, accept=False, acting_user=bpjs_admin)

    # Staff's match is never changed by a later import, not even by an employer with the NIB.
    employer("10000003", "Nama Lain Sekali", nib=NIB_1)
    run(tmp_path, rows, bpjs_admin)
    assert match_of() == (first.employer_id, "manual", first.skor)
    assert waiting() == []


def test_a_rejected_pair_is_never_proposed_again(tmp_path, bpjs_admin):
    employer("10000001", "PT Segara Indah Bali")
    rows = [row(nama="PT Segara Indah")]
    run(tmp_path, rows, bpjs_admin)
    candidate = MatchCandidate.objects.get()
    candidate_decide(candidate=candidate, accept=False, acting_user=bpjs_admin)
    assert AuditEntry.objects.filter(action="business_match.reject").count() == 1
    run(tmp_path, rows, bpjs_admin)
    assert waiting() == []
    assert list(MatchCandidate.objects.values_list("state", flat=True)) == ["ditolak"]
    assert match_of() == (None, "", None)


def test_only_staff_of_the_business_region_may_decide(tmp_path, bpjs_admin, make_user):
    queued(tmp_path, bpjs_admin)
    candidate = MatchCandidate.objects.first()
    pemda_denpasar = make_user("pemda_denpasar", "pemda_officer", "51.71")
    admin_denpasar = make_user("admin_denpasar", "bpjs_admin", "51.71")
    with pytest.raises(PermissionDenied):
        candidate_decide(candidate=candidate, accept=True, acting_user=pemda_denpasar)
    with pytest.raises(OutOfScope):
        candidate_decide(candidate=candidate, accept=True, acting_user=admin_denpasar)
    assert waiting() == ["10000001", "10000002"]
    assert list(candidate_queue(actor=admin_denpasar)) == []
    assert list(candidate_queue(actor=pemda_denpasar)) == []
    assert not AuditEntry.objects.filter(action__startswith="business_match").exists()


def test_the_queue_is_one_query(tmp_path, bpjs_admin, django_assert_num_queries):
    queued(tmp_path, bpjs_admin)
    with django_assert_num_queries(1):
        rows = [(c.business.nib, c.employer.npp) for c in candidate_queue(actor=bpjs_admin)]
    assert rows == [(NIB_1, "10000001"), (NIB_1, "10000002")]


@pytest.mark.urls(__name__)
def test_the_page_lists_waiting_pairs_and_decides_one_with_csrf(tmp_path, bpjs_admin):
    queued(tmp_path, bpjs_admin)
    first = MatchCandidate.objects.order_by("employer__npp").first()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(bpjs_admin)
    page = browser.get(QUEUE_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert NIB_1 in html and "10000001" in html and "10000002" in html and "Guwang" in html
    token = page.context["csrf_token"]
    assert (
        browser.post(QUEUE_URL, {"candidate": first.pk, "keputusan": "terima"}).status_code == 403
    )
    done = browser.post(
        QUEUE_URL, {"candidate": first.pk, "keputusan": "terima", "csrfmiddlewaretoken": token}
    )
    assert done.status_code == 302 and done["Location"] == QUEUE_URL
    assert match_of()[1] == "manual"
    assert "10000002" not in browser.get(QUEUE_URL).content.decode()


@pytest.mark.urls(__name__)
def test_the_page_is_closed_to_roles_that_cannot_decide(tmp_path, bpjs_admin, analyst, client):
    queued(tmp_path, bpjs_admin)
    client.force_login(analyst)
    assert client.get(QUEUE_URL).status_code == 403
    candidate = MatchCandidate.objects.first()
    response = client.post(QUEUE_URL, {"candidate": candidate.pk, "keputusan": "tolak"})
    assert response.status_code == 403
    assert waiting() == ["10000001", "10000002"]


@pytest.mark.urls(__name__)
def test_the_page_reads_a_fixed_number_of_queries(
    tmp_path, bpjs_admin, client, django_assert_max_num_queries
):
    employer("10000001", "PT Segara Indah Bali", kode=BATUBULAN)
    employer("10000002", "PT Segara Indah Bali", kode=KETEWEL)
    employer("10000003", "CV Tirta Sari Dewata", kode=BATUBULAN)
    employer("10000004", "CV Tirta Sari Dewata", kode=KETEWEL)
    rows = [
        row(nama="PT Segara Indah Bali", kode=GUWANG),
        row(nib=NIB_2, nama="CV Tirta Sari Dewata", kode=GUWANG),
    ]
    run(tmp_path, rows, bpjs_admin)
    assert MatchCandidate.objects.count() == 4
    client.force_login(bpjs_admin)
    with django_assert_max_num_queries(6):
        html = client.get(QUEUE_URL).content.decode()
    assert html.count('data-kandidat="') == 4
