"""notebooks/zh-Hant/glossary.md is a well-formed Markdown table that has every key term the
lessons introduce (English original, course term, AWS zh-TW label or a mark saying it is not
confirmed, a plain explanation) and uses the course glossary's words (docs: BRIEF "Languages")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

GLOSSARY = Path(__file__).resolve().parents[2] / "notebooks" / "zh-Hant" / "glossary.md"
HEADER = ["English", "課程用語", "AWS 中文標示", "解釋"]
HAN = re.compile(r"[\u4e00-\u9fff]")

#: The terms the lessons' headings and bold words introduce (00-14), and those of the lessons to
#: come (capacity providers, deployments). Each must be the English cell of a row, or part of it
#: ("family / revision").
KEY_TERMS = [
    "cluster",
    "container instance",
    "ECS container agent",
    "ECS-optimized AMI",
    "user data",
    "instance profile",
    "registered resources",
    "task definition",
    "family",
    "revision",
    "execution role",
    "task role",
    "network mode",
    "Amazon ECR",
    "repository",
    "image",
    "tag",
    "task",
    "launch type",
    "Fargate",
    "placement strategy",
    "placement constraint",
    "service",
    "desired count",
    "rolling deployment",
    "circuit breaker",
    "ENI",
    "ENI trunking",
    "dynamic host port",
    "health check",
    "health check grace period",
    "load balancer",
    "target group",
    "listener",
    "Availability Zone",
    "break-even",
    "Container Insights",
    "break-it lab",
    "service auto scaling",
    "scaling policy",
    "target tracking",
    "step scaling",
    "cooldown",
    "capacity provider",
    "managed scaling",
    "FARGATE_SPOT",
    "task set",
    "blue/green deployment",
    "bake time",
    "lifecycle hook",
    "test traffic",
    "production traffic",
    "service revision",
    "service deployment",
    "ARN",
    "SSM parameter",
    "image manifest",
    "untagged image",
    "tag immutability",
    "lifecycle policy",
    "essential container",
    "log group",
    "host port",
    "static host port",
    "account setting",
    "Savings Plans",
    "waiter",
    "service-linked role",
    "infrastructure role",
    "scaling activity",
    "step adjustment",
    "metric dimension",
    "listener rule",
    "lifecycle stage",
]

#: Course terms fixed by the brief's glossary: the row of the English term must use them.
COURSE_TERMS = {
    "cluster": "叢集",
    "task": "任務",
    "task definition": "任務定義",
    "service": "服務",
    "container instance": "容器實例",
    "load balancer": "負載平衡器",
    "target group": "目標群組",
    "listener": "接聽程式",
    "health check": "健康檢查",
    "desired count": "期望數目",
    "rolling deployment": "滾動部署",
    "blue/green deployment": "藍綠部署",
    "circuit breaker": "斷路器",
    "launch type": "啟動類型",
    "network mode": "網絡模式",
    "repository": "儲存庫",
    "capacity provider": "容量提供者",
    "scaling policy": "擴展政策",
    "target tracking": "目標追蹤",
    "cooldown": "冷卻期",
    "bake time": "觀察期",
    "lifecycle hook": "生命週期掛鈎",
    "test traffic": "測試流量",
    "production traffic": "正式流量",
    "service revision": "修訂版本",
}


def _rows() -> list[list[str]]:
    lines = [line for line in GLOSSARY.read_text(encoding="utf-8").splitlines()]
    table = [line for line in lines if line.startswith("|")]
    assert table, "no table in the glossary"
    cells = [[c.strip() for c in line.strip().strip("|").split("|")] for line in table]
    assert cells[0] == HEADER
    assert all(re.fullmatch(r":?-{3,}:?", c) for c in cells[1]), cells[1]
    return cells[2:]


def test_table_is_well_formed():
    rows = _rows()
    assert len(rows) >= len(KEY_TERMS) - 5  # family/revision etc. share rows
    for row in rows:
        assert len(row) == len(HEADER), row
        english, course, aws, plain = row
        assert english and not HAN.search(english), row
        assert course, row
        assert aws, row
        # Every AWS label says whether it was confirmed: ✓, "未核實", or "—" (no AWS label).
        assert "✓" in aws or "未核實" in aws or aws.startswith("—"), row
        assert HAN.search(plain) and plain.endswith("。"), row
    english = [row[0] for row in rows]
    assert len(english) == len(set(english)), "a term has two rows"


def _terms_of(cell: str) -> set[str]:
    """``family / revision`` -> {"family / revision", "family", "revision"}; ``ENI (elastic
    network interface)`` -> also ``ENI``."""
    names = {cell}
    for part in re.split(r"\s*/\s*(?![a-z]+ deployment)", cell):
        names.add(part)
        names.add(re.sub(r"\s*\(.*\)$", "", part))
    return names


@pytest.mark.parametrize("term", KEY_TERMS)
def test_key_term_is_in_the_glossary(term):
    known = set().union(*(_terms_of(row[0]) for row in _rows()))
    assert term in known


@pytest.mark.parametrize("term,course", sorted(COURSE_TERMS.items()))
def test_course_terms_follow_the_brief(term, course):
    row = next(r for r in _rows() if term in _terms_of(r[0]))
    assert course in row[1], row
