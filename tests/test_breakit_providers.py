"""Break-it 13: tasks stuck in PROVISIONING (group MaxSize 0, or managed scaling off)."""

from __future__ import annotations

import pytest

from ecslab import Lab, breakit


@pytest.mark.parametrize("variant", ["max-size-zero", "managed-scaling-off"])
def test_stuck_in_provisioning(variant, tmp_path):
    s = breakit.get("stuck-in-provisioning")
    assert s.number == 13 and s in breakit.available()
    lab = s.start(7, variant)
    symptom = s.symptom(lab)
    assert "runningCount 0" in symptom and "3 PROVISIONING" in symptom
    if variant == "max-size-zero":
        assert "MaxSize 0" in symptom and "CapacityProviderReservation: 200" in symptom
    else:
        assert "managedScaling DISABLED" in symptom
    before = s.check(lab)
    assert not before.passed and before.hint
    # A wrong fix: raising the group's desired capacity is capped by MaxSize / undone by nothing
    if variant == "max-size-zero":
        lab.client("autoscaling").update_auto_scaling_group(
            AutoScalingGroupName="cap-asg", MinSize=0
        )
        assert not s.check(lab).passed
    s.apply_fix(lab)
    after = s.check(lab)
    assert after.passed, after
    assert Lab.load(lab.save(tmp_path / "lab.json.gz")).events.shape == lab.events.shape
