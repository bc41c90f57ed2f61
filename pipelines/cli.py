"""``healtharchive`` — the command line. Thin: every command calls a plain step function."""

from __future__ import annotations

import json
import logging
import os
import secrets
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

app = typer.Typer(
    help="Lifetime electronic health archives (居民电子健康档案) for a city.", no_args_is_help=True
)
model_app = typer.Typer(help="The linkage model: train a new pinned version.", no_args_is_help=True)
archive_app = typer.Typer(
    help="One resident's lifetime archive, or all of them.", no_args_is_help=True
)
report_app = typer.Typer(help="Monthly reports for governance staff.", no_args_is_help=True)
review_app = typer.Typer(help="The linkage review queue.", no_args_is_help=True)
app.add_typer(model_app, name="model")
app.add_typer(archive_app, name="archive")
app.add_typer(report_app, name="report")
app.add_typer(review_app, name="review")

console = Console(stderr=True)
DataOpt = Annotated[
    Path, typer.Option("--data", help="Data directory (lake, MPI, warehouses, reports).")
]
UserOpt = Annotated[str, typer.Option("--user", envvar="USER", help="Who (access audit).")]
SourcesOpt = Annotated[
    Path, typer.Option("--sources", help="Sources root laid out per spec/SOURCES.md.")
]


@app.callback()
def _setup(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(message)s",
        handlers=[RichHandler(console=console, show_path=False, rich_tracebacks=True)],
    )
    for chatty in ("great_expectations", "splink", "matplotlib"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


@app.command()
def simulate(
    out: Annotated[Path, typer.Option("--out", help="Sources root to write.")],
    residents: Annotated[int, typer.Option(min=10, help="Residents in the simulated city.")] = 3000,
    start: Annotated[str, typer.Option(help="First simulated day, YYYY-MM-DD.")] = "2026-01-01",
    days: Annotated[int, typer.Option(min=1, help="Number of days delivered.")] = 14,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed writes the same city.")] = 7,
) -> None:
    """Write a simulated city's sources per spec/SOURCES.md, with truth/ for evaluation."""
    summary = _simulate(out, residents, _parse_date(start, "--start"), days, seed)
    console.print(summary)


def _simulate(out: Path, residents: int, start: date, days: int, seed: int) -> object:
    """Simulate with a progress bar per stage (the CLI's and the demo's simulator)."""
    from simulator import simulate_city

    with _progress() as bar:
        tasks: dict[str, int] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(f"simulate {stage}", total=total)
            bar.update(tasks[stage], completed=done, total=total)

        return simulate_city(out, residents, start, days, seed, progress=report)


@app.command()
def run(
    sources: SourcesOpt,
    data: DataOpt = Path("data"),
    day: Annotated[
        str, typer.Option("--date", help="Logical date of the night, YYYY-MM-DD.")
    ] = ...,
    through: Annotated[
        str | None, typer.Option("--through", help="Run every night up to this one, in bulk.")
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="Where linkage scores candidate pairs and the warehouse is built: duckdb, or "
            "spark (Splink's Spark backend, dbt-spark; HEALTHARCHIVE_SPARK_MASTER names the "
            "cluster, README).",
        ),
    ] = "duckdb",
) -> None:
    """The nightly run for one logical date; with --through, a range of nights in bulk: stage by
    stage over every night in order, publish once for the last."""
    first = _parse_date(day, "--date")
    last = _parse_date(through, "--through") if through else first
    if last < first:
        raise typer.BadParameter(f"{last} is before --date {first}", param_hint="--through")
    _check_engine(engine)
    _require_dir(sources, "--sources")
    from pipelines.run import RangeRefused

    try:
        nights = _run_range(sources, data, first, last, engine)
    except RangeRefused as exc:
        raise typer.BadParameter(str(exc), param_hint="--through") from None
    _exit_for(nights)


