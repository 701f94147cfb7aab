"""Extract Cakupan's screen text into the Indonesian .po and compile it to .mo, with polib only.

    python scripts/i18n.py extract   # scan templates and Python, merge msgids into django.po
    python scripts/i18n.py compile   # write django.mo beside django.po

No GNU gettext needed. Each msgid is exactly the string Django looks up at run time:
`{% translate "50%" %}` → "50%%" (the tag doubles percent signs, django/template/base.py
Variable.resolve); `{% blocktranslate %}{{ n }} areas{% endblocktranslate %}` → "%(n)s areas",
whitespace kept unless `trimmed` (django/templatetags/i18n.py BlockTranslateNode).
Existing translations are kept; msgids no longer in the source become obsolete (`#~`).
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polib
from django.template.base import Lexer, TokenType
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import trim_whitespace

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "cakupan"
PO_PATH = PACKAGE / "locale" / "id" / "LC_MESSAGES" / "django.po"
TEMPLATE_SUFFIXES = {".html", ".txt", ".xml"}

HEADER = {
    "Project-Id-Version": "cakupan",
    "Report-Msgid-Bugs-To": "",
    "Language-Team": "Indonesian",
    "Language": "id",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}

# A quoted template literal at the start of a tag argument, before any |filter.
LITERAL_RE = re.compile(r"""^("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
# _("...") inside any template tag or variable (Variable's translate-at-render form).
CONSTANT_RE = re.compile(r"""_\(("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\)""")
TRANSLATE_TAGS = {"trans", "translate"}
BLOCK_TAGS = {"blocktrans", "blocktranslate"}
END_TAGS = {"endblocktrans", "endblocktranslate"}

# Python callables: name → (position of msgctxt or None, position of msgid, position of plural).
PY_FUNCS: dict[str, tuple[int | None, int, int | None]] = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}


@dataclass
class Message:
    msgid: str
    msgid_plural: str = ""
    msgctxt: str | None = None
    occurrences: list[tuple[str, str]] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def _literal(text: str) -> str | None:
    """The value of a quoted template literal at the start of `text`, or None."""
    match = LITERAL_RE.match(text)
    return unescape_string_literal(match.group(1)) if match else None


def _context_option(bits: list[str]) -> str | None:
    for i, bit in enumerate(bits[:-1]):
        if bit == "context":
            return _literal(bits[i + 1])
    return None


def template_messages(source: str, where: str) -> Iterator[Message]:
    """Every msgid a template asks Django for, as Django's i18n tags build it."""
    tokens = Lexer(source).tokenize()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        ref = (where, str(token.lineno))
        if token.token_type in (TokenType.BLOCK, TokenType.VAR):
            for constant in CONSTANT_RE.findall(token.contents):
                yield Message(
                    unescape_string_literal(constant).replace("%", "%%"), occurrences=[ref]
                )
        if token.token_type != TokenType.BLOCK:
            i += 1
            continue
        bits = list(smart_split(token.contents))
        tag = bits[0] if bits else ""
        if tag in TRANSLATE_TAGS and len(bits) > 1:
            value = _literal(bits[1])
            if value is not None and "noop" not in bits[2:]:
                yield Message(
                    value.replace("%", "%%"), msgctxt=_context_option(bits[2:]), occurrences=[ref]
                )
            i += 1
            continue
        if tag in BLOCK_TAGS:
            options = bits[1:]
            trimmed = "trimmed" in options
            counted = "count" in options
            singular: list[str] = []
            plural: list[str] = []
            target = singular
            i += 1
            while i < len(tokens):
                inner = tokens[i]
                if inner.token_type == TokenType.TEXT:
                    target.append(inner.contents.replace("%", "%%"))
                elif inner.token_type == TokenType.VAR:
                    target.append(f"%({inner.contents})s")
                elif inner.token_type == TokenType.BLOCK:
                    name = inner.contents.strip()
                    if name == "plural" and counted:
                        target = plural
                    elif name in END_TAGS:
                        break
                    else:
                        raise SystemExit(
                            f"{where}:{inner.lineno}: {{% {name} %}} inside "
                            f"{{% {tag} %}} is not allowed by Django"
                        )
                i += 1
            msgid, msgid_plural = "".join(singular), "".join(plural)
            if trimmed:
                msgid, msgid_plural = trim_whitespace(msgid), trim_whitespace(msgid_plural)
            yield Message(msgid, msgid_plural, _context_option(options), [ref])
        i += 1


