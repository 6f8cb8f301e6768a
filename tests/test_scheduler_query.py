"""The cluster query language: every subject, operator and word form, combinations, the doc's
examples, and malformed expressions (InvalidParameterException pointing at the problem)."""

from __future__ import annotations

import pytest

from ecslab.core.errors import InvalidParameterException
from ecslab.domain.scheduler import InstanceTable, parse
from ecslab.domain.scheduler.sample import sample_instances

# Six instances: types, AZs, agent state, versions, task counts and groups chosen so that each
# expression below selects a distinct, known set of rows.
TYPES = ["t3.medium", "m5.large", "m6g.large", "c5.large", "r5.large", "t3.large"]


@pytest.fixture(scope="module")
def table() -> InstanceTable:
    df = sample_instances(
        TYPES,
        azs=["us-east-1a", "us-east-1b", "us-east-1d"],
        agent_connected=[True, True, False, True, True, True],
        agent_version=["1.14.4", "1.14.5", "1.70.0", "1.9.0", "1.14.5", "2.0.1"],
        running_tasks_count=[0, 1, 2, 1, 0, 5],
        attributes=[{"stack": "prod"}, {"stack": "dev"}, {}, {"stack": "prod", "n": "10"},
                    {"ecs.capability.task-eni": None}, {"n": "9"}],
        task_groups=[{}, {"service:production": 1}, {"database": 2}, {"family:web": 1}, {}, {"database": 1, "x": 4}],
        registered_at=["2018-02-12T10:00:00Z", "2018-02-13T00:00:00Z", "2018-02-13T23:59:59Z",
                       "2018-06-18T22:28:28Z", "2019-01-01T00:00:00Z", "2017-12-31T12:00:00Z"],
        ec2_instance_id=["i-abcd1234", "i-wxyx7890", "i-0000000000000aaaa", "i-1", "i-2", "i-3"],
    )  # fmt: skip
    return InstanceTable(df)


def rows(table, expr):
    return [int(i) for i, v in enumerate(parse(expr).mask(table)) if v]


# The examples of cluster-query-language.md and task-placement-constraints.md, adapted only in
# their values where the doc names a type or AZ the lab table doesn't have.
DOC_EXAMPLES = [
    ("attribute:ecs.instance-type == t3.medium", [0]),
    ("attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", [0, 1, 3, 4]),
    ("attribute:ecs.instance-type =~ t3.* and attribute:ecs.availability-zone != us-east-1d", [0]),
    ("task:group == service:production", [1]),
    ("not(task:group == database)", [0, 1, 3, 4]),
    ("runningTasksCount == 1", [1, 3]),
    ("agentVersion < 1.14.5", [0, 3]),
    ("registeredAt < 2018-02-13", [0, 5]),
    ("ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", [0, 1]),
    ("attribute:stack == prod", [0, 3]),
    ("attribute:stack != prod", [1]),  # has "stack", with another value
    ("attribute:ecs.instance-type in [t3.medium, t3.large]", [0, 5]),
    ("attribute:ecs.instance-type =~ t3.* and attribute:ecs.availability-zone == us-east-1a", [0]),
]


@pytest.mark.parametrize("expr,want", DOC_EXAMPLES)
def test_documented_examples(table, expr, want):
    assert rows(table, expr) == want


