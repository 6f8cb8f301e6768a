"""Widget -> chart update time, measured in kernel time (target: at most 150 ms per update).

Runs the ENI trunking capacity explorer (all 52 catalog types) inside a real ipykernel, where
widget messages are serialised and sent on the kernel's comm channel as they would be to
JupyterLab, and times each control change -> ``batch_update`` round inside the kernel. The same
loop is also timed in-process (no kernel) for reference.

The Fargate vs EC2 cost explorer is timed the same way: each control change re-runs
``lab.compare_launch_types`` (the scheduler bin-packs the tasks per instance type) and redraws both
charts in ``batch_update``. Counts and sizes are cycled so most updates miss the placement cache;
a "cold" loop also clears that cache before every update (the worst case).

The placement map (issue 10: a 100-instance cluster): the run task panel on 100 m5.large
instances in three zones with ~600 tasks of four families; each update is a RunTask of 10 tasks
(placement, facts) followed by the map's redraw from the event table in ``batch_update``, or a
redraw alone after the clock moves. Both the redraw alone and the whole button action are timed.
"""

from __future__ import annotations

import contextlib
import io
import json
import statistics

TARGET_MS = 150.0

LOOP = """
import json, statistics, time
from workbook.panels import EniExplorer
ex = EniExplorer(task_cpu=256, task_memory=512, trunking=True)
sizes = [(256, 512), (512, 1024), (1024, 2048), (2048, 4096), (4096, 8192), (512, 2048)]
times = []
for i in range(60):
    cpu, mem = sizes[i % len(sizes)]
    t = time.perf_counter()
    if i % 3 == 0:
        ex.set_trunking(not ex.trunking.value)
    elif i % 3 == 1:
        ex.set_task(cpu, mem)
    else:
        ex.families.value = tuple(ex.families.options[: 1 + i % 13])  # the observer path
    times.append((time.perf_counter() - t) * 1000)
print(json.dumps(times))
"""


COST_LOOP = """
import json, time
from ecslab import Lab
from ecslab.domain.billing import compare
from workbook.panels import CostExplorer
COLD = {cold}
ex = CostExplorer(Lab(region="ap-east-1", seed=7), instance_types=["m5.large", "c5.large", "t3.medium"])
sizes = [(256, 512), (512, 1024), (1024, 2048), (2048, 4096), (512, 2048), (1024, 3072)]
types = [["m5.large", "c5.large", "t3.medium"], ["m6g.large", "m7g.large", "c7g.large", "r5.large"],
         ["m5.xlarge", "m5.2xlarge", "c5.xlarge", "m6i.large", "r6g.large", "t3.large"]]
times = []
for i in range(60):
    if COLD:
        compare.instances_curve.cache_clear()
        compare.tasks_per_instance.cache_clear()
    t = time.perf_counter()
    step = i % 6
    if step == 0:
        ex.set_count(5 + (7 * i) % 60)
    elif step == 1:
        ex.set_utilization(10 + (13 * i) % 90)
    elif step == 2:
        ex.set_task(*sizes[(i // 6) % len(sizes)])
    elif step == 3:
        ex.select_types(types[(i // 6) % len(types)])
    elif step == 4:
        ex.set_network("bridge" if ex.network.value == "awsvpc" else "awsvpc", trunking=i % 4 == 0)
    else:
        ex.count.value = 1 + (11 * i) % 100  # the observer path
    times.append((time.perf_counter() - t) * 1000)
print(json.dumps(times))
"""


