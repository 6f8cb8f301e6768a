"""The ECS cluster query language: parse once, evaluate as a boolean mask over the table.

Grammar (S-ECSDOC cluster-query-language.md; the doc's examples are all in the tests)::

    expression := term (("||" | "or") term)*
    term       := factor (("&&" | "and") factor)*
    factor     := ("!" | "not") factor | "(" expression ")" | subject operator [argument]
    subject    := agentConnected | agentVersion | attribute:<name> | ec2InstanceId
                | registeredAt | runningTasksCount | task:group
    operator   := == equals  != not_equals  > greater_than  >= greater_than_equal  < less_than
                | <= less_than_equal  exists  !exists not_exists  in  !in not_in
                | =~ matches  !~ not_matches
    argument   := value | "[" value ("," value)* "]"      (lists for in / not_in)

Verified semantics: string equality; ``in`` takes ``[a, b]``; ``=~`` is a Java regex (Python
``re.fullmatch`` here, like Java's ``String.matches``); ``attribute:stack != prod`` selects
instances that *have* ``stack`` with another value (docs example), so every operator except
``!exists`` needs the attribute to exist. The valid operators per built-in subject follow the doc.

Modelled (no AWS source): error messages and their "character N" position; word operators and
and/or/not are case-insensitive; ``task:group == g`` = hosts a task of group g, ``!=``/``!in``/
``!~`` = hosts none; ordering on ``attribute:`` compares numbers when both sides are numeric,
else strings; a date-only ``registeredAt == 2018-02-13`` matches that whole UTC day;
``agentVersion`` orders by (major, minor, patch).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ecslab.core.errors import InvalidParameterException

from .query_eval import evaluate_comparison

__all__ = ["parse", "Query", "MAX_EXPRESSION_LENGTH", "SUBJECTS"]

MAX_EXPRESSION_LENGTH = 2000
SUBJECTS = (
    "agentConnected",
    "agentVersion",
    "attribute:<name>",
    "ec2InstanceId",
    "registeredAt",
    "runningTasksCount",
    "task:group",
)
_SUBJECT_RE = re.compile(
    r"(agentConnected|agentVersion|ec2InstanceId|registeredAt|runningTasksCount|task:group"
    r"|attribute:[A-Za-z0-9_./\\-]+)(?![A-Za-z0-9_:])"
)
_SYMBOLS = ("!exists", "!in", "==", "!=", ">=", "<=", "=~", "!~", ">", "<")
_WORDS = {
    "equals": "==",
    "not_equals": "!=",
    "greater_than_equal": ">=",
    "greater_than": ">",
    "less_than_equal": "<=",
    "less_than": "<",
    "exists": "exists",
    "not_exists": "!exists",
    "in": "in",
    "not_in": "!in",
    "matches": "=~",
    "not_matches": "!~",
}
_WORD_RE = re.compile(r"[A-Za-z_]+")
_EQ_OPS = ("==", "!=", "in", "!in", "=~", "!~")
_ORDER_OPS = ("==", "!=", ">", ">=", "<", "<=")
_VALID_OPS = {
    "agentConnected": _EQ_OPS,
    "ec2InstanceId": _EQ_OPS,
    "agentVersion": _ORDER_OPS,
    "registeredAt": _ORDER_OPS,
    "runningTasksCount": _ORDER_OPS,
    "task:group": _EQ_OPS + ("exists", "!exists"),
}
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})?)?$")
_VERSION_RE = re.compile(r"^\d+(\.\d+){0,2}$")
_OP_LIST = "==, !=, >, >=, <, <=, exists, !exists, in, !in, =~, !~"


# --- AST -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cmp:
    subject: str
    op: str
    arg: object  # str, list[str] or None

    def eval(self, table, rows) -> np.ndarray:
        return evaluate_comparison(self, table, rows)


@dataclass(frozen=True)
class _Not:
    inner: object

    def eval(self, table, rows):
        return ~self.inner.eval(table, rows)


@dataclass(frozen=True)
class _Bin:
    op: str  # "and" | "or"
    left: object
    right: object

    def eval(self, table, rows):
        a, b = self.left.eval(table, rows), self.right.eval(table, rows)
        return (a & b) if self.op == "and" else (a | b)


@dataclass(frozen=True)
class Query:
    """A parsed expression. ``mask(table, rows)`` -> bool array; ``dynamic`` is True when it
    reads state that placements change (runningTasksCount, task:group)."""

    text: str
    root: object
    subjects: frozenset

    @property
    def dynamic(self) -> bool:
        return bool(self.subjects & {"runningTasksCount", "task:group"})

    def mask(self, table, rows=None) -> np.ndarray:
        rows = slice(None) if rows is None else rows
        return np.asarray(self.root.eval(table, rows), dtype=bool)


# --- parser ----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.subjects: set[str] = set()

    def fail(self, what: str, at: int | None = None) -> InvalidParameterException:
        at = self.i if at is None else at
        near = self.s[at : at + 20].split(" ")[0] if at < len(self.s) else "end of expression"
        return InvalidParameterException(
            f"Invalid expression {self.s!r}: {what} at character {at + 1} (near {near!r})."
        )

    def ws(self) -> None:
        while self.i < len(self.s) and self.s[self.i].isspace():
            self.i += 1

    def word(self, *words: str) -> str | None:
        """A keyword at the cursor, case-insensitive, not followed by a name character."""
        self.ws()
        m = _WORD_RE.match(self.s, self.i)
        if m and m.group(0).lower() in words:
            self.i = m.end()
            return m.group(0).lower()
        return None

    def sym(self, *syms: str) -> str | None:
        self.ws()
        for t in syms:
            if self.s.startswith(t, self.i):
                self.i += len(t)
                return t
        return None

    def expression(self):
        left = self.term()
        while self.sym("||") or self.word("or"):
            left = _Bin("or", left, self.term())
        return left

    def term(self):
        left = self.factor()
        while self.sym("&&") or self.word("and"):
            left = _Bin("and", left, self.factor())
        return left

    def factor(self):
        self.ws()
        if self.s.startswith("!", self.i) and not self.s.startswith("!=", self.i):
            self.i += 1
            return _Not(self.factor())
        if self.word("not"):
            return _Not(self.factor())
        if self.sym("("):
            inner = self.expression()
            if not self.sym(")"):
                raise self.fail("expected ')'")
            return inner
        return self.comparison()

    def comparison(self):
        self.ws()
        start = self.i
        m = _SUBJECT_RE.match(self.s, self.i)
        if not m:
            if self.i >= len(self.s):
                raise self.fail("expected a subject")
            raise self.fail(
                "expected a subject (agentConnected, agentVersion, attribute:<name>, "
                "ec2InstanceId, registeredAt, runningTasksCount or task:group)"
            )
        subject = m.group(1)
        self.i = m.end()
        self.ws()
        op_at = self.i
        op = self.operator()
        if op is None:
            raise self.fail(f"expected an operator ({_OP_LIST}) after {subject!r}", op_at)
        kind = "attribute" if subject.startswith("attribute:") else subject
        if kind in _VALID_OPS and op not in _VALID_OPS[kind]:
            raise self.fail(
                f"operator {op!r} is not valid for {subject}; use one of {', '.join(_VALID_OPS[kind])}",
                op_at,
            )
        if op in ("exists", "!exists"):
            arg = None
        elif op in ("in", "!in"):
            arg = self.value_list()
        else:
            arg = self.value(op)
        self.check_argument(kind, op, arg, start)
        self.subjects.add(kind)
        return _Cmp(subject, op, arg)

    def operator(self) -> str | None:
        for t in _SYMBOLS:
            if self.s.startswith(t, self.i):
                end = self.i + len(t)
                if (
                    t[-1].isalpha()
                    and end < len(self.s)
                    and (self.s[end].isalnum() or self.s[end] == "_")
                ):
                    continue
                self.i = end
                return t
        m = _WORD_RE.match(self.s, self.i)
        if m and m.group(0).lower() in _WORDS:
            self.i = m.end()
            return _WORDS[m.group(0).lower()]
        return None

    def quoted(self) -> str:
        q, start = self.s[self.i], self.i
        end = self.s.find(q, self.i + 1)
        if end < 0:
            raise self.fail("unterminated quoted value", start)
        self.i = end + 1
        return self.s[start + 1 : end]

    def value(self, op: str) -> str:
        self.ws()
        if self.i < len(self.s) and self.s[self.i] in "'\"":
            return self.quoted()
        if self.i < len(self.s) and self.s[self.i] in "=<>!~":
            raise self.fail(f"expected a value after {op!r}, not another operator")
        start, depth = self.i, 0
        while self.i < len(self.s):
            c = self.s[self.i]
            if c.isspace() or self.s.startswith(("&&", "||"), self.i):
                break
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    break  # closes a group around this comparison
                depth -= 1
            self.i += 1
        if self.i == start:
            raise self.fail(f"expected a value after {op!r}")
        return self.s[start : self.i]

    def value_list(self) -> list[str]:
        self.ws()
        if not self.sym("["):
            raise self.fail("expected '[' to start the argument list of in / not_in")
        out: list[str] = []
        while True:
            self.ws()
            if self.i < len(self.s) and self.s[self.i] in "'\"":
                out.append(self.quoted())
            else:
                m = re.compile(r"[^,\]\s]+").match(self.s, self.i)
                if not m:
                    raise self.fail("expected a value in the argument list")
                out.append(m.group(0))
                self.i = m.end()
            if self.sym(","):
                continue
            if self.sym("]"):
                return out
            raise self.fail("expected ',' or ']' in the argument list")

    def check_argument(self, kind: str, op: str, arg, at: int) -> None:
        values = arg if isinstance(arg, list) else ([] if arg is None else [arg])
        for v in values:
            if kind == "runningTasksCount" and not re.fullmatch(r"\d+", v):
                raise self.fail(f"runningTasksCount needs a whole number, got {v!r}", at)
            if kind == "registeredAt" and not _DATE_RE.match(v):
                raise self.fail(
                    f"registeredAt needs a date like 2018-06-18T22:28:28Z or 2018-06-18, got {v!r}",
                    at,
                )
            if kind == "agentVersion" and not _VERSION_RE.match(v):
                raise self.fail(f"agentVersion needs a version like 1.14.5, got {v!r}", at)
        if op in ("=~", "!~"):
            try:
                re.compile(values[0])
            except re.error as e:
                raise self.fail(f"invalid regular expression {values[0]!r} ({e.msg})", at) from None


def parse(text: str) -> Query:
    """Parse a cluster query; raises InvalidParameterException pointing at the problem."""
    if text is None or not text.strip():
        raise InvalidParameterException("The expression cannot be empty.")
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise InvalidParameterException(
            f"The expression cannot be longer than {MAX_EXPRESSION_LENGTH} characters."
        )
    p = _Parser(text)
    root = p.expression()
    p.ws()
    if p.i != len(text):
        raise p.fail("unexpected text; expected and/&&, or/|| or the end of the expression")
    return Query(text, root, frozenset(p.subjects))
