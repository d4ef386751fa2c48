"""Our own scikit-learn -> ONNX converter for gradient-boosted tree ensembles.

skl2onnx is not available here, and we only need one family of models, so this module writes the
`ai.onnx.ml` TreeEnsembleRegressor operator directly with the `onnx` package.

Supported (scikit-learn 1.2.x):
  * GradientBoostingRegressor           (any identity-link loss: squared_error, absolute_error, huber, quantile)
  * GradientBoostingClassifier          (binary, loss='log_loss')
  * HistGradientBoostingRegressor       (identity-link losses; numerical features; NaN = missing)
  * HistGradientBoostingClassifier      (binary, loss='log_loss'; numerical features; NaN = missing)

Public API (stable; the intent models of issue 4 import it). From a script in models/train/
(its folder is on sys.path): `from onnx_trees import to_onnx, save_parity_fixtures`; then
`onnx.save(to_onnx(model, names), "models/x.onnx")`.

    to_onnx(model, feature_names, *, output=None, name=None, metadata=None) -> onnx.ModelProto
        Graph: input  "features"  float32 [N, len(feature_names)]  (columns in feature_names order)
               output named like `output`, float32 [N, 1]:
                 "value"        regressors: the prediction (what model.predict returns)
                 "margin"       classifiers: the raw log-odds (model.decision_function)
                 "probability"  classifiers: sigmoid(margin) = model.predict_proba(X)[:, 1]
        `output` defaults to "value" for regressors and "probability" for classifiers.
        Model metadata (metadata_props) records feature_names (JSON list), output, the sklearn class
        and any extra `metadata` strings, so TypeScript can check the column order it feeds.

    predict_reference(model, X, output) -> np.ndarray (float64 [N])
        What sklearn says for `output`, on X cast to float32 first (the precision ONNX sees).

    evaluate_onnx_numpy(model_proto, X) -> np.ndarray (float64 [N])
        A small NumPy evaluator of the graphs this module writes (onnx 1.12 has no reference
        runtime), used to check a conversion in Python before onnxruntime-node replays it.

    save_parity_fixtures(model, model_proto, X, path, *, tolerance=1e-5) -> dict
        Writes JSON {feature_names, output, input_name, output_name, tolerance, inputs, expected}
        with inputs as float32 values (null = NaN = missing) and expected = predict_reference(...);
        raises if the NumPy evaluation of model_proto differs from sklearn by more than `tolerance`.

Precision: ONNX receives float32 features. GradientBoosting casts X to float32 itself, and
HistGradientBoosting gives the same answers on float32-representable inputs. The graph casts the
input to float64 and runs the ensemble with double thresholds, leaf weights and base value, so
onnxruntime compares (BRANCH_LEQ, exactly sklearn's `<=`) and sums like sklearn; each threshold t is
stored as the largest float32 <= t, which routes every float32 x the same way and stays exact even
for a runtime that reads thresholds as float. Only the float32 output rounds:
|onnx - sklearn| ~ 1e-6 on outputs of magnitude ~10.

Run `/usr/bin/python3 models/train/onnx_trees.py --self-test` to convert small models of each
supported kind and check them against sklearn.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)

__all__ = ["to_onnx", "predict_reference", "evaluate_onnx_numpy", "save_parity_fixtures"]

INPUT_NAME = "features"
ML_DOMAIN = "ai.onnx.ml"
ML_OPSET = 3
ONNX_OPSET = 15
IR_VERSION = 8

_IDENTITY_LOSSES = {"squared_error", "absolute_error", "huber", "quantile"}


class _Tree:
    """One tree in the flat form TreeEnsembleRegressor wants (node ids are positions)."""

    def __init__(self, is_leaf, feature, threshold, left, right, missing_left, leaf_value):
        self.is_leaf = np.asarray(is_leaf, dtype=bool)
        self.feature = np.asarray(feature, dtype=np.int64)
        self.threshold = np.asarray(threshold, dtype=np.float64)
        self.left = np.asarray(left, dtype=np.int64)
        self.right = np.asarray(right, dtype=np.int64)
        self.missing_left = np.asarray(missing_left, dtype=bool)
        self.leaf_value = np.asarray(leaf_value, dtype=np.float64)


def _float32_at_most(values: np.ndarray) -> np.ndarray:
    """Largest float32 <= each float64 value (so float32 `x <= result` matches float64 `x <= value`)."""
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(over="ignore"):
        rounded = values.astype(np.float32)
    too_big = rounded.astype(np.float64) > values
    rounded[too_big] = np.nextafter(rounded[too_big], np.float32(-np.inf))
    return rounded


def _sklearn_tree(estimator, scale: float) -> _Tree:
    tree = estimator.tree_
    is_leaf = tree.children_left == -1
    return _Tree(
        is_leaf=is_leaf,
        feature=np.where(is_leaf, 0, tree.feature),
        threshold=np.where(is_leaf, 0.0, tree.threshold),
        left=np.where(is_leaf, 0, tree.children_left),
        right=np.where(is_leaf, 0, tree.children_right),
        # DecisionTree in sklearn 1.2 rejects NaN, so the missing direction never matters.
        missing_left=np.zeros(tree.node_count, dtype=bool),
        leaf_value=tree.value[:, 0, 0] * scale,
    )


def _hist_tree(predictor) -> _Tree:
    nodes = predictor.nodes
    if np.any(nodes["is_categorical"][~nodes["is_leaf"].astype(bool)]):
        raise NotImplementedError("HistGradientBoosting with categorical features is not supported")
    is_leaf = nodes["is_leaf"].astype(bool)
    return _Tree(
        is_leaf=is_leaf,
        feature=np.where(is_leaf, 0, nodes["feature_idx"]),
        threshold=np.where(is_leaf, 0.0, nodes["num_threshold"]),
        left=np.where(is_leaf, 0, nodes["left"]),
        right=np.where(is_leaf, 0, nodes["right"]),
        missing_left=nodes["missing_go_to_left"].astype(bool) & ~is_leaf,
        leaf_value=nodes["value"],  # shrinkage is already applied to HistGB leaves
    )


def _default_output(model) -> str:
    return "probability" if isinstance(model, (GradientBoostingClassifier, HistGradientBoostingClassifier)) else "value"


def _check_output(model, output: str) -> None:
    allowed = {"probability", "margin"} if _default_output(model) == "probability" else {"value"}
    if output not in allowed:
        raise ValueError(f"output={output!r} is not valid for {type(model).__name__}; use one of {sorted(allowed)}")


def _decompose(model) -> tuple[float, list[_Tree]]:
    """(base value, trees) such that raw prediction = base + sum of leaf values reached."""
    if isinstance(model, (GradientBoostingRegressor, GradientBoostingClassifier)):
        if not hasattr(model, "estimators_"):
            raise ValueError("model is not fitted")
        if model.estimators_.shape[1] != 1:
            raise NotImplementedError("only regression and binary classification are supported")
        if isinstance(model, GradientBoostingClassifier) and model.loss != "log_loss":
            raise NotImplementedError("GradientBoostingClassifier: only loss='log_loss' is supported")
        if isinstance(model, GradientBoostingRegressor) and model.loss not in _IDENTITY_LOSSES:
            raise NotImplementedError(f"GradientBoostingRegressor: loss={model.loss!r} is not supported")
        if isinstance(model.init_, str) and model.init_ == "zero":
            base = 0.0
        elif isinstance(model.init_, (DummyRegressor, DummyClassifier)):
            # A Dummy init predicts a constant: evaluate it once on any row.
            base = float(model._raw_predict_init(np.zeros((1, model.n_features_in_), dtype=np.float32))[0, 0])
        else:
            raise NotImplementedError("only init=None (Dummy) or init='zero' can be exported")
        scale = float(model.learning_rate)
        trees = [_sklearn_tree(model.estimators_[i, 0], scale) for i in range(model.n_estimators_)]
        return base, trees

    if isinstance(model, (HistGradientBoostingRegressor, HistGradientBoostingClassifier)):
        if not hasattr(model, "_predictors"):
            raise ValueError("model is not fitted")
        if model.n_trees_per_iteration_ != 1:
            raise NotImplementedError("only regression and binary classification are supported")
        loss = model.loss
        if isinstance(model, HistGradientBoostingRegressor) and loss not in _IDENTITY_LOSSES:
            raise NotImplementedError(f"HistGradientBoostingRegressor: loss={loss!r} is not supported")
        if isinstance(model, HistGradientBoostingClassifier) and loss not in ("log_loss", "auto", "binary_crossentropy"):
            raise NotImplementedError(f"HistGradientBoostingClassifier: loss={loss!r} is not supported")
        base = float(np.ravel(model._baseline_prediction)[0])
        trees = [_hist_tree(iteration[0]) for iteration in model._predictors]
        return base, trees

    raise NotImplementedError(f"{type(model).__name__} is not supported by onnx_trees")


def to_onnx(
    model,
    feature_names: Sequence[str],
    *,
    output: str | None = None,
    name: str | None = None,
    metadata: dict[str, str] | None = None,
) -> onnx.ModelProto:
    """Convert a fitted boosted-tree model to ONNX (see the module docstring for the graph contract)."""
    feature_names = [str(f) for f in feature_names]
    if len(feature_names) != model.n_features_in_:
        raise ValueError(f"{len(feature_names)} feature names for a model with {model.n_features_in_} features")
    output = output or _default_output(model)
    _check_output(model, output)
    base, trees = _decompose(model)

    attrs: dict[str, list] = {k: [] for k in (
        "nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_values", "nodes_modes",
        "nodes_truenodeids", "nodes_falsenodeids", "nodes_missing_value_tracks_true",
        "target_treeids", "target_nodeids", "target_ids", "target_weights")}
    for tree_id, tree in enumerate(trees):
        n = len(tree.is_leaf)
        thresholds = _float32_at_most(tree.threshold)
        attrs["nodes_treeids"] += [tree_id] * n
        attrs["nodes_nodeids"] += list(range(n))
        attrs["nodes_featureids"] += tree.feature.tolist()
        attrs["nodes_values"] += [float(t) for t in thresholds]
        attrs["nodes_modes"] += ["LEAF" if leaf else "BRANCH_LEQ" for leaf in tree.is_leaf]
        attrs["nodes_truenodeids"] += tree.left.tolist()
        attrs["nodes_falsenodeids"] += tree.right.tolist()
        attrs["nodes_missing_value_tracks_true"] += tree.missing_left.astype(int).tolist()
        leaves = np.flatnonzero(tree.is_leaf)
        attrs["target_treeids"] += [tree_id] * len(leaves)
        attrs["target_nodeids"] += leaves.tolist()
        attrs["target_ids"] += [0] * len(leaves)
        attrs["target_weights"] += [float(v) for v in tree.leaf_value[leaves]]

    ensemble_out = "margin" if output == "probability" else output
    # The ensemble runs on a float64 copy of the input with double thresholds, leaf weights and base:
    # onnxruntime then sums the leaves in float64 like sklearn (on float input it sums in float32,
    # which drifts by ~1e-5 over a few hundred trees). The comparisons are unchanged by the cast.
    as_double = {
        "nodes_values": "nodes_values_as_tensor",
        "target_weights": "target_weights_as_tensor",
    }
    for key, tensor_key in as_double.items():
        attrs[tensor_key] = helper.make_tensor(tensor_key, TensorProto.DOUBLE, [len(attrs[key])], attrs.pop(key))
    attrs["base_values_as_tensor"] = helper.make_tensor("base_values_as_tensor", TensorProto.DOUBLE, [1], [base])
    nodes = [helper.make_node("Cast", [INPUT_NAME], ["features_f64"], name="to_double", to=TensorProto.DOUBLE)]
    nodes += [helper.make_node(
        "TreeEnsembleRegressor", ["features_f64"], [ensemble_out], domain=ML_DOMAIN, name="trees",
        n_targets=1, aggregate_function="SUM", post_transform="NONE", **attrs)]
    if output == "probability":
        nodes.append(helper.make_node("Sigmoid", ["margin"], ["probability"], name="sigmoid"))

    graph = helper.make_graph(
        nodes,
        name or type(model).__name__,
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, [None, len(feature_names)])],
        [helper.make_tensor_value_info(output, TensorProto.FLOAT, [None, 1])],
    )
    proto = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", ONNX_OPSET), helper.make_opsetid(ML_DOMAIN, ML_OPSET)],
        producer_name="roi-desk/models/train/onnx_trees.py",
        ir_version=IR_VERSION,
    )
    meta = {"feature_names": json.dumps(feature_names), "output": output, "sklearn_class": type(model).__name__}
    meta.update(metadata or {})
    helper.set_model_props(proto, meta)
    onnx.checker.check_model(proto)
    return proto


def predict_reference(model, X, output: str | None = None) -> np.ndarray:
    """sklearn's answer for `output` on X rounded to float32 (what the ONNX graph receives)."""
    output = output or _default_output(model)
    _check_output(model, output)
    X32 = np.asarray(X, dtype=np.float32).astype(np.float64)
    if output == "value":
        return np.asarray(model.predict(X32), dtype=np.float64)
    if output == "margin":
        return np.asarray(model.decision_function(X32), dtype=np.float64).ravel()
    return np.asarray(model.predict_proba(X32)[:, 1], dtype=np.float64)


