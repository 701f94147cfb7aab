"""The award's PDFs, drawn with fpdf2 in Indonesian (core fonts, every string through
coverage.report.sanitise): the results of a cycle, a candidate's scorecard and a winner's
certificate. These only render what award.services.results and award.scorecards computed."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone, translation
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from cakupan.award.models import Candidate, Category, Cycle
from cakupan.award.ranking import RULES_ID
from cakupan.award.scorecards import EVIDENCE_LABEL, Scorecard
from cakupan.award.services.results import CategoryRanking, ResultRow
from cakupan.coverage.palette import format_number
from cakupan.coverage.report import MONTHS, sanitise

BRAND = "#0b5d3b"
BRAND_SOFT = "#e7f2ec"
INK = "#1c2529"
INK_SOFT = "#55636b"
LINE = "#d5dde1"
GOLD = "#9a7b1c"
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX", 10: "X"}


class _Pdf(FPDF):
    """FPDF whose text never raises on a character outside cp1252, with a footer line."""

    footer_text = ""

    def normalize_text(self, text: str) -> str:
        return super().normalize_text(sanitise(text))

    def footer(self) -> None:
        if not self.footer_text:
            return
        self.set_y(-11)
        self.set_font("Helvetica", "", 7)
        self.set_text_color(INK_SOFT)
        self.cell(0, 4, self.footer_text, align="L", new_x=XPos.LMARGIN, new_y=YPos.TOP)
        self.cell(0, 4, f"Halaman {self.page_no()}/{{nb}}", align="R")


def _new(title: str, moment: datetime, *, landscape: bool = False) -> _Pdf:
    pdf = _Pdf(orientation="L" if landscape else "P", unit="mm", format="A4")
    pdf.core_fonts_encoding = "cp1252"
    pdf.set_margins(14, 14, 14)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(title)
    pdf.set_author("Panitia Paritrana Award melalui Cakupan")
    pdf.set_creator("Cakupan")
    pdf.set_lang("id")
    pdf.set_creation_date(moment)
    return pdf


def label_id(kategori: str) -> str:
    with translation.override("id"):
        return str(Category(kategori).label)


def label_en(kategori: str) -> str:
    with translation.override("en"):
        return str(Category(kategori).label)


def date_id(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"


def score(value: float) -> str:
    return format_number(value, 2)


def _heading(pdf: FPDF, text: str, size: float = 13) -> None:
    pdf.set_font("Helvetica", "B", size)
    pdf.set_text_color(BRAND)
    pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)


def _para(pdf: FPDF, text: str, size: float = 8.5, style: str = "", colour: str = INK) -> None:
    pdf.set_font("Helvetica", style, size)
    pdf.set_text_color(colour)
    pdf.multi_cell(0, size * 0.48, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _banner(pdf: FPDF, cycle: Cycle, subtitle: str) -> None:
    pdf.set_fill_color(BRAND)
    pdf.rect(0, 0, pdf.w, 3.5, style="F")
    pdf.set_y(9)
    pdf.set_font("Helvetica", "B", 9)
    pdf.set_text_color(INK_SOFT)
    level = "PROVINSI" if cycle.tingkat == "provinsi" else "NASIONAL"
    pdf.cell(
        0, 4, f"PARITRANA AWARD {cycle.tahun} · TINGKAT {level}", new_x=XPos.LMARGIN, new_y=YPos.TOP
    )
    pdf.cell(0, 4, f"Siklus {cycle.kode}", align="R")
    pdf.ln(6)
    _heading(pdf, cycle.nama, 16)
    _para(pdf, subtitle, 9.5, colour=INK_SOFT)
    pdf.set_draw_color(LINE)
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin, pdf.get_y() + 1.5, pdf.w - pdf.r_margin, pdf.get_y() + 1.5)
    pdf.ln(4)


def _method_label(method: str) -> str:
    return "skor juri dinormalisasi (z-score)" if method == "z" else "skor juri mentah"


def _pemutus(row: ResultRow, cat: CategoryRanking) -> str:
    if row.pemutus == "bersama":
        return "peringkat bersama"
    if row.pemutus.startswith("aspek:"):
        kode = row.pemutus.split(":", 1)[1]
        nama = next((a.nama for a in cat.aspects if a.kode == kode), kode)
        return f"ditentukan skor {nama}"
    return ""


def results_pdf(cycle: Cycle, rankings: list[CategoryRanking], *, oleh: str) -> bytes:
    """Every category's ranking with both scores, the sensitivity and the written rules."""
    moment = cycle.decided_at or timezone.now()
    pdf = _new(f"Hasil {cycle.nama}", moment, landscape=True)
    status = (
        f"Keputusan ditetapkan {date_id(cycle.decided_at)}."
        if cycle.decided_at
        else "HASIL SEMENTARA: keputusan belum ditetapkan."
    )
    pdf.footer_text = f"Hasil {cycle.kode} · dibuat {date_id(timezone.now())} oleh {oleh} · Cakupan"
    pdf.alias_nb_pages()
    pdf.add_page()
    _banner(pdf, cycle, f"Hasil penilaian per kategori. {status}")
    for cat in rankings:
        _heading(pdf, f"Kategori {label_id(cat.kategori)}", 12)
        _para(
            pdf,
            f"Rubrik versi {cat.rubric.nomor}; peringkat menurut {_method_label(cat.method)}; "
            f"{len(cat.rows)} kandidat; pemenang: peringkat 1–{cycle.jumlah_pemenang}.",
            8,
            colour=INK_SOFT,
        )
        pdf.ln(1)
        aspects = cat.aspects
        widths = [12, 18, 0, 17, 17, 17, *([24] * len(aspects))]
        widths[2] = max(40, pdf.epw - sum(widths))
        if sum(widths) > pdf.epw:  # many aspects: narrower aspect columns
            each = (pdf.epw - sum(widths[:6])) / max(1, len(aspects))
            widths[6:] = [each] * len(aspects)
        pdf.set_font("Helvetica", "", 7.5)
        pdf.set_text_color(INK)
        with pdf.table(
            col_widths=widths,
            text_align=["C", "L", "L", "R", "R", "R", *(["R"] * len(aspects))],
            headings_style=FontFace(emphasis="BOLD", color="#ffffff", fill_color=BRAND),
            line_height=4.2,
            borders_layout="HORIZONTAL_LINES",
            width=sum(widths),
        ) as table:
            head = table.row()
            for title in ("Pkt", "Kode", "Nama", "Skor", "Mentah", "Z-score"):
                head.cell(title)
            for a in aspects:
                head.cell(f"{a.nama[:22]} ({format_number(a.bobot, 0)}%)")
            for r in cat.rows:
                row = table.row()
                place = f"{r.peringkat}{'=' if r.bersama else ''}"
                row.cell(place)
                row.cell(r.candidate.kode)
                note = _pemutus(r, cat)
                row.cell(r.candidate.nama + (f" ({note})" if note else ""))
                row.cell(score(r.skor))
                row.cell(score(r.skor_mentah))
                row.cell(score(r.skor_z))
                for a in aspects:
                    row.cell(score(r.aspek[a.kode]))
        pdf.ln(2)
        if cat.sensitivity:
            changed = [e for e in cat.sensitivity if e.berubah]
            if not changed:
                text = (
                    f"Kepekaan: tiga besar tidak berubah bila salah satu dari "
                    f"{len(cat.sensitivity)} juri dikeluarkan."
                )
            else:
                parts = []
                for e in changed:
                    top = ", ".join(f"{p}. {c.nama}" for p, c in e.top)
                    parts.append(f"tanpa {e.juror}: {top}")
                text = (
                    "Kepekaan: tiga besar berubah bila juri dikeluarkan — " + "; ".join(parts) + "."
                )
            _para(pdf, text, 8, colour=INK_SOFT)
        pdf.ln(4)
    _heading(pdf, "Aturan penilaian dan penentu peringkat", 11)
    for n, rule in enumerate(RULES_ID, start=1):
        _para(pdf, f"{n}. {rule}", 8)
        pdf.ln(0.8)
    return bytes(pdf.output())


