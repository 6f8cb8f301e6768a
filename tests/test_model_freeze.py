"""botocore's models leave the collector's generations once per process, and no lab goes with
them: a dropped lab, even the process's first, is collected (its cycles included).

Each case runs in a fresh interpreter, because "the first lab of a process" and the freeze
happen once per process and this one (pytest's) made labs long ago.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import gc, json, weakref
    from ecslab import Lab

    out = {"frozen_before": gc.get_freeze_count()}
    lab = Lab(seed=1)
    out["frozen_after_lab"] = gc.get_freeze_count()
    out["lab_tracked"] = any(o is lab for o in gc.get_objects())
    ecs, ec2 = lab.client("ecs"), lab.client("ec2")
    ecs.create_cluster(clusterName="x")
    ec2.describe_instances()
    # services first used now, while the lab is alive: nothing may freeze it
    lab.client("elbv2").describe_load_balancers()
    lab.client("logs").describe_log_groups()
    lab.client("ssm").get_parameters(Names=["/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"])
    second = Lab(seed=2)
    second.client("ecs").list_clusters()
    out["frozen_after_calls"] = gc.get_freeze_count()
    first, other = weakref.ref(lab), weakref.ref(second)
    del lab, second, ecs, ec2
    gc.collect()
    out["first_collected"] = first() is None
    out["second_collected"] = other() is None
    print(json.dumps(out))
    """
)


def _run() -> dict:
    env = {**os.environ, "AWS_EC2_METADATA_DISABLED": "true"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_models_are_frozen_once_and_no_lab_with_them():
    out = _run()
    assert out["frozen_before"] == 0
    # every served service's model (ec2's alone is tens of thousands of objects)
    assert out["frozen_after_lab"] > 50_000
    assert out["lab_tracked"], "the first lab must stay in the collector's generations"
    # (frozen objects may still be freed by reference counting, so it may shrink)
    assert out["frozen_after_calls"] <= out["frozen_after_lab"], "a later call froze objects"
    assert out["first_collected"], "the process's first lab leaked"
    assert out["second_collected"]