def _exit_for(nights: list) -> None:
    """Exit 3 when the nights completed but some deliveries did not go in whole (README)."""
    from pipelines.run import exit_status

    status = exit_status(nights)
    for night in nights:
        if night.delivery_problems:
            shown = ", ".join(f"{what} {n:,}" for what, n in night.delivery_problems.items())
            console.print(f"[yellow]{night.day}: {shown}[/yellow] (load log, quality report)")
    if status:
        raise typer.Exit(status)


@app.command()
def check(sources: SourcesOpt, data: DataOpt = Path("data")) -> None:
    """Check the configuration without running anything: the pseudonymisation key, the sources
    and data roots, and that every configured hospital database answers."""
    from pipelines.preflight import check_configuration

    found = check_configuration(sources, data, strict_frontends=True)
    console.print(f"configuration ok ({len(found.warnings)} warnings)")


def _run_range(sources: Path, data: Path, first: date, last: date, engine: str = "duckdb") -> list:
    """One night stage by stage; a range in bulk (``pipelines.run.backfill``)."""
    if first == last:
        return [_run_night(sources, data, first, engine)]
    return _backfill(sources, data, first, last, engine)


def _run_night(sources: Path, data: Path, night: date, engine: str) -> object:
    from pipelines.run import STAGES, run_date

    stage_index = {name: i for i, (name, _) in enumerate(STAGES)}
    with _progress() as bar:
        stage_task = bar.add_task("stage", total=len(STAGES))

        def on_stage(name: str) -> None:
            bar.update(stage_task, description=f"{night} {name}", completed=stage_index[name])

        result = run_date(sources, data, night, on_stage=on_stage, engine=engine)
        bar.update(stage_task, completed=len(STAGES))
    logging.getLogger("healtharchive").info("night %s done in %s s", night, result.seconds)
    return result


def _backfill(sources: Path, data: Path, first: date, last: date, engine: str) -> list:
    """A bar per stage, advanced step by step (a night, or a range of nights at once)."""
    from pipelines.run import STAGES, backfill, backfill_steps, days_between

    nights = list(days_between(first, last))
    with _progress() as bar:
        tasks = {
            name: bar.add_task(name, total=len(backfill_steps(name, nights))) for name, _ in STAGES
        }
        done: list[tuple[str, date]] = []

        def on_stage(night: date, name: str) -> None:
            if done:  # the step before has finished
                bar.advance(tasks[done[-1][0]])
            done.append((name, night))
            bar.update(tasks[name], description=f"{name} {night}")

        results = backfill(sources, data, first, last, on_stage=on_stage, engine=engine)
        bar.advance(tasks[done[-1][0]])
    for result in results:
        logging.getLogger("healtharchive").info("night %s done in %s s", result.day, result.seconds)
    return results


@app.command()
def evaluate(sources: SourcesOpt, data: DataOpt = Path("data")) -> None:
    """Compare the MPI with truth/ and print linkage figures as JSON (simulated sources only)."""
    from matching import evaluate as evaluate_linkage

    _require_dir(sources / "truth", "--sources (truth/)")
    typer.echo(json.dumps(evaluate_linkage(sources, data), indent=2, ensure_ascii=False))


@app.command()
def demo(
    data: Annotated[
        Path, typer.Option("--data", help="Folder for the demo's sources and data.")
    ] = Path("demo-data"),
    residents: Annotated[int, typer.Option(min=50)] = 3000,
    days: Annotated[int, typer.Option(min=1)] = 14,
    seed: int = 7,
) -> None:
    """Simulate a small city, run every day of it, and print where the results are."""
    from pipelines.demo import run_demo

    _ensure_demo_key(data)
    summary = run_demo(data, residents, days, seed, simulate=_simulate, run_range=_run_range)
    console.print(summary.render())


