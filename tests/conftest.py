"""Shared fixtures: one user per role in Bali, an outsider in another village (hc/test.py style)."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")


@pytest.fixture
def make_user(db):
    from cakupan.accounts.models import User

    def make(username: str, role: str, region_code: str | None, password: str = "sandi-uji-123"):
        user = User(
            username=username, role=role, region_id=region_code, is_staff=role == "bpjs_admin"
        )
        user.set_password(password)
        user.save()
        return user

    return make


@pytest.fixture
def bpjs_admin(make_user):
    return make_user("admin_bali", "bpjs_admin", "51")


@pytest.fixture
def analyst(make_user):
    return make_user("analis_bali", "analyst", "51")


@pytest.fixture
def village_operator(make_user):
    """Operator of Batubulan (51.04.01.2001), Gianyar."""
    return make_user("op_batubulan", "village_operator", "51.04.01.2001")


@pytest.fixture
def other_village_operator(make_user):
    """Operator of Ketewel (51.04.01.2002), the next village: the outsider."""
    return make_user("op_ketewel", "village_operator", "51.04.01.2002")


@pytest.fixture
def participants(db):
    """Two people in Batubulan, one in Ketewel, one in Denpasar, each active in 2023-12."""
    from datetime import date

    from cakupan.coverage.facts import facts_refresh
    from cakupan.lib.names import name_key, name_normal
    from cakupan.registry.models import Membership, Participant

    rows = [
        ("5104014101900001", "Ni Made Batubulan", date(1990, 1, 1), "P", "51.04.01.2001"),
        ("5104010202850002", "Wayan Batubulan", date(1985, 2, 2), "L", "51.04.01.2001"),
        ("5104010303800003", "Ketut Ketewel", date(1980, 3, 3), "L", "51.04.01.2002"),
        ("5171010404750004", "Putu Denpasar", date(1975, 4, 4), "L", "51.71.01.1001"),
    ]
    people = []
    for nik, nama, born, sex, village in rows:
        p = Participant.objects.create(
            nik=nik,
            nama=nama,
            nama_cari=name_normal(nama),
            nama_kunci=name_key(nama),
            tanggal_lahir=born,
            jenis_kelamin=sex,
            kode_wilayah=village,
        )
        Membership.objects.create(
            periode="2023-12",
            participant=p,
            segmen="BPU",
            kode_wilayah=village,
            jenis_kelamin=sex,
            tanggal_lahir=born,
            program="JKK,JKM",
            upah=1_000_000,
            tmt=date(2023, 1, 1),
            bulan_iuran_terakhir="2023-12",
        )
        people.append(p)
    facts_refresh("2023-12")
    return people


# --- tests on committed data (transactional_db, live_server) ----------------------------------
# pytest-django empties every table after such a test. Two things in Cakupan's schema need help
# with that: the append-only audit table refuses DELETE/TRUNCATE by trigger, and the regions are
# data loaded by a migration. pytest-django runs these tests after all rolled-back (`db`) tests,
# so restoring before each one and switching the triggers off before each flush is enough.


def _audit_triggers(enabled: bool) -> None:
    from django.db import connection

    triggers = importlib.import_module("cakupan.audit.migrations.0002_append_only_triggers")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"ALTER TABLE audit_auditentry {'ENABLE' if enabled else 'DISABLE'} TRIGGER USER"
            )
            return
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name = 'audit_auditentry'"
        )
        present = cursor.fetchone()[0] > 0
        if enabled and not present:
            for sql in triggers.SQLITE_UP:
                cursor.execute(sql)
        elif not enabled and present:
            for sql in triggers.SQLITE_DOWN:
                cursor.execute(sql)


@pytest.fixture
def migrated_state(transactional_db: None) -> Iterator[None]:
    """The database as `migrate` leaves it (triggers on; regions, wages, rates, funding rules and
    the award's default rubrics loaded) during the test."""
    from django.apps import apps

    from cakupan.award.models import RubricVersion
    from cakupan.compliance.models import MinimumWage
    from cakupan.programmes.models import PremiumRate
    from cakupan.regions.models import Region

    _audit_triggers(True)
    if not Region.objects.exists():
        importlib.import_module("cakupan.regions.migrations.0002_load_regions").load(apps, None)
    if not RubricVersion.objects.exists():
        importlib.import_module("cakupan.award.migrations.0002_default_rubrics").load(apps, None)
    seeds = (
        (MinimumWage, ("cakupan.compliance.migrations.0002_minimum_wages",)),
        (
            PremiumRate,
            (
                "cakupan.programmes.migrations.0002_seed_rules_rates",
                "cakupan.programmes.migrations.0003_seed_age_limits",
            ),
        ),
    )
    for model, migrations in seeds:
        if not model.objects.exists():
            for migration in migrations:
                importlib.import_module(migration).seed(apps, None)
    yield
    _audit_triggers(False)  # Django's flush comes next and must be able to empty the audit table


@pytest.fixture(autouse=True)
def _committed_data_state(request: pytest.FixtureRequest) -> None:
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        request.getfixturevalue("migrated_state")
