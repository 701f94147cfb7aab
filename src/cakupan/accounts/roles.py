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
    # sponsored enrolment programmes: aggregates (a sponsor sees only what it funded, no NIK)
    "programmes.view": frozenset(
        {Role.BPJS_ADMIN, Role.ANALYST, Role.PEMDA_OFFICER, Role.VILLAGE_OPERATOR, Role.SPONSOR}
    ),
    # create programmes, sponsors, funding lines and staff rosters in one's region
    "programmes.manage": frozenset({Role.BPJS_ADMIN, Role.PEMDA_OFFICER, Role.VILLAGE_OPERATOR}),
    "programmes.approve": frozenset({Role.BPJS_ADMIN, Role.PEMDA_OFFICER}),
    # beneficiary lists: upload, fix, see names and masked NIKs, review matches
    "programmes.beneficiaries": frozenset(
        {Role.BPJS_ADMIN, Role.PEMDA_OFFICER, Role.VILLAGE_OPERATOR}
    ),
    # invoices, payments, the enrolment file for the BPJS office
    "programmes.payments": frozenset({Role.BPJS_ADMIN, Role.PEMDA_OFFICER}),
    # the what-if simulator (aggregates only)
    "programmes.simulate": frozenset(
        {Role.BPJS_ADMIN, Role.ANALYST, Role.PEMDA_OFFICER, Role.AWARD_COMMITTEE}
    ),
    # the review queue of uncertain person matches
    "linkage.review": frozenset({Role.BPJS_ADMIN, Role.PEMDA_OFFICER, Role.VILLAGE_OPERATOR}),
    # Paritrana Award: cycles, candidates' names, one's own part in them
    "award.view": frozenset(
        {
            Role.AWARD_COMMITTEE,
            Role.JURY,
            Role.PEMDA_OFFICER,
            Role.SPONSOR,
            Role.BPJS_ADMIN,
            Role.ANALYST,
        }
    ),
    # run cycles and stages, edit rubrics, register candidates, assign jurors
    "award.manage": frozenset({Role.AWARD_COMMITTEE}),
    # verify evidence (accept/return), score evidence indicators, compute data indicators
    "award.assess": frozenset({Role.AWARD_COMMITTEE}),
    # score the candidates one is assigned to, declare one's conflicts of interest
    "award.score": frozenset({Role.JURY}),
    # upload evidence for the candidates one is an officer of, see their scorecards
    "award.evidence": frozenset({Role.PEMDA_OFFICER, Role.SPONSOR}),
    # nominate a business of one's region as a candidate
    "award.nominate": frozenset({Role.AWARD_COMMITTEE, Role.PEMDA_OFFICER, Role.BPJS_ADMIN}),
    # decided results, rankings, scorecards and their PDFs
    "award.results": frozenset(
        {Role.AWARD_COMMITTEE, Role.BPJS_ADMIN, Role.ANALYST, Role.JURY, Role.PEMDA_OFFICER}
    ),
}


def role_can(role: str, capability: str) -> bool:
    """Whether `role` has `capability`; an unknown capability is nobody's."""
    return role in CAPABILITY_ROLES.get(capability, frozenset())
