"""Rubrics as data: every save of the committee makes a new, complete, checked version of a
category's rubric (aspects → indicators with weight, scale and kind). A spec is the plain dict
the editor, the JSON file of `cakupan award rubric-import` and `rubric_spec` share:

    {"catatan": "…", "aspek": [{"kode", "nama", "nama_en", "bobot", "indikator": [
        {"kode", "nama", "nama_en", "bobot", "jenis": "data|bukti|wawancara",
         "skala": "angka|tingkat", "skala_min", "skala_max", "tingkat": [{"nilai", "deskripsi"}],
         "metrik", "batas_bawah", "batas_atas", "saran"}]}]}

Aspect weights are percent of the total and must add up to 100; indicator weights are percent
of their aspect and must add up to 100 in every aspect.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max

from cakupan.accounts.scope import Actor, require_capability
from cakupan.audit.services import audit_record
from cakupan.award.errors import RubricWeights
from cakupan.award.models import (
    Aspect,
    Category,
    Indicator,
    IndicatorKind,
    RubricVersion,
    ScaleKind,
)
from cakupan.award.services.indicators import METRICS
from cakupan.errors import InvalidInput

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
HUNDRED = Decimal(100)


def _invalid(kolom: str, pesan: str, message: str) -> InvalidInput:
    return InvalidInput(kolom=kolom, pesan_rinci=pesan, detail=message)


def _decimal(value: Any, kolom: str, *, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise _invalid(kolom, "wajib diisi dengan angka", "a number is required")
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise _invalid(kolom, f"{value!r} bukan angka", f"{value!r} is not a number") from None
    if not number.is_finite():
        raise _invalid(kolom, f"{value!r} bukan angka", f"{value!r} is not a number")
    return number


def _weight(value: Any, kolom: str) -> Decimal:
    w = _decimal(value, kolom)
    assert w is not None
    if not Decimal(0) < w <= HUNDRED or w != w.quantize(Decimal("0.01")):
        raise _invalid(
            kolom,
            f"bobot {value} harus lebih dari 0 dan paling banyak 100, dua desimal",
            f"weight {value} must be above 0 and at most 100, two decimals",
        )
    return w


def _text(value: Any, kolom: str, limit: int, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise _invalid(kolom, "wajib diisi", "required")
    if len(text) > limit:
        raise _invalid(kolom, f"paling banyak {limit} karakter", f"at most {limit} characters")
    return text


def _slug(value: Any, kolom: str) -> str:
    text = str(value or "").strip()
    if not SLUG_RE.match(text):
        raise _invalid(
            kolom,
            f"kode {text!r} harus huruf kecil, angka, _ atau -, paling banyak 40",
            f"code {text!r} must be lower-case letters, digits, _ or -, at most 40",
        )
    return text


def _levels(value: Any, kolom: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or len(value) < 2:
        raise _invalid(
            kolom,
            "skala tingkat memerlukan paling sedikit dua tingkat",
            "a level scale needs at least two levels",
        )
    out = []
    for i, level in enumerate(value, start=1):
        if not isinstance(level, dict):
            raise _invalid(kolom, f"tingkat ke-{i} tidak terbaca", f"level {i} is unreadable")
        nilai = _decimal(level.get("nilai"), f"{kolom}[{i}].nilai")
        assert nilai is not None
        deskripsi = _text(level.get("deskripsi"), f"{kolom}[{i}].deskripsi", 300)
        out.append({"nilai": float(nilai) if nilai % 1 else int(nilai), "deskripsi": deskripsi})
    values = [lv["nilai"] for lv in out]
    if len(set(values)) != len(values):
        raise _invalid(kolom, "nilai tingkat tidak boleh kembar", "level values must differ")
    return sorted(out, key=lambda lv: lv["nilai"])


def _sum_label(total: Decimal) -> str:
    return f"{total.normalize():f}"


def rubric_check(kategori: str, spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The spec's aspects, cleaned, or the first problem as an error naming where it is."""
    if kategori not in Category.values:
        raise _invalid(
            "kategori", f"kategori {kategori!r} tidak dikenal", f"unknown category {kategori!r}"
        )
    aspects = spec.get("aspek") if isinstance(spec, dict) else None
    if not isinstance(aspects, list) or not aspects:
        raise _invalid(
            "aspek",
            "rubrik memerlukan paling sedikit satu aspek",
            "a rubric needs at least one aspect",
        )
    clean: list[dict[str, Any]] = []
    seen_aspects: set[str] = set()
    seen_indicators: set[str] = set()
    for a_pos, a in enumerate(aspects, start=1):
        if not isinstance(a, dict):
            raise _invalid(f"aspek {a_pos}", "tidak terbaca", "unreadable")
        kode = _slug(a.get("kode"), f"aspek {a_pos}: kode")
        where = f"aspek {kode}"
        if kode in seen_aspects:
            raise _invalid(where, "kode aspek kembar", "duplicate aspect code")
        seen_aspects.add(kode)
        aspect = {
            "kode": kode,
            "nama": _text(a.get("nama"), f"{where}: nama", 200),
            "nama_en": _text(a.get("nama_en"), f"{where}: nama_en", 200, required=False),
            "bobot": _weight(a.get("bobot"), f"{where}: bobot"),
            "indikator": [],
        }
        indicators = a.get("indikator")
        if not isinstance(indicators, list) or not indicators:
            raise _invalid(
                where,
                "aspek memerlukan paling sedikit satu indikator",
                "an aspect needs at least one indicator",
            )
        for i_pos, i in enumerate(indicators, start=1):
            if not isinstance(i, dict):
                raise _invalid(f"{where}, indikator {i_pos}", "tidak terbaca", "unreadable")
            aspect["indikator"].append(_indicator(kategori, where, i_pos, i, seen_indicators))
        total = sum((i["bobot"] for i in aspect["indikator"]), Decimal(0))
        if total != HUNDRED:
            raise RubricWeights(
                apa_id=f"indikator pada aspek {kode}",
                what=f"the indicators of aspect {kode}",
                jumlah=_sum_label(total),
            )
        clean.append(aspect)
    total = sum((a["bobot"] for a in clean), Decimal(0))
    if total != HUNDRED:
        raise RubricWeights(
            apa_id="aspek rubrik", what="the rubric's aspects", jumlah=_sum_label(total)
        )
    return clean


