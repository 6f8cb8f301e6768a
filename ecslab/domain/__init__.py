"""Domain layer: the simulated account's resources and their behaviour (snake_case inside).

``build_domains(lab)`` attaches one object per domain to a fresh lab. Each domain may implement
``cluster_counts(cluster_arn) -> dict`` (contributing to DescribeClusters counts),
``blocks_cluster_delete(cluster_arn)`` (raising the AWS error that forbids deleting it) and
``owns(arn) -> bool`` (for the tagging API).
"""

from __future__ import annotations

from .account_settings import AccountSettings
from .agent import Agent
from .agent_api import AgentApi
from .anywhere import Activations
from .asg import AutoScalingGroups
from .attributes import Attributes
from .autoscaling import Alarms, AppScaling
from .capacity import CapacityProviders, ManagedScaling
from .clusters import Clusters
from .container_instances import ContainerInstances
from .ec2 import Instances, LaunchTemplates, Network
from .elb import Elb
from .iam import Iam
from .logs import Logs
from .registry import Registry
from .registry.resolve import Images
from .secrets import Secrets
from .services import Faults, Services
from .tagging import Tags
from .task_protection import TaskProtection
from .taskdefs import TaskDefinitions
from .tasks import Tasks
from .web import Web

__all__ = ["build_domains"]


def build_domains(lab) -> None:
    lab.domains = []

    def add(name, obj):
        setattr(lab, name, obj)
        lab.domains.append(obj)

    add("clusters", Clusters(lab))
    add("tags", Tags(lab))
    add("logs", Logs(lab))
    add("taskdefs", TaskDefinitions(lab))
    add("ecr", Registry(lab))
    add("images", Images(lab))
    add("secrets", Secrets(lab))
    add("account_settings", AccountSettings(lab))
    add("network", Network(lab))
    add("iam", Iam(lab))
    add("instances", Instances(lab))
    add("launch_templates", LaunchTemplates(lab))
    add("asg", AutoScalingGroups(lab))
    add("capacity", CapacityProviders(lab))
    add("managed_scaling", ManagedScaling(lab))
    add("container_instances", ContainerInstances(lab))
    add("attributes", Attributes(lab))
    add("agent", Agent(lab))
    add("agent_api", AgentApi(lab))
    add("web", Web(lab))
    add("elb", Elb(lab))
    add("tasks", Tasks(lab))
    add("services", Services(lab))
    add("task_protection", TaskProtection(lab))
    add("activations", Activations(lab))
    add("faults", Faults(lab))
    add("alarms", Alarms(lab))
    add("appscaling", AppScaling(lab))