def scorecard_pdf(card: Scorecard, *, oleh: str) -> bytes:
    """One candidate's scorecard: aspects against the best and median, what to do next."""
    cycle, cand, row = card.cycle, card.candidate, card.row
    pdf = _new(f"Rapor {cand.nama} {cycle.kode}", cycle.decided_at or timezone.now())
    pdf.footer_text = (
        f"Rapor {cand.kode} · {cycle.kode} · dibuat {date_id(timezone.now())} oleh {oleh} · Cakupan"
    )
    pdf.alias_nb_pages()
    pdf.add_page()
    status = "" if cycle.decided_at else " HASIL SEMENTARA: keputusan belum ditetapkan."
    _banner(pdf, cycle, f"Rapor kandidat kategori {label_id(cand.kategori)}.{status}")
    _heading(pdf, cand.nama, 14)
    _para(
        pdf,
        f"Kode {cand.kode} · peringkat {row.peringkat}{' (bersama)' if row.bersama else ''} dari "
        f"{card.peserta} · skor {score(row.skor)} (mentah {score(row.skor_mentah)}, z-score "
        f"{score(row.skor_z)}) · terbaik kategori {score(card.terbaik)} · median {score(card.median)}",
        9.5,
    )
    pdf.ln(3)
    _heading(pdf, "Skor per aspek", 11)
    with pdf.table(
        col_widths=[70, 20, 30, 30, 30],
        text_align=["L", "R", "R", "R", "R"],
        headings_style=FontFace(emphasis="BOLD", color="#ffffff", fill_color=BRAND),
        line_height=5,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        head = table.row()
        for title in ("Aspek", "Bobot", "Skor", "Terbaik", "Median"):
            head.cell(title)
        for line in card.aspects:
            r = table.row()
            r.cell(line.aspect.nama)
            r.cell(f"{format_number(line.aspect.bobot, 0)}%")
            r.cell(score(line.skor))
            r.cell(score(line.terbaik))
            r.cell(score(line.median))
    pdf.ln(3)
    _heading(pdf, "Tiga indikator dengan peluang tambahan skor terbesar", 11)
    if not card.gains:
        _para(pdf, "Semua indikator sudah bernilai penuh.", 9)
    for n, g in enumerate(card.gains, start=1):
        _para(
            pdf,
            f"{n}. {g.indicator.nama} ({g.aspect.nama}) — +{score(g.poin)} poin bila penuh",
            9.5,
            "B",
        )
        detail = []
        if g.nilai is not None:
            detail.append(g.nilai.penjelasan.get("id", ""))
        if g.indicator.jenis == "bukti":
            detail.append(f"Status: {EVIDENCE_LABEL[g.bukti][0]}.")
        if g.indicator.saran:
            detail.append(f"Yang dapat dilakukan: {g.indicator.saran}")
        _para(pdf, " ".join(d for d in detail if d), 8.5, colour=INK_SOFT)
        pdf.ln(1.5)
    if card.values:
        pdf.ln(2)
        _heading(pdf, "Indikator yang dihitung dari data Cakupan", 11)
        for ind, value in card.values:
            _para(pdf, ind.nama, 8.5, "B")
            _para(pdf, value.penjelasan.get("id", ""), 8, colour=INK_SOFT)
            pdf.ln(0.8)
    return bytes(pdf.output())


def certificate_pdf(cycle: Cycle, candidate: Candidate, row: ResultRow) -> bytes:
    """A winner's certificate (landscape A4), in Indonesian with an English line."""
    assert cycle.decided_at is not None
    pdf = _new(f"Piagam {candidate.nama} {cycle.kode}", cycle.decided_at, landscape=True)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(GOLD)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, pdf.w - 22, pdf.h - 22)

    def centred(y: float, text: str, size: float, style: str = "", colour: str = INK) -> None:
        pdf.set_xy(20, y)
        pdf.set_font("Helvetica", style, size)
        pdf.set_text_color(colour)
        pdf.multi_cell(pdf.w - 40, size * 0.5, text, align="C")

    centred(24, f"PARITRANA AWARD {cycle.tahun}", 14, "B", BRAND)
    centred(32, cycle.nama, 10, "", INK_SOFT)
    centred(48, "PIAGAM PENGHARGAAN", 30, "B", GOLD)
    centred(63, "Certificate of Award", 11, "I", INK_SOFT)
    centred(76, "diberikan kepada / presented to", 11, "", INK_SOFT)
    centred(86, candidate.nama, 24, "B", INK)
    place = ROMAN.get(row.peringkat, str(row.peringkat))
    centred(
        104,
        f"sebagai Peringkat {place}{' (bersama)' if row.bersama else ''} kategori "
        f"{label_id(candidate.kategori)} dengan skor {score(row.skor)}",
        13,
        "",
        INK,
    )
    centred(
        114,
        f"as rank {row.peringkat}{' (shared)' if row.bersama else ''} in the category "
        f"{label_en(candidate.kategori)}, score {row.skor:.2f}",
        10,
        "I",
        INK_SOFT,
    )
    centred(
        130,
        "atas komitmen memperluas perlindungan jaminan sosial ketenagakerjaan",
        11,
        "",
        INK,
    )
    centred(150, f"Ditetapkan {date_id(cycle.decided_at)}", 10, "", INK_SOFT)
    centred(158, "Panitia Paritrana Award", 11, "B", BRAND)
    number = f"{cycle.kode}/{candidate.kategori}/{row.peringkat}/{candidate.kode}"
    pdf.set_xy(20, pdf.h - 24)
    pdf.set_font("Helvetica", "", 7)
    pdf.set_text_color(INK_SOFT)
    pdf.cell(pdf.w - 40, 4, f"Nomor piagam: {number} · dibuat dengan Cakupan", align="C")
    return bytes(pdf.output())
