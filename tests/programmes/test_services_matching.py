"""Matching lists to the registry (cakupan.linkage) and classing each person; the review queue."""

from __future__ import annotations

from datetime import date

import pytest

from cakupan.audit.models import AuditEntry
from cakupan.errors import OutOfScope, PermissionDenied
from cakupan.programmes.errors import ReviewNotPending
from cakupan.programmes.models import Beneficiary, Kelas, MatchStatus
from cakupan.programmes.services.beneficiaries import (
    beneficiaries_match,
    beneficiaries_upload,
    beneficiary_review,
)
from cakupan.programmes.services.invoices import invoice_issue
from cakupan.programmes.services.programmes import programme_approve
from tests.programmes.test_services_helpers import (
    BATUBULAN,
    KETEWEL,
    make_programme,
    nik,
    pemda,
    refresh,
    registry_person,
    row,
    write_list,
)

pytestmark = pytest.mark.django_db

ACTIVE = nik(4, 4, 1975, 14)
LAPSED = nik(2, 2, 1985, 12)
GEDE = nik(10, 10, 1970, 5)
GEDE_ON_LIST = nik(10, 10, 1970, 555)


@pytest.fixture
def registry():
    registry_person(ACTIVE, "I Made Aktif", date(1975, 4, 4), "L")
    registry_person(LAPSED, "I Wayan Sudarsana", date(1985, 2, 2), "L", paid_through="2023-06")
    registry_person(GEDE, "I Nyoman Gede", date(1970, 10, 10), "L", paid_through="2022-12")
    registry_person(
        nik(10, 10, 1970, 6), "I Nyoman Gede", date(1970, 10, 10), "L", paid_through=None
    )
    refresh("2024-01")


LIST = [
    row(ACTIVE, "I Made Aktif", "1975-04-04", "L"),
    row(LAPSED, "I Wayan Sudarsana", "1985-02-02", "L"),
    row(GEDE_ON_LIST, "I Nyoman Gede", "1970-10-10", "L"),
    row(nik(3, 3, 1983, 13), "I Made Baru", "1983-03-03", "L"),
    row("123", "Salah NIK", "1983-03-03", "L"),
]


def upload(programme, user, tmp_path, rows=LIST, village=BATUBULAN):
    return beneficiaries_upload(
        programme=programme,
        kode_wilayah=village,
        file=write_list(tmp_path / f"{village}.csv", rows),
        acting_user=user,
    )


def classes() -> dict[int, tuple[str, str]]:
    return {b.baris: (b.kelas, b.match_status) for b in Beneficiary.objects.all()}


def test_rows_are_classed_active_reactivate_new_or_held_for_review(
    village_operator, registry, tmp_path
):
    programme = make_programme(village_operator)
    upload(programme, village_operator, tmp_path)
    summary = beneficiaries_match(programme=programme, acting_user=village_operator)
    assert (summary.dicocokkan, summary.aktif, summary.reaktivasi, summary.baru) == (4, 1, 1, 1)
    assert summary.tinjau == 1
    assert classes() == {
        1: (Kelas.AKTIF, MatchStatus.OTOMATIS),
        2: (Kelas.REAKTIVASI, MatchStatus.OTOMATIS),
        3: ("", MatchStatus.TINJAU),
        4: (Kelas.BARU, MatchStatus.TIDAK_ADA),
        5: ("", ""),  # a row with problems is not matched
    }
    entry = AuditEntry.objects.get(action="beneficiary.match")
    assert entry.row_count == 4 and entry.detail["tinjau"] == 1
    assert ACTIVE not in str(entry.detail)


