"""Hostile text inside the account stays data in every issue-16 output (index.html, a
bundle's page, the postmortem draft, a team's template, the plots, the file names).

The sandbox's answers are rewritten on the way in: every name, cause, title and message of
every answer carries markup (``<script>``, ``</svg>``, ``"><img onerror=...>``), a
``javascript:`` URL, CSS, a bidi override, a NUL, ``string.Template`` and format
placeholders (``$title ${summary} $$ {} %s``) and Markdown structure (``\\n## Lessons``,
``<!--``, a link); causes and status-report titles are also 100 KB long. The HTML is parsed
with `html.parser`: every element and attribute must be one the renderer writes itself.
"""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest

from betterstack_rca import cli
from betterstack_rca.cli import _common
from betterstack_rca.rca import IncidentBundle
from betterstack_rca.rca.renderers import html as bundle_html
from betterstack_rca.rca.renderers.postmortem import FIELDS
from betterstack_rca.rca.text import ACCOUNT_TEXT_NOTE
from betterstack_rca.report import Report, ReportRow
from betterstack_rca.report.run import run_report

from .support import REF, headline_id, sandbox_client

EVIL = (
    '<script>alert(1)</script></svg></title></text>"><img src=x onerror=alert(1)> '
    "<a href='javascript:alert(1)'>x</a> javascript:alert(2) "
    "</style><style>*{display:none}</style> \u202eevil\u202c \x00nul \x1b[31m "
    "$title ${summary} $$ $incident_id {} {0} %s %(x)s "
    "\n## Lessons\n<!-- [click](http://evil.example/x) ![i](http://evil.example/i) "
)
LONG = " padding" * 12_500  # 100 KB
#: The keys whose string values are poisoned, in every answer.
KEYS = frozenset(
    {
        "name",
        "pronounceable_name",
        "cause",
        "title",
        "message",
        "content",
        "public_name",
        "company_name",
        "team_name",
        "first_name",
        "last_name",
        "acknowledged_by",
        "resolved_by",
    }
)
LONG_KEYS = frozenset({"cause", "title"})

TAGS = frozenset(
    {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "p", "b", "br"}
    | {"a", "table", "thead", "tbody", "tr", "th", "td", "ul", "li", "div", "code"}
    | {"svg", "g", "line", "rect", "text"}
)
CLASSES = frozenset({"lane", "bar", "bar open", "ack", "res", "grid", "axis", "note"})
NUMERIC = frozenset({"x", "y", "x1", "y1", "x2", "y2", "width", "height"})
FIXED = {
    ("html", "lang"): {"en"},
    ("meta", "charset"): {"utf-8"},
    ("svg", "xmlns"): {"http://www.w3.org/2000/svg"},
    ("svg", "role"): {"img"},
    ("svg", "aria-label"): {"incidents per monitor"},
}
STYLES = {bundle_html._STYLE, bundle_html._CELL}
HREF = re.compile(r"(\d+/bundle\.html|\.\./index\.html)")


def _poison(value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in KEYS and isinstance(item, str):
                out[key] = EVIL + item + (LONG if key in LONG_KEYS else "")
            else:
                out[key] = _poison(item)
        return out
    if isinstance(value, list):
        return [_poison(item) for item in value]
    return value


class Hostile(httpx.BaseTransport):
    """The sandbox, with `EVIL` written into every name, cause, title and message."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        body = response.read()
        if response.status_code != 200:
            return response
        data = _poison(json.loads(body))
        return httpx.Response(200, json=data, request=request)


class _Elements(HTMLParser):
    """Every element and attribute of a page, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [(tag, name, value) for name, value in attrs]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        raise AssertionError(f"a comment in the page: {data[:80]!r}")


def assert_only_our_markup(page: str) -> str:
    """Parse `page`: no element or attribute came from account text; returns its text."""
    parsed = _Elements()
    parsed.feed(page)
    parsed.close()
    assert set(parsed.tags) <= TAGS, set(parsed.tags) - TAGS
    assert parsed.tags.count("style") == 1  # the head's own
    for tag, name, value in parsed.attrs:
        if name == "class":
            assert value in CLASSES, (tag, value)
        elif name in NUMERIC:
            assert value is not None
            assert re.fullmatch(r"\d+(\.\d+)?", value), (tag, name, value)
        elif name == "viewbox":
            assert value is not None
            assert re.fullmatch(r"0 0 \d+ \d+", value), value
        elif name == "href":
            assert value is not None
            assert HREF.fullmatch(value), value
        elif name == "style":
            assert value in STYLES, value
        else:
            assert value in FIXED.get((tag, name), set()), (tag, name, value)
    text = "".join(parsed.text)
    for char in ("\x00", "\u202e", "\u202c", "\x1b"):
        assert char not in page, repr(char)
    return text


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Report]:
    out = tmp_path_factory.mktemp("hostile") / "report"
    client = sandbox_client(wrap=Hostile)
    report = run_report(client, REF - timedelta(hours=3), REF, out=out, html=True)
    assert len(report.rows) >= 3
    assert not report.failed, [r.error for r in report.failed]
    return out, report


@pytest.fixture(scope="module")
def hostile_bundle() -> IncidentBundle:
    client = sandbox_client(wrap=Hostile)
    bundle = client.bundle(headline_id(client), now=REF)
    assert "onerror" in (bundle.incident.name or "")  # the poison arrived
    return bundle


