"""Helpers for the lesson tests (imported by the test modules of this folder)."""

from __future__ import annotations

import nbformat

from workbook.lessons import LESSONS, notebooks_dir

NOTEBOOKS = notebooks_dir()

#: Per lesson: the default run ({}) and at least one other parameter set.
PARAMETER_SETS: dict[str, list[dict]] = {'00_overview_and_pricing.ipynb': [{},
                                   {'region': 'us-east-1',
                                    'seed': 3,
                                    'task_cpu': 1024,
                                    'task_memory': 2048,
                                    'arch': 'arm64',
                                    'instance_types': ['m6g.large', 'm7g.large', 'c7g.large']}],
 '01_clusters.ipynb': [{},
                       {'region': 'us-east-1',
                        'seed': 11,
                        'cluster_name': 'WebCluster',
                        'container_insights': 'disabled',
                        'exercise_cluster': 'Team-B'}],
 '02_container_instances.ipynb': [{},
                                  {'region': 'us-east-1',
                                   'seed': 3,
                                   'cluster_name': 'ArmCluster',
                                   'instance_type': 'm7g.large',
                                   'compare_types': ['t3.medium',
                                                     'm6g.large',
                                                     'm7g.large',
                                                     'm7g.xlarge'],
                                   'task_cpu': 1024,
                                   'task_memory': 2048,
                                   'exercise_cluster': 'Nightly',
                                   'exercise_instance_type': 'm6g.large'}],
 '03_task_definitions.ipynb': [{},
                               {'region': 'us-east-1',
                                'seed': 5,
                                'family': 'shop',
                                'image': 'nginx',
                                'launch_type': 'FARGATE',
                                'exercise_family': 'checkout'}],
 '04_ecr.ipynb': [{},
                  {'region': 'us-east-1',
                   'seed': 9,
                   'repository': 'team/shop',
                   'base_image': 'nginx',
                   'docroot': '/usr/share/nginx/html/',
                   'architecture': 'arm64'}],
 '05_running_tasks.ipynb': [{},
                            {'region': 'us-east-1',
                             'seed': 3,
                             'cluster_name': 'Batch',
                             'instance_type': 'm7g.large',
                             'names': ['arm-1', 'arm-2', 'arm-3'],
                             'exercise_count': 3}],
 '06_services.ipynb': [{},
                       {'region': 'us-east-1',
                        'seed': 3,
                        'instance_type': 'm7g.large',
                        'scaled_count': 6,
                        'minimum_healthy_percent': 25,
                        'exercise_count': 4}],
 '07_networking_and_eni_trunking.ipynb': [{},
                                          {'region': 'us-east-1',
                                           'seed': 3,
                                           'instance_type': 'c5.large',
                                           'burst_type': 't3a.medium',
                                           'task_cpu': 1024,
                                           'task_memory': 2048}],
 '08_health_checks_and_load_balancing.ipynb': [{},
                                               {'region': 'us-east-1',
                                                'seed': 3,
                                                'instance_type': 'm7g.large',
                                                'wrong_path': '/status',
                                                'grace_period': 30}],
 '09_cost_fargate_vs_ec2.ipynb': [{},
                                  {'region': 'us-east-1',
                                   'seed': 3,
                                   'task_cpu': 1024,
                                   'task_memory': 2048,
                                   'arch': 'arm64',
                                   'instance_types': ['m6g.large', 'm7g.large', 'c7g.large'],
                                   'lab_instance_type': 'm7g.large',
                                   'exercise_instance_type': 'm6g.large'}],
 '10_container_insights.ipynb': [{},
                                 {'region': 'us-east-1',
                                  'seed': 4,
                                  'cluster_name': 'Shop',
                                  'launch_type': 'FARGATE',
                                  'task_count': 2,
                                  'task_cpu': 512,
                                  'task_memory': 1024,
                                  'utilization': 0.5,
                                  'exercise_cluster': 'Old'}],
 '11_capstone.ipynb': [{},
                       {'region': 'us-east-1',
                        'seed': 3,
                        'cluster_name': 'Shop',
                        'instance_type': 'm6g.large',
                        'desired_count': 4,
                        'repository': 'shop/web'}],
 '12_break_it_labs.ipynb': [{},
                            {'region': 'us-east-1',
                             'seed': 3,
                             'placement_variant': 'cpu',
                             'roles_variant': 'secret-read',
                             'size_variant': 'memory-too-small',
                             'health_variant': 'short-start-period'}],
 '13_capacity_providers.ipynb': [{},
                                 {'region': 'us-east-1',
                                  'seed': 3,
                                  'instance_type': 'm5.xlarge',
                                  'target_capacity': 100,
                                  'desired_count': 8,
                                  'spot_weight': 1,
                                  'exercise_target': 80}],
 '14_service_auto_scaling.ipynb': [{},
                                   {'region': 'us-east-1',
                                    'seed': 3,
                                    'instance_type': 'm6i.large',
                                    'target': 40.0,
                                    'peak_rps': 120,
                                    'scale_in_cooldown': 120,
                                    'exercise_target': 70.0}],
 '15_deployment_strategies.ipynb': [{},
                                    {'region': 'us-east-1',
                                     'seed': 3,
                                     'instance_type': 'm6i.large',
                                     'instances': 4,
                                     'desired_count': 3,
                                     'bake_minutes': 10,
                                     'exercise_bake': 1}]}


def load(name: str):
    return nbformat.read(str(NOTEBOOKS / name), as_version=4)


def lesson_ids() -> list[str]:
    return [lesson.file for lesson in LESSONS]


def cell_outputs_text(cell) -> str:
    parts = []
    for o in cell.get("outputs", []):
        if "text" in o:
            parts.append(o["text"])
        parts.extend(str(v) for k, v in o.get("data", {}).items() if k == "text/plain")
        if o.get("output_type") == "error":
            parts.append(f"{o['ename']}: {o['evalue']}")
    return "\n".join(parts)


def solution_pairs(nb) -> list[tuple[int, int]]:
    """(code solution cell index, the autograded check cell after it). Written answers (markdown
    cells graded by hand) are not in these pairs: see :func:`written_answers`."""
    pairs = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            j = next(
                k
                for k in range(i + 1, len(nb.cells))
                if nb.cells[k].cell_type == "code"
                and nb.cells[k].metadata.get("nbgrader", {}).get("grade")
            )
            pairs.append((i, j))
    return pairs


def written_answers(nb) -> list[int]:
    """Indices of the manually graded markdown answer cells ("Why?" questions)."""
    return [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "markdown"
        and c.metadata.get("nbgrader", {}).get("solution")
        and c.metadata.get("nbgrader", {}).get("grade")
    ]


def solution_text(source: str) -> str:
    lines = source.split("\n")
    a = next(i for i, line in enumerate(lines) if line.strip() == "### BEGIN SOLUTION")
    b = next(i for i, line in enumerate(lines) if line.strip() == "### END SOLUTION")
    return "\n".join(lines[a + 1 : b])