def _attr(node, key):
    value = helper.get_attribute_value(next(a for a in node.attribute if a.name == key))
    return numpy_helper.to_array(value) if isinstance(value, TensorProto) else value


def evaluate_onnx_numpy(model_proto: onnx.ModelProto, X) -> np.ndarray:
    """Evaluate a graph written by to_onnx with NumPy (float32 comparisons, float64 sums)."""
    X = np.asarray(X, dtype=np.float32)
    graph_nodes = list(model_proto.graph.node)
    trees = next(n for n in graph_nodes if n.op_type == "TreeEnsembleRegressor")
    tree_ids = np.asarray(_attr(trees, "nodes_treeids"))
    node_ids = np.asarray(_attr(trees, "nodes_nodeids"))
    features = np.asarray(_attr(trees, "nodes_featureids"))
    values = np.asarray(_attr(trees, "nodes_values_as_tensor"), dtype=np.float64)
    modes = [m.decode() if isinstance(m, bytes) else m for m in _attr(trees, "nodes_modes")]
    true_ids = np.asarray(_attr(trees, "nodes_truenodeids"))
    false_ids = np.asarray(_attr(trees, "nodes_falsenodeids"))
    missing_true = np.asarray(_attr(trees, "nodes_missing_value_tracks_true"), dtype=bool)
    leaf_weight = {(t, n): w for t, n, w in zip(
        _attr(trees, "target_treeids"), _attr(trees, "target_nodeids"), _attr(trees, "target_weights_as_tensor"))}
    position = {(t, n): i for i, (t, n) in enumerate(zip(tree_ids.tolist(), node_ids.tolist()))}

    out = np.full(X.shape[0], float(_attr(trees, "base_values_as_tensor")[0]))
    for tree_id in np.unique(tree_ids).tolist():
        for row in range(X.shape[0]):
            node = 0
            while modes[position[(tree_id, node)]] != "LEAF":
                i = position[(tree_id, node)]
                x = X[row, features[i]]
                go_true = bool(missing_true[i]) if math.isnan(x) else bool(float(x) <= values[i])
                node = int(true_ids[i] if go_true else false_ids[i])
            out[row] += leaf_weight[(tree_id, node)]
    if any(n.op_type == "Sigmoid" for n in graph_nodes):
        out = 1.0 / (1.0 + np.exp(-out))
    return out


