"""Tests for procflow.expr: the condition language of ``when:`` routing."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from counting import count_work
from procflow.expr import (
    MAX_DEPTH,
    MAX_LENGTH,
    And,
    Attr,
    AttributeSpec,
    Bare,
    Compare,
    Cond,
    Const,
    Expr,
    ExprError,
    Member,
    Not,
    Or,
    Scalar,
    Value,
    check,
    parse,
)

NAMES = ["severity", "market", "words", "flag", "tier", "市场", "pasar"]
INDEX = {name: i for i, name in enumerate(NAMES)}

SPECS = {
    "severity": AttributeSpec("severity", "categorical", frozenset({"high", "low"})),
    "market": AttributeSpec("market", "categorical", frozenset({"US", "ID", "BR"})),
    "tier": AttributeSpec("tier", "categorical", frozenset({1, 2, 3})),
    "code": AttributeSpec("code", "categorical", frozenset({"1", "2"})),
    "flag": AttributeSpec("flag", "categorical", frozenset({True, False})),
    "words": AttributeSpec("words", "numeric", low=0),
    "score": AttributeSpec("score", "numeric", low=0, high=1),
    "age": AttributeSpec("age", "numeric"),
    "queue": AttributeSpec("queue", "categorical"),  # values unknown
}


def both(text: str, item: Mapping[str, object]) -> bool:
    """Evaluate ``text`` on ``item`` with the interpreter and the compiler; they must agree."""
    expr = parse(text)
    interpreted = expr.evaluate(item)
    compiled = expr.compile(INDEX)([item.get(name) for name in NAMES])
    assert interpreted is compiled, text
    return interpreted


def kinds_and_offsets(text: str) -> list[tuple[str, int]]:
    return [(p.kind, p.offset) for p in check(parse(text), SPECS)]


# --------------------------------------------------------------------------- parsing


def test_parse_comparison_builds_compare_node() -> None:
    """A comparison parses to Compare(op, left, right) with the operator's offset."""
    expr = parse('severity == "high"')
    assert expr.root == Compare("==", Attr("severity"), Const("high"))
    assert isinstance(expr.root, Compare)
    assert expr.root.offset == 9
    assert expr.text == 'severity == "high"'


def test_not_binds_tighter_than_and_which_binds_tighter_than_or() -> None:
    """`not a or b and c` is `(not a) or (b and c)`."""
    a, b, c = (Bare(Attr(n)) for n in "abc")
    assert parse("not a or b and c").root == Or((Not(a), And((b, c))))


def test_comparison_binds_tighter_than_not() -> None:
    """`not x == 1` negates the comparison, not the attribute."""
    assert parse("not x == 1").root == Not(Compare("==", Attr("x"), Const(1)))


def test_parentheses_override_precedence() -> None:
    """`(a or b) and c` groups the `or` first."""
    a, b, c = (Bare(Attr(n)) for n in "abc")
    assert parse("(a or b) and c").root == And((Or((a, b)), c))


def test_chains_of_and_or_are_flattened() -> None:
    """`a and (b and c)` and `a and b and c` are the same condition."""
    assert parse("a and (b and c)") == parse("a and b and c")
    assert parse("(a or b) or c") == parse("a or b or c")


def test_expr_equality_ignores_spacing_and_quote_style() -> None:
    """Two spellings of one condition compare equal; `text` keeps the original."""
    one, two = parse("market in ['US','ID']"), parse('market  in  ( "US" , "ID" , )')
    assert one == two
    assert one.text != two.text


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ('severity == "high"', 'severity == "high"'),
        ("market in ('ID', 'BR')", 'market in ["ID", "BR"]'),
        ("x not in [1, 2.5, true]", "x not in [1, 2.5, true]"),
        ("not (a and b)", "not (a and b)"),
        ("not x == 1", "not (x == 1)"),
        ("not not x", "not not x"),
        ("(a or b) and c", "(a or b) and c"),
        ("a or (b and c)", "a or b and c"),
        ("((a))", "a"),
        ("w >= -0.5", "w >= -0.5"),
        ("w < 1e3", "w < 1000.0"),
        ("s == 'it\\'s'", 's == "it\'s"'),
        ('s == "a\\"b\\\\c"', 's == "a\\"b\\\\c"'),
        ("true", "true"),
    ],
)
def test_str_gives_canonical_text(text: str, canonical: str) -> None:
    """str(expr) is a canonical spelling that parses back to the same condition."""
    expr = parse(text)
    assert str(expr) == canonical
    assert parse(canonical) == expr


