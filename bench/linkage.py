"""Benchmark the linkage matcher on labelled synthetic Bali data; prints one table.

    .venv/bin/python bench/linkage.py --registry 100000 --villages 100      # quick check
    .venv/bin/python bench/linkage.py --noise hard                          # the issue's targets
    DATABASE_URL=postgresql://… .venv/bin/python bench/linkage.py --registry 50000 --villages 50 --db

Data, drawn from --seed (same seed, same data):
- a registry of --registry people spread over Bali's 716 villages (`51.RR.DD.2VVV`, from the
  shipped regions data, villages of unequal size), with Balinese names (birth-order names, a caste
  title for ~10 %, I/Ni prefixes, the demo's given names and ~100 more) and ~10 % non-Balinese
  names, as `cakupan.demo` draws them; NIKs agree with district, birth date (+40 for women) and a
  serial from 0001 (`demo.nik_make`), so a one-digit NIK typo often lands on someone else;
- one list of 100 rows for each of --villages villages: about 65 % registry members (living in
  the village, or, "moved", registered anywhere else in Bali) and the rest people not in the
  registry, drawn the same way (real-looking NIKs, often one digit from a registry NIK);
- noise at --noise low|medium|hard on every list row, each kind drawn independently with the
  probabilities in NOISE: NIK one digit wrong, two adjacent digits swapped, or missing; birth day
  and month swapped, a birth-date digit wrong; titles and birth-order names abbreviated (I.B.,
  A.A., Gst., Kt., Md., Ny., Wy., Pt., …), a birth-order synonym (Putu for Wayan), prefix I/Ni
  dropped or added, title dropped, given names reordered, a typo in a given name (a quarter of
  them two), the second given name left out, sex left empty, the name in capitals; and namesakes
  planted in the registry (same name, sex and village, another birth date) for members and
  non-members alike.

Each method runs in its own child process, which reads the registry columns and the list from a
file and is timed from there (building the RegistryFrame included; peak RSS is the child's own):
`exact NIK` (the list NIK looked up in the registry) and `cakupan` (`linkage.matcher`; with --db
the registry is written to the database at DATABASE_URL, which must be migrated and hold no
participants, loaded with `registry_load`, and removed at the end). Precision counts accepted
matches ("nik", "probabilistik") only; "tinjau" rows are neither right nor wrong and reported
apart, with how many of them propose the right person; recall is right accepted matches over
list members; "wrong" counts accepted matches to the wrong person (or to anyone, for a
non-member).
"""

from __future__ import annotations

import argparse
import csv
import os
import pickle
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cakupan.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

LIST_ROWS = 100
MEMBER_SHARE = 0.65
TITLE_SHARE = 0.10

# Probability of each kind of noise on a list row, by level.
NOISE: dict[str, dict[str, float]] = {
    "low": {
        "nik_typo": 0.03,
        "nik_swap": 0.02,
        "nik_missing": 0.05,
        "dob_swap": 0.02,
        "dob_typo": 0.0,
        "abbreviate": 0.15,
        "order_synonym": 0.02,
        "prefix": 0.15,
        "title_drop": 0.03,
        "word_order": 0.02,
        "name_typo": 0.03,
        "given_drop": 0.02,
        "sex_missing": 0.02,
        "capitals": 0.3,
        "namesake": 0.02,
        "moved": 0.01,
    },
    "medium": {
        "nik_typo": 0.07,
        "nik_swap": 0.04,
        "nik_missing": 0.12,
        "dob_swap": 0.06,
        "dob_typo": 0.01,
        "abbreviate": 0.35,
        "order_synonym": 0.04,
        "prefix": 0.35,
        "title_drop": 0.06,
        "word_order": 0.06,
        "name_typo": 0.08,
        "given_drop": 0.05,
        "sex_missing": 0.05,
        "capitals": 0.4,
        "namesake": 0.05,
        "moved": 0.03,
    },
    "hard": {
        "nik_typo": 0.10,
        "nik_swap": 0.05,
        "nik_missing": 0.15,
        "dob_swap": 0.10,
        "dob_typo": 0.02,
        "abbreviate": 0.50,
        "order_synonym": 0.08,
        "prefix": 0.50,
        "title_drop": 0.10,
        "word_order": 0.12,
        "name_typo": 0.15,
        "given_drop": 0.08,
        "sex_missing": 0.10,
        "capitals": 0.5,
        "namesake": 0.10,
        "moved": 0.05,
    },
}

