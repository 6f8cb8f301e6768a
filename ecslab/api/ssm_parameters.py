"""SSM public parameters: how AWS documents finding the ECS-optimized AMI id."""

from __future__ import annotations

from ..core.clock import EPOCH_START
from ..core.errors import error_for_code
from ..domain.ec2.images import ssm_parameters
from .registry import handler

ParameterNotFound = error_for_code("ParameterNotFound")


def _out(lab, name: str, value: str) -> dict:
    return {
        "Name": name,
        "Type": "String",
        "Value": value,
        "Version": 1,
        "LastModifiedDate": EPOCH_START.replace(day=2),
        # Public parameters live in no account: the ARN has an empty account field.
        "ARN": f"arn:aws:ssm:{lab.region}::parameter{name}",
        "DataType": "aws:ec2:image" if name.endswith("/image_id") else "text",
    }


@handler("ssm", "GetParameter")
def get_parameter(lab, p):
    params = ssm_parameters()
    name = p["Name"]
    if name not in params:
        raise ParameterNotFound("")  # AWS sends no message text with this error
    return {"Parameter": _out(lab, name, params[name])}


@handler("ssm", "GetParameters")
def get_parameters(lab, p):
    params = ssm_parameters()
    names = list(dict.fromkeys(p["Names"]))
    return {
        "Parameters": [_out(lab, n, params[n]) for n in names if n in params],
        "InvalidParameters": [n for n in names if n not in params],
    }


@handler("ssm", "GetParametersByPath")
def get_parameters_by_path(lab, p):
    path = p["Path"].rstrip("/") + "/"
    recursive = p.get("Recursive", False)
    found = [
        _out(lab, n, v)
        for n, v in sorted(ssm_parameters().items())
        if n.startswith(path) and (recursive or "/" not in n[len(path) :])
    ]
    return {"Parameters": found}