def test_attributes_lists_every_referenced_name() -> None:
    """attributes() collects names from comparisons, lists and bare uses, not literals."""
    expr = parse('a == "b" or (c in [1] and not d) or e < f or "x" == "y"')
    assert expr.attributes() == {"a", "c", "d", "e", "f"}


def test_unicode_attribute_names() -> None:
    """Attribute names may use any Unicode letters, with digits and underscores after."""
    expr = parse('市场 == "ID" and pasar_2 in ["BR"] and größe > 3')
    assert expr.attributes() == {"市场", "pasar_2", "größe"}
    assert expr.evaluate({"市场": "ID", "pasar_2": "BR", "größe": 4})
    assert str(expr) == '市场 == "ID" and pasar_2 in ["BR"] and größe > 3'


def test_numbers_int_float_negative_exponent() -> None:
    """Numbers are ints or floats, may be negative and use an exponent."""
    root = parse("x in [0, -3, 2.5, -0.25, .5, 1e3, 2E-2]").root
    assert isinstance(root, Member)
    values = [c.value for c in root.items]
    assert values == [0, -3, 2.5, -0.25, 0.5, 1000.0, 0.02]
    assert [type(v) for v in values[:2]] == [int, int]


def test_strings_in_either_quote_with_escapes() -> None:
    """Single and double quotes work; backslash escapes a quote or a backslash."""
    expr = parse("""a == 'it\\'s' and b == "say \\"hi\\"" and c == "back\\\\slash" """)
    assert expr.evaluate({"a": "it's", "b": 'say "hi"', "c": "back\\slash"})


def test_keywords_are_case_sensitive() -> None:
    """`AND`, `True` and friends are rejected with a hint to use lowercase."""
    for text, offset in [("a AND b", 2), ("x == True", 5), ("Not a", 0), ("x In [1]", 2)]:
        with pytest.raises(ExprError) as info:
            parse(text)
        assert info.value.offset == offset
        assert info.value.hint is not None


# --------------------------------------------------------------------------- evaluation


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("==", [False, True, False]),
        ("!=", [True, False, True]),
        ("<", [True, False, False]),
        ("<=", [True, True, False]),
        (">", [False, False, True]),
        (">=", [False, True, True]),
    ],
)
def test_every_comparison_operator(op: str, expected: list[bool]) -> None:
    """Each comparison operator compares numbers as expected (words = 4, 5, 6.5 vs 5)."""
    assert [both(f"words {op} 5", {"words": w}) for w in (4, 5, 6.5)] == expected
    # The literal may be on the left: `5 > words` means `words < 5`.
    flipped = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
    assert [both(f"5 {flipped} words", {"words": w}) for w in (4, 5, 6.5)] == expected


def test_in_and_not_in_with_list_and_tuple() -> None:
    """`in` and `not in` test membership of a list or parenthesised tuple of values."""
    for text in ('market in ["ID", "BR"]', "market in ('ID', 'BR')", 'market in ("ID", "BR",)'):
        assert both(text, {"market": "ID"})
        assert not both(text, {"market": "US"})
    assert both('market not in ["ID", "BR"]', {"market": "US"})
    assert not both('market not in ["ID"]', {"market": "ID"})


def test_and_or_not() -> None:
    """`and`, `or` and `not` combine conditions as in plain English."""
    text = 'not (severity == "low" and market == "US")'
    assert not both(text, {"severity": "low", "market": "US"})
    assert both(text, {"severity": "low", "market": "ID"})
    assert both('severity == "high" or words > 500', {"severity": "low", "words": 501})
    assert not both('severity == "high" and words > 500', {"severity": "low", "words": 501})


def test_bare_boolean_attribute_and_literals() -> None:
    """A bare attribute is true only when its value is boolean true; `true`/`false` work."""
    assert both("flag", {"flag": True})
    assert not both("flag", {"flag": False})
    assert not both("flag", {"flag": 1})
    assert not both("flag", {"flag": "yes"})
    assert not both("flag", {})
    assert both("not flag", {"flag": False})
    assert both("true", {})
    assert not both("false", {})
    assert both("flag == true", {"flag": True})


