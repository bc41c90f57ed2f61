"""The linkage scorecard: the master person index measured on data it was not tuned on.

``python -m bench linkage_scorecard`` builds every dataset as a sources root, runs the nightly
linkage over it (reference, extract, standardise, link), and scores the crosswalk against the
dataset's truth beside two baselines on the same records: an ID-number-only index and textbook
Splink (``bench/_textbook_splink.py``: standard comparisons, no Chinese-specific work, trained
on the dataset itself). Datasets:

- ``febrl1`` … ``febrl4``: the public FEBRL benchmarks (Latin names, identifiers without a
  checksum), delivered as hospital patients (``bench/scenarios/febrl.py``);
- ``hard_cases``: a hand-built suite of worked cases, one small group per hard kind, written
  from the source interface by someone who had not read the model (``bench/scenarios``);
- ``families``: an independent families scenario (newborns, placeholders, twins, mothers'
  identities on babies), written the same way;
- ``holdout``: an independent city written by a third helper from the source interface and
  domain knowledge alone, after the model's changes for the other datasets (a check that they
  were not tuned to one generator; ``bench/scenarios/holdout``);
- ``holdout2``: a second independent city (older, migrant-heavy, district hospitals), written
  by a fourth helper the same way after every change above (``bench/scenarios/holdout2``);
- ``simulator_families``: our own simulator with births and damage turned up.

Per dataset: pairwise precision / recall / F1, persons split, residents holding two people, per
role; the same with the model fitted to the dataset's own nights (``bench/_fitted.py``) and the
promotion step's verdict on it; for datasets with ``truth/mother_child.csv`` the share of
mother–child pairs related in ``mpi.mother_child``; for the hard cases the same per kind. Each
dataset runs in its own process (``python bench/linkage_scorecard.py DATASET``), so peak memory
is per dataset. Results go to
``bench/results/linkage_scorecard.{md,json}``; ``python -m bench linkage_scorecard --only
DATASET ...`` rescores some datasets and keeps the others' entries, each saying when and on
which commit it was measured.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._machine import RESULTS, PeakRss, commit, machine

WORK = Path(__file__).parent / "work" / "scorecard"
LINK_STAGES = ("reference", "extract", "standardise", "link")
KEY = {"HEALTHARCHIVE_PSEUDONYM_KEY": "bench-only-key-not-a-secret-0123456789"}
# Targets of issue 10 (a benchmark, not a test)
TARGET_PRECISION = 0.999


def _febrl(name: str):
    def build(root: Path) -> tuple[Path, date, date]:
        from bench.scenarios.cli import DEFAULT_CACHE
        from bench.scenarios.febrl import build_febrl

        return build_febrl(name, DEFAULT_CACHE, root), date(2026, 2, 1), date(2026, 2, 1)

    return build


def _hard_cases(root: Path) -> tuple[Path, date, date]:
    from bench.scenarios.hard_cases import build_hard_cases

    return build_hard_cases(root), date(2026, 3, 1), date(2026, 3, 3)


def _families(root: Path) -> tuple[Path, date, date]:
    from bench.scenarios.families import build_families

    start, days = date(2026, 3, 1), 60
    return build_families(root, days=days, start=start), start, start + timedelta(days - 1)


def _holdout(root: Path) -> tuple[Path, date, date]:
    from bench.scenarios.holdout import build_holdout

    start, days = date(2026, 5, 1), 45
    return build_holdout(root, days=days, start=start), start, start + timedelta(days - 1)


def _holdout2(root: Path) -> tuple[Path, date, date]:
    from bench.scenarios.holdout2 import build_holdout2

    start, days = date(2026, 7, 1), 40
    return build_holdout2(root, days=days, start=start), start, start + timedelta(days - 1)


def _simulator_families(root: Path) -> tuple[Path, date, date]:
    from simulator import SimConfig, simulate_city

    start, days = date(2026, 1, 1), 30
    turned_up = SimConfig(noise_scale=2.0, birth_rate=0.3)
    simulate_city(root, 20_000, start, days, seed=17, config=turned_up)
    return root, start, start + timedelta(days - 1)


DATASETS = {
    "febrl1": _febrl("febrl1"),
    "febrl2": _febrl("febrl2"),
    "febrl3": _febrl("febrl3"),
    "febrl4": _febrl("febrl4"),
    "hard_cases": _hard_cases,
    "families": _families,
    "holdout": _holdout,
    "holdout2": _holdout2,
    "simulator_families": _simulator_families,
}


def main(argv: list[str]) -> int:
    if argv and argv[0] in DATASETS:
        print(json.dumps(score(argv[0]), default=str))
        return 0
    names = argv[1:] if argv[:1] == ["--only"] else []
    unknown = sorted(set(names) - set(DATASETS))
    if unknown or (argv and not names):
        print(f"usage: python -m bench linkage_scorecard [--only DATASET ...]; datasets: "
              f"{', '.join(DATASETS)}")  # fmt: skip
        return 2
    names = names or list(DATASETS)
    command = "python -m bench linkage_scorecard" + (f" {' '.join(argv)}" if argv else "")
    # some datasets: they replace their own entries, the others keep theirs (and say when)
    results = _previous() if len(names) < len(DATASETS) else {}
    for name in names:
        print(f"linkage scorecard: {name} …", flush=True)
        done = subprocess.run([sys.executable, __file__, name], env={**os.environ, **KEY},
                              check=True, stdout=subprocess.PIPE, text=True)  # fmt: skip
        measured = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        results[name] = {**json.loads(done.stdout.strip().splitlines()[-1]), "command": command,
                         "commit": commit(), "measured_at": measured}  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    ordered = {name: results[name] for name in DATASETS if name in results}
    payload = {"command": command, "machine": machine(), "datasets": ordered}
    (RESULTS / "linkage_scorecard.json").write_text(json.dumps(payload, indent=2, default=str))
    (RESULTS / "linkage_scorecard.md").write_text(render(payload), encoding="utf-8")
    print(f"wrote {RESULTS / 'linkage_scorecard.md'}")
    return 0


def _previous() -> dict:
    """The datasets of the last scorecard written, each as it was measured."""
    path = RESULTS / "linkage_scorecard.json"
    return json.loads(path.read_text())["datasets"] if path.exists() else {}


def score(name: str) -> dict:
    """Build one dataset, link every night of it, score it and its baselines."""
    import shutil

    from bench._fitted import fitted
    from bench._textbook_splink import textbook_splink
    from matching.evaluation import evaluate, mother_child_coverage, per_case

    root = WORK / name
    sources, data = root / "sources", root / "data"
    if not (sources / "truth" / "record_person.csv").exists():
        shutil.rmtree(sources, ignore_errors=True)
        _, first, last = DATASETS[name](sources)
        (root / "dates.json").write_text(json.dumps([first.isoformat(), last.isoformat()]))
    first, last = (date.fromisoformat(d) for d in json.loads((root / "dates.json").read_text()))
    shutil.rmtree(data, ignore_errors=True)
    with PeakRss() as rss:
        began = time.perf_counter()
        _link_nights(sources, data, first, last)
        seconds = round(time.perf_counter() - began, 1)
    figures = evaluate(sources, data)
    out = {
        "nights": (last - first).days + 1, "link_seconds": seconds,
        "peak_rss_mib": round(rss.peak_mib), "ours": figures["overall"],
        "id_only": figures["id_only_baseline"],
        "persons_split_vs_id_only": figures["persons_split_vs_baseline"],
        "textbook_splink": textbook_splink(sources, data, last),
    }  # fmt: skip
    if (sources / "truth" / "mother_child.csv").exists():
        out["mother_child"] = mother_child_coverage(sources, data)
    if (sources / "truth" / "cases.csv").exists():
        out["by_kind"] = per_case(sources, data)
    out["fitted"] = fitted(sources, data, first, last, _suite(), root)
    return out


def _suite() -> Path:
    """The hand-built hard cases, the labelled pairs a new city's promotion step judges on."""
    sources = WORK / "hard_cases" / "sources"
    if not (sources / "truth" / "record_person.csv").exists():
        DATASETS["hard_cases"](sources)
    return sources