def test_accepting_a_match_takes_the_registry_membership_and_is_remembered(
    village_operator, registry, tmp_path
):
    programme = make_programme(village_operator)
    upload(programme, village_operator, tmp_path)
    beneficiaries_match(programme=programme, acting_user=village_operator)
    pending = Beneficiary.objects.get(match_status=MatchStatus.TINJAU)
    assert pending.match_nik == GEDE
    reviewed = beneficiary_review(beneficiary=pending, accept=True, acting_user=village_operator)
    assert (reviewed.kelas, reviewed.match_status) == (Kelas.REAKTIVASI, MatchStatus.DITERIMA)
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {
        "linkage.decide",
        "beneficiary.review",
    }
    with pytest.raises(ReviewNotPending):
        beneficiary_review(beneficiary=reviewed, accept=False, acting_user=village_operator)
    # a new upload of the same list: the decision is remembered, no review again
    upload(programme, village_operator, tmp_path)
    summary = beneficiaries_match(programme=programme, acting_user=village_operator)
    assert summary.tinjau == 0
    again = Beneficiary.objects.get(baris=3)
    assert (again.match_nik, again.kelas) == (GEDE, Kelas.REAKTIVASI)


def test_rejecting_a_match_registers_the_person_as_new(village_operator, registry, tmp_path):
    programme = make_programme(village_operator)
    upload(programme, village_operator, tmp_path)
    beneficiaries_match(programme=programme, acting_user=village_operator)
    pending = Beneficiary.objects.get(match_status=MatchStatus.TINJAU)
    reviewed = beneficiary_review(beneficiary=pending, accept=False, acting_user=village_operator)
    assert (reviewed.kelas, reviewed.match_status, reviewed.match_nik) == (
        Kelas.BARU,
        MatchStatus.DITOLAK,
        "",
    )
    beneficiaries_match(programme=programme, acting_user=village_operator)
    assert Beneficiary.objects.get(baris=3).kelas == Kelas.BARU  # the decision stands


def test_review_needs_the_capability_and_the_village(
    village_operator, other_village_operator, analyst, registry, tmp_path
):
    programme = make_programme(village_operator)
    upload(programme, village_operator, tmp_path)
    beneficiaries_match(programme=programme, acting_user=village_operator)
    pending = Beneficiary.objects.get(match_status=MatchStatus.TINJAU)
    with pytest.raises(PermissionDenied):
        beneficiary_review(beneficiary=pending, accept=True, acting_user=analyst)
    with pytest.raises(OutOfScope):
        beneficiary_review(beneficiary=pending, accept=True, acting_user=other_village_operator)
    with pytest.raises(OutOfScope):
        beneficiaries_match(programme=programme, acting_user=other_village_operator)


def test_the_same_person_on_two_villages_lists_is_flagged_once(make_user, registry, tmp_path):
    officer = pemda(make_user)
    programme = make_programme(
        officer, villages={BATUBULAN: 10, KETEWEL: 10}, sponsor_kode="51.04", jumlah=10**8
    )
    upload(programme, officer, tmp_path, rows=LIST[3:4])
    moved = [row(nik(3, 3, 1983, 13), "I Made Baru", "1983-03-03", "L", desa=KETEWEL)]
    upload(programme, officer, tmp_path, rows=moved, village=KETEWEL)
    summary = beneficiaries_match(programme=programme, acting_user=officer)
    assert (summary.baru, summary.ganda) == (1, 1)
    twice = Beneficiary.objects.get(kelas=Kelas.GANDA)
    assert (twice.kode_wilayah, twice.ganda_programme) == (KETEWEL, programme)


def test_invoiced_rows_keep_their_class_when_matched_again(
    village_operator, make_user, registry, tmp_path
):
    officer = pemda(make_user)
    programme = make_programme(village_operator)
    upload(programme, village_operator, tmp_path, rows=LIST[1:2])
    beneficiaries_match(programme=programme, acting_user=village_operator)
    programme_approve(programme=programme, acting_user=officer)
    invoice_issue(programme=programme, bulan="2024-01", acting_user=officer)
    registry_person(nik(9, 9, 1979, 9), "Lain", date(1979, 9, 9), "L")
    summary = beneficiaries_match(programme=programme, acting_user=village_operator)
    assert summary.dicocokkan == 0
    assert Beneficiary.objects.get().kelas == Kelas.REAKTIVASI
