"""The README documents what the code reads (after datasette's tests/test_docs.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SETTINGS = (ROOT / "src" / "cakupan" / "settings.py").read_text(encoding="utf-8")

RUN_COMMAND = "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/cakupan up"
TEST_COMMAND = (
    "python3 -m venv .venv && .venv/bin/pip install -e '.[test,postgres]' "
    "&& .venv/bin/python -m pytest"
)

# os.environ.get("X"...), os.environ["X"], os.getenv("X"...), envbool("X"...)
ENV_READ_RE = re.compile(
    r"""(?:os\.environ\.get|os\.getenv|envbool)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]"""
)


def variables_read_by_settings() -> set[str]:
    return {a or b for a, b in ENV_READ_RE.findall(SETTINGS)}


def readme_section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\s*$(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def configuration_table_variables() -> list[str]:
    """First-column names of the table rows in the README's Configuration section."""
    names = []
    for line in readme_section("Configuration").splitlines():
        cell = re.match(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", line)
        if cell:
            names.append(cell.group(1))
    return names


def first_code_block() -> list[str]:
    match = re.search(r"^```[a-z]*\n(.*?)^```", README, re.M | re.S)
    assert match, "README has no code block"
    return [line.strip() for line in match.group(1).splitlines() if line.strip()]


def test_settings_read_some_variables():
    assert {"DATABASE_URL", "SECRET_KEY", "CAKUPAN_DATA_DIR"} <= variables_read_by_settings()


def test_readme_configuration_table_names_exactly_the_variables_settings_read():
    documented = configuration_table_variables()
    assert len(documented) == len(set(documented)), f"listed twice: {documented}"
    read = variables_read_by_settings()
    assert set(documented) == read, (
        f"read but not in the README: {sorted(read - set(documented))}; "
        f"in the README but not read: {sorted(set(documented) - read)}"
    )


@pytest.mark.parametrize("variable", sorted(variables_read_by_settings()))
def test_every_variable_is_documented(variable):
    assert variable in configuration_table_variables()


def test_readme_starts_with_a_title_and_the_two_commands():
    lines = [line for line in README.splitlines() if line.strip()]
    assert lines[0].startswith("# ")
    assert lines[1].startswith("```"), "the commands come right after the title"
    assert first_code_block() == [RUN_COMMAND, TEST_COMMAND]
