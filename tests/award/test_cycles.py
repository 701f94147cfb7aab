"""Cycles and stages: creation checks, automatic candidates, closing in order, dates, the lock
rules, business candidates and officers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cakupan.audit.models import AuditEntry
from cakupan.award.errors import CycleDecided, StageLate, StageNotOpen
from cakupan.award.models import Candidate, Cycle, Indicator, Stage
from cakupan.award.selectors import candidate_list, cycle_list
from cakupan.award.services.candidates import (
    candidate_add_public_service,
    candidate_register_business,
    candidate_withdraw,
    officer_add,
)
from cakupan.award.services.cycles import (
    cycle_create,
    cycle_settings_set,
    stage_close,
    stage_current,
    stage_dates_set,
)
from cakupan.award.services.evidence import assessor_score_set
from cakupan.errors import InvalidInput, OutOfScope, PermissionDenied
from cakupan.registry.models import Employer

from .conftest import stage_dates

pytestmark = pytest.mark.django_db


def create(user, **over):
    args = {
        "kode": "paritrana-2025-bali",
        "nama": "Paritrana 2025 Bali",
        "tahun": 2025,
        "tingkat": "provinsi",
        "kode_wilayah": "51",
        "periode_data": "2023-12",
        "periode_banding": "2022-12",
        "stages": stage_dates(timezone.localdate()),
        "kategori": ["pemkab", "usaha_besar"],
        "acting_user": user,
    }
    args.update(over)
    return cycle_create(**args)


def test_creating_a_cycle_freezes_rubrics_and_makes_the_regencies_candidates(committee):
    cycle = create(committee)
    assert [s.jenis for s in cycle.stages.all()] == [
        "registrasi",
        "penilaian",
        "verifikasi",
        "wawancara",
        "keputusan",
        "penganugerahan",
    ]
    assert {c.kategori: c.rubric.nomor for c in cycle.categories.all()} == {
        "pemkab": 1,
        "usaha_besar": 1,
    }
    assert cycle.candidates.filter(kategori="pemkab", cara="otomatis").count() == 9
    assert stage_current(cycle) == "registrasi"
    assert AuditEntry.objects.get(action="award.cycle_create").row_count == 9


@pytest.mark.parametrize(
    ("over", "kolom"),
    [
        ({"kode": "Bad Code"}, "kode"),
        ({"kode_wilayah": "51.04"}, "kode_wilayah"),
        ({"tingkat": "nasional"}, "kode_wilayah"),
        ({"periode_data": "2023-13"}, "periode"),
        ({"periode_banding": "2024-01"}, "periode_banding"),
        ({"kategori": ["pemprov"]}, "kategori"),
        ({"kategori": ["rahasia"]}, "kategori"),
    ],
)
def test_bad_cycle_input_is_refused_with_the_field_named(committee, over, kolom):
    with pytest.raises(InvalidInput) as exc:
        create(committee, **over)
    assert exc.value.fields["kolom"] == kolom
    assert not Cycle.objects.exists()


def test_stage_dates_must_run_in_order(committee):
    dates = stage_dates(timezone.localdate())
    dates["verifikasi"] = (dates["verifikasi"][0], dates["verifikasi"][0] - timedelta(days=1))
    with pytest.raises(InvalidInput) as exc:
        create(committee, stages=dates)
    assert "selesai" in exc.value.pesan_id and "sebelum mulai" in exc.value.pesan_id


def test_a_committee_outside_the_region_cannot_create_it(make_user):
    jakarta = make_user("panitia_dki", "award_committee", "31")
    with pytest.raises(OutOfScope):
        create(jakarta)


def test_stages_close_in_order_and_a_closed_one_stays_closed(make_cycle, committee):
    cycle = make_cycle()
    with pytest.raises(InvalidInput) as exc:
        stage_close(cycle=cycle, jenis="penilaian", acting_user=committee)
    assert exc.value.pesan_id.endswith("tutup dahulu tahap registrasi")
    stage_close(cycle=cycle, jenis="registrasi", acting_user=committee)
    with pytest.raises(InvalidInput):
        stage_close(cycle=cycle, jenis="registrasi", acting_user=committee)
    assert stage_current(Cycle.objects.get(pk=cycle.pk)) == "penilaian"


def test_stage_dates_can_move_while_open_only(make_cycle, committee):
    cycle = make_cycle(at="penilaian")
    today = timezone.localdate()
    stage_dates_set(
        cycle=cycle,
        jenis="penilaian",
        mulai=today,
        selesai=today + timedelta(days=12),
        acting_user=committee,
    )
    assert Stage.objects.get(cycle=cycle, jenis="penilaian").selesai == today + timedelta(days=12)
    with pytest.raises(InvalidInput):
        stage_dates_set(
            cycle=cycle, jenis="registrasi", mulai=today, selesai=today, acting_user=committee
        )
    with pytest.raises(InvalidInput):  # would end before today
        stage_dates_set(
            cycle=cycle,
            jenis="penilaian",
            mulai=today - timedelta(days=5),
            selesai=today - timedelta(days=1),
            acting_user=committee,
        )
    assert AuditEntry.objects.filter(action="award.stage_dates").count() == 1


def test_locked_stages_reject_changes(make_cycle, committee, make_user):
    Employer.objects.create(
        npp="51000009", nama="PT Segara", kode_wilayah="51.03.05", skala="besar"
    )
    cycle = make_cycle(at="penilaian", kategori=("pemkab", "usaha_besar"))
    with pytest.raises(StageLate) as exc:
        candidate_register_business(
            cycle=cycle, npp="51000009", cara="daftar", acting_user=committee
        )
    assert exc.value.pesan_id.startswith(
        "Terlambat: mendaftarkan atau mengubah kandidat hanya dapat dilakukan sampai tahap "
        "registrasi ditutup"
    )
    with pytest.raises(StageLate):
        candidate_withdraw(
            candidate=cycle.candidates.get(kode="51.01"), alasan="x", acting_user=committee
        )
    assert cycle.candidates.count() == 9 and cycle.candidates.filter(aktif=True).count() == 9
    assert AuditEntry.objects.filter(action="award.refused").count() == 2


def test_settings_can_change_until_the_decision(make_cycle, committee):
    cycle = make_cycle(at="keputusan")
    cycle_settings_set(cycle=cycle, normalisasi=False, jumlah_pemenang=1, acting_user=committee)
    with pytest.raises(InvalidInput):
        cycle_settings_set(cycle=cycle, normalisasi=False, jumlah_pemenang=0, acting_user=committee)
    stage_close(cycle=cycle, jenis="keputusan", acting_user=committee)
    with pytest.raises(CycleDecided):
        cycle_settings_set(cycle=cycle, normalisasi=True, jumlah_pemenang=3, acting_user=committee)
    assert Cycle.objects.get(pk=cycle.pk).normalisasi is False


def test_businesses_register_or_are_nominated_and_withdraw(make_cycle, committee, gianyar_officer):
    Employer.objects.bulk_create(
        [
            Employer(
                npp="51000001", nama="PT Ubud Lestari", kode_wilayah="51.04.01", skala="besar"
            ),
            Employer(npp="51000002", nama="CV Kecil", kode_wilayah="51.04.02", skala="mikro"),
            Employer(npp="51000003", nama="PT Badung", kode_wilayah="51.03.01", skala="menengah"),
            Employer(npp="31000001", nama="PT Jakarta", kode_wilayah="31.71.01", skala="besar"),
        ]
    )
    cycle = make_cycle(kategori=("pemkab", "usaha_besar", "usaha_kecil_mikro", "layanan_publik"))
    big = candidate_register_business(
        cycle=cycle, npp="51000001", cara="daftar", acting_user=committee
    )
    assert (big.kategori, big.kode, big.cara, big.kode_wilayah) == (
        "usaha_besar",
        "51000001",
        "daftar",
        "51.04.01",
    )
    small = candidate_register_business(
        cycle=cycle, npp="51000002", cara="nominasi", acting_user=gianyar_officer
    )
    assert small.kategori == "usaha_kecil_mikro" and small.nominated_by == gianyar_officer
    with pytest.raises(OutOfScope):  # Gianyar's officer cannot nominate in Badung
        candidate_register_business(
            cycle=cycle, npp="51000003", cara="nominasi", acting_user=gianyar_officer
        )
    with pytest.raises(PermissionDenied):  # only the committee registers
        candidate_register_business(
            cycle=cycle, npp="51000003", cara="daftar", acting_user=gianyar_officer
        )
    with pytest.raises(InvalidInput):  # the cycle runs no medium category
        candidate_register_business(
            cycle=cycle, npp="51000003", cara="daftar", acting_user=committee
        )
    with pytest.raises(InvalidInput):  # outside Bali
        candidate_register_business(
            cycle=cycle, npp="31000001", cara="daftar", acting_user=make_committee_id(committee)
        )
    with pytest.raises(InvalidInput):  # twice
        candidate_register_business(
            cycle=cycle, npp="51000001", cara="daftar", acting_user=committee
        )
    mpp = candidate_add_public_service(
        cycle=cycle,
        kode="MPP-GIA",
        nama="Mal Pelayanan Publik Gianyar",
        kode_wilayah="51.04",
        acting_user=committee,
    )
    assert mpp.kategori == "layanan_publik"
    candidate_withdraw(candidate=big, alasan="Mengundurkan diri", acting_user=committee)
    assert not Candidate.objects.get(pk=big.pk).aktif


def make_committee_id(user):
    """The national committee (all Indonesia), to show the region check is the cycle's."""
    from cakupan.accounts.models import User

    return User.objects.create(username="panitia_nasional", role="award_committee", region=None)


