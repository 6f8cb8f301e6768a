"""ecslab: learn Amazon ECS offline with a deterministic, simulated AWS account.

>>> from ecslab import Lab
>>> ecs = Lab().client("ecs")
>>> ecs.create_cluster(clusterName="MyCluster")["cluster"]["clusterArn"]
'arn:aws:ecs:ap-east-1:123456789012:cluster/MyCluster'
"""

from __future__ import annotations

# Modules that register lab actions outside the domains (replay must find them).
from . import checkpoints  # noqa: E402, F401
from .breakit import actions as _breakit_actions  # noqa: E402, F401
from .core.errors import AwsError
from .core.version import __version__
from .lab import Lab, ReplayMismatch, lab_action

__all__ = ["Lab", "AwsError", "ReplayMismatch", "lab_action", "__version__"]
