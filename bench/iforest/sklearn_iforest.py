#!/usr/bin/env python3
"""Fits scikit-learn's IsolationForest on each data set of a JSON file and prints, as JSON,
the anomaly scores (-score_samples) and the fit+score time (median of N runs) per data set.

Usage: python3 sklearn_iforest.py DATASETS.json RUNS
Used by bench/iforest-vs-sklearn.bench.ts; needs Debian's python3-sklearn.
"""
import json
import statistics
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import IsolationForest


def main() -> None:
    path, runs = sys.argv[1], int(sys.argv[2])
    with open(path, encoding="utf-8") as handle:
        datasets = json.load(handle)
    out = {"sklearn_version": sklearn.__version__, "numpy_version": np.__version__, "results": []}
    for dataset in datasets:
        X = np.asarray(dataset["X"], dtype=np.float64)
        times = []
        scores = None
        for run in range(runs):
            start = time.perf_counter()
            model = IsolationForest(n_estimators=100, max_samples="auto", random_state=run).fit(X)
            scores = -model.score_samples(X)
            times.append(time.perf_counter() - start)
        out["results"].append({"name": dataset["name"], "scores": scores.tolist(), "seconds": statistics.median(times)})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