def test_mismatched_types_compare_false_never_raise() -> None:
    """A comparison of different types is false, whatever the operator; nothing raises."""
    for op in ("==", "!=", "<", "<=", ">", ">="):
        assert not both(f'words {op} "5"', {"words": 5})
        assert not both(f"tier {op} true", {"tier": 1})  # a boolean is not the number 1
    assert not both('tier in ["1"]', {"tier": 1})
    assert not both('tier not in ["1"]', {"tier": 1})  # means: tier != "1" (which is false)
    assert not both('tier not in [2, "1"]', {"tier": 1})
    assert both("tier in [2, '1', 1]", {"tier": 1})
    assert not both("words > 1", {"words": None})
    assert not both("words > 1", {"words": [1, 2]})
    assert not both("words != 1", {})  # missing attributes compare false


def test_int_and_float_compare_as_numbers() -> None:
    """1 and 1.0 are the same number."""
    assert both("tier == 1", {"tier": 1.0})
    assert both("tier in [1.0]", {"tier": 1})


def test_attribute_to_attribute_and_literal_to_literal() -> None:
    """Two attributes or two literals can be compared."""
    assert both("words > tier", {"words": 3, "tier": 2})
    assert not both("words > tier", {"words": 3, "tier": "2"})
    assert both("1 < 2", {})
    assert not both('1 == "1"', {})
    assert both('"a" in ["a"]', {})


def test_compile_handles_numpy_scalars() -> None:
    """Compiled conditions treat numpy scalars like the Python values they stand for."""
    item: dict[str, object] = {
        "words": np.int64(600),
        "tier": np.float64(2.0),
        "flag": np.bool_(True),
        "severity": np.str_("high"),
    }
    for text in [
        "words > 500",
        "tier == 2",
        "tier in [1, 2]",
        "tier not in [3]",
        "flag",
        "flag == true",
        'severity == "high"',
        'severity in ["high"]',
    ]:
        assert both(text, item), text
    assert not both("flag == 1", item)


def test_compile_rejects_attribute_missing_from_index() -> None:
    """compile() raises ExprError (pointing at the name) for an attribute without a position."""
    with pytest.raises(ExprError) as info:
        parse("words > 1 and nope").compile(INDEX)
    assert info.value.offset == 14


def test_compile_accepts_tuples_and_lists() -> None:
    """The compiled predicate takes any sequence of values."""
    predicate = parse("a > 1 and b").compile({"a": 0, "b": 1})
    assert predicate((2, True)) is True
    assert predicate([2, False]) is False


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("", 0),
        ("   ", 0),
        ("severity ==", 11),
        ("(a == 1", 0),
        ("a == 1)", 6),
        ("(a == 1 b", 8),
        ('"high"', 0),
        ("5", 0),
        ("a == b == c", 7),
        ("a < 1 in [1]", 6),
        ("a = 1", 2),
        ("a && b", 2),
        ("a || b", 2),
        ("!a", 0),
        ("a => 1", 2),
        ("x in []", 5),
        ("x in [y]", 6),
        ("x in 'a'", 5),
        ("x in [1, 2", 5),
        ("x in [1 2]", 8),
        ('x == "abc', 5),
        ("x == 'a\\nb'", 7),
        ("1_000 < x", 0),
        ("x > 12abc", 4),
        ("w > 1,000", 5),
        ("1e999 > x", 0),
        ("not in [1]", 0),
        ("(1, 2)", 2),
        ("(a, b)", 2),
        ("sev-level == 1", 3),
        ("x == “high”", 5),
        ("a and", 5),
        ("a or or b", 5),
        ("a not b", 2),
        ("x == @", 5),
        ("市场 == ", 6),
    ],
)
def test_errors_carry_offset_of_the_problem(text: str, offset: int) -> None:
    """Every syntax error is an ExprError with a message and the 0-based offset of the problem."""
    with pytest.raises(ExprError) as info:
        parse(text)
    assert info.value.offset == offset, info.value.message
    assert info.value.message
    assert str(info.value) == info.value.message


#: Calls per character of text, at most, that parsing may make. A linear parser makes a few
#: dozen (about 23 for 50 nested parentheses, the most here); one whose work grows with the
#: square of the length makes hundreds at these lengths, and an exponential one far more.
CALLS_PER_CHARACTER = 60


def linear(text: str) -> int:
    """The most calls parsing ``text`` may make."""
    return CALLS_PER_CHARACTER * len(text)


