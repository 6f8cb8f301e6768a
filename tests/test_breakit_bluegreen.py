"""Break-it 15: a blue/green deployment that always rolls back (its lifecycle hook fails, or
times out with action ROLLBACK)."""

from __future__ import annotations

import pytest

from ecslab import Lab, breakit
from ecslab.breakit.scenarios_bluegreen import bg_revision


@pytest.mark.parametrize("variant", ["hook-fails", "hook-times-out"])
def test_bluegreen_always_rolls_back(variant, tmp_path):
    s = breakit.get("bluegreen-always-rolls-back")
    assert s.number == 15 and s in breakit.available()
    lab = s.start(7, variant)
    symptom = s.symptom(lab)
    answer = "FAILED" if variant == "hook-fails" else "TIMED_OUT"
    assert "service deployment to bg-web:2: ROLLBACK_SUCCESSFUL" in symptom
    assert f"function:bg-smoke-test {answer} at POST_TEST_TRAFFIC_SHIFT." in symptom
    assert "production listener rule: bg-blue 100, bg-green 0" in symptom
    assert "the service runs bg-web:1" in symptom
    before = s.check(lab)
    assert not before.passed and "ROLLBACK_SUCCESSFUL" in before.message
    assert ("never answers" in before.hint) == (variant == "hook-times-out")
    # The wrong fix: deploying release 2 again rolls back again.
    ecs = lab.client("ecs")
    ecs.update_service(cluster="bg-lab", service="bg-web", taskDefinition=bg_revision(lab, "2"))
    lab.advance("12m")
    wrong = s.check(lab)
    assert not wrong.passed and "ROLLBACK_SUCCESSFUL" in wrong.message
    if variant == "hook-fails":
        s.apply_fix(lab)
    else:  # the other documented fix: remove the hook, deploy release 2 again
        ecs.update_service(
            cluster="bg-lab",
            service="bg-web",
            taskDefinition=bg_revision(lab, "2"),
            deploymentConfiguration={"lifecycleHooks": []},
        )
        lab.advance("12m")
    after = s.check(lab)
    assert after.passed, after
    assert "production on bg-green" in after.message
    assert Lab.load(lab.save(tmp_path / "lab.json.gz")).events.shape == lab.events.shape


def test_switching_to_rolling_is_not_the_fix():
    s = breakit.get("bluegreen-always-rolls-back")
    lab = s.start(3, "hook-fails")
    lab.client("ecs").update_service(
        cluster="bg-lab",
        service="bg-web",
        taskDefinition=bg_revision(lab, "2"),
        deploymentConfiguration={"strategy": "ROLLING"},
    )
    lab.advance("10m")
    got = s.check(lab)
    assert not got.passed and "ROLLING strategy" in got.message
