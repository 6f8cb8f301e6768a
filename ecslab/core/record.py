"""What domains need to record: the registry of lab actions.

Domains register actions here (``@lab_action``); the Lab, which composes the domains, looks them
up when ``lab.act(name, ...)`` runs or a ``LabActed`` input replays. Living in ``core`` keeps the
imports one-way: core <- domain <- api <- adapters, with ``lab.py`` composing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["lab_action", "action_named", "action_names"]

#: name -> function(lab, **args); see :func:`lab_action`.
_ACTIONS: dict[str, Callable[..., Any]] = {}


def lab_action(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Register a lab-level action (fault injection, removing a role ...) so it is recorded as a
    ``LabActed`` input and replayed on load. Call it as ``lab.act(name, **kwargs)``; arguments must
    be JSON-serialisable."""
    _ACTIONS[fn.__name__] = fn
    return fn


def action_named(name: str) -> Callable[..., Any] | None:
    """The registered action called ``name``, or None."""
    return _ACTIONS.get(name)


def action_names() -> list[str]:
    """Every registered action's name, sorted."""
    return sorted(_ACTIONS)
