"""The roles of design.md and what each may do. One table, read by every permission check."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BPJS_ADMIN = "bpjs_admin", _("BPJS regional office staff")
    ANALYST = "analyst", _("Analyst")
    PEMDA_OFFICER = "pemda_officer", _("Regional government officer")
    VILLAGE_OPERATOR = "village_operator", _("Village operator")
    SPONSOR = "sponsor", _("Sponsor (CSR, bank)")
    LICENSING_CLIENT = "licensing_client", _("Licensing service (API only)")
    AWARD_COMMITTEE = "award_committee", _("Award committee")
    JURY = "jury", _("Jury")


PEOPLE = frozenset(r for r in Role.values if r != Role.LICENSING_CLIENT)

# capability → roles that have it
CAPABILITY_ROLES: dict[str, frozenset[str]] = {
    # participant and employer rows (names, masked NIKs)
    "registry.view": frozenset({Role.BPJS_ADMIN, Role.PEMDA_OFFICER, Role.VILLAGE_OPERATOR}),
    # a NIK in full, on screen and in exports
    "nik.view": frozenset({Role.BPJS_ADMIN}),
    "registry.import": frozenset({Role.BPJS_ADMIN}),
    "registry.export": frozenset({Role.BPJS_ADMIN, Role.PEMDA_OFFICER, Role.VILLAGE_OPERATOR}),
    # aggregates: coverage figures, no personal data
    "coverage.view": PEOPLE,
    "coverage.export": frozenset(
        {Role.BPJS_ADMIN, Role.ANALYST, Role.PEMDA_OFFICER, Role.AWARD_COMMITTEE}
    ),
    # record figures published elsewhere, to be reconciled with Cakupan's own
    "coverage.publish": frozenset({Role.BPJS_ADMIN, Role.ANALYST}),
    "jobs.view": PEOPLE,
    "audit.view": frozenset({Role.BPJS_ADMIN}),
    "users.manage": frozenset({Role.BPJS_ADMIN}),
    "compliance.check": frozenset({Role.LICENSING_CLIENT, Role.BPJS_ADMIN}),
    # employer compliance lists, statuses and their reasons (no personal data of workers)
    "compliance.view": frozenset({Role.BPJS_ADMIN, Role.PEMDA_OFFICER, Role.ANALYST}),
    # follow-up visits of non-compliant employers, certificates
    "compliance.followup": frozenset({Role.BPJS_ADMIN}),
    "compliance.import": frozenset({Role.BPJS_ADMIN}),
}


def role_can(role: str, capability: str) -> bool:
    """Whether `role` has `capability`; an unknown capability is nobody's."""
    return role in CAPABILITY_ROLES.get(capability, frozenset())
