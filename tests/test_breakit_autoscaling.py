"""Break-it 14: the service never scales in (DisableScaleIn, or a day-long ScaleInCooldown)."""

from __future__ import annotations

import pytest

from ecslab import Lab, breakit


@pytest.mark.parametrize("variant", ["scale-in-disabled", "scale-in-cooldown"])
def test_never_scales_in(variant, tmp_path):
    s = breakit.get("never-scales-in")
    assert s.number == 14 and s in breakit.available()
    lab = s.start(7, variant)
    symptom = s.symptom(lab)
    assert "offered load now 15 requests/s" in symptom
    if variant == "scale-in-disabled":
        assert "DisableScaleIn True" in symptom and "AlarmLow" not in symptom
        assert "desiredCount 12" in symptom
    else:
        assert "ScaleInCooldown 86400" in symptom and "AlarmLow: ALARM" in symptom
        assert "desiredCount 9" in symptom  # one gradual scale-in, then the day-long cooldown
    before = s.check(lab)
    assert not before.passed and before.hint
    # The wrong fix: scaling in by hand leaves the policy as it was.
    lab.client("ecs").update_service(cluster="scale-lab", service="api", desiredCount=2)
    wrong = s.check(lab)
    assert not wrong.passed and ("DisableScaleIn" in wrong.message or "86400" in wrong.message)
    s.apply_fix(lab)
    after = s.check(lab)
    assert after.passed, after
    assert Lab.load(lab.save(tmp_path / "lab.json.gz")).events.shape == lab.events.shape