# More Balinese given names than the demo's, so that a million people are not all namesakes.
EXTRA_GIVEN = {
    "L": (
        "Suarta Sukadana Wiranata Sudana Suweta Artawan Sumerta Sutawan Wirata Mudana Sudarma "
        "Kariasa Purnama Widnyana Sujana Suwena Arnawa Wardana Sukarya Sugiarta Suparta Suardika "
        "Sumada Budiasa Sedana Wiadnyana Ardika Suarsana Mertha Putrawan Suyasa Astika Suastika "
        "Karyasa Swastika Sentana Wisnawa Gunarta Ariasa Sunarta Sukarsa Dharmawan Ambara Rudita "
        "Parsa Kerta Suweca Yoga Pradana Surya Wibawa Manik Rupawan Rianta Giri Arya Sastra"
    ).split(),
    "P": (
        "Suartini Sumerti Wiratni Sukarmi Ardani Juliantari Rusmiati Sumiati Suryani Kariani "
        "Wirati Darmini Suarni Sudiani Murniasih Sriasih Sutarmi Mariani Yasmini Sukarini "
        "Susilawati Ratnawati Sumertini Ariasih Rustini Kartika Dwijayanti Puspayanti Suarniti "
        "Widiani Sumariani Resmini Astuti Windari Parwati Mertayani Kusumadewi Ratih Sudarmini "
        "Suastini Arsini Ariyanti Sukmawati Anggraeni Paramitha Padmini Saraswati Indrayani"
    ).split(),
}
ABBREVIATIONS = {
    "Ida Bagus": ("I.B.", "IB", "Ida Bgs."),
    "Ida Ayu": ("I.A.", "Dayu", "IA"),
    "Anak Agung": ("A.A.", "AA", "A. A."),
    "Anak Agung Gede": ("A.A. Gde", "AA Gd.", "A.A.Gd."),
    "Anak Agung Ayu": ("A.A. Ayu", "AA Ayu", "A.A.A."),
    "I Gusti": ("I Gst.", "I Gst", "Gusti"),
    "I Gusti Ngurah": ("I Gst. Ngr.", "I G.N.", "Gst. Ngurah"),
    "I Gusti Ayu": ("I Gst. Ayu", "I G.A.", "Gst. Ayu"),
    "Cokorda": ("Cok.", "Tjok.", "Tjokorda"),
    "Cokorda Istri": ("Cok. Istri", "Cok Istri", "Tjok. Istri"),
    "Dewa": ("Dw.", "Dewa"),
    "Dewa Gede": ("Dw. Gd.", "Dewa Gde"),
    "Desak": ("Dsk.", "Desak"),
    "Desak Ayu": ("Dsk. Ayu", "Desak Ayu"),
    "Wayan": ("Wy.", "Wyn.", "Wyn"),
    "Putu": ("Pt.", "Pt", "Ptu"),
    "Gede": ("Gd.", "Gde", "Gd"),
    "Made": ("Md.", "Md", "Mde"),
    "Kadek": ("Kd.", "Kdk.", "Kdk"),
    "Nengah": ("Ngh.", "Ngh"),
    "Nyoman": ("Ny.", "Nym.", "Nym"),
    "Komang": ("Km.", "Kmg.", "Kmg"),
    "Ketut": ("Kt.", "Ktt.", "Kt"),
    "Luh": ("Luh",),
}
SYNONYMS = {
    "Wayan": "Putu",
    "Putu": "Wayan",
    "Gede": "Putu",
    "Made": "Kadek",
    "Kadek": "Made",
    "Nengah": "Made",
    "Nyoman": "Komang",
    "Komang": "Nyoman",
}