def _indicator(
    kategori: str, where: str, pos: int, i: dict[str, Any], seen: set[str]
) -> dict[str, Any]:
    kode = _slug(i.get("kode"), f"{where}, indikator {pos}: kode")
    at = f"indikator {kode}"
    if kode in seen:
        raise _invalid(
            at, "kode indikator kembar dalam rubrik", "duplicate indicator code in the rubric"
        )
    seen.add(kode)
    jenis = str(i.get("jenis") or "")
    if jenis not in IndicatorKind.values:
        raise _invalid(
            f"{at}: jenis",
            f"jenis {jenis!r} tidak dikenal; pilih data, bukti atau wawancara",
            f"unknown kind {jenis!r}; choose data, bukti or wawancara",
        )
    skala = str(i.get("skala") or ScaleKind.ANGKA)
    if skala not in ScaleKind.values:
        raise _invalid(
            f"{at}: skala",
            f"skala {skala!r} tidak dikenal; pilih angka atau tingkat",
            f"unknown scale {skala!r}; choose angka or tingkat",
        )
    out: dict[str, Any] = {
        "kode": kode,
        "nama": _text(i.get("nama"), f"{at}: nama", 300),
        "nama_en": _text(i.get("nama_en"), f"{at}: nama_en", 300, required=False),
        "bobot": _weight(i.get("bobot"), f"{at}: bobot"),
        "jenis": jenis,
        "skala": skala,
        "skala_min": Decimal(0),
        "skala_max": Decimal(100),
        "tingkat": [],
        "metrik": "",
        "batas_bawah": None,
        "batas_atas": None,
        "saran": _text(i.get("saran"), f"{at}: saran", 2000, required=False),
    }
    if skala == ScaleKind.TINGKAT:
        out["tingkat"] = _levels(i.get("tingkat"), f"{at}: tingkat")
        out["skala_min"] = Decimal(str(out["tingkat"][0]["nilai"]))
        out["skala_max"] = Decimal(str(out["tingkat"][-1]["nilai"]))
    else:
        lo = _decimal(i.get("skala_min", 0), f"{at}: skala_min")
        hi = _decimal(i.get("skala_max", 100), f"{at}: skala_max")
        assert lo is not None and hi is not None
        if lo >= hi:
            raise _invalid(
                f"{at}: skala",
                f"skala {lo}–{hi}: minimum harus di bawah maksimum",
                f"scale {lo}–{hi}: the minimum must be below the maximum",
            )
        out["skala_min"], out["skala_max"] = lo, hi
    if jenis == IndicatorKind.DATA:
        metrik = str(i.get("metrik") or "")
        metric = METRICS.get(metrik)
        if metric is None:
            raise _invalid(
                f"{at}: metrik",
                f"metrik {metrik!r} tidak dikenal; pilih {', '.join(METRICS)}",
                f"unknown metric {metrik!r}; choose {', '.join(METRICS)}",
            )
        if kategori not in metric.untuk:
            raise _invalid(
                f"{at}: metrik",
                f"metrik {metrik} tidak berlaku untuk kategori {kategori}",
                f"metric {metrik} does not apply to category {kategori}",
            )
        if skala != ScaleKind.ANGKA:
            raise _invalid(
                f"{at}: skala",
                "indikator data memakai skala angka",
                "a data indicator uses a number-range scale",
            )
        lo_b = _decimal(i.get("batas_bawah"), f"{at}: batas_bawah")
        hi_b = _decimal(i.get("batas_atas"), f"{at}: batas_atas")
        if lo_b == hi_b:
            raise _invalid(
                f"{at}: batas",
                "batas bawah dan batas atas harus berbeda",
                "the lower and upper bounds must differ",
            )
        out.update(metrik=metrik, batas_bawah=lo_b, batas_atas=hi_b)
    elif i.get("metrik"):
        raise _invalid(
            f"{at}: metrik",
            "hanya indikator data yang memakai metrik",
            "only data indicators have a metric",
        )
    return out


