"""`cakupan award …`: the Paritrana Award at the command line.

    cakupan award ranking --cycle CODE [--category CAT] [--method official|raw|zscore]
                          [--format table|csv|json]
    cakupan award cycles
    cakupan award sensitivity --cycle CODE [--category CAT]
    cakupan award rubric-export --category CAT [--version N]          (JSON on stdout)
    cakupan award rubric-import FILE --category CAT --user USERNAME   (a new version)
    cakupan award compute --cycle CODE --user USERNAME
    cakupan award close-stage --cycle CODE --stage STAGE --user USERNAME

`ranking` prints `peringkat,kode,nama,skor` for each category (a `kategori` column is added when
several categories are printed); before the decision it is the provisional ranking, said so on
stderr. Writes run as the committee member named by --user and are audited as theirs.
"""

from __future__ import annotations

import csv
import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from cakupan.accounts.models import User
from cakupan.audit.services import audit_record
from cakupan.award.models import STAGE_ORDER, Category, Cycle
from cakupan.award.services.cycles import cycle_catch_up, stage_close, stage_current
from cakupan.award.services.indicators import values_compute
from cakupan.award.services.results import CategoryRanking, cycle_rankings
from cakupan.award.services.rubrics import rubric_spec, rubric_version_create
from cakupan.errors import NotFound
from cakupan.lib.command import CakupanCommand

COLUMNS = ("peringkat", "kode", "nama", "skor")


