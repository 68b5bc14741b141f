"""`postmortem`: a draft on stdout or in a file, a team's template, a bad template."""

from __future__ import annotations

from pathlib import Path

import pytest

from betterstack_rca import cli


def test_the_cli_writes_a_draft_and_takes_a_template(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, headline_id: str
) -> None:
    assert cli.main(["--sandbox", "postmortem", headline_id]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Postmortem: API 1 health")
    assert "## Lessons learned" in out
    template = tmp_path / "team.md"
    template.write_text("Incident $incident_id\n$impact\n")
    target = tmp_path / "pm.md"
    code = cli.main(
        ["--sandbox", "postmortem", headline_id, "--template", str(template), "--out", str(target)]
    )
    assert code == 0
    assert target.read_text().startswith(f"Incident {headline_id}\n_From the data")
    assert target.stat().st_mode & 0o777 == 0o600
    template.write_text("$nope\n")
    assert cli.main(["--sandbox", "postmortem", headline_id, "--template", str(template)]) == 2
    assert "unknown field $nope" in capsys.readouterr().err