@dataclass
class Name:
    """A name as its parts, so that noise can work on them."""

    prefix: str
    title: str
    orders: tuple[str, ...]
    given: tuple[str, ...]

    def text(self) -> str:
        return " ".join(p for p in (self.prefix, self.title, *self.orders, *self.given) if p)


@dataclass
class Data:
    """The generated registry columns and list rows (with their true NIK and noise tags)."""

    ids: list[int] = field(default_factory=list)
    nik: list[str] = field(default_factory=list)
    nama: list[str] = field(default_factory=list)
    lahir: list[int] = field(default_factory=list)  # YYYYMMDD
    sex: list[str] = field(default_factory=list)
    region: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)  # Person fields
    truth: list[str] = field(default_factory=list)
    tags: list[tuple[str, ...]] = field(default_factory=list)


def bali_villages() -> list[str]:
    with open(ROOT / "src/cakupan/regions/data/villages.csv", encoding="utf-8") as f:
        return [r["code"] for r in csv.DictReader(f) if r["code"].startswith("51.")]


class Generator:
    """Draws people, lists and noise from one random generator, always in the same order."""

    def __init__(self, seed: int, noise: str) -> None:
        import django

        django.setup()
        from cakupan import demo

        self.demo = demo
        self.rng = random.Random(seed)
        self.p = NOISE[noise]
        self.serials: dict[str, int] = {}
        self.given = {
            sex: list(demo.GIVEN_NAMES[sex]) + EXTRA_GIVEN[sex] + list(demo.GIVEN_NAMES["either"])
            for sex in ("L", "P")
        }
        self.villages = bali_villages()
        self.non_balinese = {code: r.non_balinese for code, r in demo.REGENCIES.items()}

    def pick(self, pairs: tuple[tuple[str, float], ...]) -> str:
        values, weights = zip(*pairs, strict=True)
        return self.rng.choices(values, weights)[0]

    def name(self, regency: str, sex: str) -> Name:
        rng, demo = self.rng, self.demo
        if rng.random() < self.non_balinese[regency]:
            first, last, single = demo.OTHER_NAMES[sex]
            if rng.random() < 0.1:
                return Name("", "", (), (rng.choice(single),))
            return Name("", "", (), (rng.choice(first), rng.choice(last)))
        prefix, title, orders = "", "", ()
        if rng.random() < TITLE_SHARE:
            title = self.pick(demo.TITLES[sex])
            if rng.random() < 0.4:
                orders = (self.pick(demo.BIRTH_ORDER[sex]),)
        else:
            if rng.random() < 0.75:
                prefix = "I" if sex == "L" else "Ni"
            order = self.pick(demo.BIRTH_ORDER[sex])
            orders = (order,)
            if order == "Luh" and rng.random() < 0.3:
                orders = (order, rng.choice(("Putu", "Made", "Gede")))
        first = rng.choice(self.given[sex])
        given: tuple[str, ...] = (first,)
        if first in demo.ORDINAL_NAMES or rng.random() < 0.4:
            second = rng.choice(self.given[sex])
            if second != first:
                given = (first, second)
        return Name(prefix, title, orders, given)

    def born(self) -> date:
        return date(2023 - self.rng.randint(17, 64), 1, 1) + timedelta(days=self.rng.randrange(365))

    def nik(self, village: str, born: date, sex: str) -> str:
        prefix = self.demo.nik_make(village[:8], born, sex, 0)[:12]
        serial = self.serials.get(prefix, 0) + 1
        self.serials[prefix] = serial
        return f"{prefix}{serial:04d}"

    def person(self, village: str, sex: str | None = None) -> tuple[Name, str, date, str]:
        sex = sex or ("L" if self.rng.random() < 0.56 else "P")
        born = self.born()
        return self.name(village[:5], sex), sex, born, self.nik(village, born, sex)

    # Noise ------------------------------------------------------------------------------------

    def noisy_name(self, name: Name, sex: str, tags: list[str]) -> str:
        rng, p = self.rng, self.p
        prefix, title, orders, given = name.prefix, name.title, list(name.orders), list(name.given)
        if title and rng.random() < p["title_drop"]:
            title = ""
            prefix = rng.choice(("", "I" if sex == "L" else "Ni"))
            tags.append("title_drop")
        if not title and orders and rng.random() < p["prefix"]:
            prefix = "" if prefix else ("I" if sex == "L" else "Ni")
            tags.append("prefix")
        if orders and orders[-1] in SYNONYMS and rng.random() < p["order_synonym"]:
            orders[-1] = SYNONYMS[orders[-1]]
            tags.append("order_synonym")
        if (title or orders) and rng.random() < p["abbreviate"]:
            if title in ABBREVIATIONS:
                title = rng.choice(ABBREVIATIONS[title])
            orders = [rng.choice(ABBREVIATIONS.get(o, (o,))) for o in orders]
            tags.append("abbreviate")
        if len(given) >= 2 and rng.random() < p["given_drop"]:
            given = given[:1]
            tags.append("given_drop")
        if len(given) >= 2 and rng.random() < p["word_order"]:
            given.reverse()
            tags.append("word_order")
        if rng.random() < p["name_typo"]:
            edits = 2 if rng.random() < 0.25 else 1
            for _ in range(edits):
                i = max(range(len(given)), key=lambda k: (len(given[k]), rng.random()))
                given[i] = self.typo(given[i])
            tags.append("name_typo")
        text = " ".join(x for x in (prefix, title, *orders, *given) if x)
        if rng.random() < p["capitals"]:
            text = text.upper()
        return text

    def typo(self, word: str) -> str:
        """One slip of the keyboard: a wrong, missing, doubled or swapped letter."""
        rng = self.rng
        if len(word) < 4:
            return word
        w = word.lower()
        i = rng.randrange(1, len(w) - 1)
        kind = rng.randrange(4)
        if kind == 0:
            w = w[:i] + rng.choice("aiueonrstkmdgpblwy".replace(w[i], "")) + w[i + 1 :]
        elif kind == 1:
            w = w[:i] + w[i + 1 :]
        elif kind == 2:
            w = w[:i] + w[i] + w[i:]
        else:
            w = w[: i - 1] + w[i] + w[i - 1] + w[i + 1 :]
        return w.capitalize()

    def noisy_nik(self, nik: str, tags: list[str]) -> str:
        rng, p = self.rng, self.p
        u = rng.random()
        if u < p["nik_missing"]:
            tags.append("nik_missing")
            return ""
        u -= p["nik_missing"]
        if u < p["nik_typo"]:
            i = rng.randrange(16)
            tags.append("nik_typo")
            return nik[:i] + rng.choice("0123456789".replace(nik[i], "")) + nik[i + 1 :]
        u -= p["nik_typo"]
        if u < p["nik_swap"]:
            pairs = [i for i in range(15) if nik[i] != nik[i + 1]]
            i = rng.choice(pairs)
            tags.append("nik_swap")
            return nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :]
        return nik

    def noisy_date(self, born: date, tags: list[str]) -> str:
        rng, p = self.rng, self.p
        if born.day <= 12 and born.day != born.month and rng.random() < p["dob_swap"] * 2.5:
            # Only ~40 % of dates can be swapped: draw those more often to keep the rate.
            tags.append("dob_swap")
            return date(born.year, born.day, born.month).strftime("%d/%m/%Y")
        if rng.random() < p["dob_typo"]:
            tags.append("dob_typo")
            for _ in range(20):
                text = born.isoformat()
                i = rng.choice((2, 3, 8, 9))
                text = text[:i] + rng.choice("0123456789".replace(text[i], "")) + text[i + 1 :]
                try:
                    return date.fromisoformat(text).isoformat()
                except ValueError:
                    continue
        return rng.choice((born.isoformat(), born.strftime("%d/%m/%Y"), born.strftime("%d-%m-%Y")))


