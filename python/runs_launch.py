"""Runs mlx-lm's LoRA trainer with the `runs` reporter registered (shipped with the `runs` CLI).

`runs train` starts this file with the Python interpreter of the user's `mlx_lm.lora`:

    <python> runs_launch.py <mlx_lm.lora arguments...>

with RUNS_METRICS_FILE=<run>/metrics.jsonl in the environment. It registers a `runs` class in
`mlx_lm.tuner.callbacks.SUPPORT_CALLBACK` (mlx-lm looks `--report-to` names up there when training
starts, and chains every reporter it names), then calls `mlx_lm.lora.main()`, so every train and
val report the trainer makes is appended to metrics.jsonl, one JSON object per line, flushed at
once. The arguments already carry `--report-to ...,runs` (the user's own reporters kept).

An mlx-lm without the registry (before 2025-08): `runs` is taken out of `--report-to` again and the
trainer runs exactly as it would without this file; one notice on stderr. No dependency beyond
mlx-lm itself; nothing in mlx-lm is patched.
"""
import json
import math
import os
import sys

NAME = "runs"


def _number(value):
    """A report value as a JSON number (None for nan/inf); None when it is not a number at all."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        f = float(value)  # Python floats, numpy scalars, 0-d mx.array
    except (TypeError, ValueError):
        return None
    if not math.isfinite(f):
        return None
    return int(f) if isinstance(value, int) else f


class RunsCallback:
    """Appends each report to RUNS_METRICS_FILE; forwards it to the reporter it wraps."""

    def __init__(self, project_name=None, log_dir=None, config=None, wrapped_callback=None):
        self.wrapped_callback = wrapped_callback
        self._file = open(os.environ["RUNS_METRICS_FILE"], "a", encoding="utf-8")

    def _write(self, kind, info, iteration):
        line = {"type": kind, "iteration": iteration}
        for key, value in info.items():
            if key == "iteration":
                continue
            number = _number(value)
            if number is not None or value is None or isinstance(value, float):
                line[key] = number
        # One write per line, then flush: a killed trainer leaves whole lines (and at most one
        # half-written last line, which `runs` ignores).
        self._file.write(json.dumps(line, allow_nan=False) + "\n")
        self._file.flush()

    def on_train_loss_report(self, train_info):
        self._write("train", train_info, int(train_info["iteration"]))
        if self.wrapped_callback is not None:
            self.wrapped_callback.on_train_loss_report(train_info)

    def on_val_loss_report(self, val_info):
        # mlx-lm reports `it - 1` to callbacks but prints the val line at `it`: store what the
        # console (and every earlier log) calls that iteration.
        self._write("val", val_info, int(val_info["iteration"]) + 1)
        if self.wrapped_callback is not None:
            self.wrapped_callback.on_val_loss_report(val_info)


def _without_runs(args):
    """The arguments with `runs` removed from the last --report-to (the flag dropped if empty)."""
    out = list(args)
    for i in range(len(out) - 1, -1, -1):
        word = out[i]
        if word == "--report-to" and i + 1 < len(out):
            names = [n for n in out[i + 1].split(",") if n.strip().lower() != NAME]
            if names:
                out[i + 1] = ",".join(names)
            else:
                del out[i : i + 2]
            break
        if word.startswith("--report-to="):
            names = [n for n in word.split("=", 1)[1].split(",") if n.strip().lower() != NAME]
            if names:
                out[i] = "--report-to=" + ",".join(names)
            else:
                del out[i]
            break
    return out


def main():
    args = sys.argv[1:]
    try:
        from mlx_lm.tuner import callbacks
    except ImportError:
        callbacks = None
    registry = getattr(callbacks, "SUPPORT_CALLBACK", None)
    if isinstance(registry, dict) and callable(getattr(callbacks, "get_reporting_callbacks", None)):
        registry[NAME] = RunsCallback
        # Created now, so `runs` can tell "no report yet" from "no reporter".
        open(os.environ["RUNS_METRICS_FILE"], "a", encoding="utf-8").close()
    else:
        print(
            "runs: this mlx-lm has no reporting-callback registry (mlx_lm.tuner.callbacks.SUPPORT_CALLBACK, "
            "2025-08 and later); metrics come from the console (upgrade mlx-lm for exact values)",
            file=sys.stderr,
            flush=True,
        )
        args = _without_runs(args)
    sys.argv = ["mlx_lm.lora"] + args
    from mlx_lm import lora

    lora.main()


if __name__ == "__main__":
    main()
