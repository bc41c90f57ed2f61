"""Vaccination clinics: the children's national schedule and adult flu shots, as JSON Lines.

An infant's record usually has no ID number and is reached through the guardian (the mother):
guardian name, ID number and phone. Some doses are voided or corrected and exported again with
the same ``record_id`` on a later day.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from simulator.clock import DAY, HOUR, clinic_seconds, iso_stamps
from simulator.config import load
from simulator.identity import as_of, name_placeholders
from simulator.institutions import CHC
from simulator.population import People
from simulator.world import World, ids, upload_lag

EPOCH = date(1970, 1, 1)


class Vaccination:
    def __init__(self, world: World) -> None:
        self.w = world
        spec = load("services")
        self.vaccines = spec["vaccines"]
        self.codes = list(self.vaccines)
        age = (world.start - world.people.birth) / 365.25
        cover = spec["flu"]["coverage"]
        share = np.select(
            [age < 0.5, age < 18, age < 60], [0.0, cover["child"], cover["adult"]], cover["elderly"]
        )
        self.flu_cdf = np.cumsum(share)

    def day(self, t: int, rng: np.random.Generator) -> None:
        """Simulated day ``t``'s doses: the schedule's and, in season, flu shots."""
        today = self.w.start + t
        plan = self.w.vaccinations.on(t)
        person, org = plan["person"], plan["org"]
        vaccine, dose = plan["vaccine"], plan["dose"]
        flu = self._flu(today, rng)
        person = np.concatenate([person, flu])
        org = np.concatenate([org, self.w.net[flu, CHC]]).astype(np.int64)
        vaccine = np.concatenate([vaccine, np.full(len(flu), self.codes.index("Flu"))])
        dose = np.concatenate([dose, np.ones(len(flu), np.int64)])
        if len(person):
            self._records(person, org, vaccine, dose, today, rng)

    def _flu(self, today: int, rng: np.random.Generator) -> np.ndarray:
        season_days = _season_days(today)
        if not season_days or not len(self.flu_cdf):
            return np.zeros(0, np.int64)
        total = self.flu_cdf[-1]
        k = rng.poisson(total / season_days)
        who = np.searchsorted(self.flu_cdf, rng.random(k) * total, "right")
        return np.unique(who[self.w.people.birth[who] <= today - 183])

    def _records(
        self,
        person: np.ndarray,
        org: np.ndarray,
        vaccine: np.ndarray,
        dose: np.ndarray,
        today: int,
        rng: np.random.Generator,
    ) -> None:
        w = self.w
        clean = as_of(w.people, w.ident, person, today, rng)
        recipient_paperwork(clean, w.people, today, rng)
        noisy, damaged = w.noise.damage(clean, org, rng)
        guardian_id, hit = w.noise.other_ids(clean["mother_id_no"].to_numpy(object), org, rng)
        at = (today * DAY + clinic_seconds(rng, len(person), 8.5, 16.5)).astype(np.int64)
        record_id = ids("JZ", w.counters.take("vaccination", org), 10)
        frame = self._frame(noisy, guardian_id, record_id, org, vaccine, dose, at)
        frame["_when"] = at + upload_lag(w.inst, org, rng)
        frame["_person"], frame["_first"] = person, True
        kept = w.outbox.put("vaccination.dose", frame, rng)
        clean_frame = self._frame(
            clean, clean["mother_id_no"].to_numpy(object), record_id, org, vaccine, dose, at
        )
        self._reexports(frame, kept, clean_frame, damaged | hit, rng)

    def _frame(
        self,
        idf: pd.DataFrame,
        guardian_id: np.ndarray,
        record_id: np.ndarray,
        org: np.ndarray,
        vaccine: np.ndarray,
        dose: np.ndarray,
        at: np.ndarray,
    ) -> pd.DataFrame:
        w = self.w
        spec = [self.vaccines[self.codes[v]] for v in vaccine]
        style = w.inst.style[org]
        month = np.datetime_as_string(at.astype("datetime64[s]"), unit="M")
        guardian = guardians(idf)
        return pd.DataFrame(
            {
                "record_id": record_id,
                "org_code": w.inst.codes[org],
                "recipient_name": idf["name"].to_numpy(),
                "recipient_id_type": idf["id_type"].to_numpy(),
                "recipient_id_no": idf["id_no"].to_numpy(),
                "recipient_sex": idf["sex"].to_numpy(),
                "recipient_birth_date": idf["birth_date"].to_numpy(),
                "guardian_name": np.where(guardian, idf["mother_name"].to_numpy(object), ""),
                "guardian_id_no": np.where(guardian, guardian_id, ""),
                "guardian_phone": idf["phone"].to_numpy(),
                "vaccine_code": [s["code"] for s in spec],
                "vaccine_name": [
                    s["names"][st % len(s["names"])] for s, st in zip(spec, style, strict=True)
                ],
                "dose_no": dose.astype(np.int64),
                "vaccinated_at": iso_stamps(at),
                "batch_no": [
                    f"{m.replace('-', '')}{v:02d}{o % 7 + 1}"
                    for m, v, o in zip(month, vaccine, org, strict=True)
                ],
                "manufacturer": [
                    s["makers"][(o + v) % len(s["makers"])]
                    for s, o, v in zip(spec, org, vaccine, strict=True)
                ],
                "site": [s["site"][d % len(s["site"])] for s, d in zip(spec, dose, strict=True)],
                "status": "active",
                "_org": org,
            }
        )

    def _reexports(
        self,
        sent: pd.DataFrame,
        kept: pd.DataFrame,
        clean: pd.DataFrame,
        damaged: np.ndarray,
        rng: np.random.Generator,
    ) -> None:
        """Voided doses and corrected records go out again under the same record_id."""
        org = sent["_org"].to_numpy()
        rate = self.w.inst.rate("correction", org)
        fix = rng.random(len(sent)) < np.where(damaged, np.minimum(15 * rate, 0.9), rate)
        void = ~fix & (rng.random(len(sent)) < self.w.inst.rate("void", org))
        again = (fix | void) & sent.index.isin(kept.index)
        if not again.any():
            return
        identity = [
            "recipient_name",
            "recipient_id_type",
            "recipient_id_no",
            "recipient_sex",
            "recipient_birth_date",
            "guardian_name",
            "guardian_id_no",
            "guardian_phone",
        ]
        out = sent[again].copy()
        out.loc[fix[again], identity] = clean.loc[out.index[fix[again]], identity].to_numpy()
        out.loc[void[again], "status"] = "voided"
        out["_when"] = kept.loc[out.index, "_when"].to_numpy() + rng.integers(
            HOUR, 6 * DAY, len(out)
        )
        out["_first"] = False
        self.w.outbox.put("vaccination.dose", out, rng)


def recipient_paperwork(
    frame: pd.DataFrame, people: People, today: int | np.ndarray, rng: np.random.Generator
) -> None:
    """How a clinic writes the recipients of an :func:`as_of` frame: a young child's own ID
    number is often left empty (the clinic goes by the guardian), a nameless baby is written
    as ``<mother>之子`` half the time."""
    person = frame["person"].to_numpy()
    infant = people.birth[person] > today - 365
    young = people.birth[person] > today - 7 * 365
    drop_id = np.where(
        infant, rng.random(len(person)) < 0.7, young & (rng.random(len(person)) < 0.3)
    )
    frame.loc[drop_id, ["id_no", "id_type"]] = ""
    name_placeholders(
        frame, people, (frame["name"] == "").to_numpy() & (rng.random(len(person)) < 0.5)
    )


def guardians(frame: pd.DataFrame) -> np.ndarray:
    """Rows whose guardian (the mother) is written: children whose mother is known."""
    return frame["child"].to_numpy(bool) & (frame["mother_name"] != "").to_numpy()


def _season_days(today: int) -> int:
    """Length of the flu-vaccination season containing ``today``, or 0 outside it."""
    (m1, d1), (m2, d2) = load("services")["flu"]["season"]
    day = EPOCH + timedelta(days=int(today))
    year = day.year if (day.month, day.day) >= (m1, d1) else day.year - 1
    first, last = date(year, m1, d1), date(year + 1, m2, d2)
    return (last - first).days + 1 if first <= day <= last else 0