def test_officers_see_only_their_candidates(
    make_cycle, committee, gianyar_officer, badung_officer, make_user
):
    Employer.objects.create(
        npp="51000001", nama="PT Ubud Lestari", kode_wilayah="51.04.01", skala="besar"
    )
    cycle = make_cycle(kategori=("pemkab", "usaha_besar"))
    business = candidate_register_business(
        cycle=cycle, npp="51000001", cara="daftar", acting_user=committee
    )
    assert [c.kode for c in candidate_list(actor=gianyar_officer, cycle=cycle)] == ["51.04"]
    assert [c.kode for c in candidate_list(actor=badung_officer, cycle=cycle)] == ["51.03"]
    csr = make_user("csr_ubud", "sponsor", "51.04")
    assert list(candidate_list(actor=csr, cycle=cycle)) == []
    officer_add(candidate=business, username="csr_ubud", acting_user=committee)
    assert [c.kode for c in candidate_list(actor=csr, cycle=cycle)] == ["51000001"]
    with pytest.raises(InvalidInput):  # an analyst cannot act for a candidate
        officer_add(
            candidate=business,
            username=make_user("analis", "analyst", "51").username,
            acting_user=committee,
        )
    assert len(candidate_list(actor=committee, cycle=cycle)) == 10


def test_cycles_are_visible_inside_and_above_ones_region(make_cycle, gianyar_officer, make_user):
    cycle = make_cycle()
    assert list(cycle_list(actor=gianyar_officer)) == [cycle]
    jakarta = make_user("pemda_dki", "pemda_officer", "31")
    assert list(cycle_list(actor=jakarta)) == []
    village = make_user("op_desa", "village_operator", "51.04.01.2001")
    with pytest.raises(PermissionDenied):
        cycle_list(actor=village)


def test_registration_only_actions_before_it_opens_say_so(make_cycle, committee, jurors):
    cycle = make_cycle()
    ind = Indicator.objects.get(aspect__version=cycle.categories.get().rubric, kode="regulasi")
    with pytest.raises(StageNotOpen) as exc:
        assessor_score_set(
            candidate=cycle.candidates.get(kode="51.04"),
            indicator=ind,
            nilai="3",
            acting_user=committee,
        )
    assert exc.value.message_en == (
        "Scoring evidence indicators is only possible in the assessment or verification and "
        "validation stage; cycle paritrana-2024-bali is still in the registration stage. Nothing "
        "was changed."
    )