def generate(registry_size: int, village_count: int, noise: str, seed: int) -> Data:
    """The registry and the village lists, with the truth."""
    gen = Generator(seed, noise)
    rng, p = gen.rng, gen.p
    villages = gen.villages
    weights = [rng.lognormvariate(0, 0.5) for _ in villages]
    list_villages = sorted(rng.sample(villages, min(village_count, len(villages))))
    rows = len(list_villages) * LIST_ROWS
    planted_planned = round(rows * p["namesake"])
    base = max(0, registry_size - planted_planned)

    data = Data()
    names: list[Name] = []
    residents: dict[str, list[int]] = {v: [] for v in villages}
    for i, village in enumerate(rng.choices(villages, weights, k=base)):
        name, sex, born, nik = gen.person(village)
        data.ids.append(i + 1)
        data.nik.append(nik)
        data.nama.append(name.text())
        data.lahir.append(born.year * 10000 + born.month * 100 + born.day)
        data.sex.append(sex)
        data.region.append(village)
        names.append(name)
        residents[village].append(i)

    def plant(name: Name, sex: str, village: str, avoid: date) -> None:
        """A namesake in the registry: same name, sex and village, another birth date."""
        while True:
            born = gen.born()
            swapped = avoid.day <= 12 and (born.month, born.day) == (avoid.day, avoid.month)
            if born != avoid and not swapped:
                break
        data.ids.append(len(data.ids) + 1)
        data.nik.append(gen.nik(village, born, sex))
        data.nama.append(name.text())
        data.lahir.append(born.year * 10000 + born.month * 100 + born.day)
        data.sex.append(sex)
        data.region.append(village)

    members = round(LIST_ROWS * MEMBER_SHARE)
    planted = 0
    for village in list_villages:
        local = residents[village]
        chosen: list[tuple[int | None, bool]] = []
        for _ in range(members):
            if (rng.random() < p["moved"] or not local) and base:
                chosen.append((rng.randrange(base), True))  # registered in another village
            elif local:
                chosen.append((rng.choice(local), False))
        chosen += [(None, False)] * (LIST_ROWS - len(chosen))
        rng.shuffle(chosen)
        seen: set[int] = set()
        for who, moved in chosen:
            tags: list[str] = []
            if who is not None and who not in seen:
                seen.add(who)
                name, sex, nik = names[who], data.sex[who], data.nik[who]
                y, md = divmod(data.lahir[who], 10000)
                born = date(y, md // 100, md % 100)
                truth = nik
                tags.append("member")
                if moved:
                    tags.append("moved")
            else:
                name, sex, born, nik = gen.person(village)
                truth = ""
                tags.append("non_member")
            if rng.random() < p["namesake"] and planted < planted_planned:
                plant(name, sex, village, born)
                planted += 1
                tags.append("namesake")
            sex_text = sex
            if rng.random() < p["sex_missing"]:
                sex_text = ""
                tags.append("sex_missing")
            data.rows.append(
                {
                    "nik": gen.noisy_nik(nik, tags),
                    "nama": gen.noisy_name(name, sex, tags),
                    "tanggal_lahir": gen.noisy_date(born, tags),
                    "jenis_kelamin": sex_text,
                    "kode_wilayah": village,
                }
            )
            data.truth.append(truth)
            data.tags.append(tuple(tags))
    while len(data.ids) < registry_size:  # namesakes planned but not planted
        village = rng.choices(villages, weights)[0]
        name, sex, born, nik = gen.person(village)
        data.ids.append(len(data.ids) + 1)
        data.nik.append(nik)
        data.nama.append(name.text())
        data.lahir.append(born.year * 10000 + born.month * 100 + born.day)
        data.sex.append(sex)
        data.region.append(village)
    return data


# --- Children: one per method ------------------------------------------------------------------


def _date(text: str) -> date:
    if "/" in text or text[2] == "-":
        return date(int(text[6:]), int(text[3:5]), int(text[:2]))
    return date.fromisoformat(text)


def payload(data: Data) -> dict[str, Any]:
    """What a child needs, compact: the registry as arrays (names and codes as strings)."""
    import numpy as np

    regions: dict[str, str] = {}
    return {
        "ids": np.array(data.ids, dtype=np.int64),
        "nik": np.array([int(n) for n in data.nik], dtype=np.int64),
        "nama": data.nama,
        "lahir": np.array(data.lahir, dtype=np.int64),
        "sex": np.array([1 if s == "L" else 2 for s in data.sex], dtype=np.int8),
        "region": [regions.setdefault(r, r) for r in data.region],
        "rows": data.rows,
    }


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: a child made by fork and exec
    keeps the ru_maxrss of the parent it was forked from."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(method: str, data_path: Path, out_path: Path, use_db: bool) -> None:
    with open(data_path, "rb") as f:
        data = pickle.load(f)
    if method != "exact":
        import django

        django.setup()
        from cakupan.linkage.matcher import Person, RegistryFrame, people_match, registry_load

    start = time.perf_counter()
    if method == "exact":
        known = set(data["nik"].tolist())
        answers = [
            (r["nik"], "nik") if r["nik"] and int(r["nik"]) in known else ("", "tidak_cocok")
            for r in data["rows"]
        ]
    else:
        if use_db:
            registry = registry_load()
        else:
            registry = RegistryFrame.from_columns(
                ids=data["ids"],
                nik=data["nik"],
                nama=data["nama"],
                tanggal_lahir=data["lahir"],
                jenis_kelamin=data["sex"],
                kode_wilayah=data["region"],
            )
        loaded = time.perf_counter() - start
        people = [
            Person(
                baris=i + 1,
                nama=r["nama"],
                nik=r["nik"],
                tanggal_lahir=_date(r["tanggal_lahir"]),
                jenis_kelamin=r["jenis_kelamin"],
                kode_wilayah=r["kode_wilayah"],
            )
            for i, r in enumerate(data["rows"])
        ]
        matches = people_match(people, registry)
        answers = [(m.nik, m.metode) for m in matches]
        print(f"  {method}: registry ready in {loaded:.1f} s", file=sys.stderr)
    seconds = time.perf_counter() - start
    rss = peak_rss_mb()
    with open(out_path, "wb") as f:
        pickle.dump({"answers": answers, "seconds": seconds, "rss": rss}, f)


def run_child(method: str, data_path: Path, use_db: bool) -> dict[str, Any]:
    out = data_path.with_suffix(f".{method}.out")
    cmd = [sys.executable, __file__, "--child", method, str(data_path), str(out)]
    if use_db:
        cmd.append("--db")
    subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL)
    with open(out, "rb") as f:
        return pickle.load(f)


