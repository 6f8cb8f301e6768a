"""Root pytest hooks: they apply to tests/ and to the nbval check of notebooks/.

``make test`` runs nbval in lax mode over the committed lessons (``--nbval-lax``, see
pyproject.toml): every cell runs, and only cells marked ``# NBVAL_CHECK_OUTPUT`` are compared.
Chart and HTML outputs are never compared: plotly's HTML renderers embed random div ids, the
plotly JSON repeats what the tests in tests/workbook assert, and pandas' HTML duplicates the
``text/plain`` table that *is* compared.
"""

from __future__ import annotations

import os

# Lesson kernels inherit these: responses are checked against botocore's shapes there too.
os.environ.setdefault("ECSLAB_CHECK_SHAPES", "1")
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

NBVAL_SKIP_COMPARE = (
    "application/vnd.plotly.v1+json",
    "text/html",
    "application/vnd.jupyter.widget-view+json",
    "application/vnd.jupyter.widget-state+json",
)


def pytest_collectstart(collector):
    path = getattr(collector, "path", None)
    if path is not None and path.suffix == ".ipynb" and hasattr(collector, "skip_compare"):
        collector.skip_compare = tuple(collector.skip_compare) + NBVAL_SKIP_COMPARE
