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


ECS_AMI_PARAM = "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id"
ECS_AMI_PARAM_ARM = "/aws/service/ecs/optimized-ami/amazon-linux-2/arm64/recommended/image_id"


@pytest.fixture
def ec2(lab):
    return lab.client("ec2")


@pytest.fixture
def ssm(lab):
    return lab.client("ssm")


@pytest.fixture
def launch(lab, ec2, ssm):
    """launch(instance_type="m5.large", user_data=..., arm=False, **run_instances kwargs) -> id."""

    def run(instance_type="m5.large", user_data="ECS_CLUSTER=MyCluster", arm=False, **kw):
        param = ECS_AMI_PARAM_ARM if arm else ECS_AMI_PARAM
        kw.setdefault("ImageId", ssm.get_parameter(Name=param)["Parameter"]["Value"])
        kw.setdefault("IamInstanceProfile", {"Name": "ecsInstanceRole"})
        kw.setdefault("MinCount", 1)
        kw.setdefault("MaxCount", 1)
        if user_data is not None:
            kw["UserData"] = user_data
        resp = ec2.run_instances(InstanceType=instance_type, **kw)
        return resp["Instances"][0]["InstanceId"]

    return run
