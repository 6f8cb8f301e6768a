"""Vectorised evaluation of one cluster-query comparison (``subject op argument``) over the
instance table; the semantics are documented in :mod:`.query`."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["evaluate_comparison"]


def _strings(values: np.ndarray, op: str, arg) -> np.ndarray:
    s = pd.Series(values, dtype=object)
    present = s.notna().to_numpy()
    if op == "exists":
        return present
    if op == "!exists":
        return ~present
    if op in ("in", "!in"):
        hit = s.isin(arg).to_numpy()
        return present & (hit if op == "in" else ~hit)
    if op in ("=~", "!~"):
        hit = s.where(present, "").astype(str).str.fullmatch(arg).to_numpy(dtype=bool)
        return present & (hit if op == "=~" else ~hit)
    if op == "==":
        return present & (s == arg).to_numpy()
    if op == "!=":
        return present & (s != arg).to_numpy()
    num = pd.to_numeric(s, errors="coerce")
    try:
        a = float(arg)
        ok = num.notna().to_numpy()
        return ok & _order(num.fillna(0).to_numpy(dtype=float), op, a)
    except ValueError:
        return present & _order(s.where(present, "").astype(str).to_numpy(), op, arg)


def _order(x: np.ndarray, op: str, a) -> np.ndarray:
    if op == "==":
        return x == a
    if op == "!=":
        return x != a
    if op == ">":
        return x > a
    if op == ">=":
        return x >= a
    if op == "<":
        return x < a
    return x <= a


def _version_key(values) -> np.ndarray:
    parts = (
        pd.Series(values, dtype=object).astype(str).str.extract(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?")
    )
    parts = parts.apply(pd.to_numeric, errors="coerce").fillna(0).astype(np.int64)
    return (parts[0] * 1_000_000_000_000 + parts[1] * 1_000_000 + parts[2]).to_numpy()


def _timestamp(v: str) -> pd.Timestamp:
    t = pd.Timestamp(v.replace("Z", "+00:00"))
    return t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")


def evaluate_comparison(c, table, rows) -> np.ndarray:
    """Mask of ``rows`` where the comparison ``c`` (subject, op, arg) holds."""
    subj, op, arg = c.subject, c.op, c.arg
    if subj.startswith("attribute:"):
        return _strings(table.attribute(subj[len("attribute:") :])[rows], op, arg)
    if subj == "ec2InstanceId":
        return _strings(table.column("ec2_instance_id")[rows], op, arg)
    if subj == "agentConnected":
        vals = np.where(table.column("agent_connected")[rows], "true", "false").astype(object)
        arg = [a.lower() for a in arg] if isinstance(arg, list) else arg.lower()
        return _strings(vals, op, arg)
    if subj == "runningTasksCount":
        return _order(table.running_tasks_count[rows], op, int(arg))
    if subj == "agentVersion":
        vals = table.column("agent_version")[rows]
        if op in ("==", "!="):
            return _strings(vals, op, arg)
        return _order(_version_key(vals), op, int(_version_key([arg])[0]))
    if subj == "registeredAt":
        ns = table.registered_ns[rows]
        t = _timestamp(arg).value
        if len(arg) == 10 and op in ("==", "!="):
            day = (ns >= t) & (ns < t + 86_400 * 10**9)
            return day if op == "==" else ~day
        return _order(ns, op, t)
    # task:group
    return _groups(table, rows, op, arg)


def _groups(table, rows, op: str, arg) -> np.ndarray:
    book = table.groups
    if op in ("exists", "!exists"):
        hit = book.any_of(list(book.cols))[rows]
    elif op in ("==", "!="):
        hit = book[arg][rows] > 0
    elif op in ("in", "!in"):
        hit = book.any_of(arg)[rows]
    else:
        pat = re.compile(arg)
        hit = book.any_of([g for g in book.cols if pat.fullmatch(g)])[rows]
    return hit if op in ("exists", "==", "in", "=~") else ~hit
