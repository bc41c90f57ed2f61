"""Maternal and child health: the MCH plan's events as one CSV per record type per day.

Mothers are identified by name and ID number (full identity at registration); a delivery row
names mother and newborn (the baby usually nameless, or ``<mother>之子``, and never with an ID
number); child checkups name the child, often without an ID number, and the mother.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.clock import DAY, clinic_seconds, iso_dates, iso_stamps
from simulator.identity import as_of, name_placeholders, placeholder
from simulator.plans import BIRTH, MODES, POSTPARTUM, PRENATAL, REGISTRATION
from simulator.population import People
from simulator.world import World, ids, upload_lag

# WHO-like medians by age in days: height cm, weight kg, head circumference cm
GROWTH_DAYS = [0, 30, 91, 182, 243, 365, 548, 730, 913, 1096, 1461, 1826, 2191, 2557]
GROWTH = {
    "height_cm": ([50, 54.5, 61, 67, 70.5, 75.5, 81.5, 87, 91.5, 95.5, 103, 110, 116, 122], 0.035),
    "weight_kg": (
        [3.3, 4.4, 6.2, 7.8, 8.6, 9.6, 10.9, 12.2, 13.3, 14.3, 16.3, 18.3, 20.5, 22.9],
        0.11,
    ),
    "head_circumference_cm": (
        [34.5, 37, 40.5, 43.5, 44.5, 46, 47.3, 48.2, 48.8, 49.3, 50, 50.5, 51, 51.3],
        0.03,
    ),
}
POSTPARTUM_NOTES = (
    "恶露正常，子宫复旧良好",
    "乳汁充足，母乳喂养",
    "伤口愈合良好",
    "情绪稳定，睡眠可",
    "乳房胀痛，已指导",
)
PREFIX = {
    "maternal_registration": "JC",
    "prenatal_visit": "CJ",
    "delivery": "FM",
    "postpartum_visit": "CH",
    "child_checkup": "ET",
}


class Mch:
    def __init__(self, world: World) -> None:
        self.w = world

    def day(self, t: int, rng: np.random.Generator) -> None:
        """Simulated day ``t``'s maternal care events and child checkups."""
        today, plan = self.w.start + t, self.w.maternal.on(t)
        for kind, build in (
            (REGISTRATION, self._registration),
            (PRENATAL, self._prenatal),
            (BIRTH, self._births),
            (POSTPARTUM, self._postpartum),
        ):
            pick = plan["kind"] == kind
            if pick.any():
                build({k: v[pick] for k, v in plan.items()}, today, rng)
        kids = self.w.child_checkups.on(t)
        if len(kids["person"]):
            self._child_checkups(kids, today, rng)

    # --- one builder per record type -------------------------------------------------------

    def _mother(
        self, ev: dict, today: int, rng: np.random.Generator
    ) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
        clean = as_of(self.w.people, self.w.ident, ev["person"], today, rng)
        noisy, damaged = self.w.noise.damage(clean, ev["org"], rng)
        return clean, noisy, damaged

    def _registration(self, ev: dict, today: int, rng: np.random.Generator) -> None:
        clean, noisy, damaged = self._mother(ev, today, rng)
        at = today * DAY + clinic_seconds(rng, len(clean), 8.5, 16.5)

        def rows(idf: pd.DataFrame) -> dict:
            return {
                "mother_name": idf["name"],
                "mother_id_type": idf["id_type"],
                "mother_id_no": idf["id_no"],
                "mother_birth_date": idf["birth_date"],
                "mother_phone": idf["phone"],
                "address": idf["address"],
                "last_menstrual_date": iso_dates(self.w.preg.lmp[ev["preg"]]),
                "registered_at": iso_stamps(at),
            }

        self._send(
            "maternal_registration",
            ev,
            at,
            rows(noisy),
            rows(clean),
            damaged,
            {"mother": ev["person"]},
            rng,
        )

    def _prenatal(self, ev: dict, today: int, rng: np.random.Generator) -> None:
        clean, noisy, damaged = self._mother(ev, today, rng)
        people, n = self.w.people, len(clean)
        p, week = ev["person"], (today - self.w.preg.lmp[ev["preg"]]) // 7
        height = (159 + 6 * people.height_z[p]) / 100
        weight = (
            (21.5 + 3 * people.latent[p, 0]) * height**2
            + np.maximum(week - 12, 0) * 0.45
            + rng.normal(1, 1, n)
        )
        sbp = 108 + 6 * people.latent[p, 1] + 20 * people.htn[p] + rng.normal(0, 6, n)
        fundal = np.where(week >= 20, week - 1 + rng.normal(0, 1.5, n), np.nan)
        at = today * DAY + clinic_seconds(rng, n, 8.5, 16.5)
        measures = {
            "visit_date": iso_dates(np.full(n, today)),
            "gestational_weeks": week,
            "weight_kg": np.round(weight, 1),
            "systolic_bp": np.round(sbp).astype(int),
            "diastolic_bp": np.round(sbp * 0.62 + rng.normal(0, 4, n)).astype(int),
            "hemoglobin": np.round(rng.normal(118, 11, n)),
            "fundal_height_cm": np.round(fundal, 1),
        }
        self._send(
            "prenatal_visit",
            ev,
            at,
            {**_named(noisy), **measures},
            {**_named(clean), **measures},
            damaged,
            {"mother": p},
            rng,
        )

    def _births(self, ev: dict, today: int, rng: np.random.Generator) -> None:
        preg = self.w.preg
        clean, noisy, damaged = self._mother(ev, today, rng)
        i, n = ev["preg"], len(clean)
        baby = preg.baby[i, ev["detail"]]
        sex = self.w.people.sex[baby]
        grams = 3300 + 120 * (preg.weeks[i] - 39) - 600 * preg.twins[i] + rng.normal(0, 380, n)
        baby_name = newborn_names(clean["name"].to_numpy(object), sex, rng)
        issued = rng.random(n) < 0.8
        certificate = ids(
            "Q", self.w.counters.take("certificate", ev["org"]) + ev["org"] * 10**6, 9
        )
        at = preg.delivery[i] + 30 * 60
        details = {
            "delivery_time": iso_stamps(preg.delivery[i]),
            "delivery_mode": np.array(MODES, dtype=object)[preg.mode[i]],
            "gestational_weeks": preg.weeks[i],
            "baby_sex": sex.astype(str),
            "baby_birth_weight_g": np.clip(grams, 1200, 5000).astype(int),
            "baby_name": baby_name,
            "birth_certificate_no": np.where(issued, certificate, ""),
        }
        self._send(
            "delivery",
            ev,
            at,
            {**_named(noisy), **details},
            {**_named(clean), **details},
            damaged,
            {"mother": ev["person"], "newborn": baby},
            rng,
        )

    def _postpartum(self, ev: dict, today: int, rng: np.random.Generator) -> None:
        clean, noisy, damaged = self._mother(ev, today, rng)
        p, n = ev["person"], len(clean)
        sbp = 112 + 6 * self.w.people.latent[p, 1] + 18 * self.w.people.htn[p] + rng.normal(0, 6, n)
        notes = np.array(POSTPARTUM_NOTES, dtype=object)[rng.integers(0, len(POSTPARTUM_NOTES), n)]
        measures = {
            "visit_date": iso_dates(np.full(n, today)),
            "days_after_delivery": today - self.w.preg.delivery[ev["preg"]] // DAY,
            "systolic_bp": np.round(sbp).astype(int),
            "diastolic_bp": np.round(sbp * 0.63 + rng.normal(0, 4, n)).astype(int),
            "notes": notes,
        }
        at = today * DAY + clinic_seconds(rng, n, 8.5, 16.5)
        self._send(
            "postpartum_visit",
            ev,
            at,
            {**_named(noisy), **measures},
            {**_named(clean), **measures},
            damaged,
            {"mother": p},
            rng,
        )

    def _child_checkups(self, ev: dict, today: int, rng: np.random.Generator) -> None:
        w, n = self.w, len(ev["person"])
        clean = as_of(w.people, w.ident, ev["person"], today, rng)
        child_paperwork(clean, w.people, rng)
        noisy, damaged = w.noise.damage(clean, ev["org"], rng)
        mother_id, hit = w.noise.other_ids(clean["mother_id_no"].to_numpy(object), ev["org"], rng)
        mother_name, hit_name = w.noise.names(clean["mother_name"].to_numpy(object), ev["org"], rng)
        age = today - w.people.birth[ev["person"]]
        z = w.people.height_z[ev["person"]]
        measures = {"checkup_date": iso_dates(np.full(n, today))}
        for column, (median, spread) in GROWTH.items():
            typical = np.interp(age, GROWTH_DAYS, median) * np.where(
                w.people.sex[ev["person"]] == 1, 1.015, 0.985
            )
            measures[column] = np.round(
                typical * (1 + spread * (0.7 * z + 0.7 * rng.standard_normal(n))), 1
            )
        measures["development_result"] = np.select(
            [rng.random(n) < 0.95, rng.random(n) < 0.8], ["正常", "可疑"], "异常"
        )

        def rows(idf: pd.DataFrame, m_name: np.ndarray, m_id: np.ndarray) -> dict:
            return {
                "child_name": idf["name"],
                "child_sex": idf["sex"],
                "child_birth_date": idf["birth_date"],
                "child_id_no": idf["id_no"],
                "mother_name": m_name,
                "mother_id_no": m_id,
                **measures,
            }

        at = today * DAY + clinic_seconds(rng, n, 8.5, 16.5)
        self._send(
            "child_checkup",
            ev,
            at,
            rows(noisy, mother_name, mother_id),
            rows(
                clean, clean["mother_name"].to_numpy(object), clean["mother_id_no"].to_numpy(object)
            ),
            damaged | hit | hit_name,
            {"child": ev["person"]},
            rng,
        )

    # --- delivery ---------------------------------------------------------------------------

    def _send(
        self,
        record_type: str,
        ev: dict,
        at: np.ndarray,
        noisy: dict,
        clean: dict,
        damaged: np.ndarray,
        persons: dict[str, np.ndarray],
        rng: np.random.Generator,
    ) -> None:
        """Export the rows after the institution's lag; re-export some corrected later."""
        w, org = self.w, np.asarray(ev["org"], np.int64)
        head = {
            "record_id": ids(PREFIX[record_type], w.counters.take("mch", org), 9),
            "org_code": w.inst.codes[org],
        }
        frame = pd.DataFrame({**head, **{k: np.asarray(v) for k, v in noisy.items()}})
        frame["_org"], frame["_when"], frame["_first"] = (
            org,
            at + upload_lag(w.inst, org, rng),
            True,
        )
        for role, person in persons.items():
            frame[f"_{role}"] = person
        dataset = f"mch.{record_type}"
        kept = w.outbox.put(dataset, frame, rng)
        rate = w.inst.rate("correction", org)
        fix = (
            rng.random(len(frame)) < np.where(damaged, np.minimum(15 * rate, 0.9), rate)
        ) & frame.index.isin(kept.index)
        if fix.any():
            again = frame[fix].copy()
            fixed = pd.DataFrame({k: np.asarray(v) for k, v in clean.items()})[fix]
            again[list(clean)] = fixed.to_numpy()
            again["_when"] = (
                kept.loc[again.index, "_when"].to_numpy() + rng.integers(1, 8, len(again)) * DAY
            )
            again["_first"] = False
            w.outbox.put(dataset, again, rng)


def newborn_names(
    mother_names: np.ndarray, sex: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A delivery register's ``baby_name``: usually empty, else ``<mother>之子`` / ``之女``."""
    named = rng.random(len(sex)) < 0.45
    return np.where(named, placeholder(mother_names, sex), "")


def child_paperwork(frame: pd.DataFrame, people: People, rng: np.random.Generator) -> None:
    """How a child checkup writes the children of an :func:`as_of` frame: ``child_id_no`` is
    optional (left empty half the time), a nameless baby is ``<mother>之子``."""
    frame.loc[rng.random(len(frame)) < 0.5, ["id_no", "id_type"]] = ""
    name_placeholders(frame, people, (frame["name"] == "").to_numpy())


def _named(idf: pd.DataFrame) -> dict:
    return {"mother_name": idf["name"].to_numpy(), "mother_id_no": idf["id_no"].to_numpy()}
