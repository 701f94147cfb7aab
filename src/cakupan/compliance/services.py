"""Compliance writes by people: the follow-up of a non-compliant employer or business."""

from __future__ import annotations

from django.db import transaction

from cakupan.accounts.scope import Actor, require_capability, require_scope
from cakupan.audit.services import audit_record
from cakupan.compliance.models import ComplianceStatus, FollowUp, FollowUpNote, FollowUpState
from cakupan.errors import InvalidInput


@transaction.atomic
def follow_up_record(
    *, acting_user: Actor, row: ComplianceStatus, state: str, catatan: str = ""
) -> FollowUp:
    """Set the follow-up state of the employer or business behind `row`, with a note; audited."""
    require_capability(acting_user, "compliance.followup")
    require_scope(acting_user, row.kode_wilayah)
    if state not in FollowUpState.values:
        raise InvalidInput(
            kolom="state",
            pesan_rinci=f"tahap tindak lanjut {state!r} tidak dikenal",
            detail=f"unknown follow-up state {state!r}",
        )
    key = {"npp": row.npp} if row.npp else {"nib": row.nib, "npp": ""}
    follow, _ = FollowUp.objects.select_for_update().get_or_create(
        **key, defaults={"kode_wilayah": row.kode_wilayah, "nib": row.nib}
    )
    follow.state = state
    follow.updated_by = acting_user  # type: ignore[assignment]
    follow.save()
    FollowUpNote.objects.create(
        follow_up=follow, state=state, catatan=catatan[:2000], created_by=acting_user
    )
    audit_record(
        actor=acting_user,
        action="compliance.follow_up",
        target=follow,
        region_code=row.kode_wilayah,
        detail={"npp": row.npp, "nib": row.nib, "state": state},
    )
    return follow
