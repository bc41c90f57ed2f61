"""Health-checkup centres: adult checkups whose values follow the person.

A hypertensive examinee has higher blood pressure, a diabetic higher fasting glucose, and the
BMI, lipid and uric-acid traits persist from visit to visit. Delivered as GBK CSV with Chinese
headers by the writer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.clock import DAY, clinic_seconds, iso_dates
from simulator.config import load
from simulator.identity import as_of
from simulator.institutions import CHECKUP
from simulator.world import World, ids, upload_lag

WEEKDAY = [1.25, 1.25, 1.25, 1.25, 1.2, 0.6, 0.2]  # employer checkups on working days
SEX_LABELS = {"1": "男", "2": "女"}  # 性别 as checkup vendors write it; unknown sex left empty


class Checkups:
    def __init__(self, world: World) -> None:
        self.w = world
        age = (world.start - world.people.birth) / 365.25
        weight = np.where(age >= 18, np.where(age >= 65, 1.5, 1.0), 0.0)  # free checkups for 65+
        self.cdf = np.cumsum(weight)
        self.rate = load("services")["checkup_rate"]
        pop = load("population")
        self.employers = [t.format(x=x) for t in pop["employers"] for x in pop["employer_words"]]

    def day(self, t: int, rng: np.random.Generator) -> None:
        """Simulated day ``t``'s adult checkups (fewer at weekends)."""
        today = self.w.start + t
        total = self.cdf[-1] if len(self.cdf) else 0.0
        k = rng.poisson(total * self.rate * WEEKDAY[(today + 3) % 7] / 365.25) if total else 0
        person = np.unique(np.searchsorted(self.cdf, rng.random(k) * total, "right"))
        if len(person):
            self._visits(person, today, rng)

    def _visits(self, person: np.ndarray, today: int, rng: np.random.Generator) -> None:
        w, n = self.w, len(person)
        org = w.net[person, CHECKUP].astype(np.int64)
        clean = as_of(w.people, w.ident, person, today, rng)
        noisy, _ = w.noise.damage(clean, org, rng)
        at = today * DAY + clinic_seconds(rng, n, 7.5, 11.0)
        numbers = w.counters.take("checkup", org)
        day_text = iso_dates(np.full(n, today))[0].replace("-", "")
        frame = pd.DataFrame(
            {
                "exam_no": ids(f"TJ{day_text}", numbers, 5),
                "name": noisy["name"].to_numpy(),
                "sex_label": noisy["sex"].map(SEX_LABELS).fillna("").to_numpy(),
                "birth_date": noisy["birth_date"].to_numpy(),
                "id_type": noisy["id_type"].to_numpy(),
                "id_no": noisy["id_no"].to_numpy(),
                "phone": noisy["phone"].to_numpy(),
                "employer": self._employer(person),
                "exam_date": iso_dates(np.full(n, today)),
                **self._measures(person, today, rng),
            }
        )
        frame["_org"], frame["_when"], frame["_first"], frame["_examinee"] = (
            org,
            at + upload_lag(w.inst, org, rng),
            True,
            person,
        )
        w.outbox.put("checkup.visit", frame, rng)

    def _employer(self, person: np.ndarray) -> np.ndarray:
        employer = self.w.people.employer[person]
        names = np.array(self.employers, dtype=object)
        return np.where(employer >= 0, names[np.maximum(employer, 0) % len(names)], "")

    def _measures(
        self, person: np.ndarray, today: int, rng: np.random.Generator
    ) -> dict[str, np.ndarray]:
        p, n = self.w.people, len(person)
        male = p.sex[person] == 1
        age = (today - p.birth[person]) / 365.25
        bmi_z, bp_z, glu_z, lip_z = (p.latent[person, i] for i in range(4))
        htn, dm = p.htn[person], p.dm[person]
        height = (
            np.where(male, 171, 159) - np.clip(age - 50, 0, 40) * 0.12 + 6.2 * p.height_z[person]
        )
        bmi = 23.0 + 3.0 * bmi_z + 1.2 * htn + 1.5 * dm + rng.normal(0, 0.4, n)
        sbp = 112 + 0.45 * np.maximum(age - 20, 0) + 8 * bp_z + 22 * htn + rng.normal(0, 7, n)
        dbp = 70 + 0.15 * np.maximum(age - 20, 0) + 5 * bp_z + 11 * htn + rng.normal(0, 5, n)
        glucose = 5.0 + 0.35 * glu_z + dm * (2.6 + 1.2 * np.abs(glu_z)) + rng.normal(0, 0.25, n)
        tc = 4.5 + 0.7 * lip_z + 0.01 * np.maximum(age - 30, 0) + rng.normal(0, 0.25, n)
        tg = np.exp(np.log(1.2) + 0.35 * lip_z + 0.15 * bmi_z + 0.3 * dm + rng.normal(0, 0.2, n))
        ua = np.where(male, 365, 275) + 50 * bmi_z + rng.normal(0, 35, n)
        values = {
            "height_cm": np.round(height, 1),
            "weight_kg": np.round(bmi * (height / 100) ** 2, 1),
            "systolic_bp": np.round(sbp).astype(int),
            "diastolic_bp": np.round(dbp).astype(int),
            "fasting_glucose": np.round(np.maximum(glucose, 3.2), 2),
            "total_cholesterol": np.round(np.maximum(tc, 2.0), 2),
            "triglycerides": np.round(tg, 2),
            "uric_acid": np.round(np.maximum(ua, 120)),
        }
        values["conclusion"] = _conclusion(values, bmi, male, htn, dm)
        return values


def _conclusion(
    v: dict[str, np.ndarray], bmi: np.ndarray, male: np.ndarray, htn: np.ndarray, dm: np.ndarray
) -> np.ndarray:
    findings = [
        (htn, "高血压病史"),
        (dm, "糖尿病病史"),
        ((v["systolic_bp"] >= 140) | (v["diastolic_bp"] >= 90), "血压偏高"),
        (v["fasting_glucose"] >= 6.1, "空腹血糖偏高"),
        (v["total_cholesterol"] >= 5.2, "总胆固醇偏高"),
        (v["triglycerides"] >= 1.7, "甘油三酯偏高"),
        (v["uric_acid"] > np.where(male, 420, 360), "高尿酸血症"),
        (bmi >= 28, "肥胖"),
        ((bmi >= 24) & (bmi < 28), "超重"),
    ]
    out = np.full(len(bmi), "", dtype=object)
    for mask, text in findings:
        out = np.where(mask, out + np.where(out == "", "", "；") + text, out)
    return np.where(out == "", "未见明显异常", out)
