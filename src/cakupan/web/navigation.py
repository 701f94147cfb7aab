"""The main navigation: each module's entry and the capability that shows it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str | Promise
    capability: str


NAVIGATION = (
    NavEntry("home", _("Dashboard"), "coverage.view"),
    NavEntry("coverage", _("Coverage"), "coverage.view"),
    NavEntry("participants", _("Registry"), "registry.view"),
    NavEntry("employers", _("Employers"), "registry.view"),
    NavEntry("compliance", _("Compliance"), "compliance.view"),
    NavEntry("programmes_overview", _("Programmes"), "programmes.view"),
    NavEntry("programme_list", _("Village programmes"), "programmes.beneficiaries"),
    NavEntry("award_home", _("Paritrana Award"), "award.view"),
    NavEntry("imports", _("Imports"), "registry.import"),
    NavEntry("jobs", _("Jobs"), "jobs.view"),
    NavEntry("regions", _("Regions"), "coverage.view"),
    NavEntry("audit", _("Audit log"), "audit.view"),
)


def navigation_for(user: object) -> list[NavEntry]:
    """The entries a user's role may open."""
    can = getattr(user, "can", None)
    if can is None:
        return []
    return [entry for entry in NAVIGATION if can(entry.capability)]