OPERATORS = [
    # (expression, rows) covering each operator in symbol and word form
    ("attribute:stack == prod", [0, 3]),
    ("attribute:stack equals prod", [0, 3]),
    ("attribute:stack != prod", [1]),
    ("attribute:stack not_equals prod", [1]),
    ("runningTasksCount > 1", [2, 5]),
    ("runningTasksCount greater_than 1", [2, 5]),
    ("runningTasksCount >= 1", [1, 2, 3, 5]),
    ("runningTasksCount greater_than_equal 1", [1, 2, 3, 5]),
    ("runningTasksCount < 1", [0, 4]),
    ("runningTasksCount less_than 1", [0, 4]),
    ("runningTasksCount <= 1", [0, 1, 3, 4]),
    ("runningTasksCount less_than_equal 1", [0, 1, 3, 4]),
    ("runningTasksCount != 1", [0, 2, 4, 5]),
    ("attribute:stack exists", [0, 1, 3]),
    ("attribute:stack !exists", [2, 4, 5]),
    ("attribute:stack not_exists", [2, 4, 5]),
    ("attribute:ecs.capability.task-eni exists", [4]),  # a valueless attribute exists
    ("attribute:stack in [prod, qa]", [0, 3]),
    ("attribute:stack !in [prod, qa]", [1]),
    ("attribute:stack not_in [prod,qa]", [1]),
    ("attribute:ecs.instance-type =~ .*\\.large", [1, 2, 3, 4, 5]),
    ("attribute:ecs.instance-type matches (m5|c5)\\..*", [1, 3]),
    ("attribute:ecs.instance-type !~ t3.*", [1, 2, 3, 4]),
    ("attribute:ecs.instance-type not_matches t3.*", [1, 2, 3, 4]),
    ("attribute:n > 9", [3]),  # numeric when both sides are numbers (10 > 9)
    ("attribute:stack >= p", [0, 3]),  # else string order
]


@pytest.mark.parametrize("expr,want", OPERATORS)
def test_operators(table, expr, want):
    assert rows(table, expr) == want


SUBJECTS = [
    ("agentConnected == false", [2]),
    ("agentConnected == TRUE", [0, 1, 3, 4, 5]),
    ("agentConnected in [false]", [2]),
    ("agentConnected =~ t.*", [0, 1, 3, 4, 5]),
    ("agentVersion == 1.14.5", [1, 4]),
    ("agentVersion >= 1.14.5", [1, 2, 4, 5]),
    ("agentVersion > 1.9.0", [0, 1, 2, 4, 5]),  # numeric order, not string order
    ("attribute:ecs.cpu-architecture == arm64", [2]),
    ("attribute:ecs.os-type == linux", [0, 1, 2, 3, 4, 5]),
    ("ec2InstanceId == i-abcd1234", [0]),
    ("ec2InstanceId =~ i-[0-9]", [3, 4, 5]),
    ("registeredAt == 2018-02-13", [1, 2]),  # the whole UTC day
    ("registeredAt >= 2018-06-18T22:28:28+00:00", [3, 4]),
    ("registeredAt > 2018-06-18T22:28:28Z", [4]),
    ("registeredAt <= 2018-06-18T22:28:28", [0, 1, 2, 3, 5]),
    ("runningTasksCount == 5", [5]),
    ("task:group == database", [2, 5]),
    ("task:group != database", [0, 1, 3, 4]),
    ("task:group in [database, family:web]", [2, 3, 5]),
    ("task:group !in [database, family:web]", [0, 1, 4]),
    ("task:group =~ service:.*", [1]),
    ("task:group !~ service:.*", [0, 2, 3, 4, 5]),
    ("task:group exists", [1, 2, 3, 5]),
    ("task:group !exists", [0, 4]),
]


@pytest.mark.parametrize("expr,want", SUBJECTS)
def test_subjects(table, expr, want):
    assert rows(table, expr) == want


COMBINATIONS = [
    ("attribute:stack == prod && runningTasksCount == 0", [0]),
    ("attribute:stack == prod and runningTasksCount == 0", [0]),
    ("attribute:stack == dev || task:group == database", [1, 2, 5]),
    ("attribute:stack == dev OR task:group == database", [1, 2, 5]),
    ("!(attribute:stack exists)", [2, 4, 5]),
    ("not attribute:stack exists", [2, 4, 5]),
    ("! agentConnected == true", [2]),
    # and binds tighter than or; parentheses override
    ("runningTasksCount == 0 or attribute:stack == prod and runningTasksCount == 1", [0, 3, 4]),
    ("(runningTasksCount == 0 or attribute:stack == prod) and runningTasksCount == 1", [3]),
    ("((attribute:stack==prod))", [0, 3]),
    ("attribute:stack==prod&&runningTasksCount==1", [3]),
    ("(attribute:ecs.instance-type =~ (m5|c5)\\..*) and agentConnected == true", [1, 3]),
    ("not(task:group == database) && not(task:group == service:production)", [0, 3, 4]),
]