@transaction.atomic
def rubric_version_create(
    *, kategori: str, spec: dict[str, Any], acting_user: Actor | None
) -> RubricVersion:
    """Check `spec` whole and save it as the category's next version; nothing is saved when
    any part is wrong (weights not adding up to 100%, a bad scale, an unknown metric…)."""
    if acting_user is not None:
        require_capability(acting_user, "award.manage")
    aspects = rubric_check(kategori, spec)
    nomor = (
        RubricVersion.objects.filter(kategori=kategori).aggregate(n=Max("nomor"))["n"] or 0
    ) + 1
    version = RubricVersion.objects.create(
        kategori=kategori,
        nomor=nomor,
        catatan=str(spec.get("catatan") or "")[:500],
        created_by=acting_user if hasattr(acting_user, "pk") else None,  # type: ignore[misc]
    )
    for a_pos, a in enumerate(aspects, start=1):
        aspect = Aspect.objects.create(
            version=version,
            kode=a["kode"],
            nama=a["nama"],
            nama_en=a["nama_en"],
            bobot=a["bobot"],
            urutan=a_pos,
        )
        Indicator.objects.bulk_create(
            Indicator(aspect=aspect, urutan=i_pos, **{k: v for k, v in i.items()})
            for i_pos, i in enumerate(a["indikator"], start=1)
        )
    audit_record(
        actor=acting_user,
        action="award.rubric_version",
        target=version,
        detail={"kategori": kategori, "nomor": nomor, "catatan": version.catatan},
    )
    return version


def rubric_spec(version: RubricVersion) -> dict[str, Any]:
    """A version as a spec (for the editor, JSON export and comparing versions)."""
    aspects = []
    for a in version.aspects.prefetch_related("indicators").all():
        aspects.append(
            {
                "kode": a.kode,
                "nama": a.nama,
                "nama_en": a.nama_en,
                "bobot": float(a.bobot),
                "indikator": [
                    {
                        "kode": i.kode,
                        "nama": i.nama,
                        "nama_en": i.nama_en,
                        "bobot": float(i.bobot),
                        "jenis": i.jenis,
                        "skala": i.skala,
                        "skala_min": float(i.skala_min),
                        "skala_max": float(i.skala_max),
                        "tingkat": i.tingkat,
                        "metrik": i.metrik,
                        "batas_bawah": None if i.batas_bawah is None else float(i.batas_bawah),
                        "batas_atas": None if i.batas_atas is None else float(i.batas_atas),
                        "saran": i.saran,
                    }
                    for i in a.indicators.all()
                ],
            }
        )
    return {
        "kategori": version.kategori,
        "nomor": version.nomor,
        "catatan": version.catatan,
        "aspek": aspects,
    }


def rubric_changes(old: RubricVersion | None, new: RubricVersion) -> list[tuple[str, str]]:
    """What changed from `old` to `new`, as (Indonesian, English) lines."""
    if old is None:
        return [("Versi pertama.", "First version.")]
    before, after = rubric_spec(old), rubric_spec(new)
    lines: list[tuple[str, str]] = []

    def flat(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
        out = {}
        for a in spec["aspek"]:
            out[f"aspek {a['kode']}"] = {k: v for k, v in a.items() if k != "indikator"}
            for i in a["indikator"]:
                out[f"indikator {i['kode']}"] = {**i, "aspek": a["kode"]}
        return out

    b, a = flat(before), flat(after)
    for key in a.keys() - b.keys():
        lines.append((f"{key} ditambahkan", f"{key} added"))
    for key in b.keys() - a.keys():
        lines.append((f"{key} dihapus", f"{key} removed"))
    for key in sorted(a.keys() & b.keys()):
        changed = sorted(f for f in a[key] if a[key][f] != b[key].get(f))
        if changed:
            what = ", ".join(
                f"{f} {b[key].get(f)} → {a[key][f]}" if f == "bobot" else f for f in changed
            )
            lines.append((f"{key}: {what}", f"{key}: {what}"))
    return sorted(lines) or [("Tidak ada perubahan isi.", "No change in content.")]
