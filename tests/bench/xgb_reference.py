#!/usr/bin/python3
"""The same fit as nbaops-bench model's train_vs_python, driven from Python.

Reads the matrices nbaops wrote (float32, NaN for missing) and its parameters, builds the
DMatrix objects and trains the same number of trees, evaluating train and validation after
every tree as nbaops does, then serialises the model. Prints "seconds S".
Usage: xgb_reference.py DIR TRAIN_ROWS VALID_ROWS COLUMNS ROUNDS
"""
import json
import sys
import time

import numpy as np
import xgboost as xgb


def main():
    folder, train_rows, valid_rows, columns, rounds = sys.argv[1], *map(int, sys.argv[2:6])
    with open(f"{folder}/params.json") as f:
        params = json.load(f)

    def load(name, rows):
        x = np.fromfile(f"{folder}/{name}", dtype=np.float32).reshape(rows, columns)
        y = np.fromfile(f"{folder}/{name}.labels", dtype=np.float32)
        return x, y

    tx, ty = load("train.f32", train_rows)
    vx, vy = load("valid.f32", valid_rows)
    start = time.perf_counter()
    dtrain = xgb.DMatrix(tx, label=ty, missing=np.nan)
    dvalid = xgb.DMatrix(vx, label=vy, missing=np.nan)
    booster = xgb.train(params, dtrain, num_boost_round=rounds, evals=[(dtrain, "train"), (dvalid, "valid")],
                        verbose_eval=False)
    booster.save_raw("ubj")
    print(f"seconds {time.perf_counter() - start:.4f}")


if __name__ == "__main__":
    main()
