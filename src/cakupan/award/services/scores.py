"""Writing one score, an assessor's or a juror's: the row saved and the change audited
(`score.change`, with the value before and after)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from django.db import transaction

from cakupan.accounts.scope import Actor
from cakupan.audit.services import audit_record
from cakupan.award.models import AssessorScore, Candidate, Cycle, Indicator, JuryScore

S = TypeVar("S", AssessorScore, JuryScore)


def plain(value: Decimal) -> str:
    """A score as people write it: 70, 72.5 (no trailing zeros)."""
    text = f"{value.normalize():f}"
    return text


def score_write(
    *,
    model: type[S],
    lookup: dict[str, Any],
    value: Decimal,
    catatan: str,
    candidate: Candidate,
    cycle: Cycle,
    indicator: Indicator,
    penilai: str,
    acting_user: Actor,
) -> S:
    """Create or update the score row `lookup` finds (locked), then audit the change: `penilai`
    (asesor/juri), cycle and indicator codes, the value before (None when new) and after."""
    with transaction.atomic():
        score, created = model.objects.select_for_update().get_or_create(
            **lookup,
            defaults={"nilai": value, "catatan": catatan.strip()[:1000]},
        )
        before = None if created else plain(score.nilai)
        if not created:
            score.nilai = value
            score.catatan = catatan.strip()[:1000]
            score.save(update_fields=["nilai", "catatan", "updated_at"])
        audit_record(
            actor=acting_user,
            action="score.change",
            target=candidate,
            region_code=candidate.kode_wilayah,
            detail={
                "penilai": penilai,
                "siklus": cycle.kode,
                "indikator": indicator.kode,
                "dari": before,
                "menjadi": plain(value),
            },
        )
    return score