def test_hostile_long_text_fails_fast() -> None:
    """Text longer than MAX_LENGTH is rejected before tokenizing: its length costs no work."""
    with count_work() as just_over, pytest.raises(ExprError):
        parse("a" * (MAX_LENGTH + 1))
    with count_work(at_most=50) as hostile, pytest.raises(ExprError) as info:
        parse("a or " * 1_000_000 + "a")
    assert hostile.calls == just_over.calls
    assert info.value.offset == MAX_LENGTH


def test_longest_allowed_text_parses_quickly() -> None:
    """A condition of nearly MAX_LENGTH characters parses in work linear in its length."""
    half = " or ".join(f"a{i} == {i}" for i in range(70))
    text = " or ".join(f"a{i} == {i}" for i in range(140))
    assert len(text) <= MAX_LENGTH
    with count_work(at_most=linear(half)) as shorter:
        parse(half)
    with count_work(at_most=linear(text)) as work:
        expr = parse(text)
    assert work.calls <= 2.5 * shorter.calls  # twice the clauses: twice the work, 4x if quadratic
    assert len(expr.attributes()) == 140


def test_hostile_deep_nesting_fails_fast() -> None:
    """More than MAX_DEPTH nested parentheses or `not`s raise ExprError, not RecursionError."""
    deepest_group = "(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH
    deepest_not = "not " * MAX_DEPTH + "a"
    with count_work(at_most=linear(deepest_group + deepest_not)):
        assert parse(deepest_group).root == Bare(Attr("a"))
        assert parse(deepest_not).attributes() == {"a"}
    for text, offset in [
        ("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1), MAX_DEPTH),
        ("not " * (MAX_DEPTH + 1) + "a", 4 * MAX_DEPTH),
        ("(" * 1500, MAX_DEPTH),
        ("(not " * 300, 5 * 25),
    ]:
        with count_work(at_most=linear(text)), pytest.raises(ExprError) as info:
            parse(text)
        assert info.value.offset == offset


# --------------------------------------------------------------------------- check


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ('severity == "high" and market in ["US", "BR"] and words > 500', []),
        ("flag and tier in [1, 2] and score <= 0.5 and age < -3", []),
        ('queue == "anything" and queue', []),  # values unknown: nothing to check
        ('"a" < 1', []),  # two literals: fine
        ("words > age", []),
        ('severty == "high"', [("unknown-attribute", 0)]),
        ("severity == high", [("unknown-attribute", 12)]),
        ("nope and nope2", [("unknown-attribute", 0), ("unknown-attribute", 9)]),
        ('severity == "critical"', [("impossible-value", 12)]),
        ('severity != "critical"', [("impossible-value", 12)]),
        ('"critical" == severity', [("impossible-value", 0)]),
        ('market in ["US", "XX", "YY"]', [("impossible-value", 17), ("impossible-value", 23)]),
        ('market not in ["XX"]', [("impossible-value", 15)]),
        ("tier == 2", []),
        ("tier == 2.0", []),
        ('tier == "2"', [("type-mismatch", 8)]),
        ("tier == 7", [("impossible-value", 8)]),
        ("tier > 3", [("impossible-value", 7)]),
        ("tier == true", [("type-mismatch", 8)]),
        ("code == 2", [("type-mismatch", 8)]),
        ('flag == "true"', [("type-mismatch", 8)]),
        ('severity < "x"', [("type-mismatch", 9)]),
        ("flag >= true", [("type-mismatch", 5)]),
        ('words == "500"', [("type-mismatch", 9)]),
        ("words in [1, 'x']", [("type-mismatch", 13)]),
        ("words < 0", [("impossible-value", 8)]),
        ("0 > words", [("impossible-value", 0)]),
        ("words <= 0", []),
        ("words == -1", [("impossible-value", 9)]),
        ("score > 1", [("impossible-value", 8)]),
        ("score >= 1", []),
        ("words in [-1, 5]", [("impossible-value", 10)]),
        ("severity", [("type-mismatch", 0)]),
        ("not words", [("type-mismatch", 4)]),
        ("flag", []),
        ("severity == words", [("type-mismatch", 9)]),
        ("severity == market", []),
        ("severity == tier", [("type-mismatch", 9)]),
        ("severity < market", [("type-mismatch", 9)]),
        ("tier == words", [("type-mismatch", 5)]),
    ],
)
def test_check_reports_problems(text: str, problems: list[tuple[str, int]]) -> None:
    """check() reports each problem's kind at the offset of the offending token."""
    assert kinds_and_offsets(text) == problems


