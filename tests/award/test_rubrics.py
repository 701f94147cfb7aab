"""Rubrics are data: seeded version 1 per category, every save a new checked version, weights
that must add up to 100%, bad scales and metrics refused, a cycle keeps the version it froze."""

from __future__ import annotations

import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command

from cakupan.audit.models import AuditEntry
from cakupan.award.errors import RubricWeights, StageLate
from cakupan.award.models import Category, RubricVersion
from cakupan.award.services.cycles import cycle_rubric_set
from cakupan.award.services.rubrics import (
    rubric_changes,
    rubric_check,
    rubric_spec,
    rubric_version_create,
)
from cakupan.errors import InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db


def latest(kategori: str = "pemkab") -> RubricVersion:
    return RubricVersion.objects.filter(kategori=kategori).order_by("-nomor").first()


def test_every_category_has_a_valid_seeded_first_version():
    for kategori in Category.values:
        version = latest(kategori)
        assert version.nomor == 1
        rubric_check(kategori, rubric_spec(version))
    spec = rubric_spec(latest("pemkab"))
    assert [a["kode"] for a in spec["aspek"]] == [
        "kebijakan",
        "anggaran",
        "pelaksanaan",
        "kinerja",
        "wawancara",
    ]
    kinds = {i["jenis"] for a in spec["aspek"] for i in a["indikator"]}
    assert kinds == {"data", "bukti", "wawancara"}
    business = rubric_spec(latest("usaha_besar"))
    assert [a["kode"] for a in business["aspek"]] == ["kepatuhan", "perlindungan", "wawancara"]


def test_aspect_weights_not_adding_up_to_100_are_refused_and_nothing_is_saved(committee):
    spec = rubric_spec(latest())
    spec["aspek"][0]["bobot"] = 10  # 20 → 10: the aspects add up to 90
    with pytest.raises(RubricWeights) as exc:
        rubric_version_create(kategori="pemkab", spec=spec, acting_user=committee)
    assert exc.value.pesan_id == (
        "Bobot aspek rubrik berjumlah 90%, padahal harus tepat 100%. Rubrik tidak disimpan."
    )
    assert exc.value.message_en == (
        "The weights of the rubric's aspects add up to 90%; they must add up to exactly 100%. "
        "The rubric was not saved."
    )
    assert RubricVersion.objects.filter(kategori="pemkab").count() == 1
    assert not AuditEntry.objects.filter(action="award.rubric_version").exists()


def test_indicator_weights_must_add_up_to_100_in_each_aspect(committee):
    spec = rubric_spec(latest())
    spec["aspek"][3]["indikator"][0]["bobot"] = 40.5
    with pytest.raises(RubricWeights) as exc:
        rubric_version_create(kategori="pemkab", spec=spec, acting_user=committee)
    assert exc.value.pesan_id.startswith("Bobot indikator pada aspek kinerja berjumlah 105.5%")


@pytest.mark.parametrize(
    ("change", "kolom"),
    [
        (
            lambda s: s["aspek"][0]["indikator"][0].update(
                tingkat=[{"nilai": 1, "deskripsi": "x"}]
            ),
            "indikator regulasi: tingkat",
        ),
        (
            lambda s: s["aspek"][4]["indikator"][0].update(skala_min=100, skala_max=0),
            "indikator komitmen: skala",
        ),
        (
            lambda s: s["aspek"][3]["indikator"][0].update(metrik="kepatuhan_status"),
            "indikator cakupan: metrik",
        ),
        (lambda s: s["aspek"][3]["indikator"][0].update(batas_atas=10), "indikator cakupan: batas"),
        (lambda s: s["aspek"][1]["indikator"][0].update(kode="regulasi"), "indikator regulasi"),
        (lambda s: s["aspek"][1]["indikator"][0].update(jenis="tebakan"), "indikator apbd: jenis"),
    ],
)
def test_a_bad_rubric_names_where_it_is_wrong(committee, change, kolom):
    spec = copy.deepcopy(rubric_spec(latest()))
    change(spec)
    with pytest.raises(InvalidInput) as exc:
        rubric_version_create(kategori="pemkab", spec=spec, acting_user=committee)
    assert exc.value.fields["kolom"] == kolom
    assert RubricVersion.objects.filter(kategori="pemkab").count() == 1


def test_each_save_is_a_new_version_with_its_changes(committee):
    v1 = latest()
    spec = rubric_spec(v1)
    spec["aspek"][0]["bobot"] = 25
    spec["aspek"][4]["bobot"] = 10
    spec["catatan"] = "Wawancara dikurangi"
    v2 = rubric_version_create(kategori="pemkab", spec=spec, acting_user=committee)
    assert v2.nomor == 2 and v2.created_by == committee and v2.catatan == "Wawancara dikurangi"
    changes = rubric_changes(v1, v2)
    assert ("aspek kebijakan: bobot 20.0 → 25.0", "aspek kebijakan: bobot 20.0 → 25.0") in changes
    assert rubric_spec(v1)["aspek"][0]["bobot"] == 20.0  # the old version is untouched


def test_only_the_committee_edits_rubrics(analyst):
    with pytest.raises(PermissionDenied):
        rubric_version_create(kategori="pemkab", spec=rubric_spec(latest()), acting_user=analyst)


def test_a_cycle_keeps_the_version_it_froze(make_cycle, committee):
    cycle = make_cycle()
    spec = rubric_spec(latest())
    spec["aspek"][0]["bobot"], spec["aspek"][4]["bobot"] = 25, 10
    v2 = rubric_version_create(kategori="pemkab", spec=spec, acting_user=committee)
    assert cycle.categories.get().rubric.nomor == 1
    cycle_rubric_set(cycle=cycle, kategori="pemkab", version=v2, acting_user=committee)
    assert cycle.categories.get().rubric.nomor == 2


def test_the_rubric_version_of_a_cycle_is_locked_after_registration(make_cycle, committee):
    cycle = make_cycle(at="penilaian")
    spec = rubric_spec(latest())
    spec["aspek"][0]["bobot"], spec["aspek"][4]["bobot"] = 25, 10
    v2 = rubric_version_create(kategori="pemkab", spec=spec, acting_user=committee)
    with pytest.raises(StageLate):
        cycle_rubric_set(cycle=cycle, kategori="pemkab", version=v2, acting_user=committee)
    assert cycle.categories.get().rubric.nomor == 1


def test_rubric_export_and_import_through_the_cli(committee, tmp_path):
    out = io.StringIO()
    call_command("award", "rubric-export", "--category", "usaha_besar", stdout=out)
    spec = json.loads(out.getvalue())
    spec["catatan"] = "Dari berkas"
    path = tmp_path / "rubrik.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    out = io.StringIO()
    call_command(
        "award",
        "rubric-import",
        str(path),
        "--category",
        "usaha_besar",
        "--user",
        committee.username,
        stdout=out,
    )
    assert "versi 2 disimpan" in out.getvalue()
    spec["aspek"][0]["bobot"] = 50
    path.write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command(
            "award",
            "rubric-import",
            str(path),
            "--category",
            "usaha_besar",
            "--user",
            committee.username,
        )
    assert "berjumlah 110%" in str(exc.value) and "add up to 110%" in str(exc.value)
    assert exc.value.returncode == 2
    assert latest("usaha_besar").nomor == 2
