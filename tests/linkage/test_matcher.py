"""people_link / people_match: exact NIK, the noise village lists carry, Balinese names, the
precision rules (namesakes, NIKs that hit someone else), staff decisions and the registry load."""

from datetime import date

import pytest

from cakupan.audit.models import AuditEntry
from cakupan.linkage.matcher import (
    Match,
    Person,
    RegistryFrame,
    people_link,
    people_match,
    registry_load,
)
from cakupan.linkage.models import LinkDecision
from cakupan.linkage.services import decisions_for, link_decide, person_key

BATUBULAN = "51.04.01.2001"
KETEWEL = "51.04.01.2002"

# (nik, nama, tanggal_lahir, jenis_kelamin, kode_wilayah)
REGISTRY = [
    ("5104010506850001", "I Wayan Sudarsana", date(1985, 6, 5), "L", BATUBULAN),
    ("5104010507850001", "I Wayan Budiarta", date(1985, 7, 5), "L", BATUBULAN),
    ("5104014203900001", "Ni Kadek Ayu Lestari", date(1990, 3, 2), "P", BATUBULAN),
    ("5104011811880001", "Ida Bagus Putu Sudarsana", date(1988, 11, 18), "L", BATUBULAN),
    ("5104012907790001", "I Nyoman Suarta", date(1979, 7, 29), "L", KETEWEL),
    ("5104015512920001", "Ni Ketut Sukerti", date(1992, 12, 15), "P", KETEWEL),
    ("5104010101700001", "I Made Wirawan", date(1970, 1, 1), "L", BATUBULAN),
    ("5171014304950001", "Siti Aminah", date(1995, 4, 3), "P", "51.71.01.1001"),
]


def frame(rows=REGISTRY):
    return RegistryFrame.from_columns(
        ids=list(range(1, len(rows) + 1)),
        nik=[r[0] for r in rows],
        nama=[r[1] for r in rows],
        tanggal_lahir=[r[2] for r in rows],
        jenis_kelamin=[r[3] for r in rows],
        kode_wilayah=[r[4] for r in rows],
    )


def one(person, rows=REGISTRY):
    [match] = people_match([person], frame(rows))
    return match


def test_exact_nik_with_agreeing_name_is_matched_by_nik():
    match = one(Person(1, "I WAYAN SUDARSANA", nik="5104010506850001", kode_wilayah=BATUBULAN))
    assert match == Match(baris=1, nik="5104010506850001", participant_id=1, skor=1.0, metode="nik")


def test_one_digit_typo_in_nik_is_found():
    match = one(Person(1, "Wayan Sudarsana", "5104010506850007", date(1985, 6, 5), "L", BATUBULAN))
    assert (match.nik, match.metode) == ("5104010506850001", "probabilistik")
    assert match.skor >= 0.99


def test_transposed_nik_digits_are_found():
    match = one(Person(1, "Ni Ketut Sukerti", "5104015512290001", date(1992, 12, 15), "P", KETEWEL))
    assert (match.nik, match.metode) == ("5104015512920001", "probabilistik")


def test_missing_nik_found_by_name_birth_date_and_village():
    match = one(Person(1, "I Nyoman Suarta", "", date(1979, 7, 29), "L", KETEWEL))
    assert (match.nik, match.metode, match.participant_id) == (
        "5104012907790001",
        "probabilistik",
        5,
    )


def test_day_and_month_swapped_is_found():
    # Born 2 March 1990, written 3 February.
    match = one(Person(1, "Ni Kadek Ayu Lestari", "", date(1990, 2, 3), "P", BATUBULAN))
    assert (match.nik, match.metode) == ("5104014203900001", "probabilistik")


def test_abbreviated_title_and_birth_order_match_the_full_name():
    match = one(Person(1, "I.B. Pt Sudarsana", "", date(1988, 11, 18), "L", BATUBULAN))
    assert (match.nik, match.metode) == ("5104011811880001", "probabilistik")


def test_dropped_prefix_matches():
    match = one(Person(1, "Kadek Ayu Lestari", "", date(1990, 3, 2), "P", BATUBULAN))
    assert (match.nik, match.metode) == ("5104014203900001", "probabilistik")


def test_namesake_with_another_birth_date_is_not_matched():
    # Same name, same village, born another day: a different person.
    match = one(Person(1, "I Wayan Sudarsana", "", date(1991, 2, 14), "L", BATUBULAN))
    assert (match.nik, match.metode) == ("", "tidak_cocok")


