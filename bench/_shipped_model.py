"""Train the shipped linkage model (``matching/models/v<N>.json``): the documented prior a city
scores with until it promotes a model trained on its own nights.

``python -m bench._shipped_model`` simulates the training city (30,000 residents, 30 nights from
2026-01-01, seed 23, identity damage doubled and births turned up so families and newborns are
seen), runs reference, extract and standardise over every night, and trains on the person
mentions current at the last night (seed 42). The evaluation datasets of the scorecard are
other cities: FEBRL, the hand-built suite and the families scenario are never trained on.
"""

from __future__ import annotations

import os
import sys
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WORK = Path(__file__).parent / "work" / "train-city"
RESIDENTS, DAYS, SEED, START = 30_000, 30, 23, date(2026, 1, 1)


def main(argv: list[str]) -> int:
    from matching.model import MODELS_DIR
    from matching.training import train_model_from_lake
    from pipelines.run import days_between, run_stage
    from simulator import SimConfig, simulate_city

    os.environ.setdefault("HEALTHARCHIVE_PSEUDONYM_KEY", "bench-only-key-not-a-secret-0123456789")
    sources, data = WORK / "sources", WORK / "data"
    last = START + timedelta(days=DAYS - 1)
    if not (sources / "truth" / "record_person.csv").exists():
        config = SimConfig(noise_scale=2.0, birth_rate=0.3)
        simulate_city(sources, RESIDENTS, START, DAYS, seed=SEED, config=config)
    if not (data / ".standardised").exists():
        for night in days_between(START, last):
            for stage in ("reference", "extract", "standardise"):
                run_stage(stage, sources, data, night)
        (data / ".standardised").touch()
    out = Path(argv[0]) if argv else MODELS_DIR
    print(train_model_from_lake(data, last, out, seed=42))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
