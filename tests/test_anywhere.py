"""ECS Anywhere's SSM activations through real boto3 (CreateActivation / DescribeActivations /
DeleteActivation)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError


def test_create_describe_delete_activation(lab):
    ssm = lab.client("ssm")
    out = ssm.create_activation(
        IamRole="ecsAnywhereRole",
        RegistrationLimit=2,
        Description="rack 1",
        DefaultInstanceName="rack1",
        Tags=[{"Key": "site", "Value": "hk"}],
    )
    aid, code = out["ActivationId"], out["ActivationCode"]
    assert len(aid) == 36 and len(code) == 20
    (act,) = ssm.describe_activations()["ActivationList"]
    assert act["ActivationId"] == aid and act["RegistrationLimit"] == 2
    assert act["RegistrationsCount"] == 0 and act["Expired"] is False
    assert act["ExpirationDate"] - act["CreatedDate"] == timedelta(hours=24)
    assert "ActivationCode" not in act  # the code is a secret CreateActivation returns once
    other = ssm.create_activation(IamRole="ecsAnywhereRole")["ActivationId"]
    got = ssm.describe_activations(
        Filters=[{"FilterKey": "ActivationIds", "FilterValues": [other]}]
    )
    assert [a["ActivationId"] for a in got["ActivationList"]] == [other]
    first = ssm.describe_activations(MaxResults=1)
    assert len(first["ActivationList"]) == 1 and first["NextToken"]
    lab.advance("25h")
    assert all(a["Expired"] for a in ssm.describe_activations()["ActivationList"])
    ssm.delete_activation(ActivationId=aid)
    assert [a["ActivationId"] for a in ssm.describe_activations()["ActivationList"]] == [other]


@pytest.mark.parametrize(
    "call,code",
    [
        (lambda s: s.delete_activation(ActivationId="nope"), "InvalidActivationId"),
        (
            lambda s: s.create_activation(IamRole="r", RegistrationLimit=1001),
            "ValidationException",
        ),
    ],
)
def test_activation_errors_change_nothing(lab, call, code):
    ssm = lab.client("ssm")
    ssm.create_activation(IamRole="ecsAnywhereRole")
    before, acts = len(lab.events), ssm.describe_activations()["ActivationList"]
    with pytest.raises(ClientError) as ei:
        call(ssm)
    assert ei.value.response["Error"]["Code"] == code
    assert len(lab.events) == before
    assert ssm.describe_activations()["ActivationList"] == acts