def test_two_wayan_of_one_village_are_not_confused():
    people = [
        Person(1, "Wayan Budiarta", "", date(1985, 7, 5), "L", BATUBULAN),
        Person(2, "Wayan Sudarsana", "", date(1985, 6, 5), "L", BATUBULAN),
        # Budiarta's birth date with Sudarsana's name: neither.
        Person(3, "Wayan Sudarsana", "", date(1985, 7, 5), "L", BATUBULAN),
    ]
    got = [(m.baris, m.nik, m.metode) for m in people_match(people, frame())]
    assert got[:2] == [
        (1, "5104010507850001", "probabilistik"),
        (2, "5104010506850001", "probabilistik"),
    ]
    assert got[2][2] != "probabilistik"


def test_nik_of_someone_else_is_not_taken_when_name_and_birth_date_disagree():
    # The list's NIK has a typo that happens to be Wayan Budiarta's NIK; the person is Sudarsana.
    match = one(
        Person(1, "I Wayan Sudarsana", "5104010507850001", date(1985, 6, 5), "L", BATUBULAN)
    )
    assert (match.nik, match.metode) == ("5104010506850001", "probabilistik")


def test_nik_of_someone_else_alone_is_at_most_proposed_for_review():
    rows = [r for r in REGISTRY if r[1] != "I Wayan Sudarsana"]
    match = one(
        Person(1, "I Wayan Sudarsana", "5104010507850001", date(1985, 6, 5), "L", BATUBULAN), rows
    )
    assert match.metode in ("tinjau", "tidak_cocok")


def test_exact_nik_survives_a_typo_in_the_name():
    match = one(Person(1, "Ni Ketut Sukerrti", "5104015512920001", None, "", ""))
    assert (match.nik, match.metode, match.skor) == ("5104015512920001", "nik", 1.0)


def test_person_not_in_registry_is_not_matched():
    match = one(Person(1, "I Komang Arsana", "5104012508990001", date(1999, 8, 25), "L", KETEWEL))
    assert match == Match(baris=1, nik="", participant_id=None, skor=0.0, metode="tidak_cocok")


def test_one_match_per_person_in_order_with_their_row_numbers():
    people = [Person(b, n) for b, n in ((7, "Siti Aminah"), (3, "Nobody"), (9, ""))]
    assert [m.baris for m in people_match(people, frame())] == [7, 3, 9]
    assert people_match([], frame()) == []


def test_empty_registry_matches_nothing():
    [match] = people_match([Person(1, "Siti Aminah", "5171014304950001")], frame([]))
    assert match.metode == "tidak_cocok"


def test_progress_is_reported_up_to_the_number_of_people():
    calls = []
    people_match(
        [Person(1, "Siti Aminah")] * 3, frame(), progress=lambda d, t: calls.append((d, t))
    )
    assert calls[0] == (0, 3) and calls[-1] == (3, 3)


# --- Database: the registry load and staff decisions -------------------------------------------


@pytest.fixture
def registry(db):
    from cakupan.registry.models import Membership, Participant

    people = []
    for nik, nama, born, sex, village in REGISTRY:
        p = Participant.objects.create(
            nik=nik, nama=nama, tanggal_lahir=born, jenis_kelamin=sex, kode_wilayah=village
        )
        people.append(p)
    for p in people[:4]:
        Membership.objects.create(
            periode="2023-12",
            participant=p,
            segmen="BPU",
            kode_wilayah=p.kode_wilayah,
            jenis_kelamin=p.jenis_kelamin,
            program="JKK,JKM",
            tmt=date(2023, 1, 1),
            bulan_iuran_terakhir="2023-12",
        )
    return people


def test_registry_load_reads_participants_in_one_query(registry, django_assert_num_queries):
    with django_assert_num_queries(1):
        loaded = registry_load()
    assert len(loaded) == len(REGISTRY)
    assert {loaded.nik_text(i) for i in range(len(loaded))} == {r[0] for r in REGISTRY}


def test_registry_load_of_a_period_keeps_its_members_only(registry):
    loaded = registry_load("2023-12")
    assert sorted(int(i) for i in loaded.ids) == sorted(p.id for p in registry[:4])
    [match] = people_link([Person(1, "Ni Ketut Sukerti", "5104015512920001")], periode="2023-12")
    assert match.metode == "tidak_cocok"  # not a member in 2023-12


def test_people_link_loads_the_registry(registry):
    [match] = people_link([Person(1, "I Nyoman Suarta", "", date(1979, 7, 29), "L", KETEWEL)])
    assert (match.nik, match.participant_id) == ("5104012907790001", registry[4].id)


UNSURE = Person(1, "I Wayan Sudarsana", "5104010507850001", date(1985, 6, 5), "L", BATUBULAN)


def without_sudarsana(registry):
    registry[0].delete()


