"""Hospitals: encounters by age-specific rates, registration, the HIS rows they write.

A person goes to one of their own hospitals (community centre, district, tertiary, delivery).
The first visit registers them (one ``patient`` row per hospital, reused afterwards), except that
a returning patient is sometimes registered again under a new patient_id. Rows reach the
front-end database after the institution's lag; inpatient rows are updated at discharge; some
patient rows are corrected and some clinical rows deleted later.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator import clinical
from simulator.clock import DAY, HOUR, age_years, iso_stamps
from simulator.config import load
from simulator.identity import as_of, name_placeholders
from simulator.institutions import DELIVERY, HOSPITAL_SLOTS
from simulator.plans import BIRTH
from simulator.world import World, ids, upload_lag

PATIENT_STYLES = (("P", 8), ("", 10), ("MZ", 7), ("BR", 8))
# probability of each hospital slot (CHC, district, tertiary, delivery) per encounter kind
SLOT_P = {
    ("outpatient", False): [0.45, 0.30, 0.25, 0.0],
    ("outpatient", True): [0.25, 0.35, 0.30, 0.10],
    ("emergency", False): [0.0, 0.55, 0.45, 0.0],
    ("emergency", True): [0.0, 0.50, 0.40, 0.10],
    ("inpatient", False): [0.03, 0.45, 0.52, 0.0],
    ("inpatient", True): [0.0, 0.40, 0.45, 0.15],
    ("chronic", False): [0.75, 0.20, 0.05, 0.0],
    ("chronic", True): [0.75, 0.20, 0.05, 0.0],
}
WEEKDAY = {  # Mon..Sun demand factors
    "outpatient": [1.15, 1.15, 1.15, 1.15, 1.15, 0.75, 0.5],
    "emergency": [1.0] * 7,
    "inpatient": [1.1, 1.1, 1.1, 1.1, 1.1, 0.75, 0.75],
    "chronic": [1.3, 1.3, 1.3, 1.3, 1.3, 0.3, 0.2],
}
HOURS = {"outpatient": (8, 17), "emergency": (0, 24), "inpatient": (8, 20), "chronic": (8, 16)}


class Hospitals:
    def __init__(self, world: World) -> None:
        self.w = world
        people = world.people
        spec = load("clinical")
        age = np.maximum(age_years(people.birth, world.start), 0)  # unborn babies: infants
        band = np.searchsorted(spec["age_bands"], age, "right") - 1
        rates = {
            k: np.array(spec["encounter_rates"][k])[band]
            for k in ("outpatient", "emergency", "inpatient")
        }
        rates["chronic"] = np.where(people.htn | people.dm, spec["encounter_rates"]["chronic"], 0.0)
        self.cdf = {k: np.cumsum(v) for k, v in rates.items()}
        self.patient_no = np.zeros((len(people), len(HOSPITAL_SLOTS)), np.int32)

    def day(self, t: int, rng: np.random.Generator) -> None:
        """Simulated day ``t``'s encounters, filed in the outbox with all they write."""
        today = self.w.start + t
        enc = self._encounters(t, today, rng)
        if enc.empty:
            return
        patients, enc["patient_id"] = self._register(enc, today, rng)
        enc["encounter_id"] = ids(
            "E", self.w.counters.take("encounter", enc["_org"].to_numpy()), 10
        )
        enc["_lag"] = upload_lag(self.w.inst, enc["_org"].to_numpy(), rng)
        dx = clinical.diagnoses(enc, rng)
        enc["dept_name"] = clinical.departments(enc, dx, rng)
        self._put_patients(patients, enc, rng)
        self._put_encounters(enc, rng)
        self._put_clinical(enc, dx, rng)

    # --- who comes --------------------------------------------------------------------------

    def _encounters(self, t: int, today: int, rng: np.random.Generator) -> pd.DataFrame:
        people, weekday = self.w.people, (today + 3) % 7  # 1970-01-01 was a Thursday
        parts = []
        for kind, cdf in self.cdf.items():
            total = cdf[-1] if len(cdf) else 0.0
            k = rng.poisson(total * WEEKDAY[kind][weekday] / 365.25) if total > 0 else 0
            person = np.searchsorted(cdf, rng.random(k) * total, "right")
            person = person[people.birth[person] <= today]
            parts.append(self._visits(person, kind, today, rng))
        parts.append(self._births(t, today, rng))
        enc = pd.concat(parts, ignore_index=True)
        return enc.sort_values(["_org", "admit"], kind="stable", ignore_index=True)

    def _visits(
        self, person: np.ndarray, kind: str, today: int, rng: np.random.Generator
    ) -> pd.DataFrame:
        people = self.w.people
        child = people.birth[person] > today - 14 * 365
        p = np.array([SLOT_P[(kind, bool(c))] for c in (False, True)])[child.astype(int)]
        slot = (rng.random(len(person))[:, None] > np.cumsum(p, axis=1)).sum(axis=1)
        slot = np.minimum(slot, len(HOSPITAL_SLOTS) - 1)
        lo, hi = HOURS[kind]
        chronic_dx = np.where(
            people.htn[person] & (~people.dm[person] | (rng.random(len(person)) < 0.5)),
            "I10",
            "E11.9",
        )
        return self._frame(
            person,
            slot,
            "outpatient" if kind == "chronic" else kind,
            today * DAY + (rng.uniform(lo, hi, len(person)) * HOUR).astype(np.int64),
            np.where(kind == "chronic", chronic_dx, ""),
            np.full(len(person), -1),
        )

    def _births(self, t: int, today: int, rng: np.random.Generator) -> pd.DataFrame:
        """Each birth in the MCH plan is also an inpatient stay at the delivery hospital."""
        plan = self.w.maternal.on(t)
        first = (plan["kind"] == BIRTH) & (plan["detail"] == 0)
        preg = plan["preg"][first]
        born = self.w.preg.delivery[preg]
        admit = np.maximum(born - rng.integers(2, 10, len(preg)) * HOUR, today * DAY)
        return self._frame(
            self.w.preg.mother[preg],
            np.full(len(preg), DELIVERY),
            "inpatient",
            admit,
            np.full(len(preg), ""),
            self.w.preg.mode[preg],
        )

    def _frame(
        self,
        person: np.ndarray,
        slot: np.ndarray,
        etype: str,
        admit: np.ndarray,
        chronic_dx: np.ndarray,
        mode: np.ndarray,
    ) -> pd.DataFrame:
        people, org = self.w.people, self.w.net[person, slot].astype(np.int64)
        return pd.DataFrame(
            {
                "person": person,
                "slot": slot,
                "_org": org,
                "etype": etype,
                "admit": admit,
                "age": (admit // DAY - people.birth[person]) / 365.25,
                "sex": people.sex[person],
                "htn": people.htn[person],
                "dm": people.dm[person],
                "chronic_dx": chronic_dx.astype(object),
                "mode": mode,
                "org_kind": self.w.inst.org_type[org],
                "style": self.w.inst.style[org],
            }
        )

    # --- registration -----------------------------------------------------------------------

    def _register(
        self, enc: pd.DataFrame, today: int, rng: np.random.Generator
    ) -> tuple[pd.DataFrame, np.ndarray]:
        """Patient numbers per encounter; rows for first registrations and duplicates."""
        person, slot, org = enc["person"].to_numpy(), enc["slot"].to_numpy(), enc["_org"].to_numpy()
        known = self.patient_no[person, slot] > 0
        key = person * len(HOSPITAL_SLOTS) + slot
        _, first_pos = np.unique(key, return_index=True)
        first = np.zeros(len(enc), bool)
        first[first_pos] = True
        new = first & ~known
        self.patient_no[person[new], slot[new]] = self.w.counters.take("patient", org[new])
        number = self.patient_no[person, slot].astype(np.int64)
        dup = known & (rng.random(len(enc)) < self.w.inst.rate("duplicate_patient", org))
        number[dup] = self.w.counters.take("patient", org[dup])
        style = np.array(PATIENT_STYLES, dtype=object)[self.w.inst.style[org]]
        patient_id = ids(style[:, 0], number, style[:, 1].astype(int))
        rows = np.flatnonzero(new | dup)
        return self._patient_rows(enc, rows, patient_id[rows], today, rng), patient_id

    def _patient_rows(
        self,
        enc: pd.DataFrame,
        rows: np.ndarray,
        patient_id: np.ndarray,
        today: int,
        rng: np.random.Generator,
    ) -> pd.DataFrame:
        w = self.w
        clean = as_of(w.people, w.ident, enc["person"].to_numpy()[rows], today, rng)
        name_placeholders(clean, w.people, (clean["name"] == "").to_numpy())
        org = enc["_org"].to_numpy()[rows]
        noisy, damaged = w.noise.damage(clean, org, rng)
        frame = _patient_columns(noisy, patient_id)
        frame["_org"], frame["_enc"], frame["_person"], frame["_first"] = (
            org,
            rows,
            clean["person"].to_numpy(),
            True,
        )
        frame["_damaged"] = damaged
        frame["_clean"] = list(
            _patient_columns(clean, patient_id).itertuples(index=False, name=None)
        )
        return frame

    # --- delivery to the front-end database ------------------------------------------------

    def _put_patients(
        self, patients: pd.DataFrame, enc: pd.DataFrame, rng: np.random.Generator
    ) -> None:
        if patients.empty:
            return
        e = patients["_enc"].to_numpy()
        patients["_when"] = (
            enc["admit"].to_numpy()[e]
            - rng.integers(2, 15, len(e)) * 60
            + enc["_lag"].to_numpy()[e]
        )
        kept = self.w.outbox.put(
            "hospital.patient", patients.drop(columns=["_enc", "_clean", "_damaged"]), rng
        )
        # corrections: a damaged row is fixed later (sometimes); any row may be updated
        rate = self.w.inst.rate("correction", patients["_org"].to_numpy())
        fix = rng.random(len(patients)) < np.where(
            patients["_damaged"], np.minimum(15 * rate, 0.9), rate
        )
        fix &= patients.index.isin(kept.index)
        if fix.any():
            cols = [c for c in patients.columns if not c.startswith("_")]
            fixed = pd.DataFrame(
                list(patients.loc[fix, "_clean"]), columns=cols, index=patients.index[fix]
            )
            fixed["_org"], fixed["_person"], fixed["_first"] = (
                patients.loc[fix, "_org"],
                patients.loc[fix, "_person"],
                False,
            )
            fixed["_when"] = (
                kept.loc[fixed.index, "_when"].to_numpy()
                + rng.integers(1, 10, int(fix.sum())) * DAY
            )
            self.w.outbox.put("hospital.patient", fixed, rng)

    def _put_encounters(self, enc: pd.DataFrame, rng: np.random.Generator) -> None:
        emergency = enc["etype"].to_numpy() == "emergency"
        admit = enc["admit"].to_numpy()
        leave = np.where(emergency, admit + rng.integers(1, 7, len(enc)) * HOUR, -1)
        frame = pd.DataFrame(
            {
                "encounter_id": enc["encounter_id"],
                "patient_id": enc["patient_id"],
                "encounter_type": enc["etype"],
                "dept_name": enc["dept_name"],
                "admit_time": iso_stamps(admit),
                "discharge_time": np.where(leave > 0, iso_stamps(np.maximum(leave, 0)), None),
                "_org": enc["_org"],
                "_when": admit + enc["_lag"].to_numpy(),
            }
        )
        kept = self.w.outbox.put("hospital.encounter", frame, rng)
        # inpatients: the row is written again when they are discharged
        stay = kept[enc.loc[kept.index, "etype"].to_numpy() == "inpatient"]
        if stay.empty:
            return
        spec = load("clinical")
        los_spec = spec["length_of_stay_days"]
        mode = enc.loc[stay.index, "mode"].to_numpy()
        los = np.minimum(
            rng.lognormal(np.log(los_spec["median"]), los_spec["sigma"], len(stay)), los_spec["max"]
        )
        birth_los = np.array(
            [spec["deliveries"][m]["los"] for m in ("vaginal", "cesarean", "assisted")]
        )
        los = np.where(
            mode >= 0,
            birth_los[np.maximum(mode, 0)] + rng.integers(0, 2, len(stay)),
            los.astype(int) + 1,
        )
        out = (admit[stay.index] // DAY + los) * DAY + rng.integers(9 * HOUR, 12 * HOUR, len(stay))
        update = stay.assign(discharge_time=iso_stamps(out))
        lag = rng.exponential(self.w.inst.rate("lag_hours", stay["_org"].to_numpy())) * HOUR
        update["_when"] = np.maximum(out + lag.astype(np.int64), stay["_when"].to_numpy() + HOUR)
        self.w.outbox.put("hospital.encounter", update, rng)

    def _put_clinical(self, enc: pd.DataFrame, dx: pd.DataFrame, rng: np.random.Generator) -> None:
        people = self.w.people
        rx = clinical.prescriptions(enc, dx, rng)
        labs = clinical.lab_results(enc, dx, people.latent, rng)
        exams = clinical.exam_reports(enc, dx, rng)
        dx = dx.rename(columns={"_code": "_dx"})
        for table, frame, key, at, prefix in (
            ("diagnosis", dx, "diagnosis_id", "diagnosed_at", "D"),
            ("prescription", rx, "rx_id", "prescribed_at", "R"),
            ("lab_result", labs, "result_id", "reported_at", "L"),
            ("exam_report", exams, "report_id", "reported_at", "X"),
        ):
            if frame.empty:
                continue
            e = frame["_enc"].to_numpy(np.int64)
            org = enc["_org"].to_numpy()[e]
            frame = frame.assign(
                _org=org, _when=frame[at].to_numpy(np.int64) + enc["_lag"].to_numpy()[e]
            )
            frame.insert(0, key, ids(prefix, self.w.counters.take(table, org), 11))
            frame.insert(1, "encounter_id", enc["encounter_id"].to_numpy()[e])
            frame[at] = iso_stamps(frame[at].to_numpy(np.int64))
            kept = self.w.outbox.put(
                f"hospital.{table}",
                frame.drop(columns=[c for c in ("_enc", "_dx") if c in frame]),
                rng,
            )
            self._deletions(table, kept, key, rng)

    def _deletions(
        self, table: str, kept: pd.DataFrame, key: str, rng: np.random.Generator
    ) -> None:
        gone = kept[rng.random(len(kept)) < self.w.inst.rate("deletion", kept["_org"].to_numpy())]
        if gone.empty:
            return
        rows = pd.DataFrame(
            {
                "table_name": table,
                "row_id": gone[key].to_numpy(),
                "_org": gone["_org"].to_numpy(),
                "_when": gone["_when"].to_numpy() + rng.integers(1, 5 * DAY, len(gone)),
            }
        )
        self.w.outbox.put("hospital.deleted_rows", rows, rng)


def _patient_columns(frame: pd.DataFrame, patient_id: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "patient_id": patient_id,
            "id_type": frame["id_type"].to_numpy(),
            "id_no": frame["id_no"].to_numpy(),
            "name": frame["name"].to_numpy(),
            "sex_code": frame["sex"].to_numpy(),
            "birth_date": frame["birth_date"].to_numpy(),
            "phone": frame["phone"].to_numpy(),
            "address": frame["address"].to_numpy(),
        }
    )
