"""What a hospital records in an encounter: diagnoses, prescriptions, lab results, exams.

Input is a frame of encounters (one row each: ``age, sex, htn, dm, etype, admit, org_kind,
style, chronic_dx, mode``); output frames point back with ``_enc`` (the encounter's row) and carry
clinical times in local seconds. All draws are vectorised per diagnosis code.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from simulator.clock import DAY, HOUR
from simulator.config import load
from simulator.plans import MODES

ETYPES = ("outpatient", "emergency", "inpatient")
MINUTE = 60


@cache
def _tables() -> dict:
    spec = load("clinical")
    dx = spec["diagnoses"]
    codes = list(dx)
    weights = np.zeros((3, 5, 2, len(codes)))  # etype, age band, sex (0 male, 1 female), code
    for j, code in enumerate(codes):
        entry = dx[code]
        for e, key in enumerate(("o", "e", "i")):
            w = np.array(entry.get(key, [0] * 5), float)
            weights[e, :, 0, j] = 0 if entry.get("female_only") else w
            weights[e, :, 1, j] = 0 if entry.get("male_only") else w * entry.get("female", 1)
    names = {c: v["name"] for c, v in dx.items()}
    names |= {c: v["name"] for c, v in spec["chronic"].items()}
    names |= {v["code"]: v["name"] for v in spec["deliveries"].values()}
    entries = (
        dx
        | spec["chronic"]
        | {
            v["code"]: {**v, "dept": ["产科"], "labs": {"cbc": 1.0}, "exams": {}}
            for v in spec["deliveries"].values()
        }
    )
    return {
        "codes": np.array(codes, dtype=object),
        "weights": weights,
        "names": names,
        "entries": entries,
    }


def diagnoses(enc: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """A primary diagnosis per encounter (its chronic condition or delivery when it has one, else
    drawn for its type, age band and sex) plus the person's chronic conditions as secondary."""
    tables, n = _tables(), len(enc)
    bands = np.searchsorted(load("clinical")["age_bands"], enc["age"].to_numpy(), "right") - 1
    etype = enc["etype"].map(ETYPES.index).to_numpy()
    female = (enc["sex"].to_numpy() == 2).astype(int)
    primary = np.empty(n, dtype=object)
    group = etype * 10 + bands * 2 + female
    for g in np.unique(group):
        rows = np.flatnonzero(group == g)
        w = tables["weights"][g // 10, (g % 10) // 2, g % 2]
        primary[rows] = tables["codes"][rng.choice(len(w), len(rows), p=w / w.sum())]
    chronic = enc["chronic_dx"].to_numpy(object)
    primary = np.where(chronic != "", chronic, primary)
    mode = enc["mode"].to_numpy()
    births = load("clinical")["deliveries"]
    primary = np.where(
        mode >= 0,
        np.array([births[m]["code"] for m in MODES], dtype=object)[np.maximum(mode, 0)],
        primary,
    )
    parts = [_dx_rows(enc, np.arange(n), primary, 1, rng)]
    for flag, code in (("htn", "I10"), ("dm", "E11.9")):
        extra = enc[flag].to_numpy(bool) & (primary != code) & (rng.random(n) < 0.6) & (mode < 0)
        parts.append(
            _dx_rows(enc, np.flatnonzero(extra), np.full(extra.sum(), code, dtype=object), 0, rng)
        )
    out = pd.concat(parts, ignore_index=True).sort_values(
        ["_enc", "is_primary"], ascending=[True, False], kind="stable"
    )
    out["diagnosis_name"] = out["_code"].map(tables["names"])
    out["icd10_code"] = _local_codes(
        out["_code"].to_numpy(object), enc["style"].to_numpy()[out["_enc"]]
    )
    return out.reset_index(drop=True)


def _dx_rows(
    enc: pd.DataFrame, rows: np.ndarray, codes: np.ndarray, primary: int, rng: np.random.Generator
) -> pd.DataFrame:
    admit = enc["admit"].to_numpy()[rows]
    return pd.DataFrame(
        {
            "_enc": rows,
            "_code": codes,
            "is_primary": primary,
            "diagnosed_at": admit + rng.integers(5, 40, len(rows)) * MINUTE,
        }
    )


def _local_codes(codes: np.ndarray, style: np.ndarray) -> np.ndarray:
    """A quarter of hospitals use the national clinical edition (国家临床版2.0): J06.900 I10.x00."""
    extended = np.array([c + "00" if "." in c else c + ".x00" for c in codes], dtype=object)
    return np.where(style == 3, extended, codes)


def departments(enc: pd.DataFrame, dx: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """The department of each encounter, from its primary diagnosis, type and the patient."""
    entries = _tables()["entries"]
    primary = (
        dx[dx["is_primary"] == 1]
        .set_index("_enc")["_code"]
        .reindex(range(len(enc)))
        .to_numpy(object)
    )
    child = enc["age"].to_numpy() < 14
    pick = rng.integers(0, 1 << 20, len(enc))
    out = []
    for code, is_child, p in zip(primary, child, pick, strict=True):
        depts = entries[code]["dept"]
        adult = [d for d in depts if d != "儿科"] or depts
        out.append("儿科" if is_child and "儿科" in depts else adult[p % len(adult)])
    out = np.array(out, dtype=object)
    out[(enc["org_kind"].to_numpy() == 2) & (enc["etype"].to_numpy() == "outpatient")] = "全科"
    out[enc["etype"].to_numpy() == "emergency"] = "急诊科"
    return out


def prescriptions(enc: pd.DataFrame, dx: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Drugs from each diagnosis's list: the first usually, others sometimes; children half."""
    spec = load("clinical")
    entries, drugs = _tables()["entries"], spec["drugs"]
    parts = []
    for code, rows in dx.groupby("_code", sort=True).groups.items():
        rows = np.asarray(rows)
        for k, drug in enumerate(entries[code].get("drugs", [])):
            take = rows[rng.random(len(rows)) < (0.75 if k == 0 else 0.35)]
            atc, name, dose, unit, freq, days = drugs[drug]
            parts.append(
                pd.DataFrame(
                    {
                        "_enc": dx["_enc"].to_numpy()[take],
                        "drug_code": atc,
                        "drug_name": name,
                        "dose": float(dose),
                        "dose_unit": unit,
                        "frequency": freq,
                        "days": int(days),
                        "prescribed_at": dx["diagnosed_at"].to_numpy()[take]
                        + rng.integers(2, 20, len(take)) * MINUTE,
                    }
                )
            )
    if not parts:
        return pd.DataFrame(
            columns=[
                "_enc",
                "drug_code",
                "drug_name",
                "dose",
                "dose_unit",
                "frequency",
                "days",
                "prescribed_at",
            ]
        )
    out = pd.concat(parts, ignore_index=True).sort_values(["_enc", "prescribed_at"], kind="stable")
    child = enc["age"].to_numpy()[out["_enc"]] < 12
    halve = child & out["dose_unit"].isin(["g", "mg"]).to_numpy()
    out.loc[halve, "dose"] = (out.loc[halve, "dose"] / 2).round(3)
    return out.reset_index(drop=True)


def lab_results(
    enc: pd.DataFrame, dx: pd.DataFrame, latent: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """Panels ordered for the diagnoses (inpatients always get blood count, liver/kidney and
    electrolytes); values from the person's sex, age, conditions and traits; flags from ranges."""
    spec, entries = load("clinical"), _tables()["entries"]
    ordered = []
    for code, rows in dx.groupby("_code", sort=True).groups.items():
        rows = np.asarray(rows)
        for panel, p in entries[code].get("labs", {}).items():
            ordered.append(
                pd.DataFrame(
                    {"_enc": dx["_enc"].to_numpy()[rows[rng.random(len(rows)) < p]], "panel": panel}
                )
            )
    inpatient = np.flatnonzero(enc["etype"].to_numpy() == "inpatient")
    ordered += [pd.DataFrame({"_enc": inpatient, "panel": p}) for p in ("cbc", "lft", "lytes")]
    panels = (
        pd.concat(ordered, ignore_index=True)
        .drop_duplicates()
        .sort_values(["_enc", "panel"], kind="stable")
    )
    items = panels.assign(item=panels["panel"].map(spec["panels"])).explode(
        "item", ignore_index=True
    )
    if items.empty:
        return pd.DataFrame(
            columns=[
                "_enc",
                "item_code",
                "item_name",
                "value",
                "unit",
                "ref_range",
                "abnormal_flag",
                "reported_at",
            ]
        )
    e = items["_enc"].to_numpy(np.int64)
    infection = _infection(dx, len(enc))[e]
    return _lab_values(items["item"].to_numpy(object), enc.iloc[e], infection, latent, rng, e)


def _infection(dx: pd.DataFrame, n: int) -> np.ndarray:
    entries = _tables()["entries"]
    flag = dx["_code"].map(lambda c: bool(entries[c].get("infection"))).to_numpy(bool)
    out = np.zeros(n, bool)
    out[dx["_enc"].to_numpy()[flag]] = True
    return out


TRAIT = {"GLU": 2, "HBA1C": 2, "TC": 3, "TG": 3, "UA": 0}


def _lab_values(
    item: np.ndarray,
    enc: pd.DataFrame,
    infection: np.ndarray,
    latent: np.ndarray,
    rng: np.random.Generator,
    e: np.ndarray,
) -> pd.DataFrame:
    labs = load("clinical")["labs"]
    female = (enc["sex"].to_numpy() == 2).astype(int)
    elderly = enc["age"].to_numpy() >= 65
    z = rng.standard_normal(len(item))
    value, lo, hi = np.zeros(len(item)), np.zeros(len(item)), np.zeros(len(item))
    ref_text = np.empty(len(item), dtype=object)
    for code in np.unique(item):
        m = item == code
        spec = labs[code]
        mean = np.array(spec["mean"])[female[m]]
        shift = (
            infection[m] * spec.get("infection", 0)
            + enc["dm"].to_numpy()[m] * spec.get("diabetes", 0)
            + enc["htn"].to_numpy()[m] * spec.get("hypertension", 0)
            + elderly[m] * spec.get("elderly", 0)
        )
        trait = latent[enc["person"].to_numpy()[m], TRAIT[code]] * 0.5 if code in TRAIT else 0.0
        if spec.get("lognormal"):
            raw = (mean + shift) * np.exp(spec["sd"] * (z[m] + trait))
        else:
            raw = mean + shift + spec["sd"] * (z[m] + trait)
        value[m] = np.maximum(np.round(raw, spec["digits"]), 10.0 ** -max(spec["digits"], 1))
        ref = np.array(spec["ref"])[female[m]]
        lo[m], hi[m] = ref[:, 0], ref[:, 1]
        texts = np.array([f"{a:g}-{b:g}" for a, b in spec["ref"]], dtype=object)
        ref_text[m] = texts[female[m]]
    flag = np.where(value > hi, "H", np.where(value < lo, "L", "N")).astype(object)
    admit = enc["admit"].to_numpy()
    inpatient = enc["etype"].to_numpy() == "inpatient"
    next_morning = (admit // DAY + 1) * DAY + rng.integers(7 * HOUR, 10 * HOUR, len(item))
    reported = np.where(inpatient, next_morning, admit + rng.integers(40, 180, len(item)) * MINUTE)
    return pd.DataFrame(
        {
            "_enc": e,
            "item_code": item,
            "item_name": [labs[c]["name"] for c in item],
            "value": value,
            "unit": [labs[c]["unit"] for c in item],
            "ref_range": ref_text,
            "abnormal_flag": flag,
            "reported_at": reported,
        }
    )


def exam_reports(enc: pd.DataFrame, dx: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Imaging and ECG ordered for the primary diagnosis, with normal or abnormal findings."""
    spec, entries = load("clinical")["exams"], _tables()["entries"]
    primary = dx[dx["is_primary"] == 1]
    parts = []
    for code, rows in primary.groupby("_code", sort=True).groups.items():
        rows = np.asarray(rows)
        for exam, p in entries[code].get("exams", {}).items():
            take = rows[rng.random(len(rows)) < p]
            modality, part, p_abnormal, normal, abnormal = spec[exam]
            bad = rng.random(len(take)) < p_abnormal
            e = dx["_enc"].to_numpy()[take]
            wait = np.where(
                modality == "ECG", rng.integers(5, 20, len(take)), rng.integers(30, 240, len(take))
            )
            parts.append(
                pd.DataFrame(
                    {
                        "_enc": e,
                        "modality": modality,
                        "body_part": part,
                        "findings": np.where(bad, abnormal[0], normal[0]),
                        "conclusion": np.where(bad, abnormal[1], normal[1]),
                        "reported_at": enc["admit"].to_numpy()[e] + wait * MINUTE,
                    }
                )
            )
    if not parts:
        return pd.DataFrame(
            columns=["_enc", "modality", "body_part", "findings", "conclusion", "reported_at"]
        )
    return (
        pd.concat(parts, ignore_index=True)
        .sort_values(["_enc", "reported_at"], kind="stable")
        .reset_index(drop=True)
    )