def db_fill(data: Data) -> None:
    """Write the registry into the (migrated, participant-free) database at DATABASE_URL."""
    import django

    django.setup()
    from cakupan.lib.names import name_key, name_normal
    from cakupan.registry.models import Participant

    if Participant.objects.exists():
        sys.exit("The database already holds participants; give an empty, migrated one.")
    print(f"writing {len(data.ids):,} participants to the database", file=sys.stderr)
    batch = []
    for nik, nama, lahir, sex, region in zip(
        data.nik, data.nama, data.lahir, data.sex, data.region, strict=True
    ):
        y, md = divmod(lahir, 10000)
        batch.append(
            Participant(
                nik=nik,
                nama=nama,
                nama_cari=name_normal(nama),
                nama_kunci=name_key(nama),
                tanggal_lahir=date(y, md // 100, md % 100),
                jenis_kelamin=sex,
                kode_wilayah=region,
            )
        )
        if len(batch) == 5000:
            Participant.objects.bulk_create(batch)
            batch = []
    Participant.objects.bulk_create(batch)


def db_empty() -> None:
    """Remove the participants `db_fill` wrote (the database held none before)."""
    from cakupan.registry.models import Participant

    Participant.objects.all().delete()


# --- Scoring -----------------------------------------------------------------------------------


def evaluate(data: Data, answers: list[tuple[str, str]]) -> dict[str, Any]:
    members = sum(1 for t in data.truth if t)
    tp = fp = review = review_right = 0
    missed: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    for truth, (nik, metode), tags in zip(data.truth, answers, data.tags, strict=True):
        if metode in ("nik", "probabilistik") and nik:
            if nik == truth:
                tp += 1
            else:
                fp += 1
                wrong.update(tags)
        else:
            if metode == "tinjau":
                review += 1
                review_right += nik == truth and bool(truth)
            if truth:
                missed.update(tags)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / members if members else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "review": review,
        "review_right": review_right,
        "fp": fp,
        "missed": missed,
        "wrong": wrong,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--registry", type=int, default=1_000_000, help="Registry size.")
    parser.add_argument("--villages", type=int, default=716, help="Village lists of 100 rows.")
    parser.add_argument("--noise", choices=sorted(NOISE), default="hard", help="Noise level.")
    parser.add_argument("--seed", type=int, default=1, help="Random seed.")
    parser.add_argument(
        "--db", action="store_true", help="Write the registry to DATABASE_URL, load it from there."
    )
    parser.add_argument(
        "--details", action="store_true", help="Also count misses and wrong matches by noise."
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        method, data_path, out_path = args.child
        child(method, Path(data_path), Path(out_path), args.db)
        return

    started = time.perf_counter()
    data = generate(args.registry, args.villages, args.noise, args.seed)
    print(
        f"generated {len(data.ids):,} registry rows and {len(data.rows):,} list rows "
        f"({sum(1 for t in data.truth if t):,} members), noise {args.noise}, "
        f"in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    if args.db:
        db_fill(data)
    with tempfile.TemporaryDirectory(prefix="bench-linkage-") as folder:
        data_path = Path(folder) / "data.pickle"
        with open(data_path, "wb") as f:
            pickle.dump(payload(data), f, protocol=5)
        try:
            results = {
                "exact NIK": run_child("exact", data_path, False),
                "cakupan": run_child("cakupan", data_path, args.db),
            }
        finally:
            if args.db:
                db_empty()

    header = (
        f"{'method':<10} {'rows':>7} {'registry':>9} {'time s':>7} {'RSS MB':>7} "
        f"{'precision':>9} {'recall':>7} {'F1':>7} {'tinjau':>7} {'(right)':>7} {'wrong':>6}"
    )
    print(header)
    print("-" * len(header))
    for method, r in results.items():
        e = evaluate(data, r["answers"])
        print(
            f"{method:<10} {len(data.rows):>7,} {len(data.ids):>9,} {r['seconds']:>7.1f} "
            f"{r['rss']:>7.0f} {e['precision']:>9.4f} {e['recall']:>7.4f} {e['f1']:>7.4f} "
            f"{e['review']:>7,} {e['review_right']:>7,} {e['fp']:>6,}"
        )
        if args.details:
            print(f"  missed members by tag: {dict(e['missed'].most_common())}")
            print(f"  wrong matches by tag:  {dict(e['wrong'].most_common())}")


if __name__ == "__main__":
    main()
