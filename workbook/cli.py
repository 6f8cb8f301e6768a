"""``ecslab-workbook``: the workbook's command line (``student OUTDIR``, ``lessons run|list``,
``classreport FOLDER``, ``course init|generate|grade COURSE``)."""

from __future__ import annotations

import sys

from . import classreport, course, lessons, student

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {
        "student": student.main,
        "lessons": lessons.main,
        "classreport": classreport.main,
        "course": course.main,
    }
    if not argv or argv[0] not in commands:
        print(
            "usage: ecslab-workbook {student OUTDIR | lessons run [NAME ...] | lessons list"
            " | classreport FOLDER [--course COURSE] | course init|generate|grade COURSE}"
        )
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main())