class Command(CakupanCommand):
    help = "Paritrana Award: peringkat, siklus, kepekaan, rubrik / ranking, cycles, rubrics."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ranking = sub.add_parser("ranking", help="Ranking per category: peringkat,kode,nama,skor.")
        ranking.add_argument("--cycle", required=True, help="Cycle code, e.g. paritrana-2024-bali.")
        ranking.add_argument("--category", choices=Category.values, help="Only this category.")
        ranking.add_argument(
            "--method",
            choices=["official", "raw", "zscore"],
            default="official",
            help="Which score ranks: the cycle's choice (official), raw or z-score jury scores.",
        )
        ranking.add_argument(
            "--format", choices=["table", "csv", "json"], default="table", help="Output format."
        )
        sub.add_parser("cycles", help="Every cycle: code, year, level, region, stage, decided.")
        sens = sub.add_parser("sensitivity", help="Would the top three change without one juror?")
        sens.add_argument("--cycle", required=True, help="Cycle code.")
        sens.add_argument("--category", choices=Category.values, help="Only this category.")
        export = sub.add_parser("rubric-export", help="A rubric version as JSON on stdout.")
        export.add_argument("--category", required=True, choices=Category.values, help="Category.")
        export.add_argument("--version", type=int, help="Version number (default: the latest).")
        imp = sub.add_parser(
            "rubric-import", help="Save a JSON rubric as the category's next version."
        )
        imp.add_argument("file", help="JSON file in the rubric-export format.")
        imp.add_argument("--category", required=True, choices=Category.values, help="Category.")
        imp.add_argument("--user", required=True, help="The committee member making the change.")
        compute = sub.add_parser("compute", help="Compute the data indicators of a cycle.")
        compute.add_argument("--cycle", required=True, help="Cycle code.")
        compute.add_argument("--user", required=True, help="The committee member asking.")
        close = sub.add_parser("close-stage", help="Close the current stage of a cycle.")
        close.add_argument("--cycle", required=True, help="Cycle code.")
        close.add_argument(
            "--stage", required=True, choices=STAGE_ORDER, help="The stage to close."
        )
        close.add_argument("--user", required=True, help="The committee member closing it.")

    def handle_cakupan(self, *args: Any, **options: Any) -> None:
        getattr(self, "do_" + options["action"].replace("-", "_"))(options)

    # --- helpers

    def _cycle(self, kode: str) -> Cycle:
        cycle = Cycle.objects.filter(kode=kode).first()
        if cycle is None:
            raise NotFound(
                apa=f"Siklus {kode} (lihat `cakupan award cycles`)",
                what=f"Cycle {kode} (see `cakupan award cycles`)",
            )
        return cycle_catch_up(cycle)

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise NotFound(apa=f"Pengguna {username}", what=f"User {username}")
        return user

    # --- reads

    def do_ranking(self, options: dict[str, Any]) -> None:
        cycle = self._cycle(options["cycle"])
        rankings = cycle_rankings(cycle, kategori=options["category"], with_sensitivity=False)
        if not rankings:
            raise CommandError(
                f"Siklus {cycle.kode} tidak menjalankan kategori {options['category']}.\n"
                f"Cycle {cycle.kode} does not run category {options['category']}.",
                returncode=2,
            )
        if cycle.decided_at is None:
            self.stderr.write(
                "Peringkat sementara: keputusan belum ditetapkan.\n"
                "Provisional ranking: the decision has not been made."
            )
        records = []
        for cat in rankings:
            for r in _rows(cat, options["method"]):
                records.append({**r, "kategori": cat.kategori})
        many = len(rankings) > 1
        columns = [*COLUMNS, "kategori"] if many else list(COLUMNS)
        fmt = options["format"]
        if fmt == "json":
            self.stdout.write(
                json.dumps(
                    [{c: r[c] for c in columns} for r in records], ensure_ascii=False, indent=1
                )
            )
        elif fmt == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(columns)
            for r in records:
                writer.writerow([f"{r[c]:.2f}" if c == "skor" else r[c] for c in columns])
        else:
            for cat in rankings:
                rows = [r for r in records if r["kategori"] == cat.kategori]
                self.stdout.write(f"{cat.label} ({cat.kategori}), rubrik v{cat.rubric.nomor}")
                cells = [
                    [str(r["peringkat"]), r["kode"], r["nama"], f"{r['skor']:.2f}"] for r in rows
                ]
                widths = [max([len(h), *(len(c[i]) for c in cells)]) for i, h in enumerate(COLUMNS)]
                self.stdout.write(
                    "  ".join(h.ljust(w) for h, w in zip(COLUMNS, widths, strict=True))
                )
                for c in cells:
                    self.stdout.write("  ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)))
                self.stdout.write("")
        audit_record(
            actor=None,
            actor_label="cli",
            action="export",
            rows=len(records),
            region_code=cycle.kode_wilayah,
            detail={
                "what": "award.ranking",
                "siklus": cycle.kode,
                "format": fmt,
                "metode": options["method"],
            },
        )

    def do_cycles(self, options: dict[str, Any]) -> None:
        self.stdout.write("kode\ttahun\ttingkat\twilayah\ttahap\tdiputuskan")
        for cycle in Cycle.objects.order_by("-tahun", "kode"):
            cycle = cycle_catch_up(cycle)
            decided = cycle.decided_at.strftime("%Y-%m-%d") if cycle.decided_at else "-"
            stage = stage_current(cycle) or "selesai"
            self.stdout.write(
                f"{cycle.kode}\t{cycle.tahun}\t{cycle.tingkat}\t{cycle.kode_wilayah or 'ID'}\t{stage}\t{decided}"
            )

    def do_sensitivity(self, options: dict[str, Any]) -> None:
        cycle = self._cycle(options["cycle"])
        for cat in cycle_rankings(cycle, kategori=options["category"]):
            self.stdout.write(f"{cat.label} ({cat.kategori})")
            if not cat.sensitivity:
                self.stdout.write("  belum ada nilai juri / no jury scores yet")
            for e in cat.sensitivity:
                top = ", ".join(f"{p}. {c.kode}" for p, c in e.top)
                verdict = "BERUBAH / CHANGES" if e.berubah else "tetap / unchanged"
                self.stdout.write(f"  tanpa/without {e.juror}: {verdict}  [{top}]")

    def do_rubric_export(self, options: dict[str, Any]) -> None:
        from cakupan.award.models import RubricVersion

        qs = RubricVersion.objects.filter(kategori=options["category"])
        version = (
            qs.filter(nomor=options["version"]).first()
            if options["version"]
            else qs.order_by("-nomor").first()
        )
        if version is None:
            raise NotFound(
                apa=f"Rubrik {options['category']}", what=f"Rubric {options['category']}"
            )
        self.stdout.write(json.dumps(rubric_spec(version), ensure_ascii=False, indent=1))

    # --- writes

    def do_rubric_import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            spec = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(
                f"Berkas {path} tidak terbaca sebagai JSON: {exc}\nFile {path} is not readable JSON: {exc}",
                returncode=2,
            ) from None
        version = rubric_version_create(
            kategori=options["category"], spec=spec, acting_user=self._user(options["user"])
        )
        self.stdout.write(
            f"Rubrik {version.kategori} versi {version.nomor} disimpan. / "
            f"Rubric {version.kategori} version {version.nomor} saved."
        )

    def do_compute(self, options: dict[str, Any]) -> None:
        cycle = self._cycle(options["cycle"])
        n = values_compute(cycle=cycle, acting_user=self._user(options["user"]))
        self.stdout.write(f"{n} nilai indikator dihitung. / {n} indicator values computed.")

    def do_close_stage(self, options: dict[str, Any]) -> None:
        cycle = self._cycle(options["cycle"])
        stage_close(cycle=cycle, jenis=options["stage"], acting_user=self._user(options["user"]))
        now = stage_current(Cycle.objects.get(pk=cycle.pk)) or "selesai"
        self.stdout.write(
            f"Tahap {options['stage']} ditutup; sekarang: {now}. / Stage closed; now: {now}."
        )


def _rows(cat: CategoryRanking, method: str) -> list[dict[str, Any]]:
    """(peringkat, kode, nama, skor) in ranking order by `method`."""
    if method == "official":
        return [
            {
                "peringkat": r.peringkat,
                "kode": r.candidate.kode,
                "nama": r.candidate.nama,
                "skor": round(r.skor, 2),
            }
            for r in cat.rows
        ]
    key = "skor_z" if method == "zscore" else "skor_mentah"
    place = "peringkat_z" if method == "zscore" else "peringkat_mentah"
    rows = sorted(cat.rows, key=lambda r: (getattr(r, place), r.candidate.kode))
    return [
        {
            "peringkat": getattr(r, place),
            "kode": r.candidate.kode,
            "nama": r.candidate.nama,
            "skor": round(getattr(r, key), 2),
        }
        for r in rows
    ]
