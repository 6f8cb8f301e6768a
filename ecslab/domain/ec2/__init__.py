"""Simulated EC2: the default VPC (network), AMIs and SSM parameters (images), instances."""

from .images import IMAGES, find_image, ssm_parameters
from .instances import Instance, Instances
from .network import Network

__all__ = ["IMAGES", "find_image", "ssm_parameters", "Instance", "Instances", "Network"]
from .templates import LaunchTemplate, LaunchTemplates  # noqa: E402

__all__ += ["LaunchTemplate", "LaunchTemplates"]
