"""nbgrader grading benchmark: how many lesson submissions ``nbgrader autograde`` grades a second.

A class of students each submits a fully solved lesson (the instructor's answers written into the
fetched copy with :func:`workbook.course.fill_solutions`); the time is ``autograde`` for all of
them (nbgrader re-executes each notebook in a fresh kernel: the lab is rebuilt from the student's
calls, then the checks score it). Generate, release, fetch, submit and collect are untimed.

Issue 17 sets no target and there is no peer engine (nbgrader is the engine): the ratio is to a
reference chosen here, a class of 30 graded on one lesson in a minute (0.5 submissions/s).

    python benchmarks/bench_grading.py                 # 12 students x lesson 01
    python benchmarks/bench_grading.py --small         # 2 students (smoke run)
    python benchmarks/bench_grading.py --lesson 00_overview_and_pricing.ipynb --students 20
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from workbook import course
from workbook.lessons import notebooks_dir

TARGET_PER_S = 0.5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--students", type=int, default=12)
    parser.add_argument("--lesson", default="01_clusters.ipynb")
    args = parser.parse_args()
    n = 2 if args.small else args.students
    lesson = notebooks_dir() / args.lesson
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        root, exchange = tmp / "course", tmp / "exchange"
        (aid,) = course.init_course(root, [lesson], exchange)
        cwd = os.getcwd()
        os.chdir(root)
        try:
            api = course.course_api(root, exchange)
            course.generate(api, [aid])
            course.release(api, [aid])
            for i in range(n):
                student = f"s{i:03d}"
                folder = course.fetch(exchange, tmp / "home" / student, student, aid)
                course.fill_solutions(folder / lesson.name, lesson)
                course.submit(exchange, tmp / "home" / student, student, aid)
            course.collect(api, [aid])
            started = time.perf_counter()
            errors = course.autograde(api, aid)
            seconds = time.perf_counter() - started
        finally:
            os.chdir(cwd)
    failed = [s for s, e in errors.items() if e]
    if failed:
        raise SystemExit(f"autograde failed for {failed}")
    rate = n / seconds
    print("lesson  submissions  seconds  per second  ratio to target")
    print(f"{aid}  {n}  {seconds:.1f}  {rate:.2f}  {rate / TARGET_PER_S:.2f}x")


if __name__ == "__main__":
    main()