def save_parity_fixtures(model, model_proto: onnx.ModelProto, X, path, *, tolerance: float = 1e-5) -> dict:
    """Write inputs + sklearn outputs for a TypeScript parity test; fail early if NumPy disagrees."""
    meta = {p.key: p.value for p in model_proto.metadata_props}
    output = meta["output"]
    X32 = np.asarray(X, dtype=np.float32)
    expected = predict_reference(model, X32, output)
    mirrored = evaluate_onnx_numpy(model_proto, X32)
    worst = float(np.max(np.abs(mirrored - expected))) if len(expected) else 0.0
    if worst > tolerance:
        raise AssertionError(f"ONNX graph (NumPy evaluation) differs from sklearn by {worst:.3g} > {tolerance}")
    fixtures = {
        "feature_names": json.loads(meta["feature_names"]),
        "output": output,
        "input_name": INPUT_NAME,
        "output_name": output,
        "tolerance": tolerance,
        # float32 values written as the shortest decimal that round-trips to the same float32
        "inputs": [[None if math.isnan(v) else float(np.format_float_positional(v, unique=True, trim="0"))
                    for v in row] for row in X32],
        "expected": [float(v) for v in expected],
    }
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(fixtures) + "\n")
    return fixtures


def _self_test(models: Iterable[tuple[str, object]]) -> None:
    rng = np.random.default_rng(7)
    X = rng.normal(size=(600, 5)) * [1, 10, 100, 0.01, 1e5]
    X[rng.random(X.shape) < 0.05] = np.nan
    X_dense = np.nan_to_num(X)
    y = X_dense[:, 0] + np.sin(X_dense[:, 1]) + (X_dense[:, 2] > 20) + rng.normal(scale=0.1, size=600)
    for label, model in models:
        hist = "Hist" in type(model).__name__
        data = X if hist else X_dense
        target = (y > np.median(y)).astype(int) if "Classifier" in type(model).__name__ else y
        model.fit(data, target)
        for output in (["probability", "margin"] if "Classifier" in type(model).__name__ else ["value"]):
            proto = to_onnx(model, [f"f{i}" for i in range(5)], output=output)
            worst = np.max(np.abs(evaluate_onnx_numpy(proto, data[:200]) - predict_reference(model, data[:200], output)))
            print(f"{label:>6} {output:<11} max |numpy onnx - sklearn| = {worst:.2e}")
            assert worst < 1e-9, label


if __name__ == "__main__":
    import sys

    if "--self-test" not in sys.argv:
        print(__doc__)
        raise SystemExit(0)
    _self_test([
        ("GBR", GradientBoostingRegressor(n_estimators=30, max_depth=3, random_state=0)),
        ("GBC", GradientBoostingClassifier(n_estimators=30, max_depth=3, random_state=0)),
        ("HGBR", HistGradientBoostingRegressor(max_iter=30, random_state=0)),
        ("HGBC", HistGradientBoostingClassifier(max_iter=30, random_state=0)),
    ])
