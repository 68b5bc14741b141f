"""Every example runs against the sandbox: the two scripts and the notebook's code cells."""

from __future__ import annotations

import importlib.util
import json
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from betterstack_rca import BetterStack

from .conftest import sandbox_client

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

Capture = pytest.CaptureFixture[str]


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- agent_tool.py -------------------------------------------------------------------


@pytest.fixture(scope="module")
def agent_tool() -> ModuleType:
    return load("agent_tool")


def test_agent_tool_main_prints_the_tools_and_answers_a_models_calls(
    agent_tool: ModuleType, capsys: Capture, headline_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(agent_tool, "client", sandbox_client)
    agent_tool.main()
    out = capsys.readouterr().out
    assert out.startswith("7 tools: list_incidents, incident_bundle, incident_timeline")
    assert '"name": "incident_bundle"' in out
    assert '"strict": true' in out
    assert f"# Incident {headline_id}" in out
    assert "heartbeat_stopped" in out
    assert "next_cursor: " in out  # list_incidents' page
    assert "error:" not in out


def test_agent_tool_schemas_are_json_for_a_model_api(agent_tool: ModuleType) -> None:
    tools = agent_tool.tool_schemas("openai")
    json.dumps(tools)
    assert all(t["function"]["parameters"]["additionalProperties"] is False for t in tools)


@pytest.mark.parametrize("budget", [600, "2000", 8000])
def test_agent_tool_stays_under_its_budget_even_when_sent_as_a_string(
    agent_tool: ModuleType, headline_id: str, budget: int | str
) -> None:
    # the old example crashed with a TypeError on max_chars="2000"
    text = agent_tool.call_tool(
        "incident_bundle",
        json.dumps({"incident_id": headline_id, "max_chars": budget}),
        client=sandbox_client(),
    )
    assert f"# Incident {headline_id}" in text
    assert len(text) <= int(budget)


def test_agent_tool_turns_a_wrong_call_into_a_message_for_the_model(
    agent_tool: ModuleType,
) -> None:
    bs = sandbox_client()
    assert agent_tool.call_tool(
        "incident_bundle", {"incident_id": "999999999"}, client=bs
    ).startswith("error: no such incident")
    assert agent_tool.call_tool("incident_bundle", {"incident_id": "../etc"}, client=bs).startswith(
        "error: bad arguments"
    )
    assert agent_tool.call_tool("incident_bundle", {"incident": "1"}, client=bs).startswith(
        "error: bad arguments for incident_bundle: incident_id is required"
    )


# --- incident_report.py --------------------------------------------------------------


def test_incident_report_writes_the_weekly_report(capsys: Capture, tmp_path: Path) -> None:
    module = load("incident_report")
    assert module.main([str(tmp_path / "week")]) == 0
    report = tmp_path / "week" / "weekly-report.md"
    assert f"wrote {report}" in capsys.readouterr().out
    text = report.read_text()
    assert text.startswith("# Incidents, week ending")
    assert "## Worth a closer look" in text
    rows = [line for line in text.split("## All incidents")[1].splitlines() if line[:2] == "| "]
    assert len(rows) > 100  # header + one row per incident of the week
    details = list((tmp_path / "week").glob("4*.md"))
    assert len(details) == module.DETAILED
    assert all(d.read_text().startswith("# Incident ") for d in details)


def test_incident_report_defaults_to_a_temporary_directory(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    module = load("incident_report")
    monkeypatch.setattr(module.tempfile, "mkdtemp", lambda prefix: str(tmp_path / "tmp"))
    assert module.main([]) == 0
    assert (tmp_path / "tmp" / "weekly-report.md").exists()


# --- notebook.ipynb ------------------------------------------------------------------


def notebook() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "notebook.ipynb").read_text())
    return data


def test_notebook_is_nbformat_4_without_outputs() -> None:
    nb = notebook()
    assert nb["nbformat"] == 4
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code
    for cell in code:
        assert cell["outputs"] == []
        assert cell["execution_count"] is None


def test_notebook_code_cells_run_in_order(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        import matplotlib
    except ImportError:
        has_matplotlib = False
    else:
        has_matplotlib = True
        matplotlib.use("Agg")
    # The notebook builds `BetterStack.sandbox(reference_time=...)`: an unpaced one here.
    asked: list[dict[str, Any]] = []
    real = BetterStack.sandbox

    def unpaced(cls: type[BetterStack], **kw: Any) -> BetterStack:
        asked.append(kw)
        return real(max_rps=1000.0, **kw)

    monkeypatch.setattr(BetterStack, "sandbox", classmethod(unpaced))
    namespace: dict[str, Any] = {"__name__": "__notebook__"}
    for n, cell in enumerate(notebook()["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        with warnings.catch_warnings():
            # Agg cannot show a window; plt.show() says so.
            warnings.filterwarnings("ignore", "FigureCanvasAgg is non-interactive")
            exec(compile(source, f"notebook.ipynb cell {n}", "exec"), namespace)
    out = capsys.readouterr().out
    assert [kw["reference_time"] for kw in asked] == [namespace["now"]]  # the clock is pinned
    assert namespace["bundle"].incident.id == namespace["scenario"].incident_id
    assert namespace["scenario"].key == "database_backup"
    assert namespace["incidents"]
    since = namespace["since"]
    assert all(since <= i.started_at <= namespace["now"] for i in namespace["incidents"])
    assert str(namespace["bundle"]) in out  # print(bundle) is the short summary
    assert "heartbeat_stopped" in out  # the findings table
    assert "e1 " in out  # the timeline table
    if has_matplotlib:
        import matplotlib.pyplot as plt

        assert plt.get_fignums()
        plt.close("all")
    else:
        assert "matplotlib is not installed" in out