def test_accepted_decision_is_the_answer_and_is_audited(registry, bpjs_admin):
    without_sudarsana(registry)
    [before] = people_link([UNSURE])
    assert before.metode in ("tinjau", "tidak_cocok")
    decision = link_decide(
        person=UNSURE, nik="5104010507850001", accept=True, acting_user=bpjs_admin
    )
    [after] = people_link([UNSURE])
    assert (after.nik, after.metode, after.participant_id) == (
        "5104010507850001",
        "probabilistik",
        registry[1].id,
    )
    entry = AuditEntry.objects.get(action="linkage.decide")
    assert (entry.actor, entry.target_id, entry.detail) == (
        bpjs_admin,
        str(decision.pk),
        {"keputusan": "diterima"},
    )
    assert "5104" not in entry.target_label
    assert decision.person_key == person_key(UNSURE) and len(decision.person_key) == 64


def test_rejected_nik_is_never_proposed_again(registry, bpjs_admin):
    person = Person(1, "Wayan Sudarsana", "", date(1985, 6, 5), "L", BATUBULAN)
    [before] = people_link([person])
    assert before.nik == "5104010506850001"
    link_decide(person=person, nik="5104010506850001", accept=False, acting_user=bpjs_admin)
    [after] = people_link([person])
    assert after.nik != "5104010506850001"
    # An exact NIK is no exception.
    exact = Person(2, "I Wayan Sudarsana", "5104010506850001")
    link_decide(person=exact, nik="5104010506850001", accept=False, acting_user=bpjs_admin)
    assert people_link([exact])[0].nik != "5104010506850001"


def test_a_later_decision_replaces_the_earlier_one(registry, bpjs_admin):
    link_decide(person=UNSURE, nik="5104010507850001", accept=True, acting_user=bpjs_admin)
    link_decide(person=UNSURE, nik="5104010507850001", accept=False, acting_user=bpjs_admin)
    assert decisions_for([person_key(UNSURE)]) == {
        person_key(UNSURE): [("5104010507850001", "ditolak")]
    }
    assert LinkDecision.objects.count() == 1
    assert AuditEntry.objects.filter(action="linkage.decide").count() == 2


def test_decision_needs_review_right_and_a_real_nik(registry, analyst, bpjs_admin):
    from cakupan.errors import PermissionDenied
    from cakupan.linkage.services import DecisionNikInvalid

    with pytest.raises(PermissionDenied):
        link_decide(person=UNSURE, nik="5104010507850001", accept=True, acting_user=analyst)
    with pytest.raises(DecisionNikInvalid):
        link_decide(person=UNSURE, nik="51040105", accept=True, acting_user=bpjs_admin)
    assert LinkDecision.objects.count() == 0


def test_person_key_is_the_same_for_the_same_identity_whatever_the_row():
    a = Person(1, "Ni  Made SARI", "5104014101900001", date(1990, 1, 1), "p", BATUBULAN)
    b = Person(99, "ni made sari", "5104014101900001", date(1990, 1, 1), "P", BATUBULAN, "petani")
    assert person_key(a) == person_key(b)
    assert person_key(a) != person_key(Person(1, "Ni Made Sari", "5104014101900002"))
    assert "5104014101900001" not in person_key(a)


def test_list_without_region_still_finds_candidates_by_birth_date():
    match = one(Person(1, "I Nyoman Suarta", "", date(1979, 7, 29), "L", ""))
    # Name, birth date and sex but no NIK nor village: likely, not certain, in a large registry.
    assert (match.nik, match.metode) == ("5104012907790001", "tinjau")


def test_short_list_loads_only_its_possible_candidates_with_the_same_answers(registry):
    people = [
        Person(1, "Wayan Sudarsana", "5104010506850007", date(1985, 6, 5), "L", BATUBULAN),
        Person(2, "Ni Ketut Sukerti", "5104015512290001", date(1992, 12, 15), "P", KETEWEL),
        Person(3, "Ni Kadek Ayu Lestari", "", date(1990, 2, 3), "P", "5104012001"),
        Person(4, "I Nyoman Suarta", "", date(1979, 7, 29), "L", ""),
        Person(5, "Siti Aminah", "5171014304950001"),
    ]
    near = registry_load(near=people[1:2] + people[3:])
    assert (near.size, len(near)) == (len(REGISTRY), 3)  # Ketewel's two, Siti Aminah's NIK
    assert people_link(people) == people_match(people, registry_load())
    assert [m.metode for m in people_link(people)] == [
        "probabilistik",
        "probabilistik",
        "probabilistik",
        "tinjau",
        "nik",
    ]
