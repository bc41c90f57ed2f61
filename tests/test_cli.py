"""Every command of the CLI contract answers --help, and bad input is a clear error."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from pipelines.cli import app

runner = CliRunner()
COMMANDS = [
    [], ["simulate"], ["run"], ["demo"], ["evaluate"], ["model", "train"], ["archive", "show"],
    ["archive", "export"], ["report", "quality"], ["report", "metrics"], ["review", "page"],
    ["review", "apply"],
]  # fmt: skip


@pytest.mark.parametrize(
    "command",
    COMMANDS,
)
def test_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_run_rejects_a_bad_date(tmp_path) -> None:
    result = runner.invoke(app, ["run", "--sources", str(tmp_path), "--date", "2026-13-01"])
    assert result.exit_code != 0
    assert "is not a date" in result.output


def test_run_rejects_a_range_that_goes_backwards(tmp_path) -> None:
    args = ["run", "--sources", str(tmp_path), "--data", str(tmp_path / "d")]
    result = runner.invoke(app, [*args, "--date", "2026-01-05", "--through", "2026-01-01"])
    assert result.exit_code == 2
    assert "is before" in result.output


def test_run_refuses_a_range_that_ends_before_a_linked_night(tmp_path, monkeypatch) -> None:
    from datetime import date

    import pipelines.run
    from kernel.layout import Layout

    monkeypatch.setattr(pipelines.run, "stage_preflight", lambda *args: None)  # no sources here
    data = Layout(tmp_path / "d")
    linked = data.night("mpi.record_link", date(2026, 1, 9))
    linked.parent.mkdir(parents=True)
    linked.touch()
    args = ["run", "--sources", str(tmp_path), "--data", str(data.root)]
    result = runner.invoke(app, [*args, "--date", "2026-01-01", "--through", "2026-01-05"])
    assert result.exit_code == 2
    assert "2026-01-09 is linked already" in " ".join(result.output.split())
    assert not data.lake.exists()  # refused before the first stage


def test_report_rejects_a_bad_month(tmp_path) -> None:
    args = ["report", "quality", "--data", str(tmp_path), "--month", "2026-13"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "is not a month" in result.output


def test_archive_show_needs_exactly_one_key(tmp_path) -> None:
    result = runner.invoke(app, ["archive", "show", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "exactly one" in result.output


def test_a_deliberate_error_is_one_clear_line(tmp_path, monkeypatch, capsys) -> None:
    import pytest

    from pipelines.cli import main

    bad = tmp_path / "decisions.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    argv = ["healtharchive", "review", "apply", "--data", str(tmp_path), "--decisions", str(bad)]
    monkeypatch.setattr("sys.argv", argv)
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 1
    err = capsys.readouterr().err
    assert "no crosswalk under" in err and "Traceback" not in err  # no night was linked yet


def test_run_rejects_an_unknown_engine(tmp_path) -> None:
    args = ["run", "--sources", str(tmp_path), "--data", str(tmp_path / "d")]
    result = runner.invoke(app, [*args, "--date", "2026-01-05", "--engine", "sparks"])
    assert result.exit_code == 2
    shown = " ".join(result.output.replace("│", " ").split())  # without the error box
    assert "unknown engine 'sparks'; choose one of duckdb, spark" in shown
    assert not (tmp_path / "d").exists()  # refused before anything ran


def test_run_hands_the_engine_to_the_night(tmp_path, monkeypatch) -> None:
    import pipelines.run

    seen = {}

    def run_date(sources, data, day, on_stage=None, engine="duckdb"):
        seen["engine"] = engine
        return pipelines.run.NightResult(day)

    monkeypatch.setattr(pipelines.run, "run_date", run_date)
    args = ["run", "--sources", str(tmp_path), "--data", str(tmp_path / "d")]
    result = runner.invoke(app, [*args, "--date", "2026-01-05", "--engine", "spark"])
    assert result.exit_code == 0, result.output
    assert seen == {"engine": "spark"}