def test_check_hints_did_you_mean() -> None:
    """Unknown attributes and impossible text values come with a did-you-mean hint."""
    (unknown,) = check(parse('severty == "high"'), SPECS)
    assert unknown.hint is not None and "severity" in unknown.hint
    (value,) = check(parse('severity == "High"'), SPECS)
    assert value.hint is not None and "'high'" in value.hint
    (unquoted,) = check(parse("severity == high"), SPECS)
    assert unquoted.hint is not None and '"high"' in unquoted.hint
    (quoted,) = check(parse('tier == "2"'), SPECS)
    assert quoted.hint is not None and "2" in quoted.hint


def test_check_message_names_the_possible_values() -> None:
    """An impossible value's message says what the attribute can be."""
    (problem,) = check(parse('severity == "critical"'), SPECS)
    assert "'critical'" in problem.message
    assert "'high'" in problem.message and "'low'" in problem.message


def test_check_problems_are_in_text_order() -> None:
    """Problems come sorted by offset."""
    problems = check(parse('words < 0 or nope or severity == "x"'), SPECS)
    assert [p.offset for p in problems] == sorted(p.offset for p in problems)
    assert len(problems) == 3


# --------------------------------------------------------------------------- properties

TOKENS = [
    "(",
    ")",
    "[",
    "]",
    ",",
    "not",
    "and",
    "or",
    "in",
    "true",
    "false",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "=",
    "!",
    "-",
    "x",
    "市场",
    "AND",
    "1",
    "-2.5",
    "1e5",
    "1e999",
    '"a"',
    "'b'",
    '"',
    "'",
    "\\",
    '"\\"',
]


token_soup = st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join)


@settings(max_examples=200)
@given(st.one_of(st.text(max_size=60), token_soup))
def test_parse_returns_expr_or_raises_expr_error(text: str) -> None:
    """On any text, parse() returns an Expr or raises ExprError (with an in-range offset)."""
    try:
        expr = parse(text)
    except ExprError as err:
        assert 0 <= err.offset <= len(text)
        assert err.message
    else:
        assert isinstance(expr, Expr)
        assert parse(str(expr)) == expr


scalars: st.SearchStrategy[Scalar] = st.one_of(
    st.booleans(),
    st.integers(-3, 3),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["high", "low", "US", "", "it's", 'q"\\']),
    st.text(max_size=4),
)
attrs = st.sampled_from(NAMES).map(Attr)
values: st.SearchStrategy[Value] = st.one_of(attrs, scalars.map(Const))
ops = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
leaves: st.SearchStrategy[Cond] = st.one_of(
    st.builds(Compare, ops, values, values),
    st.builds(
        Member,
        values,
        st.lists(scalars.map(Const), min_size=1, max_size=4).map(tuple),
        st.booleans(),
    ),
    st.builds(Bare, st.one_of(attrs, st.booleans().map(Const))),
)
conditions: st.SearchStrategy[Cond] = st.recursive(
    leaves,
    lambda children: st.one_of(
        children.map(Not),
        st.lists(children, min_size=2, max_size=3).map(lambda cs: And(tuple(cs))),
        st.lists(children, min_size=2, max_size=3).map(lambda cs: Or(tuple(cs))),
    ),
    max_leaves=8,
)
item_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(),
    st.sampled_from(["high", "low", "US", "", "it's"]),
)
items = st.dictionaries(st.sampled_from(NAMES), item_values)


@settings(max_examples=200)
@given(conditions, st.lists(items, min_size=1, max_size=5))
def test_round_trip_and_compile_agree_with_evaluate(
    root: Cond, samples: list[dict[str, object]]
) -> None:
    """parse(str(e)) means the same as e, and compile() agrees with evaluate() on any item."""
    original = Expr(str(root), root)
    reparsed = parse(str(original))
    assert str(parse(str(reparsed))) == str(reparsed)
    predicate = reparsed.compile(INDEX)
    for item in samples:
        expected = original.evaluate(item)
        assert reparsed.evaluate(item) is expected
        assert predicate([item.get(name) for name in NAMES]) is expected
