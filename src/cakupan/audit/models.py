"""The append-only audit log: who did what to which object, how many rows, when, from where."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnly(Exception):
    """An attempt to change or remove an audit entry."""


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnly("audit entries cannot be changed")

    def delete(self) -> NoReturn:
        raise AppendOnly("audit entries cannot be deleted")


class AuditEntry(models.Model):
    """One audited event. Rows are only ever inserted (the database refuses updates and deletes)."""

    ACTIONS = {
        "login": _("Login"),
        "login.failed": _("Failed login"),
        "logout": _("Logout"),
        "password.change": _("Password change"),
        "import": _("Import"),
        "export": _("Export"),
        "nik.reveal": _("NIK reveal"),
        "permission.change": _("Permission change"),
        "token.create": _("Token created"),
        "token.revoke": _("Token revoked"),
        "token.denied": _("Token refused"),
        "score.change": _("Score change"),
        "job.run": _("Background job"),
        "published_figure.add": _("Published figure added"),
        "compliance.follow_up": _("Compliance follow-up"),
        "compliance.check": _("Licensing check"),
        "business_match.accept": _("Business match accepted"),
        "business_match.reject": _("Business match rejected"),
        "certificate.issue": _("Certificate issued"),
        "sponsor.create": _("Sponsor created"),
        "funding.create": _("Funding line created"),
        "programme.create": _("Programme created"),
        "programme.submit": _("Programme submitted"),
        "programme.approve": _("Programme approved"),
        "programme.reject": _("Programme rejected"),
        "beneficiary.upload": _("Beneficiary list uploaded"),
        "beneficiary.fix": _("Beneficiary row fixed"),
        "beneficiary.match": _("Beneficiary list matched"),
        "beneficiary.review": _("Beneficiary match reviewed"),
        "invoice.issue": _("Invoice issued"),
        "payment.record": _("Payment recorded"),
        "payment.import": _("Payment file imported"),
        "roster.save": _("Staff roster saved"),
        "roster.import": _("Staff rosters imported"),
        "linkage.decide": _("Person match decided"),
        "linkage.link": _("People list matched to the registry"),
        "award.cycle_create": _("Award cycle created"),
        "award.stage_close": _("Award stage closed"),
        "award.stage_dates": _("Award stage dates changed"),
        "award.settings": _("Award ranking settings changed"),
        "award.cycle_rubric": _("Cycle rubric version changed"),
        "award.rubric_version": _("Rubric version saved"),
        "award.candidate_add": _("Award candidate added"),
        "award.candidate_withdraw": _("Award candidate withdrawn"),
        "award.officer_add": _("Candidate officer added"),
        "award.compute": _("Data indicators computed"),
        "award.evidence_upload": _("Evidence uploaded"),
        "award.evidence_verify": _("Evidence verified"),
        "award.conflict": _("Conflict of interest declared"),
        "award.assign": _("Juror assigned"),
        "award.unassign": _("Juror assignment withdrawn"),
        "award.sheet_submit": _("Score sheet submitted"),
        "award.sheet_reopen": _("Score sheet reopened"),
        "award.session": _("Interview scheduled"),
        "award.decide": _("Award decision made"),
        "award.refused": _("Award change refused (stage locked)"),
    }

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40, db_index=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    region_code = models.CharField(max_length=13, blank=True, db_index=True)
    row_count = models.IntegerField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnly("audit entries cannot be deleted")
