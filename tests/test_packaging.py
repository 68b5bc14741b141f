"""Fit for PyPI: the license file the metadata names, classifiers, URLs and authors, README
links that work on PyPI, an sdist without half the tests, and the wheel checked in CI
(.ci/check-wheel: build, twine, a fresh venv; too slow and networked for the suite)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+; the metadata is the same on 3.10

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_license_file_is_mit_and_ships() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in text
    assert PROJECT["license"] == "MIT"
    assert PROJECT["license-files"] == ["LICENSE"]


def test_classifiers_name_the_pythons_typing_and_topic() -> None:
    classifiers = set(PROJECT["classifiers"])
    assert "Typing :: Typed" in classifiers
    assert any(c.startswith("Topic :: System :: Monitoring") for c in classifiers)
    floor = PROJECT["requires-python"].removeprefix(">=")
    assert f"Programming Language :: Python :: {floor}" in classifiers
    versions = sorted(
        int(c.rsplit(".", 1)[1])
        for c in classifiers
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    )
    assert versions == list(range(versions[0], versions[-1] + 1))  # no gaps
    # PEP 639: the SPDX `license` replaces the license classifier (setuptools refuses both)
    assert not [c for c in classifiers if c.startswith("License ::")]


def test_authors_and_project_urls() -> None:
    assert PROJECT["authors"]
    assert all(u.startswith("https://") for u in PROJECT["urls"].values())
    assert {"Homepage", "Source", "Issues", "Documentation"} <= set(PROJECT["urls"])


def _links(markdown: str) -> list[str]:
    inline = re.findall(r"\]\(([^)\s]+)\)", markdown)
    defined = re.findall(r"^\[[^\]]+\]:\s*(\S+)", markdown, re.MULTILINE)
    return inline + defined


def test_readme_links_are_absolute_and_point_at_files_that_exist() -> None:
    links = _links(README)
    assert links
    relative = [link for link in links if not link.startswith(("https://", "http://", "#"))]
    assert relative == [], "PyPI cannot resolve relative links"
    blob = PROJECT["urls"]["Source"] + "/blob/main/"
    into_repo = [link.removeprefix(blob) for link in links if link.startswith(blob)]
    assert into_repo
    missing = [path for path in into_repo if not (ROOT / path).is_file()]
    assert missing == []
    # every reference-style link used is defined
    used = set(re.findall(r"\[([^\]]+)\](?!\(|:)", README)) - {"notebook"}
    defined = set(re.findall(r"^\[([^\]]+)\]:", README, re.MULTILINE))
    assert {u for u in used if "/" in u} <= defined


def test_the_sdist_carries_no_tests() -> None:
    manifest = (ROOT / "MANIFEST.in").read_text(encoding="utf-8").splitlines()
    assert "prune tests" in manifest
    assert "include LICENSE README.md CHANGELOG.md" in manifest


def test_ci_runs_the_readme_test_command_and_the_wheel_check() -> None:
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in run
    assert "make dist-check" in run
    check = (ROOT / ".ci" / "check-wheel").read_text(encoding="utf-8")
    for step in ("-m build", "twine check", "-m venv", "py.typed", "-m betterstack_rca"):
        assert step in check
    dev = " ".join(PROJECT["optional-dependencies"]["dev"])
    assert "build" in dev
    assert "twine" in dev


def test_reports_are_not_committed_by_accident() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "reports/" in ignored


def test_every_readme_command_line_runs_on_the_sandbox() -> None:
    lines = [
        line.strip()
        for line in README.splitlines()
        if line.strip().startswith("betterstack-rca ") and "demo" not in line
    ]
    assert any(" report " in line for line in lines)
    assert all(line.startswith("betterstack-rca --sandbox ") for line in lines), lines


def test_the_readme_names_every_exit_code() -> None:
    from betterstack_rca.cli import _common

    codes = sorted(value for name, value in vars(_common).items() if name.startswith("EXIT_"))
    assert codes == [0, 1, 2, 3, 4, 5, 130]
    sentence = README[README.index("Exit codes:") :][:400]
    for code in codes:
        assert re.search(rf"\b{code}\s", sentence), code
