"""Test-wide safety and strictness.

* Every response the lab produces is walked against botocore's output shape (ECSLAB_CHECK_SHAPES);
  a mismatch becomes an InternalFailure the test sees. Subprocesses (servers) inherit it.
* Clients never see real credentials, a profile, or the instance metadata address.
"""

from __future__ import annotations

import os

os.environ["ECSLAB_CHECK_SHAPES"] = "1"
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ["AWS_ACCESS_KEY_ID"] = "test"
os.environ["AWS_SECRET_ACCESS_KEY"] = "test"
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("AWS_SESSION_TOKEN", None)

import pytest  # noqa: E402

from ecslab import Lab  # noqa: E402


@pytest.fixture
def lab() -> Lab:
    return Lab(seed=7)


@pytest.fixture
def ecs(lab):
    return lab.client("ecs")
