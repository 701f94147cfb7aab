from cakupan.regions.models import Region
from cakupan.regions.selectors import (
    ancestor_codes,
    code_level,
    region_ancestors,
    region_descendants,
    region_exists,
)


def test_migrate_loads_every_area_of_indonesia(db):
    counts = {
        lvl: Region.objects.filter(level=lvl).count()
        for lvl in ("province", "regency", "district", "village")
    }
    assert counts == {"province": 38, "regency": 514, "district": 7285, "village": 83762}


def test_bali_has_9_regencies_57_districts_716_villages(db):
    assert region_descendants("51", level="regency").count() == 9
    assert region_descendants("51", level="district").count() == 57
    assert region_descendants("51", level="village").count() == 716


def test_descendants_by_prefix_do_not_leak_into_lookalike_codes(db):
    # 51.7 is not a prefix of 51.71 in the tree: only dotted parts count.
    codes = set(region_descendants("51.71").values_list("code", flat=True))
    assert all(c.startswith("51.71.") for c in codes)
    assert "51.71" not in codes


def test_ancestors_of_a_village_outermost_first(db):
    assert ancestor_codes("51.04.01.2001") == ["51", "51.04", "51.04.01"]
    names = [r.name for r in region_ancestors("51.04.01.2001")]
    assert names == ["Bali", "Kabupaten Gianyar", "Sukawati"]


def test_code_level_follows_code_shape():
    assert [code_level(c) for c in ("51", "51.04", "51.04.01", "51.04.01.2001")] == [
        "province",
        "regency",
        "district",
        "village",
    ]


def test_region_exists_knows_districts_not_nonsense(db):
    assert region_exists("51.04.01")
    assert not region_exists("51.99.01")