@model_app.command("train")
def model_train(
    data: DataOpt = Path("data"),
    day: Annotated[
        str, typer.Option("--date", help="Train on person mentions current at this date.")
    ] = ...,
    out: Annotated[
        Path | None, typer.Option(help="Model JSON to write (default: next version).")
    ] = None,
    seed: int = 42,
) -> None:
    """Train a candidate linkage model on the person mentions in the lake (the city's own
    nights); `model promote` decides whether the nightly run uses it."""
    from pipelines.model_promotion import train_candidate

    path = train_candidate(data, _parse_date(day, "--date"), out, seed=seed)
    console.print(f"candidate model written: {path}")
    console.print(f"next: healtharchive model promote --data {data} --candidate {path}")


@model_app.command("promote")
def model_promote(
    data: DataOpt = Path("data"),
    candidate: Annotated[Path, typer.Option(help="Candidate model JSON (`model train`).")] = ...,
    day: Annotated[
        str | None, typer.Option("--date", help="Mentions current at this date (default newest).")
    ] = None,
    labels: Annotated[
        list[Path] | None,
        typer.Option("--labels", help="CSV: mention_id_l, mention_id_r, decision."),
    ] = None,
    suites: Annotated[
        list[Path] | None,
        typer.Option("--suite", help="Sources folder with truth/record_person.csv (hard cases)."),
    ] = None,
) -> None:
    """Compare a candidate with the pinned model on labelled pairs (reviewer decisions, labels
    files, suites); promote it only when it is not worse. Exit status 1 when refused."""
    from matching.promotion import PromotionError
    from pipelines.model_promotion import promote_candidate

    when = _parse_date(day, "--date") if day else None
    try:
        verdict = promote_candidate(data, candidate, when, labels or [], suites or [])
    except PromotionError as exc:
        raise typer.BadParameter(str(exc)) from exc
    console.print(verdict.render())
    console.print(f"recorded: {verdict.record}")
    if not verdict.promoted:
        raise typer.Exit(1)


@archive_app.command("show")
def archive_show(
    data: DataOpt = Path("data"),
    resident: Annotated[str | None, typer.Option("--resident", help="resident_id")] = None,
    id_no: Annotated[
        str | None, typer.Option("--id-no", help="ID number, in any damaged form")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="text | json | fhir")] = "text",
    user: Annotated[str, typer.Option(envvar="USER", help="Who looks (access audit).")] = "unknown",
) -> None:
    """Print one resident's lifetime archive (every lookup is written to the access audit)."""
    from pipelines.publish.archive import ArchiveFormat, show_archive

    if (resident is None) == (id_no is None):
        raise typer.BadParameter("give exactly one of --resident or --id-no")
    typer.echo(show_archive(data, resident, id_no, ArchiveFormat(fmt), accessed_by=user))


@archive_app.command("export")
def archive_export(
    data: DataOpt = Path("data"),
    out: Annotated[Path, typer.Option("--out", help="File to write.")] = ...,
    fmt: Annotated[str, typer.Option("--format", help="jsonl | fhir-ndjson")] = "jsonl",
    user: Annotated[
        str, typer.Option(envvar="USER", help="Who exports (access audit).")
    ] = "unknown",
) -> None:
    """Export every archive as JSON Lines or FHIR NDJSON."""
    from pipelines.publish.archive import export_archives

    console.print(export_archives(data, out, fmt, exported_by=user))


@report_app.command("quality")
def report_quality(
    data: DataOpt = Path("data"),
    month: Annotated[str, typer.Option("--month", help="YYYY-MM")] = ...,
) -> None:
    """The monthly governance report (数据质量通报): one self-contained HTML file."""
    from pipelines.monthly import quality_report

    console.print(f"quality report: {quality_report(data, _parse_month(month))}")


@report_app.command("metrics")
def report_metrics(
    data: DataOpt = Path("data"),
    month: Annotated[str, typer.Option("--month", help="YYYY-MM")] = ...,
) -> None:
    """The monthly interoperability indicator report: one self-contained HTML file."""
    from pipelines.monthly import metrics_report

    console.print(f"metrics report: {metrics_report(data, _parse_month(month))}")


