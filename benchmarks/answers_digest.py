"""A digest of everything the bench_tasks_moto shape returns, to prove a speed change kept
every answer and every event byte-identical.

    python benchmarks/answers_digest.py            # prints one sha256 per size
    python benchmarks/answers_digest.py --save F   # writes them to F
    python benchmarks/answers_digest.py --check F  # exits 1 when any differs from F
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from typing import Any

from bench_tasks_moto import _ecslab_calls

import ecslab.api.dispatch as dispatch
from ecslab import Lab


def digest(n_instances: int) -> dict[str, str]:
    lab = Lab(seed=1)
    lab.instances.request_vcpu_limit(4 * n_instances + 64)
    answers = hashlib.sha256()
    original = dispatch.handle_http

    def recording(*args: Any):
        resp = original(*args)
        answers.update(repr((resp.status, sorted(dict(resp.headers).items()))).encode())
        answers.update(resp.body if isinstance(resp.body, bytes) else str(resp.body).encode())
        return resp

    dispatch.handle_http = recording
    try:
        ecs, ec2, ssm = lab.client("ecs"), lab.client("ec2"), lab.client("ssm")
        _ecslab_calls(ecs, ec2, ssm, lambda: lab.advance("1m"), n_instances, 10 * n_instances)
        lab.advance("10m")  # timers scheduled by the calls fire too
    finally:
        dispatch.handle_http = original
    events = hashlib.sha256(lab.events.to_csv(index=False).encode()).hexdigest()
    return {"answers": answers.hexdigest(), "events": events, "n_events": str(len(lab.events))}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--save")
    ap.add_argument("--check")
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 500])
    args = ap.parse_args()
    got = {str(n): digest(n) for n in args.sizes}
    print(json.dumps(got, indent=1))
    if args.save:
        with open(args.save, "w") as f:
            json.dump(got, f, indent=1)
    if args.check:
        with open(args.check) as f:
            want = json.load(f)
        if want != got:
            print("DIFFERENT from", args.check)
            return 1
        print("identical to", args.check)
    return 0


if __name__ == "__main__":
    sys.exit(main())
