"""A month paid before BPJS's snapshot of it arrives shows once the snapshot is imported."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from cakupan.accounts.scope import SystemActor
from cakupan.coverage.selectors import coverage_table
from cakupan.registry.models import Membership, Participant
from tests.programmes.test_services_helpers import paid_month

HEADER = "nik,nama,tanggal_lahir,jenis_kelamin,kpj,segmen,npp,kode_wilayah,pekerjaan,program,upah,tmt,bulan_iuran_terakhir\n"


@pytest.fixture
def paid_january(participants):
    """Wayan Batubulan (lapsed: paid through 2023-12) sponsored and paid for 2024-01."""
    person = participants[1]
    paid_month(person, "2024-01")
    return person


def test_snapshot_import_applies_paid_months(paid_january, tmp_path):
    # BPJS's January file lists only Ketut Ketewel; Wayan's paid January must still count.
    path = tmp_path / "2024-01.csv"
    path.write_text(
        HEADER + '5104010303800003,Ketut Ketewel,1980-03-03,L,,BPU,,51.04.01.2002,petani,"JKK,JKM",'
        "1000000,2023-01-01,2024-01\n"
    )
    call_command("import", "participants", str(path), "--period", "2024-01")
    membership = Membership.objects.get(periode="2024-01", participant=paid_january)
    assert (membership.segmen, membership.bulan_iuran_terakhir) == ("BPU", "2024-01")
    assert membership.tmt == date(2024, 1, 1)
    table = coverage_table(
        actor=SystemActor(), region_code="51.04.01", level="village", periode="2024-01"
    )
    rows = {r.kode_wilayah: r for r in table.rows}
    assert (rows["51.04.01.2001"].peserta_aktif, rows["51.04.01.2001"].peserta_disponsori) == (1, 1)
    assert (rows["51.04.01.2002"].peserta_aktif, rows["51.04.01.2002"].peserta_disponsori) == (1, 0)
    assert Participant.objects.count() == 4