def _link_nights(sources: Path, data: Path, first: date, last: date) -> None:
    """Every night through the linkage stage only (quality and publish do not change links)."""
    from pipelines.run import days_between, run_stage

    for night in days_between(first, last):
        for stage in LINK_STAGES:
            run_stage(stage, sources, data, night)


def _row(name: str, result: dict) -> str:
    ours, ids, splink = result["ours"], result["id_only"], result["textbook_splink"]
    mc = result.get("mother_child", {}).get("related_share")
    seen = result.get("mother_child", {}).get("related_share_mother_seen")
    cells = [
        name, f"{ours['mentions']:,}", f"{ours['precision']:.4f}", f"{ours['recall']:.4f}",
        f"**{ours['f1']:.4f}**", f"{ours['persons_split']:,}",
        f"{ours['clusters_mixed_share']:.4%}", f"{ids['f1']:.4f}", f"{ids['persons_split']:,}",
        f"{splink['precision']:.4f}", f"{splink['f1']:.4f}",
        "—" if mc is None else f"{mc:.1%}", "—" if seen is None else f"{seen:.1%}",
        f"{result.get('measured_at', '—')} ({result.get('commit', '—')})",
    ]  # fmt: skip
    return "| " + " | ".join(cells) + " |"


def _fitted_rows(datasets: dict) -> list[str]:
    """The model fitted to each dataset's own nights (onboarding) and the promotion verdict."""
    lines = ["", "## Fitted to the city (onboarding)", "",
             "Each dataset's own nights train a candidate (`healtharchive model train`: u by "
             "sampling, m by EM, pinned levels kept), which relinks every night; the promotion "
             "step judges it against the shipped model on the hand-built hard cases "
             "(`healtharchive model promote --suite`), as a city without reviewer decisions "
             "yet would.", "",
             "| dataset | P | R | F1 | persons split | residents mixed | F1 shipped model "
             "| promoted | verdict |",
             "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for name, result in datasets.items():
        fit = result.get("fitted")
        if not fit:
            continue
        ours = fit["ours"]
        lines.append(
            f"| {name} | {ours['precision']:.4f} | {ours['recall']:.4f} | **{ours['f1']:.4f}** "
            f"| {ours['persons_split']:,} | {ours['clusters_mixed_share']:.4%} "
            f"| {result['ours']['f1']:.4f} | {'yes' if fit['promoted'] else 'no'} "
            f"| {fit['verdict']} |"
        )
    return lines


def _per_role(datasets: dict) -> list[str]:
    """Mentions per role, and how many of them are split from their person's resident or sit
    in a resident holding another person."""
    lines = ["", "## Per role", "",
             "| dataset | role | mentions | split away | in a mixed resident |",
             "|---|---|---|---|---|"]  # fmt: skip
    for name, result in datasets.items():
        for role, f in sorted(result["ours"].get("by_role", {}).items()):
            lines.append(f"| {name} | {role} | {f['mentions']:,} | {f['split_mentions']:,} | "
                         f"{f['merged_mentions']:,} |")  # fmt: skip
    return lines


def render(payload: dict) -> str:
    m = payload["machine"]
    lines = [
        "# Linkage scorecard",
        "",
        f"Command: `{payload['command']}` · machine: {m['cores']} cores, {m['memory']}, "
        f"{m['cpu']}, Python {m['python']}",
        "",
        "Every dataset linked by the nightly linkage stage with the shipped model; the two "
        "baselines scored on the same records. Residents mixed = share of residents holding "
        "more than one true person; mother–child = share of true mother–child pairs related in "
        "`mpi.mother_child`, over all pairs and over the pairs whose mother has a record of her "
        "own (a mother seen only as a name on her child's records has no resident to relate).",
        "",
        "| dataset | mentions | P | R | F1 | persons split | residents mixed | ID-only F1 "
        "| ID-only split | Splink P | Splink F1 | mother–child | mother–child (mother seen) "
        "| measured (commit) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        *(_row(name, r) for name, r in payload["datasets"].items()),
    ]
    lines += _fitted_rows(payload["datasets"])
    cases = payload["datasets"].get("hard_cases", {}).get("by_kind")
    if cases:
        lines += ["", "## Hard cases by kind", "",
                  "| kind | groups | mentions | P | R | F1 | persons split | residents mixed |",
                  "|---|---|---|---|---|---|---|---|"]  # fmt: skip
        for kind, f in sorted(cases.items()):
            lines.append(
                f"| {kind} | {f['groups']} | {f['mentions']} | {f['precision']:.3f} | "
                f"{f['recall']:.3f} | {f['f1']:.3f} | {f['persons_split']} | "
                f"{f['clusters_mixed']} |"
            )
    lines += _per_role(payload["datasets"])
    misses = [
        n for n, r in payload["datasets"].items() if r["ours"]["precision"] < TARGET_PRECISION
    ]
    lines += [
        "",
        f"Precision target {TARGET_PRECISION}: "
        + ("met on every dataset." if not misses else f"missed on {', '.join(misses)}."),
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