def test_the_html_index_has_only_its_own_elements_and_attributes(
    hostile_report: tuple[Path, Report],
) -> None:
    out, report = hostile_report
    page = (out / "index.html").read_text()
    text = assert_only_our_markup(page)
    assert "onerror=alert(1)" in text  # shown, as text
    assert "javascript:alert" in text
    assert page.count('<g class="lane">') == len({r.source_id or r.source for r in report.rows})
    assert page.count("</svg>") == 1
    assert len(page) < 200 * 1024, len(page)  # 100 KB causes are cut


def test_every_bundle_page_has_only_its_own_elements_and_attributes(
    hostile_report: tuple[Path, Report],
) -> None:
    out, report = hostile_report
    for row in report.rows:
        page = (out / row.incident_id / "bundle.html").read_text()
        text = assert_only_our_markup(page)
        assert "onerror=alert(1)" in text
        assert len(page) < 512 * 1024, (row.incident_id, len(page))


def test_the_markdown_index_quotes_the_text_and_links_only_ids(
    hostile_report: tuple[Path, Report],
) -> None:
    out, report = hostile_report
    index = (out / "index.md").read_text()
    links = re.findall(r"(?<!\\)\]\(([^)]*)\)", index)
    assert links, "the rows link their bundles"
    assert all(re.fullmatch(r"\d+/bundle\.md", link) for link in links), links
    assert not re.search(r"(?<!\\)<", index)
    assert not [line for line in index.splitlines() if line.startswith("## Lessons")]
    data = json.loads((out / "index.json").read_text())
    assert len(data["rows"]) == len(report.rows)  # JSON holds the text as data


def test_the_report_writes_only_id_named_files(hostile_report: tuple[Path, Report]) -> None:
    out, _ = hostile_report
    for path in out.rglob("*"):
        rel = path.relative_to(out)
        assert re.fullmatch(r"(\d+(/[a-z]+\.(json|md|html))?|index\.(md|json|html))", str(rel)), rel


def test_the_postmortem_keeps_account_text_as_data(hostile_bundle: IncidentBundle) -> None:
    text = hostile_bundle.to_postmortem()
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[0].startswith("# Postmortem: ")
    assert [h[3:] for h in headings[1:]] == [
        "Status",
        "Summary",
        "Impact",
        "Detection",
        "Response",
        "Timeline",
        "Trigger and contributing factors",
        "Ruled out",
        "Lessons learned",
        "Action items",
    ]
    for line in text.splitlines():
        assert not line.startswith(">") or line == ACCOUNT_TEXT_NOTE, line
    assert not re.search(r"(?<!\\)<", text)  # no raw HTML, no comment
    assert not re.search(r"(?<!\\)\]\(", text)  # no live link or image
    for char in ("\x00", "\u202e", "\x1b"):
        assert char not in text
    # string.Template fills once: the account's placeholders are printed, never expanded
    assert "$title ${summary} $$ $incident_id {} {0} %s" in text
    assert len(text) < 64 * 1024, len(text)


def test_a_team_template_fills_account_text_once(hostile_bundle: IncidentBundle) -> None:
    layout = "".join(f"<<{name}>>\n${{{name}}}\n" for name in FIELDS)
    text = hostile_bundle.to_postmortem(layout)
    for name in FIELDS:
        assert f"<<{name}>>" in text
    assert "$title ${summary} $$ $incident_id" in text  # the account's, left as they were
    assert text.count("<<summary>>") == 1
    with pytest.raises(ValueError, match=r"unknown field \$owner"):
        hostile_bundle.to_postmortem("$summary $owner")


def test_plots_draw_account_text_literally(hostile_bundle: IncidentBundle) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from matplotlib import pyplot

    bundle = hostile_bundle.model_copy(deep=True)
    bundle.incident.name = r"$\foo{$ unbalanced $x^2$ \x00" + EVIL
    fig = bundle.plot()
    fig.savefig(io.BytesIO(), format="png")  # mathtext would fail to draw here
    title = fig.axes[0].get_title()
    assert r"\$\foo{\$" in title
    assert "\x00" not in title
    assert "\u202e" not in title
    row = ReportRow.of_bundle(bundle)
    row.source = r"$\foo$ " + row.source
    report = Report(bundle.window.start, bundle.window.end, [row])
    fig = report.plot()
    fig.savefig(io.BytesIO(), format="png")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels
    assert all(r"\$" in label for label in labels)
    pyplot.close("all")


def test_a_bad_id_in_the_listing_gets_no_file_and_no_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class BadIds(httpx.BaseTransport):
        def __init__(self, inner: httpx.BaseTransport) -> None:
            self.inner = inner

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            response = self.inner.handle_request(request)
            if request.url.path != "/api/v3/incidents" or response.status_code != 200:
                return response
            body = json.loads(response.read())
            for n, item in enumerate(body.get("data") or []):
                if n % 2 == 0:
                    item["id"] = ["../../escape", "javascript:alert(1)", '1"><b>x'][n % 3]
            return httpx.Response(200, json=body, request=request)

    monkeypatch.setattr(
        _common, "sandbox_client", lambda seed, max_rps: sandbox_client(wrap=BadIds)
    )
    monkeypatch.setattr(_common, "now", lambda: REF)
    out = tmp_path / "out"
    argv = ["--sandbox", "report", "--since", "3h", "--out", str(out), "--format", "html"]
    assert cli.main(argv) == 0
    page = (out / "index.html").read_text()
    assert_only_our_markup(page)  # every href is a plain id's page
    assert "javascript:alert(1)" in page  # the id is shown, as text
    index = (out / "index.md").read_text()
    assert "(javascript:" not in index
    assert "(../../escape" not in index
    assert not (tmp_path / "escape").exists()
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out.resolve())
        assert re.fullmatch(r"[\w.]+", path.name), path
