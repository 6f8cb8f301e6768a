"""Charts for the walkthrough's steps: what an instance registers (lesson 02), the Fargate task
sizes (lesson 03) and a repository's images (lesson 04)."""

from __future__ import annotations

from collections.abc import Iterable

import plotly.graph_objects as go

from ..i18n import _
from ..palette import OKABE_ITO, ROLE, TEMPLATE
from ..views.instances import registered_memory_table
from ..views.registry import images_table
from ..views.taskdefs import fargate_sizes

__all__ = ["registered_memory_figure", "fargate_sizes_figure", "repository_images_figure"]


def registered_memory_figure(types: Iterable[str]) -> go.Figure:
    """Per instance type: nominal memory vs the MEMORY the agent registers (bars, MiB), with the
    registered CPU in the hover. The registered figure is the catalog's approximation."""
    t = registered_memory_table(list(types))
    names = list(t.index)
    fig = go.Figure(
        [
            go.Bar(
                name=_("nominal memory (instance type)"),
                x=names,
                y=t["nominal_mib"].tolist(),
                marker={"color": ROLE["without_trunking"]},
                hovertemplate=_("%{x}: %{y} MiB nominal<extra></extra>"),
            ),
            go.Bar(
                name=_("registered MEMORY (what tasks can reserve)"),
                x=names,
                y=t["registered_mib"].tolist(),
                marker={"color": ROLE["ec2"], "pattern": {"shape": "/"}},
                customdata=list(
                    zip(t["hidden_mib"].tolist(), t["registered_cpu"].tolist(), strict=True)
                ),
                text=[f"-{h}" for h in t["hidden_mib"]],
                textposition="outside",
                hovertemplate=_(
                    "%{x}: %{y} MiB registered (%{customdata[0]} MiB less)"
                    "<br>registered CPU: %{customdata[1]} units<extra></extra>"
                ),
            ),
        ],
        layout={"template": TEMPLATE},
    )
    fig.update_layout(
        title={
            "text": _("Memory an instance registers vs its nominal size")
            + "<br><sub>"
            + _(
                "registered = OS-visible memory (modelled: 7985 of 8192 MiB, as AWS's m4.large"
                " example) minus ECS_RESERVED_MEMORY; CPU = vCPUs x 1024"
            )
            + "</sub>"
        },
        xaxis={"title": {"text": _("instance type")}, "type": "category"},
        yaxis={"title": {"text": _("memory (MiB)")}, "rangemode": "tozero"},
        barmode="group",
        height=460,
    )
    return fig


def fargate_sizes_figure(highlight: tuple[int, int] | None = None) -> go.Figure:
    """Every valid Fargate task size: task CPU (vCPU) against memory (GiB); ``highlight`` marks a
    (cpu units, memory MiB) pair, green if valid and a vermillion cross if not."""
    sizes = fargate_sizes()
    fig = go.Figure(
        [
            go.Scatter(
                name=_("valid cpu/memory pair"),
                x=sizes["vcpu"].astype(str).tolist(),
                y=sizes["memory_gib"].tolist(),
                mode="markers",
                marker={"color": ROLE["fargate"], "size": 8, "symbol": "circle"},
                customdata=list(
                    zip(sizes["cpu_units"].tolist(), sizes["memory_mib"].tolist(), strict=True)
                ),
                hovertemplate=_(
                    'cpu "%{customdata[0]}" (%{x} vCPU) with memory '
                    '"%{customdata[1]}" (%{y} GB)<extra></extra>'
                ),
            )
        ],
        layout={"template": TEMPLATE},
    )
    if highlight is not None:
        cpu, mem = highlight
        ok = bool(((sizes["cpu_units"] == cpu) & (sizes["memory_mib"] == mem)).any())
        fig.add_trace(
            go.Scatter(
                name=_("your task: {cpu} / {memory} ({verdict})").format(
                    cpu=cpu, memory=mem, verdict=_("valid") if ok else _("not a Fargate size")
                ),
                x=[f"{cpu / 1024:g}"],
                y=[mem / 1024],
                mode="markers",
                marker={
                    "color": ROLE["ok"] if ok else ROLE["fail"],
                    "size": 16,
                    "symbol": "star" if ok else "x",
                    "line": {"width": 1, "color": OKABE_ITO["black"]},
                },
                hovertemplate=_("cpu {cpu}, memory {memory}<extra></extra>").format(
                    cpu=cpu, memory=mem
                ),
            )
        )
    fig.update_layout(
        title={
            "text": _("The {n} valid Fargate task sizes").format(n=len(sizes))
            + "<br><sub>"
            + _(
                "task-level cpu and memory must be one of these pairs; on EC2 any cpu from"
                " 128 units and any memory that fits the instance is allowed"
            )
            + "</sub>"
        },
        xaxis={
            "title": {"text": _("task CPU (vCPU)")},
            "type": "category",
            "categoryorder": "array",
            "categoryarray": [f"{v:g}" for v in sorted(set(sizes["vcpu"]))],
        },
        yaxis={"title": {"text": _("task memory (GB)")}, "type": "log"},
        height=460,
    )
    return fig


def repository_images_figure(lab, repository: str) -> go.Figure:
    """One bar per image in ``repository`` (push order): its size in bytes, labelled with its tags;
    untagged images in grey with a hatch (they still cost storage)."""
    t = images_table(lab, repository)
    labels = [
        f"{d}<br>{tags or _('(untagged)')}" for d, tags in zip(t["digest"], t["tags"], strict=True)
    ]
    fig = go.Figure(
        [
            go.Bar(
                name=_("tagged image"),
                x=[lab for lab, u in zip(labels, t["untagged"], strict=True) if not u],
                y=t.loc[~t["untagged"], "size_bytes"].tolist(),
                marker={"color": ROLE["ec2"]},
                hovertemplate=_("%{x}: %{y} bytes<extra></extra>"),
            ),
            go.Bar(
                name=_("untagged image (still stored and billed)"),
                x=[lab for lab, u in zip(labels, t["untagged"], strict=True) if u],
                y=t.loc[t["untagged"], "size_bytes"].tolist(),
                marker={"color": ROLE["muted"], "pattern": {"shape": "x"}},
                hovertemplate=_("%{x}: %{y} bytes<extra></extra>"),
            ),
        ],
        layout={"template": TEMPLATE},
    )
    fig.update_layout(
        title={
            "text": _(
                "Images in repository {repository}: {n} image(s), {untagged} untagged"
            ).format(repository=repository, n=len(t), untagged=int(t["untagged"].sum()))
        },
        xaxis={
            "title": {"text": _("image (short digest and tags), in push order")},
            "type": "category",
            "categoryorder": "array",
            "categoryarray": labels,
        },
        yaxis={"title": {"text": _("size (bytes, compressed layers)")}, "rangemode": "tozero"},
        height=440,
    )
    return fig
