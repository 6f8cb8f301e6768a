"""Service auto scaling through real boto3: scalable targets, target tracking and step scaling
policies, the CloudWatch alarms they use, scaling activities, cooldowns, errors and replay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from taskkit import cluster, taskdef

from ecslab import Lab

DIM = "ecs:service:DesiredCount"
RID = "service/MyCluster/web"
ROLE = (
    "arn:aws:iam::123456789012:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
    "AWSServiceRoleForApplicationAutoScaling_ECSService"
)
# 10 rps rising to 100 rps over 20 minutes, held 20 minutes, falling to 5 rps by the hour.
RAMP = [[0, 10], [1200, 100], [2400, 100], [3600, 5]]


def _web(lab: Lab, desired: int = 1, n_instances: int = 3) -> None:
    cluster(lab, n_instances)
    td = taskdef(lab, command=["httpd", "-f"], cpu=256, memory=256)
    lab.client("ecs").create_service(
        cluster="MyCluster", serviceName="web", taskDefinition=td, desiredCount=desired
    )


def _register(aas, lo: int = 1, hi: int = 10, **kw) -> str:
    return aas.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=RID,
        ScalableDimension=DIM,
        MinCapacity=lo,
        MaxCapacity=hi,
        **kw,
    )["ScalableTargetARN"]


def _tracking(aas, target: float = 50.0, out: int = 60, inn: int = 120, **cfg) -> dict:
    return aas.put_scaling_policy(
        PolicyName="cpu50",
        ServiceNamespace="ecs",
        ResourceId=RID,
        ScalableDimension=DIM,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": target,
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": "ECSServiceAverageCPUUtilization"
            },
            "ScaleOutCooldown": out,
            "ScaleInCooldown": inn,
            **cfg,
        },
    )


def _activities(aas) -> list[dict]:
    acts = aas.describe_scaling_activities(ServiceNamespace="ecs", ResourceId=RID)
    return list(reversed(acts["ScalingActivities"]))  # oldest first


def _desired(lab: Lab) -> int:
    svc = lab.client("ecs").describe_services(cluster="MyCluster", services=["web"])
    return svc["services"][0]["desiredCount"]


def test_target_tracking_scales_out_and_in(lab):
    _web(lab)
    aas, cw = lab.client("application-autoscaling"), lab.client("cloudwatch")
    arn = _register(aas)
    assert arn.startswith("arn:aws:application-autoscaling:ap-east-1:123456789012:scalable-target/")
    [t] = aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    assert t["ResourceId"] == RID and t["RoleARN"] == ROLE and t["ScalableTargetARN"] == arn
    assert (t["MinCapacity"], t["MaxCapacity"]) == (1, 10)
    assert t["SuspendedState"] == {
        "DynamicScalingInSuspended": False,
        "DynamicScalingOutSuspended": False,
        "ScheduledScalingSuspended": False,
    }
    out = _tracking(aas)
    assert out["PolicyARN"].startswith("arn:aws:autoscaling:ap-east-1:123456789012:scalingPolicy:")
    assert out["PolicyARN"].endswith(":resource/ecs/service/MyCluster/web:policyName/cpu50")
    high, low = out["Alarms"]
    assert high["AlarmName"].startswith("TargetTracking-service/MyCluster/web-AlarmHigh-")
    assert low["AlarmName"].startswith("TargetTracking-service/MyCluster/web-AlarmLow-")
    assert (
        high["AlarmARN"] == "arn:aws:cloudwatch:ap-east-1:123456789012:alarm:" + high["AlarmName"]
    )
    alarms = {a["AlarmName"]: a for a in cw.describe_alarms()["MetricAlarms"]}
    ah, al = alarms[high["AlarmName"]], alarms[low["AlarmName"]]
    assert (ah["EvaluationPeriods"], ah["DatapointsToAlarm"], ah["Period"]) == (3, 3, 60)
    assert (al["EvaluationPeriods"], al["DatapointsToAlarm"], al["Period"]) == (15, 15, 60)
    assert ah["Threshold"] == 50.0 and ah["ComparisonOperator"] == "GreaterThanThreshold"
    assert al["Threshold"] == 45.0 and al["ComparisonOperator"] == "LessThanThreshold"
    assert ah["Namespace"] == "AWS/ECS" and ah["MetricName"] == "CPUUtilization"
    assert ah["Dimensions"] == [
        {"Name": "ClusterName", "Value": "MyCluster"},
        {"Name": "ServiceName", "Value": "web"},
    ]
    assert ah["AlarmActions"] == [out["PolicyARN"]]
    assert ah["StateValue"] == "INSUFFICIENT_DATA"
    assert ah["StateReason"] == "Unchecked: Initial alarm creation"
    [pol] = aas.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]
    assert pol["TargetTrackingScalingPolicyConfiguration"] == {
        "TargetValue": 50.0,
        "PredefinedMetricSpecification": {
            "PredefinedMetricType": "ECSServiceAverageCPUUtilization"
        },
        "ScaleOutCooldown": 60,
        "ScaleInCooldown": 120,
        "DisableScaleIn": False,
    }
    assert [a["AlarmName"] for a in pol["Alarms"]] == [high["AlarmName"], low["AlarmName"]]

    lab.act("set_load", cluster="MyCluster", service="web", points=RAMP, noise=0.05)
    lab.advance("30m")
    acts = _activities(aas)
    assert len(acts) >= 3 and _desired(lab) >= 7  # 100 rps / (25 rps a task x 50 %) = 8
    first = acts[0]
    assert first["Description"].startswith("Setting desired count to ")
    assert first["Cause"] == (
        f"monitor alarm {high['AlarmName']} in state ALARM triggered policy cpu50"
    )
    n = first["Description"].split()[-1].rstrip(".")
    assert first["StatusCode"] == "Successful"
    assert first["StatusMessage"] == (
        f"Successfully set desired count to {n}. Change successfully fulfilled by ecs."
    )
    ah = cw.describe_alarms(AlarmNames=[high["AlarmName"]])["MetricAlarms"][0]
    assert ah["StateReason"].startswith("Threshold Crossed: ")
    # Scale-outs are at least ScaleOutCooldown (60 s) apart.
    starts = [a["StartTime"] for a in acts]
    assert all(b - a >= timedelta(seconds=60) for a, b in zip(starts, starts[1:], strict=False))
    peak = _desired(lab)
    lab.advance("60m")
    ins = [a for a in _activities(aas) if low["AlarmName"] in a["Cause"]]
    assert ins and _desired(lab) < peak and _desired(lab) >= 1
    s = [a["StartTime"] for a in ins]
    assert all(b - a >= timedelta(seconds=120) for a, b in zip(s, s[1:], strict=False))
    # The running count follows the desired count (the service scheduler acted as usual).
    svc = lab.client("ecs").describe_services(cluster="MyCluster", services=["web"])["services"][0]
    assert svc["runningCount"] == svc["desiredCount"]


def test_utilisation_metric_follows_load_per_running_task(lab):
    _web(lab, desired=2)
    lab.advance("2m")
    lab.act("set_load", cluster="MyCluster", service="web", points=[[0, 20]])
    lab.advance("5m")
    cw = lab.client("cloudwatch")
    got = cw.get_metric_statistics(
        Namespace="AWS/ECS",
        MetricName="CPUUtilization",
        Dimensions=[
            {"Name": "ClusterName", "Value": "MyCluster"},
            {"Name": "ServiceName", "Value": "web"},
        ],
        StartTime=lab.now - timedelta(minutes=10),
        EndTime=lab.now,
        Period=60,
        Statistics=["Average"],
    )["Datapoints"]
    # 20 rps over 2 tasks of 256 CPU units (25 rps each at 100 %): 40 %.
    assert len(got) == 5 and {d["Average"] for d in got} == {40.0}
    assert {d["Unit"] for d in got} == {"Percent"}
    names = {m["MetricName"] for m in cw.list_metrics(Namespace="AWS/ECS")["Metrics"]}
    assert names == {"CPUUtilization", "MemoryUtilization"}


def test_disable_scale_in_creates_no_low_alarm_and_never_scales_in(lab):
    _web(lab)
    aas = lab.client("application-autoscaling")
    _register(aas)
    out = _tracking(aas, DisableScaleIn=True)
    assert [a["AlarmName"].split("-")[2] for a in out["Alarms"]] == ["AlarmHigh"]
    lab.act("set_load", cluster="MyCluster", service="web", points=RAMP)
    lab.advance("100m")
    acts = _activities(aas)
    counts = [int(a["Description"].split()[-1].rstrip(".")) for a in acts]
    assert counts == sorted(counts) and counts[-1] == _desired(lab) > 1


def test_step_scaling_with_a_user_alarm(lab):
    _web(lab)
    aas, cw = lab.client("application-autoscaling"), lab.client("cloudwatch")
    _register(aas)
    pol = aas.put_scaling_policy(
        PolicyName="step-out",
        ServiceNamespace="ecs",
        ResourceId=RID,
        ScalableDimension=DIM,
        PolicyType="StepScaling",
        StepScalingPolicyConfiguration={
            "AdjustmentType": "ChangeInCapacity",
            "StepAdjustments": [
                {
                    "MetricIntervalLowerBound": 0,
                    "MetricIntervalUpperBound": 20,
                    "ScalingAdjustment": 1,
                },
                {"MetricIntervalLowerBound": 20, "ScalingAdjustment": 3},
            ],
            "Cooldown": 180,
            "MetricAggregationType": "Average",
        },
    )
    assert "Alarms" not in pol  # a step policy's alarms are yours to create
    assert aas.describe_scalable_targets(ServiceNamespace="dynamodb")["ScalableTargets"] == []
    before = len(lab.events)
    with pytest.raises(ClientError) as e:
        cw.put_metric_alarm(
            AlarmName="web-cpu-high",
            MetricName="CPUUtilization",
            Namespace="AWS/ECS",
            Statistic="Average",
            Period=90,
            EvaluationPeriods=2,
            Threshold=60.0,
            ComparisonOperator="GreaterThanThreshold",
        )
    assert e.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert len(lab.events) == before
    cw.put_metric_alarm(
        AlarmName="web-cpu-high",
        MetricName="CPUUtilization",
        Namespace="AWS/ECS",
        Statistic="Average",
        Dimensions=[
            {"Name": "ClusterName", "Value": "MyCluster"},
            {"Name": "ServiceName", "Value": "web"},
        ],
        Period=60,
        EvaluationPeriods=2,
        DatapointsToAlarm=2,
        Threshold=60.0,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[pol["PolicyARN"]],
    )
    # 50 rps on one 25-rps task: 100 % CPU, 40 above the threshold -> the second step (+3).
    lab.act("set_load", cluster="MyCluster", service="web", points=[[0, 50]])
    lab.advance("4m")
    ev = lab.events
    changes = [d for k, d in zip(ev["kind"], ev["detail"], strict=True) if k == "AlarmStateChanged"]
    to_alarm = [d for d in changes if d["new_state"] == "ALARM"][0]
    assert to_alarm["reason"].startswith(
        "Threshold Crossed: 2 out of the last 2 datapoints [100.0 ("
    )
    assert to_alarm["reason"].endswith(
        "were greater than the threshold (60.0) (minimum 2 datapoints for OK -> ALARM transition)."
    )
    [described] = aas.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"]
    assert [a["AlarmName"] for a in described["Alarms"]] == ["web-cpu-high"]
    acts = _activities(aas)
    assert [a["Description"] for a in acts] == ["Setting desired count to 4."]
    assert acts[0]["Cause"] == "monitor alarm web-cpu-high in state ALARM triggered policy step-out"
    # 4 tasks: 50 % CPU, below the threshold again: the alarm returns to OK.
    lab.advance("3m")
    [alarm] = cw.describe_alarms(AlarmNames=["web-cpu-high"])["MetricAlarms"]
    assert alarm["StateValue"] == "OK" and len(_activities(aas)) == 1
    assert cw.describe_alarms(StateValue="ALARM")["MetricAlarms"] == []
    # 250 rps: 100 % on 4 tasks; the cooldown (180 s from the first activity) has passed: +3.
    lab.act("set_load", cluster="MyCluster", service="web", points=[[0, 250]])
    lab.advance("3m")
    assert [a["Description"] for a in _activities(aas)][-1] == "Setting desired count to 7."
    lab.advance("6m")  # still ALARM: one more activity a cooldown (180 s) later at the earliest
    acts = _activities(aas)
    starts = [a["StartTime"] for a in acts]
    assert len(acts) >= 3 and _desired(lab) == 10  # the scalable target's maximum
    assert all(b - a >= timedelta(seconds=180) for a, b in zip(starts, starts[1:], strict=False))


def test_registering_a_minimum_above_the_desired_count_scales(lab):
    _web(lab, desired=1)
    aas = lab.client("application-autoscaling")
    _register(aas, lo=3, hi=6)
    [act] = _activities(aas)
    assert act["Description"] == "Setting desired count to 3."
    assert act["Cause"] == "minimum capacity was set to 3"
    assert _desired(lab) == 3
    _register(aas, lo=1, hi=2)  # an update: max below desired
    assert _activities(aas)[-1]["Cause"] == "maximum capacity was set to 2"
    assert _desired(lab) == 2


def test_deregister_removes_policies_and_their_alarms(lab):
    _web(lab)
    aas, cw = lab.client("application-autoscaling"), lab.client("cloudwatch")
    _register(aas)
    _tracking(aas)
    assert len(cw.describe_alarms()["MetricAlarms"]) == 2
    aas.delete_scaling_policy(
        PolicyName="cpu50", ServiceNamespace="ecs", ResourceId=RID, ScalableDimension=DIM
    )
    assert cw.describe_alarms()["MetricAlarms"] == []
    _tracking(aas)
    aas.deregister_scalable_target(ServiceNamespace="ecs", ResourceId=RID, ScalableDimension=DIM)
    assert aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"] == []
    assert aas.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"] == []
    assert cw.describe_alarms()["MetricAlarms"] == []
    kinds = set(lab.events["kind"])
    assert {"ScalingPolicyDeleted", "ScalableTargetDeregistered", "MetricAlarmDeleted"} <= kinds


_TT = {
    "TargetValue": 50.0,
    "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"},
}


@pytest.mark.parametrize(
    "op,kwargs,code,message",
    [
        (
            "register_scalable_target",
            {"ResourceId": "service/MyCluster/nope", "MinCapacity": 1, "MaxCapacity": 2},
            "ValidationException",
            "ECS service doesn't exist: service/MyCluster/nope",
        ),
        (
            "register_scalable_target",
            {"ResourceId": RID, "MinCapacity": 5, "MaxCapacity": 2},
            "ValidationException",
            "Minimum capacity cannot be greater than maximum capacity",
        ),
        (
            "register_scalable_target",
            {"ResourceId": "web", "MinCapacity": 1, "MaxCapacity": 2},
            "ValidationException",
            "Unsupported service namespace, resource type or scalable dimension",
        ),
        (
            "register_scalable_target",
            {"ResourceId": RID, "ScalableDimension": "ecs:service:Cpu", "MinCapacity": 1},
            "ValidationException",
            "Unsupported service namespace, resource type or scalable dimension",
        ),
        (
            "register_scalable_target",
            {"ResourceId": RID, "ServiceNamespace": "dynamodb", "MinCapacity": 1},
            "ValidationException",
            None,
        ),
        (
            "put_scaling_policy",
            {
                "ResourceId": "service/MyCluster/other",
                "PolicyName": "p",
                "PolicyType": "TargetTrackingScaling",
                "TargetTrackingScalingPolicyConfiguration": _TT,
            },
            "ObjectNotFoundException",
            "No scalable target registered for service namespace: ecs, resource ID: "
            "service/MyCluster/other, scalable dimension: ecs:service:DesiredCount",
        ),
        (
            "put_scaling_policy",
            {"ResourceId": RID, "PolicyName": "p", "PolicyType": "TargetTrackingScaling"},
            "ValidationException",
            None,
        ),
        (
            "put_scaling_policy",
            {
                "ResourceId": RID,
                "PolicyName": "p",
                "PolicyType": "TargetTrackingScaling",
                "TargetTrackingScalingPolicyConfiguration": {
                    "TargetValue": 50.0,
                    "PredefinedMetricSpecification": {
                        "PredefinedMetricType": "DynamoDBReadCapacityUtilization"
                    },
                },
            },
            "ValidationException",
            None,
        ),
        (
            "put_scaling_policy",
            {
                "ResourceId": RID,
                "PolicyName": "p",
                "PolicyType": "StepScaling",
                "StepScalingPolicyConfiguration": {"AdjustmentType": "ChangeInCapacity"},
            },
            "ValidationException",
            None,
        ),
        (
            "put_scaling_policy",
            {
                "ResourceId": RID,
                "PolicyName": "p",
                "PolicyType": "StepScaling",
                "StepScalingPolicyConfiguration": {
                    "AdjustmentType": "ChangeInCapacity",
                    "StepAdjustments": [
                        {"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1},
                        {"MetricIntervalLowerBound": 10, "ScalingAdjustment": 2},
                    ],
                },
            },
            "ValidationException",
            "Step adjustment intervals must not overlap.",
        ),
        (
            "delete_scaling_policy",
            {"ResourceId": RID, "PolicyName": "nope"},
            "ObjectNotFoundException",
            "No scaling policy found for service namespace: ecs, resource ID: "
            "service/MyCluster/web, scalable dimension: ecs:service:DesiredCount, policy name: nope",
        ),
        (
            "deregister_scalable_target",
            {"ResourceId": "service/MyCluster/other"},
            "ObjectNotFoundException",
            "No scalable target found for service namespace: ecs, resource ID: "
            "service/MyCluster/other, scalable dimension: ecs:service:DesiredCount",
        ),
        ("describe_scalable_targets", {"NextToken": "garbage"}, "InvalidNextTokenException", None),
    ],
)
def test_bad_input_gets_the_aws_error_and_changes_nothing(lab, op, kwargs, code, message):
    _web(lab)
    aas = lab.client("application-autoscaling")
    _register(aas)
    before = len(lab.events)
    kw = {"ServiceNamespace": "ecs", **kwargs}
    if op != "describe_scalable_targets":
        kw.setdefault("ScalableDimension", DIM)
    with pytest.raises(ClientError) as e:
        getattr(aas, op)(**kw)
    assert e.value.response["Error"]["Code"] == code
    if message is not None:
        assert e.value.response["Error"]["Message"] == message
    assert len(lab.events) == before
    assert len(aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]) == 1


@pytest.mark.parametrize(
    "kwargs,code",
    [
        ({"EvaluationPeriods": 2, "DatapointsToAlarm": 3}, "ValidationError"),
        ({"EvaluationPeriods": 1, "Statistic": "p99"}, "InvalidParameterValue"),
        (
            {"EvaluationPeriods": 1, "ComparisonOperator": "LessThanLowerThreshold"},
            "InvalidParameterValue",
        ),
    ],
)
def test_put_metric_alarm_bad_input(lab, kwargs, code):
    cw = lab.client("cloudwatch")
    before = len(lab.events)
    args = {
        "AlarmName": "a",
        "MetricName": "CPUUtilization",
        "Namespace": "AWS/ECS",
        "Statistic": "Average",
        "Period": 60,
        "Threshold": 1.0,
        "ComparisonOperator": "GreaterThanThreshold",
        **kwargs,
    }
    with pytest.raises(ClientError) as e:
        cw.put_metric_alarm(**args)
    assert e.value.response["Error"]["Code"] == code
    assert len(lab.events) == before and cw.describe_alarms()["MetricAlarms"] == []


def test_alarm_on_a_metric_without_data_stays_insufficient(lab):
    cw = lab.client("cloudwatch")
    cw.put_metric_alarm(
        AlarmName="other",
        MetricName="Latency",
        Namespace="MyApp",
        Statistic="Average",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    lab.advance("5m")
    [a] = cw.describe_alarms()["MetricAlarms"]
    assert a["StateValue"] == "INSUFFICIENT_DATA"
    before = len(lab.events)
    with pytest.raises(ClientError) as e:
        cw.delete_alarms(AlarmNames=["other", "nope"])
    assert e.value.response["Error"]["Code"] == "ResourceNotFound"
    assert len(lab.events) == before and len(cw.describe_alarms()["MetricAlarms"]) == 1
    cw.delete_alarms(AlarmNames=["other"])
    assert cw.describe_alarms()["MetricAlarms"] == []


def test_replay_regenerates_scaling(tmp_path):
    lab = Lab(seed=11)
    _web(lab)
    aas = lab.client("application-autoscaling")
    _register(aas)
    _tracking(aas)
    lab.act("set_load", cluster="MyCluster", service="web", points=RAMP, noise=0.1)
    lab.advance("75m")
    acts = aas.describe_scaling_activities(ServiceNamespace="ecs")["ScalingActivities"]
    alarms = lab.client("cloudwatch").describe_alarms()["MetricAlarms"]
    assert len(acts) >= 4
    path = lab.save(tmp_path / "scaling.json.gz")
    again = Lab.load(path)  # checks every regenerated fact equals the saved one
    assert again.events[["kind", "resource"]].equals(lab.events[["kind", "resource"]])
    aas2 = again.client("application-autoscaling")
    assert aas2.describe_scaling_activities(ServiceNamespace="ecs")["ScalingActivities"] == acts
    assert again.client("cloudwatch").describe_alarms()["MetricAlarms"] == alarms


@pytest.mark.parametrize(
    "args,words",
    [
        ({"service": "nope", "points": [[0, 1]]}, "no ACTIVE service"),
        ({"service": "web"}, "either points"),
        ({"service": "web", "shape": "sawtooth"}, "unknown load shape"),
        ({"service": "web", "points": [[0, -1]]}, "rps >= 0"),
        ({"service": "web", "shape": "two_peaks", "noise": 2}, "noise"),
    ],
)
def test_set_load_refuses_bad_curves_and_changes_nothing(lab, args, words):
    _web(lab)
    before = len(lab.events)
    with pytest.raises(ValueError, match=words):
        lab.act("set_load", cluster="MyCluster", **args)
    assert len(lab.events) == before and lab.alarms.curves == {}


def test_get_metric_data_and_memory_follow_the_load(lab):
    _web(lab, desired=1)
    lab.act("set_load", cluster="MyCluster", service="web", points=[[0, 10]], memory_base=20)
    lab.advance("3m")
    cw = lab.client("cloudwatch")
    dims = [{"Name": "ClusterName", "Value": "MyCluster"}, {"Name": "ServiceName", "Value": "web"}]
    got = cw.get_metric_data(
        MetricDataQueries=[
            {
                "Id": m.lower(),
                "MetricStat": {
                    "Metric": {"Namespace": "AWS/ECS", "MetricName": m, "Dimensions": dims},
                    "Period": 60,
                    "Stat": "Average",
                },
            }
            for m in ("CPUUtilization", "MemoryUtilization")
        ],
        StartTime=lab.now - timedelta(minutes=10),
        EndTime=lab.now,
    )["MetricDataResults"]
    # 10 rps on one task of 25 rps: CPU 40 %; memory 20 + 0.5 x 40 = 40 %.
    assert [set(r["Values"]) for r in got] == [{40.0}, {40.0}]
    assert len(got[0]["Timestamps"]) == 3


def test_alarms_need_3_and_15_one_minute_datapoints(lab):
    _web(lab, desired=2)
    aas = lab.client("application-autoscaling")
    _register(aas, lo=2, hi=2)  # min = max: the alarms act, the count cannot change
    out = _tracking(aas)
    high, low = (a["AlarmName"] for a in out["Alarms"])
    lab.advance_to(lab.now.replace(second=0) + timedelta(minutes=1))  # a minute boundary
    t0 = lab.now
    # 40 rps on two 25-rps tasks: 80 % CPU from this minute on.
    lab.act("set_load", cluster="MyCluster", service="web", points=[[0, 40]])
    lab.advance("10m")
    ev = lab.events
    rows = ev[ev["kind"] == "AlarmStateChanged"]
    changes = [
        (t, d["name"], d["new_state"]) for t, d in zip(rows["time"], rows["detail"], strict=True)
    ]
    to_alarm = [t for t, n, s in changes if n == high and s == "ALARM"]
    # The datapoints of minutes t0, t0+1, t0+2 are all in by t0+3: ALARM then.
    assert to_alarm == [t0 + timedelta(minutes=3)]
    # 5 rps: 10 % CPU, under 45 %: AlarmLow needs 15 such minutes.
    t1 = lab.now.replace(second=0)
    lab.act("set_load", cluster="MyCluster", service="web", points=[[0, 5]])
    lab.advance("20m")
    ev = lab.events
    rows = ev[ev["kind"] == "AlarmStateChanged"]
    low_alarm = [
        t
        for t, d in zip(rows["time"], rows["detail"], strict=True)
        if d["name"] == low and d["new_state"] == "ALARM"
    ]
    assert low_alarm == [t1 + timedelta(minutes=15)]
    assert _activities(aas) == []  # min = max = desired: nothing to do


def test_no_scale_in_while_a_deployment_is_in_progress(lab):
    _web(lab, desired=4)
    aas = lab.client("application-autoscaling")
    _register(aas)
    _tracking(aas, inn=60)
    lab.advance("2m")
    # A revision no instance can place (16 GiB): its deployment stays IN_PROGRESS.
    big = taskdef(lab, command=["httpd", "-f"], cpu=256, memory=16000)
    lab.client("ecs").update_service(cluster="MyCluster", service="web", taskDefinition=big)
    lab.act("set_load", cluster="MyCluster", service="web", points=[[0, 5]])  # 5 % CPU
    lab.advance("25m")
    [low] = [
        a
        for a in lab.client("cloudwatch").describe_alarms()["MetricAlarms"]
        if "-AlarmLow-" in a["AlarmName"]
    ]
    assert low["StateValue"] == "ALARM" and _activities(aas) == [] and _desired(lab) == 4
    # Back to the revision that runs: the deployment completes, then the policy scales in.
    lab.client("ecs").update_service(cluster="MyCluster", service="web", taskDefinition="app:1")
    lab.advance("10m")
    assert _activities(aas) and _desired(lab) < 4


@pytest.mark.parametrize(
    "cfg,want",
    [
        # 50 % of 2 tasks is 1, raised to MinAdjustmentMagnitude 2: 4 tasks.
        ({"AdjustmentType": "PercentChangeInCapacity", "MinAdjustmentMagnitude": 2, "adj": 50}, 4),
        ({"AdjustmentType": "PercentChangeInCapacity", "adj": 150}, 5),  # 2 + int(3.0)
        ({"AdjustmentType": "ExactCapacity", "adj": 6}, 6),
        ({"AdjustmentType": "ChangeInCapacity", "adj": 20}, 10),  # clamped to MaxCapacity
    ],
)
def test_step_adjustment_types(lab, cfg, want):
    _web(lab, desired=2)
    aas, cw = lab.client("application-autoscaling"), lab.client("cloudwatch")
    _register(aas)
    adj = cfg.pop("adj")
    arn = aas.put_scaling_policy(
        PolicyName="step",
        ServiceNamespace="ecs",
        ResourceId=RID,
        ScalableDimension=DIM,
        PolicyType="StepScaling",
        StepScalingPolicyConfiguration={
            **cfg,
            "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": adj}],
            "MetricAggregationType": "Maximum",
        },
    )["PolicyARN"]
    cw.put_metric_alarm(
        AlarmName="hot",
        MetricName="CPUUtilization",
        Namespace="AWS/ECS",
        Statistic="Maximum",
        Dimensions=[
            {"Name": "ClusterName", "Value": "MyCluster"},
            {"Name": "ServiceName", "Value": "web"},
        ],
        Period=60,
        EvaluationPeriods=1,
        Threshold=70.0,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        AlarmActions=[arn],
    )
    lab.act("set_load", cluster="MyCluster", service="web", points=[[0, 50]])  # 100 % on 2 tasks
    lab.advance("3m")  # one activity; the 300 s default Cooldown holds the next
    acts = _activities(aas)
    assert [a["Description"] for a in acts] == [f"Setting desired count to {want}."]