@pytest.mark.parametrize("expr,want", COMBINATIONS)
def test_combinations(table, expr, want):
    assert rows(table, expr) == want


MALFORMED = [
    # (expression, text the message must contain)
    ("", "cannot be empty"),
    ("   ", "cannot be empty"),
    ("attribute:stack", "expected an operator"),
    ("attribute:stack prod", "expected an operator"),
    ("attribute:stack == ", "expected a value after '=='"),
    ("stack == prod", "expected a subject"),
    ("instanceType == t2.small", "expected a subject"),
    ("attribute:stack == prod and", "expected a subject"),
    ("attribute:stack == prod &&", "expected a subject"),
    ("(attribute:stack == prod", "expected ')'"),
    ("attribute:stack == prod)", "unexpected text"),
    ("attribute:stack == prod extra", "unexpected text"),
    ("attribute:stack in prod", "expected '['"),
    ("attribute:stack in [prod", "expected ',' or ']'"),
    ("attribute:stack in [prod,]", "expected a value in the argument list"),
    ("attribute:stack == 'prod", "unterminated quoted value"),
    ("runningTasksCount == many", "needs a whole number"),
    ("runningTasksCount exists", "not valid for runningTasksCount"),
    ("agentConnected > true", "not valid for agentConnected"),
    ("ec2InstanceId >= i-1", "not valid for ec2InstanceId"),
    ("agentVersion =~ 1.*", "not valid for agentVersion"),
    ("registeredAt < yesterday", "registeredAt needs a date"),
    ("registeredAt in [2018-01-01]", "not valid for registeredAt"),
    ("agentVersion < one", "agentVersion needs a version"),
    ("task:group > a", "not valid for task:group"),
    ("attribute:x =~ [unclosed", "invalid regular expression"),
    ("attribute:stack === prod", "expected a value"),
    ("x" * 2001, "longer than 2000 characters"),
]


@pytest.mark.parametrize("expr,needle", MALFORMED)
def test_malformed_expressions_raise_invalid_parameter(expr, needle):
    with pytest.raises(InvalidParameterException) as e:
        parse(expr)
    assert e.value.code == "InvalidParameterException"
    assert needle in e.value.message


@pytest.mark.parametrize(
    "expr,char,near",
    [
        ("attribute:stack prod", 17, "prod"),
        ("attribute:stack == prod oops", 25, "oops"),
        ("runningTasksCount == 1 and bogus == 2", 28, "bogus"),
    ],
)
def test_error_points_at_the_position_and_token(expr, char, near):
    with pytest.raises(InvalidParameterException) as e:
        parse(expr)
    assert f"at character {char} (near '{near}')" in e.value.message


def test_length_limit_is_2000_characters(table):
    expr = " or ".join(["runningTasksCount == 1"] * 75)
    expr = expr + " " * (2000 - len(expr))
    assert len(expr) == 2000
    assert rows(table, expr) == [1, 3]


def test_dynamic_flag_marks_expressions_placements_change():
    assert parse("runningTasksCount == 0").dynamic
    assert parse("attribute:a == b or task:group == g").dynamic
    assert not parse("attribute:a == b and agentConnected == true").dynamic


def test_evaluation_on_a_row_subset(table):
    q = parse("attribute:stack == prod")
    assert q.mask(table, slice(3, 4)).tolist() == [True]
    assert q.mask(table, slice(1, 3)).tolist() == [False, False]