def _call_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _string(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def python_messages(source: str, where: str) -> Iterator[Message]:
    """Every literal passed to gettext and friends (`_` included) in a Python module."""
    for node in ast.walk(ast.parse(source, filename=where)):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node.func)
        if name not in PY_FUNCS:
            continue
        ctx_pos, id_pos, plural_pos = PY_FUNCS[name]
        args = node.args
        if len(args) <= max(p for p in (ctx_pos, id_pos, plural_pos) if p is not None):
            continue
        msgid = _string(args[id_pos])
        msgctxt = _string(args[ctx_pos]) if ctx_pos is not None else None
        plural = _string(args[plural_pos]) if plural_pos is not None else ""
        if msgid is None or plural is None or (ctx_pos is not None and msgctxt is None):
            continue
        yield Message(msgid, plural, msgctxt, [(where, str(node.lineno))])


def source_files() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        if path.suffix == ".py" or (
            path.suffix in TEMPLATE_SUFFIXES and "templates" in path.relative_to(PACKAGE).parts
        ):
            yield path


def extract() -> list[Message]:
    """All msgids in the package, in order of first appearance, each with its occurrences."""
    found: dict[tuple[str | None, str], Message] = {}
    for path in source_files():
        where = path.relative_to(PACKAGE).as_posix()
        text = path.read_text(encoding="utf-8")
        messages = (
            python_messages(text, where) if path.suffix == ".py" else template_messages(text, where)
        )
        for message in messages:
            if not message.msgid:
                continue
            known = found.get(message.key)
            if known is None:
                found[message.key] = message
            else:
                known.occurrences.extend(message.occurrences)
                known.msgid_plural = known.msgid_plural or message.msgid_plural
    return list(found.values())


def load_po(path: Path = PO_PATH) -> polib.POFile:
    if path.exists():
        return polib.pofile(str(path), wrapwidth=0)
    po = polib.POFile(wrapwidth=0)
    po.header = "Indonesian translation of Cakupan's screen text. English is the msgid."
    return po


def merge(po: polib.POFile, messages: list[Message]) -> tuple[int, int]:
    """Bring `po` in line with `messages`; returns (new msgids, msgids made obsolete)."""
    existing = {(e.msgctxt, e.msgid): e for e in po}
    entries: list[polib.POEntry] = []
    added = 0
    for message in messages:
        entry = existing.pop(message.key, None)
        if entry is None:
            added += 1
            entry = polib.POEntry(msgid=message.msgid, msgctxt=message.msgctxt, msgstr="")
        entry.obsolete = False
        entry.occurrences = message.occurrences
        if message.msgid_plural:
            entry.msgid_plural = message.msgid_plural
            entry.msgstr_plural = {0: entry.msgstr_plural.get(0, "") or entry.msgstr}
            entry.msgstr = ""
        elif entry.msgid_plural:
            entry.msgstr = entry.msgstr or entry.msgstr_plural.get(0, "")
            entry.msgid_plural, entry.msgstr_plural = "", {}
        if "%(" in entry.msgid and "python-format" not in entry.flags:
            entry.flags.append("python-format")
        entries.append(entry)
    obsolete = 0
    for entry in existing.values():
        if not entry.obsolete:
            obsolete += 1
        entry.obsolete = True
        entry.occurrences = []
        entries.append(entry)
    po[:] = entries
    po.metadata = {**HEADER, **{k: v for k, v in po.metadata.items() if k not in HEADER}}
    return added, obsolete


def untranslated(po: polib.POFile) -> list[polib.POEntry]:
    """Live entries with an empty msgstr (any plural form) or marked fuzzy."""
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if entry.fuzzy or not forms or not all(forms):
            missing.append(entry)
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "action",
        choices=["extract", "compile"],
        help="extract: merge msgids into the .po; compile: write the .mo",
    )
    args = parser.parse_args(argv)
    if args.action == "extract":
        po = load_po()
        added, obsolete = merge(po, extract())
        PO_PATH.parent.mkdir(parents=True, exist_ok=True)
        po.save(str(PO_PATH))
        missing = untranslated(po)
        sys.stdout.write(
            f"{PO_PATH.relative_to(ROOT)}: {len(po) - len(po.obsolete_entries())} "
            f"msgids, {added} new, {obsolete} made obsolete, "
            f"{len(missing)} untranslated\n"
        )
        for entry in missing:
            sys.stdout.write(f"  untranslated: {entry.msgid!r}\n")
        return 0
    if not PO_PATH.exists():
        sys.stderr.write(f"{PO_PATH} is missing: run `python scripts/i18n.py extract` first.\n")
        return 2
    po = polib.pofile(str(PO_PATH))
    mo_path = PO_PATH.with_suffix(".mo")
    po.save_as_mofile(str(mo_path))
    missing = untranslated(po)
    sys.stdout.write(
        f"{mo_path.relative_to(ROOT)}: {len(po.translated_entries())} translations"
        f"{f', {len(missing)} untranslated left in English' if missing else ''}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
