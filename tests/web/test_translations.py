"""Screen text: every msgid has an Indonesian translation, the committed .mo is the .po compiled,
and Django serves Indonesian by default and English on request."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import polib
import pytest
from django.template import engines
from django.utils import translation

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "i18n.py"


def load_i18n_script():
    spec = importlib.util.spec_from_file_location("cakupan_i18n_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


i18n = load_i18n_script()


def catalogue(entries) -> dict[tuple[str | None, str], tuple[str, ...]]:
    """(msgctxt, msgid) → every translated form, for translated, non-header entries."""
    out = {}
    for e in entries:
        if not e.msgid:
            continue
        forms = (
            tuple(e.msgstr_plural[k] for k in sorted(e.msgstr_plural))
            if e.msgid_plural
            else (e.msgstr,)
        )
        out[(e.msgctxt, e.msgid)] = forms
    return out


def test_every_extracted_msgid_has_an_indonesian_translation():
    po = polib.pofile(str(i18n.PO_PATH))
    live = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    messages = i18n.extract()
    assert messages, "the extractor found no msgids at all"

    not_in_po = [m.msgid for m in messages if m.key not in live]
    assert not_in_po == [], "run `python scripts/i18n.py extract`, then translate"

    missing = []
    for m in messages:
        entry = live[m.key]
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if entry.fuzzy or not forms or not all(f.strip() for f in forms):
            missing.append(m.msgid)
        if m.msgid_plural and entry.msgid_plural != m.msgid_plural:
            missing.append(m.msgid_plural)
    assert missing == []


def test_po_declares_indonesian_plural_forms():
    po = polib.pofile(str(i18n.PO_PATH))
    assert po.metadata["Language"] == "id"
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "charset=UTF-8" in po.metadata["Content-Type"]


def test_committed_mo_is_the_po_compiled():
    po = polib.pofile(str(i18n.PO_PATH))
    mo_path = i18n.PO_PATH.with_suffix(".mo")
    assert mo_path.exists(), "run `python scripts/i18n.py compile` and commit django.mo"
    mo = polib.mofile(str(mo_path))
    assert catalogue(mo) == catalogue(po.translated_entries()), (
        "django.mo is stale: run `python scripts/i18n.py compile`"
    )


def test_template_msgids_are_what_django_looks_up():
    source = (
        "{% load i18n %}{% translate \"Coverage %\" %}{% translate 'Jobs' as label %}"
        "{% blocktranslate count n=rows|length %}{{ n }} area{% plural %}{{ n }} areas"
        "{% endblocktranslate %}{% blocktranslate trimmed %}\n  Two\n  lines\n"
        "{% endblocktranslate %}"
    )
    found = [(m.msgid, m.msgid_plural) for m in i18n.template_messages(source, "t.html")]
    assert found == [
        ("Coverage %%", ""),
        ("Jobs", ""),
        ("%(n)s area", "%(n)s areas"),
        ("Two lines", ""),
    ]


@pytest.mark.parametrize(
    ("english", "indonesian"),
    [
        ("Coverage", "Cakupan"),
        ("Registry", "Registri"),
        ("Jobs", "Pekerjaan latar"),
        ("Audit log", "Log audit"),
        ("Log in", "Masuk"),
        ("Log out", "Keluar"),
        ("Dashboard", "Beranda"),
        ("Regions", "Wilayah"),
        ("active participants", "peserta aktif"),
        ("Working population", "Penduduk bekerja"),
    ],
)
def test_key_strings_are_indonesian_by_default_and_english_on_request(english, indonesian):
    with translation.override("id"):
        assert translation.gettext(english) == indonesian
    with translation.override("en"):
        assert translation.gettext(english) == english


def test_templates_render_in_the_chosen_language():
    template = engines["django"].from_string(
        '{% load i18n %}{% translate "Coverage %" %} | '
        "{% blocktranslate count n=count %}{{ n }} area{% plural %}{{ n }} areas"
        "{% endblocktranslate %}"
    )
    with translation.override("id"):
        assert template.render({"count": 3}) == "Cakupan % | 3 wilayah"
    with translation.override("en"):
        assert template.render({"count": 3}) == "Coverage % | 3 areas"
        assert template.render({"count": 1}) == "Coverage % | 1 area"


def test_lazy_navigation_labels_follow_the_language():
    from cakupan.web.navigation import NAVIGATION

    with translation.override("id"):
        assert [str(e.label) for e in NAVIGATION][:3] == ["Beranda", "Cakupan", "Registri"]
    with translation.override("en"):
        assert [str(e.label) for e in NAVIGATION][:3] == ["Dashboard", "Coverage", "Registry"]
