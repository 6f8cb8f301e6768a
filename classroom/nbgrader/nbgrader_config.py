"""nbgrader configuration for an ecslab course on a shared machine or a JupyterHub.

Copy it to the instructor's course folder (or to /etc/jupyter/ for every user), or let
``python -m workbook.course init COURSE --exchange DIR`` write one with the same settings. The
values below are nbgrader's usual locations; override them with the environment variables
ECSLAB_COURSE_ROOT and ECSLAB_EXCHANGE (the tests do, with temporary folders).
"""

import os

c = get_config()  # noqa: F821 (nbgrader provides it)

c.CourseDirectory.course_id = "ecslab"
c.CourseDirectory.root = os.environ.get("ECSLAB_COURSE_ROOT", os.path.expanduser("~/ecslab-course"))
# The exchange every student account can write to (nbgrader's default location).
c.Exchange.root = os.environ.get("ECSLAB_EXCHANGE", "/srv/nbgrader/exchange")
# A check cell a student deleted is put back from the gradebook and graded (the class report
# names the student and the cell); a changed check cell is always graded as released.
c.OverwriteCells.add_missing_cells = True
# Some lesson cells simulate hours of AWS time; nbgrader's default is 30 s a cell.
c.Execute.timeout = 300