PLACEMENT_LOOP = """
import json, time
from ecslab import Lab
from workbook.panels import RunTaskPanel
lab = Lab(region="ap-east-1", seed=7)
lab.act("set_vcpu_limit", vcpus=256)  # the default 64 vCPUs holds 32 m5.large
ecs = lab.client("ecs")
ecs.create_cluster(clusterName="Big")
subnets = [s["SubnetId"] for s in lab.client("ec2").describe_subnets()["Subnets"]]
for i, s in enumerate(subnets):
    n = 34 if i < 1 else 33
    lab.client("ec2").run_instances(
        ImageId=lab.client("ssm").get_parameter(Name="/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id")["Parameter"]["Value"],
        InstanceType="m5.large", MinCount=n, MaxCount=n, UserData="ECS_CLUSTER=Big",
        IamInstanceProfile={"Name": "ecsInstanceRole"}, SubnetId=s)
lab.advance("2m")
for fam, mem in (("web", 512), ("api", 1024), ("worker", 2048), ("batch", 256)):
    ecs.register_task_definition(family=fam, containerDefinitions=[
        {"name": "app", "image": "busybox", "command": ["sleep", "3600"], "cpu": 128, "memory": mem}])
panel = RunTaskPanel(lab, "Big", "web")
panel.add_strategy("spread", "attribute:ecs.availability-zone")
panel.add_strategy("binpack", "memory")
fams = ["web", "api", "worker", "batch"]
for i in range(60):
    ecs.run_task(cluster="Big", taskDefinition=fams[i % 4], count=10)
lab.advance("30s")
instances = len(panel.view.instances)
redraw, action = [], []
for i in range(40):
    if i % 2:
        t = time.perf_counter()
        panel.run(count=10, task_definition=fams[i % 4])
        action.append((time.perf_counter() - t) * 1000)
    else:
        lab.advance("5s")
        t = time.perf_counter()
        panel.refresh()
        redraw.append((time.perf_counter() - t) * 1000)
print(json.dumps({"redraw": redraw, "action": action, "instances": instances,
                  "tasks": len(panel.view.tasks), "events": len(lab.events)}))
"""


def summarise(label: str, times: list[float]) -> float:
    times = sorted(times)
    median = statistics.median(times)
    p95 = times[int(0.95 * (len(times) - 1))]
    print(
        f"{label}: median {median:.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms over "
        f"{len(times)} updates; p95 / target = {p95 / TARGET_MS:.3f} (target {TARGET_MS:.0f} ms)"
    )
    return p95


def in_kernel(loop: str = LOOP) -> list[float]:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(loop)])
    NotebookClient(nb, kernel_name="python3", timeout=300).execute()
    (out,) = [o for o in nb.cells[0].outputs if o.get("name") == "stdout"]
    return json.loads(out["text"])


def in_process(loop: str = LOOP) -> list[float]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(loop, {})
    return json.loads(buf.getvalue())


def main() -> None:
    print("ENI explorer (52 instance types), widget change -> FigureWidget batch_update")
    summarise("  in-process (no front end)", in_process())
    p95 = summarise("  kernel time (ipykernel, comm messages sent)", in_kernel())
    print(f"ratio to the 150 ms target (kernel p95): {p95 / TARGET_MS:.3f}")
    print("Cost explorer (3-6 instance types, counts up to 200), change -> compare -> 2 figures")
    summarise("  in-process (no front end)", in_process(COST_LOOP.format(cold=False)))
    p95 = summarise(
        "  kernel time (ipykernel, comm messages sent)", in_kernel(COST_LOOP.format(cold=False))
    )
    cold = summarise(
        "  kernel time, placement cache cleared each update", in_kernel(COST_LOOP.format(cold=True))
    )
    print(
        f"ratio to the 150 ms target (kernel p95): {p95 / TARGET_MS:.3f}; cold: {cold / TARGET_MS:.3f}"
    )
    print("Placement map (run task panel), 100-instance cluster")
    for label, runner in (("in-process", in_process), ("kernel time", in_kernel)):
        res = runner(PLACEMENT_LOOP)
        print(
            f"  {label}: {res['instances']} instances, {res['tasks']} tasks on the map, "
            f"{res['events']} events"
        )
        redraw = summarise(f"  {label}: map redraw (events -> view -> batch_update)", res["redraw"])
        action = summarise(f"  {label}: Run task button (RunTask of 10 + redraw)", res["action"])
    print(
        f"ratio to the 150 ms target (kernel p95): redraw {redraw / TARGET_MS:.3f}, "
        f"button {action / TARGET_MS:.3f}"
    )


if __name__ == "__main__":
    main()
