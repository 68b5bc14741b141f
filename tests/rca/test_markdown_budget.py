"""A larger `max_chars` never shows less: every line kept at one budget is kept at every
larger one (issue 20, item 1).

Lines are compared without their citations (an event cited inline under a small budget is
cited by its id once the timeline shows it), and a line shortened with "… (rest omitted)"
counts as kept when a larger budget shows it at least as far.
"""

from __future__ import annotations

import re

from betterstack_rca.rca import IncidentBundle

_CITATION = re.compile(r" \[[^\]]*\]$")
_SHORTENED = " … (rest omitted)"
_MARKER = re.compile(r"^- … \d+ more \S.* omitted$")


def _kept(text: str) -> tuple[set[str], list[str]]:
    """The whole lines (citations dropped) and the starts of shortened lines a text shows."""
    whole: set[str] = set()
    starts: list[str] = []
    for line in text.splitlines():
        if not line or line.startswith("_") or _MARKER.match(line):
            continue  # blank lines, the closing note, the "N more omitted" markers
        if line.endswith(_SHORTENED):
            starts.append(line.removesuffix(_SHORTENED).rsplit(" [", 1)[0])
        else:
            whole.add(_CITATION.sub("", line))
    return whole, starts


def _lost(smaller: str, larger: str) -> list[str]:
    whole, starts = _kept(smaller)
    big_whole, big_starts = _kept(larger)
    lost = sorted(whole - big_whole)
    shown = list(big_whole) + big_starts
    lost += [s for s in starts if not any(line.startswith(s) for line in shown)]
    return lost


def test_a_larger_budget_keeps_everything_a_smaller_one_kept(
    bundles: dict[str, IncidentBundle],
) -> None:
    for key, bundle in bundles.items():
        full = bundle.to_markdown()
        before = ""
        findings_before = 0
        for budget in range(0, len(full) + 50, 11):
            text = bundle.to_markdown(max_chars=budget)
            assert len(text) <= budget, (key, budget)
            assert not _lost(before, text), (key, budget, _lost(before, text))
            findings = len(re.findall(r"^\d+\. \*\*", text, re.MULTILINE))
            assert findings >= findings_before, (key, budget)
            before, findings_before = text, findings
        assert before == full
        assert findings_before == len(bundle.findings)


def test_the_skipped_section_case_that_used_to_lose_lines(
    bundles: dict[str, IncidentBundle],
) -> None:
    # database_backup at 700 -> 725 characters used to drop the blast radius it had kept:
    # the timeline took one more line and the later section no longer fit
    bundle = bundles["database_backup"]
    small = bundle.to_markdown(max_chars=700)
    large = bundle.to_markdown(max_chars=725)
    assert len(bundle.to_markdown()) > 725
    assert not _lost(small, large)
    assert _kept(small)[0] < _kept(large)[0]
