"""Widget -> chart update time, measured in kernel time (target: at most 150 ms per update).

Runs the ENI trunking capacity explorer (all 52 catalog types) inside a real ipykernel, where
widget messages are serialised and sent on the kernel's comm channel as they would be to
JupyterLab, and times each control change -> ``batch_update`` round inside the kernel. The same
loop is also timed in-process (no kernel) for reference.

The placement map joins this benchmark when the scheduler lands (issue 10: a 100-instance cluster).
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


def summarise(label: str, times: list[float]) -> float:
    times = sorted(times)
    median = statistics.median(times)
    p95 = times[int(0.95 * (len(times) - 1))]
    print(
        f"{label}: median {median:.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms over "
        f"{len(times)} updates; p95 / target = {p95 / TARGET_MS:.3f} (target {TARGET_MS:.0f} ms)"
    )
    return p95


def in_kernel() -> list[float]:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(LOOP)])
    NotebookClient(nb, kernel_name="python3", timeout=300).execute()
    (out,) = [o for o in nb.cells[0].outputs if o.get("name") == "stdout"]
    return json.loads(out["text"])


def in_process() -> list[float]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(LOOP, {})
    return json.loads(buf.getvalue())


def main() -> None:
    print("ENI explorer (52 instance types), widget change -> FigureWidget batch_update")
    summarise("  in-process (no front end)", in_process())
    p95 = summarise("  kernel time (ipykernel, comm messages sent)", in_kernel())
    print(f"ratio to the 150 ms target (kernel p95): {p95 / TARGET_MS:.3f}")


if __name__ == "__main__":
    main()
