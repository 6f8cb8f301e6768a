"""What the ECS container agent calls: DiscoverPollEndpoint."""

from __future__ import annotations

from .registry import handler


@handler("ecs", "DiscoverPollEndpoint")
def discover_poll_endpoint(lab, p):
    # The agent asks where to long-poll (ACS), where to send telemetry (TCS) and where Service
    # Connect lives. The host names follow the documented regional pattern; the numbered shard
    # ("ecs-a-1") is modelled [M]: AWS picks it per account and instance.
    if p.get("cluster"):
        lab.clusters.get(p["cluster"])
    region = lab.region
    return {
        "endpoint": f"https://ecs-a-1.{region}.amazonaws.com/",
        "telemetryEndpoint": f"https://ecs-t-1.{region}.amazonaws.com/",
        "serviceConnectEndpoint": f"https://ecs-sc.{region}.api.aws",
    }
