"""workbook: the Jupyter kit (widget panels, plotly charts, exercise checks) over an ecslab Lab.

It talks to the engine only through the public surface: ``Lab``, its clients and its tables.
"""

from __future__ import annotations

__all__: list[str] = []
