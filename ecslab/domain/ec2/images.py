"""AMIs the lab knows, and the public SSM parameters that name the ECS-optimized ones.

The ids are fake but fixed (the same in every lab), the names follow AWS's pattern for the
Amazon Linux 2 ECS-optimized AMI (``amzn2-ami-ecs-hvm-2.0.<date>-<arch>-ebs``). The agent and
Docker versions are illustrative figures for an AMI of that date, not a verified release.
A plain Amazon Linux 2 AMI (no container agent) is there for the classic mistake.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from ...core.errors import error_for_code

__all__ = ["Image", "IMAGES", "find_image", "ssm_parameters", "AMI_RE", "ECS_AMI_PARAMETERS"]

AMI_RE = re.compile(r"^ami-[0-9a-f]{8}([0-9a-f]{9})?$")
AMI_DATE = "20241217"  # a few weeks before a new lab's clock starts (2025-01-06)


@dataclass(frozen=True)
class Image:
    id: str
    name: str
    description: str
    arch: str  # x86_64 | arm64
    ecs_optimized: bool
    agent_version: str | None = None
    docker_version: str | None = None
    creation_date: str = "2024-12-17T20:21:10.000Z"


IMAGES: dict[str, Image] = {
    i.id: i
    for i in (
        Image(
            "ami-0e5c7d6ac3b1a4f21",
            f"amzn2-ami-ecs-hvm-2.0.{AMI_DATE}-x86_64-ebs",
            "Amazon Linux AMI 2.0.20241217 x86_64 ECS HVM GP2",
            "x86_64",
            True,
            "1.89.2",
            "25.0.6",
        ),
        Image(
            "ami-07a1d2c3e4f5b6a70",
            f"amzn2-ami-ecs-hvm-2.0.{AMI_DATE}-arm64-ebs",
            "Amazon Linux AMI 2.0.20241217 arm64 ECS HVM GP2",
            "arm64",
            True,
            "1.89.2",
            "25.0.6",
        ),
        Image(
            "ami-0c9d8e7f6a5b4c3d2",
            f"amzn2-ami-kernel-5.10-hvm-2.0.{AMI_DATE}.0-x86_64-gp2",
            "Amazon Linux 2 Kernel 5.10 AMI 2.0.20241217.0 x86_64 HVM gp2",
            "x86_64",
            False,
        ),
        Image(
            "ami-0b1a2c3d4e5f60718",
            f"amzn2-ami-kernel-5.10-hvm-2.0.{AMI_DATE}.0-arm64-gp2",
            "Amazon Linux 2 Kernel 5.10 AMI 2.0.20241217.0 arm64 HVM gp2",
            "arm64",
            False,
        ),
    )
}

_ECS = "/aws/service/ecs/optimized-ami/amazon-linux-2"
_AL2 = "/aws/service/ami-amazon-linux-latest"
ECS_AMI_PARAMETERS = {
    "x86_64": f"{_ECS}/recommended/image_id",
    "arm64": f"{_ECS}/arm64/recommended/image_id",
}


def find_image(image_id: str) -> Image:
    if not AMI_RE.match(image_id or ""):
        raise error_for_code("InvalidAMIID.Malformed")(
            f'Invalid id: "{image_id}" (expecting "ami-...")'
        )
    image = IMAGES.get(image_id)
    if image is None:
        raise error_for_code("InvalidAMIID.NotFound")(f"The image id '[{image_id}]' does not exist")
    return image


def _recommended(image: Image) -> str:
    return json.dumps(
        {
            "ecs_agent_version": image.agent_version,
            "ecs_runtime_version": f"Docker version {image.docker_version}",
            "image_id": image.id,
            "image_name": image.name,
            "os": "Amazon Linux 2",
            "schema_version": 1,
            "source_image_name": image.name.replace("amzn2-ami-ecs-hvm", "amzn2-ami-minimal-hvm"),
        },
        separators=(",", ":"),
    )


def ssm_parameters() -> dict[str, str]:
    """Public parameter name -> value (all of type String)."""
    out: dict[str, str] = {}
    for image in IMAGES.values():
        if image.ecs_optimized:
            base = f"{_ECS}/recommended" if image.arch == "x86_64" else f"{_ECS}/arm64/recommended"
            out[base] = _recommended(image)
            out[f"{base}/image_id"] = image.id
            out[f"{base}/image_name"] = image.name
        else:
            suffix = "x86_64" if image.arch == "x86_64" else "arm64"
            out[f"{_AL2}/amzn2-ami-kernel-5.10-hvm-{suffix}-gp2"] = image.id
    return out