@app.command()
def docs(data: DataOpt = Path("data")) -> None:
    """The warehouse's documentation for analysts (dbt docs: models, columns, tests, lineage from
    the lake to every published table): one self-contained HTML file under reports/warehouse/."""
    from pipelines.publish.docs import build_docs

    console.print(f"warehouse docs: {build_docs(data)}")


@review_app.command("apply")
def review_apply(
    data: DataOpt = Path("data"),
    decisions: Annotated[Path, typer.Option("--decisions", help="Reviewers' decisions CSV.")] = ...,
    user: UserOpt = "unknown",
) -> None:
    """Record reviewers' decisions; the next run replays them and they win over the model."""
    from matching.review import apply_decisions

    console.print(apply_decisions(data, decisions, applied_by=user))


@review_app.command("page")
def review_page(data: DataOpt = Path("data"), user: UserOpt = "unknown") -> None:
    """Write the HTML page reviewers use to decide the queued pairs (access-audited)."""
    from matching.review import build_review_page

    console.print(f"review page: {build_review_page(data, accessed_by=user)}")


@app.command()
def reidentify(
    person_key: Annotated[str, typer.Option("--person-key", help="A person_key of analytics.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the access audit).")],
    data: DataOpt = Path("data"),
    user: UserOpt = "unknown",
) -> None:
    """Authorised staff only: the resident_id behind an analytics person_key (needs the
    pseudonymisation key; every use is written to the access audit)."""
    from pipelines.publish.reidentify import reidentify as find

    typer.echo(find(data, person_key, reason, accessed_by=user))


def _parse_month(text: str) -> str:
    try:
        date.fromisoformat(f"{text}-01")
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a month YYYY-MM", param_hint="--month") from None
    return text


def _ensure_demo_key(data: Path) -> None:
    """The demo's own random pseudonymisation key, unless one is configured already."""
    if os.environ.get("HEALTHARCHIVE_PSEUDONYM_KEY") or os.environ.get(
        "HEALTHARCHIVE_PSEUDONYM_KEY_FILE"
    ):
        return
    from kernel.layout import Layout

    key_file = Layout(data).secrets_dir / "pseudonym.key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    os.environ["HEALTHARCHIVE_PSEUDONYM_KEY_FILE"] = str(key_file.resolve())


def _parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date YYYY-MM-DD", param_hint=option) from None


def _check_engine(engine: str) -> None:
    from kernel.spark import EngineError, check_engine

    try:
        check_engine(engine)
    except EngineError as exc:
        raise typer.BadParameter(str(exc), param_hint="--engine") from None


def _require_dir(path: Path, option: str) -> None:
    if not path.is_dir():
        raise typer.BadParameter(f"{path} is not a folder", param_hint=option)


OUR_PACKAGES = ("pipelines.", "matching.", "quality.", "schemas.", "kernel.")


def _status_of(exc: Exception) -> int:
    from kernel.runlock import RunLocked
    from pipelines.preflight import ConfigurationError
    from pipelines.publish.errors import PseudonymKeyError
    from pipelines.run import EXIT_CONFIGURATION, EXIT_FAILED, EXIT_LOCKED

    if isinstance(exc, RunLocked):
        return EXIT_LOCKED
    if isinstance(exc, ConfigurationError | PseudonymKeyError):
        return EXIT_CONFIGURATION
    return EXIT_FAILED


def main() -> None:
    """Console entry point: errors our own code raises on purpose print as one clear line, with
    the exit status the README documents. Everything written is owner-only (umask 077)."""
    os.umask(0o077)
    try:
        app()
    except Exception as exc:
        ours = type(exc).__module__.startswith(OUR_PACKAGES)
        if not (ours or isinstance(exc, FileNotFoundError)) or "-v" in sys.argv:
            raise  # a bug (or --verbose): keep the traceback
        console.print(f"[bold red]error:[/bold red] {exc}")
        raise SystemExit(_status_of(exc)) from None
