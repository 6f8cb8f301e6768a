"""Views over a lab: plain tables and helpers (no widgets, no charts) read through the lab's public
surface (its boto3 clients and its event table). Charts (``workbook.charts``) draw them and panels
(``workbook.panels``) wrap them in widgets.

Import a view module by name: ``from workbook.views import instances, tasks``.
"""

from . import headers as _headers

# Lesson cells that end with a DataFrame show its headers in the course language.
_headers.install_formatters()
