"""Trains the four intent models (sell, buy, refinance, investment) from the rows models/intent/train.ts
exports (features computed by the TypeScript feature builder; nothing is recomputed here).

Per type: a HistGradientBoostingClassifier on the rows of 80% of the contacts, a Platt calibration
(p = sigmoid(a * margin + b)) fitted on the other 20% (contacts the trees never saw), export of the raw
margin to ONNX with models/train/onnx_trees.py, and a manifest entry (calibration, gain importance).
Run by `npm run models:train:intent`; usable alone:

    /usr/bin/python3 models/train/train_intent.py --rows rows.csv --out-dir DIR \
        [--train-until YYYY-MM-DD] [--exclude-holdout] [--fixtures-dir DIR] [--summary FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

# One thread for the OpenMP loops inside HistGradientBoosting: the machines are shared (n_jobs=1).
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import average_precision_score  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import onnx  # noqa: E402
from onnx_trees import save_parity_fixtures, to_onnx  # noqa: E402

INTENT_TYPES = ["sell", "buy", "refinance", "investment"]
META_COLUMNS = ["contact_id", "as_of", "holdout", "weight"] + [f"y_{t}" for t in INTENT_TYPES]
SEED = 20140630
CALIBRATION_SHARE = 0.2
FIXTURE_ROWS = 48

# Chosen on the out-of-time, held-out-contact evaluation (see the model card); shallow trees with many
# rows per leaf because positives are rare and adjacent as-of dates of one contact are near-duplicates.
HGB_PARAMS = dict(
    learning_rate=0.05,
    max_iter=300,
    max_leaf_nodes=15,
    min_samples_leaf=100,
    l2_regularization=1.0,
    early_stopping=False,
)


def load_rows(path: str, train_until: str | None, exclude_holdout: bool) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    frame = pd.read_csv(path, dtype={"contact_id": str, "as_of": str})
    if train_until:
        frame = frame[frame["as_of"] <= train_until]
    if exclude_holdout:
        frame = frame[frame["holdout"] == 0]
    frame = frame.reset_index(drop=True)
    feature_names = [c for c in frame.columns if c not in META_COLUMNS]
    # float32 is what ONNX sees: train on exactly the values the app will feed.
    features = frame[feature_names].to_numpy(dtype=np.float32)
    return frame[META_COLUMNS], features, feature_names


def calibration_contacts(contact_ids: pd.Series) -> np.ndarray:
    unique = np.array(sorted(contact_ids.unique()))
    rng = np.random.default_rng(SEED)
    chosen = rng.choice(unique, size=int(round(len(unique) * CALIBRATION_SHARE)), replace=False)
    return contact_ids.isin(set(chosen)).to_numpy()


def gain_importance(model: HistGradientBoostingClassifier, n_features: int) -> np.ndarray:
    """Total split gain per feature, normalised to sum 1 (HistGradientBoosting in sklearn 1.2 has no feature_importances_)."""
    gains = np.zeros(n_features)
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        split = nodes["is_leaf"] == 0
        np.add.at(gains, nodes["feature_idx"][split], nodes["gain"][split])
    total = gains.sum()
    return gains / total if total > 0 else gains


def platt(margins: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    fit = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000)
    fit.fit(margins.reshape(-1, 1), labels, sample_weight=weights)
    return float(fit.coef_[0, 0]), float(fit.intercept_[0])


def fixture_rows(margins: np.ndarray, features: np.ndarray) -> np.ndarray:
    """Rows spanning the score range (the highest, the lowest, a spread between) plus rows with missing values."""
    order = np.argsort(margins)
    picks = list(order[-12:]) + list(order[:6])
    picks += list(order[np.linspace(0, len(order) - 1, FIXTURE_ROWS - len(picks) - 6).astype(int)])
    with_nan = np.flatnonzero(np.isnan(features).any(axis=1))
    picks += list(with_nan[:: max(1, len(with_nan) // 6)][:6])
    return np.array(sorted(set(int(i) for i in picks)))


def train_type(intent: str, meta: pd.DataFrame, X: np.ndarray, names: list[str], out_dir: Path, fixtures_dir: Path | None) -> dict:
    started = time.time()
    y = meta[f"y_{intent}"].to_numpy()
    w = meta["weight"].to_numpy(dtype=np.float64)
    calibrate_rows = calibration_contacts(meta["contact_id"])
    fit_rows = ~calibrate_rows

    model = HistGradientBoostingClassifier(random_state=SEED, **HGB_PARAMS)
    model.fit(X[fit_rows], y[fit_rows], sample_weight=w[fit_rows])
    margins = model.decision_function(X[calibrate_rows])
    a, b = platt(margins, y[calibrate_rows], w[calibrate_rows])
    calibrated = 1 / (1 + np.exp(-(a * margins + b)))

    file = f"intent-{intent}.onnx"
    proto = to_onnx(model, names, output="margin", name=f"intent-{intent}",
                    metadata={"intent_type": intent, "calibration": json.dumps({"method": "platt", "a": a, "b": b})})
    onnx.save(proto, str(out_dir / file))
    if fixtures_dir is not None:
        rows = fixture_rows(margins, X[calibrate_rows])
        path = fixtures_dir / f"intent-{intent}.parity.json"
        fixtures = save_parity_fixtures(model, proto, X[calibrate_rows][rows], path)
        # The app applies the calibration after the margin: pin the calibrated probability too.
        fixtures["calibration"] = {"method": "platt", "a": a, "b": b}
        fixtures["expected_probability"] = [float(1 / (1 + np.exp(-(a * m + b)))) for m in fixtures["expected"]]
        path.write_text(json.dumps(fixtures) + "\n")

    importance = gain_importance(model, len(names))
    top = np.argsort(-importance)[:12]
    summary = {
        "file": file,
        "rows_fit": int(fit_rows.sum()),
        "rows_calibration": int(calibrate_rows.sum()),
        "positives_fit": int(y[fit_rows].sum()),
        "iterations": int(model.n_iter_),
        "calibration": {"method": "platt", "a": a, "b": b},
        "calibration_average_precision": float(average_precision_score(y[calibrate_rows], calibrated, sample_weight=w[calibrate_rows])),
        "top_features": [[names[i], round(float(importance[i]), 4)] for i in top],
        "seconds": round(time.time() - started, 1),
    }
    print(f"  {intent:<10} {summary['iterations']} trees, {summary['positives_fit']} positives, "
          f"calibration AP {summary['calibration_average_precision']:.3f}, a={a:.3f} b={b:.3f} ({summary['seconds']} s)", flush=True)
    return {"manifest": {"file": file, "input": "features", "output": "margin",
                         "calibration": {"method": "platt", "a": a, "b": b},
                         "importance": [round(float(v), 6) for v in importance]},
            "summary": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", required=True, help="training rows CSV written by models/intent/train.ts")
    parser.add_argument("--out-dir", required=True, help="where intent-<type>.onnx and intent-models.json go")
    parser.add_argument("--train-until", help="use only as-of dates <= this YYYY-MM-DD")
    parser.add_argument("--exclude-holdout", action="store_true", help="leave out the contacts marked holdout=1")
    parser.add_argument("--fixtures-dir", help="write parity fixtures here")
    parser.add_argument("--summary", help="write a JSON training summary here")
    parser.add_argument("--version", default="dev", help="model version recorded in the manifest")
    args = parser.parse_args()

    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fixtures_dir = Path(args.fixtures_dir) if args.fixtures_dir else None
    started = time.time()
    meta, X, names = load_rows(args.rows, args.train_until, args.exclude_holdout)
    print(f"train_intent: {len(meta)} rows of {meta['contact_id'].nunique()} contacts, "
          f"as-of {meta['as_of'].min()} .. {meta['as_of'].max()}, {len(names)} features", flush=True)

    weights = meta["weight"].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore"):
        present = ~np.isnan(X)
        mean = np.where(present, X, 0).T @ weights / np.maximum(present.T @ weights, 1e-12)
    results = {intent: train_type(intent, meta, X, names, out_dir, fixtures_dir) for intent in INTENT_TYPES}

    manifest = {
        "version": args.version,
        "featureNames": names,
        "population": {"mean": [None if not present[:, i].any() else round(float(mean[i]), 6) for i in range(len(names))]},
        "models": {intent: results[intent]["manifest"] for intent in INTENT_TYPES},
    }
    (out_dir / "intent-models.json").write_text(json.dumps(manifest, indent=1) + "\n")
    if args.summary:
        summary = {
            "rows": int(len(meta)),
            "contacts": int(meta["contact_id"].nunique()),
            "as_of_first": str(meta["as_of"].min()),
            "as_of_last": str(meta["as_of"].max()),
            "params": HGB_PARAMS,
            "seed": SEED,
            "models": {intent: results[intent]["summary"] for intent in INTENT_TYPES},
            "seconds": round(time.time() - started, 1),
        }
        Path(args.summary).write_text(json.dumps(summary, indent=1) + "\n")
    print(f"train_intent: done in {time.time() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
