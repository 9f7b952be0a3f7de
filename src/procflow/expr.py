"""Conditions on items: the small language of ``when:`` routing (and priority rules).

In a PM's words: a condition is a yes/no question about the item being worked on,
written with the item's attributes. For example::

    severity == "high"
    market in ["ID", "BR"]
    words > 500 and not (severity == "low" and market == "US")

You can compare an attribute with a value (``== != < <= > >=``), test whether it
is one of a list of values (``in [...]``, ``not in [...]``), and combine tests
with ``and``, ``or`` and ``not``. Text goes in double or single quotes, numbers
are written plainly (``500``, ``0.25``, ``-3``), and yes/no values are ``true``
and ``false``. A yes/no attribute can be used on its own (``is_repeat_offender``).
``not`` binds tighter than ``and``, which binds tighter than ``or``; use
parentheses when in doubt. Keywords are lowercase.

A comparison between values of different types (a number with text, say) is
simply false when the process runs; :func:`check` reports it when the file is
linted, together with unknown attributes and values an attribute can never take.

For programmers: :func:`parse` turns text into an :class:`Expr` (or raises
:class:`ExprError` with a character offset), :meth:`Expr.evaluate` interprets it
on a mapping, and :meth:`Expr.compile` builds a closure over a positional row for
the simulator's hot path. Nothing here uses ``eval``; the tokenizer and the
recursive-descent parser are below.

Grammar (lowest precedence first)::

    condition  := and_cond ("or" and_cond)*
    and_cond   := not_cond ("and" not_cond)*
    not_cond   := "not" not_cond | primary
    primary    := "(" condition ")"
                | value (CMP value | "in" list | "not" "in" list)?
    value      := NAME | NUMBER | STRING | "true" | "false"
    list       := "[" literal ("," literal)* ","? "]"
                | "(" literal ("," literal)* ","? ")"
"""

from __future__ import annotations

import difflib
import enum
import math
import numbers
import operator
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "And",
    "Attr",
    "AttributeSpec",
    "Bare",
    "Compare",
    "Cond",
    "Const",
    "Expr",
    "ExprError",
    "ExprProblem",
    "Member",
    "Not",
    "Or",
    "Scalar",
    "Value",
    "check",
    "parse",
]

#: Longest expression text accepted; anything longer is a mistake or an attack.
MAX_LENGTH = 2000
#: Deepest nesting of parentheses and ``not`` accepted.
MAX_DEPTH = 50

#: A literal value in an expression.
Scalar: TypeAlias = str | int | float | bool
#: A compiled condition: takes an item's attribute values by position.
Row = Sequence[object]
Predicate = Callable[[Row], bool]

CompareOp = Literal["==", "!=", "<", "<=", ">", ">="]
_ORDERING = frozenset({"<", "<=", ">", ">="})
_FLIP: dict[str, CompareOp] = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false"})


class ExprError(Exception):
    """An expression could not be parsed (or compiled); ``offset`` is where, 0-based."""

    def __init__(self, message: str, offset: int, hint: str | None = None) -> None:
        super().__init__(message, offset, hint)  # all in args, so it pickles
        self.message = message
        self.offset = offset
        self.hint = hint

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"ExprError({self.message!r}, offset={self.offset}, hint={self.hint!r})"


@dataclass(frozen=True)
class AttributeSpec:
    """What :func:`check` knows about an attribute: its kind and its possible values.

    Categorical attributes list their ``values`` (str, int, float or bool, as YAML
    gave them; empty means unknown). Numeric attributes may give inclusive
    ``low``/``high`` bounds (a lognormal duration is never below 0).
    """

    name: str
    kind: Literal["categorical", "numeric"]
    values: frozenset[object] = frozenset()
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class ExprProblem:
    """A problem :func:`check` found: kind, a message in a PM's words, where, and a hint."""

    kind: Literal["unknown-attribute", "impossible-value", "type-mismatch"]
    message: str
    offset: int
    hint: str | None = None


# --------------------------------------------------------------------------- value types


class _Kind(enum.Enum):
    STR = "text"
    NUM = "a number"
    BOOL = "a yes/no value"


_PLURAL = {_Kind.STR: "text", _Kind.NUM: "numbers", _Kind.BOOL: "yes/no values"}


def _kind(value: object) -> _Kind | None:
    """The type class of a value as the language sees it; None for anything else."""
    t = type(value)
    if t is str:
        return _Kind.STR
    if t is bool:
        return _Kind.BOOL
    if t is int or t is float:
        return _Kind.NUM
    return _slow_kind(value)


def _slow_kind(value: object) -> _Kind | None:
    if isinstance(value, str):
        return _Kind.STR
    if isinstance(value, bool):
        return _Kind.BOOL
    dtype = getattr(value, "dtype", None)  # numpy scalars, without importing numpy
    if dtype is not None:
        code = getattr(dtype, "kind", "")
        if code == "b":
            return _Kind.BOOL
        if code in ("i", "u", "f"):
            return _Kind.NUM
        return None
    if isinstance(value, numbers.Real):
        return _Kind.NUM
    return None


def _compare(op: str, left: object, right: object) -> bool:
    """Compare two values; different type classes (or unknown types) compare false."""
    kind = _kind(left)
    if kind is None or kind is not _kind(right):
        return False
    if kind is _Kind.BOOL:
        left, right = bool(left), bool(right)
    try:
        return bool(_OPS[op](left, right))
    except (TypeError, ValueError):
        return False


def _truth(value: object) -> bool:
    """A value used on its own as a condition: true only for a true boolean."""
    return value is True or (_kind(value) is _Kind.BOOL and bool(value))


def _format_scalar(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, float):
        return repr(value)
    return str(value)


# --------------------------------------------------------------------------- AST


@dataclass(frozen=True)
class Const:
    """A literal value: text, a number or true/false."""

    value: Scalar
    offset: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return _format_scalar(self.value)


@dataclass(frozen=True)
class Attr:
    """A reference to an item attribute by name."""

    name: str
    offset: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return self.name


Value: TypeAlias = Const | Attr


@dataclass(frozen=True)
class Compare:
    """``left op right``; ``offset`` is the operator's."""

    op: CompareOp
    left: Value
    right: Value
    offset: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return f"{self.left} {self.op} {self.right}"


@dataclass(frozen=True)
class Member:
    """``operand in [items]`` (or ``not in``); ``offset`` is the keyword's."""

    operand: Value
    items: tuple[Const, ...]
    negated: bool = False
    offset: int = field(default=0, compare=False)

    def __str__(self) -> str:
        keyword = "not in" if self.negated else "in"
        return f"{self.operand} {keyword} [{', '.join(str(i) for i in self.items)}]"


@dataclass(frozen=True)
class Bare:
    """A value used on its own as a condition (a boolean attribute, ``true``, ``false``)."""

    value: Value

    @property
    def offset(self) -> int:
        """Where the value is written."""
        return self.value.offset

    def __str__(self) -> str:
        return str(self.value)


@dataclass(frozen=True)
class Not:
    """``not operand``."""

    operand: Cond
    offset: int = field(default=0, compare=False)

    def __str__(self) -> str:
        inner = str(self.operand)
        if isinstance(self.operand, Bare | Not):
            return f"not {inner}"
        return f"not ({inner})"


@dataclass(frozen=True)
class And:
    """All operands hold (two or more, never directly nested in another ``And``)."""

    operands: tuple[Cond, ...]
    offset: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return " and ".join(f"({o})" if isinstance(o, Or) else str(o) for o in self.operands)


@dataclass(frozen=True)
class Or:
    """At least one operand holds (two or more, never directly nested in another ``Or``)."""

    operands: tuple[Cond, ...]
    offset: int = field(default=0, compare=False)

    def __str__(self) -> str:
        return " or ".join(str(o) for o in self.operands)


Cond: TypeAlias = Compare | Member | Bare | Not | And | Or


def _walk(node: Cond) -> Iterator[Cond]:
    yield node
    if isinstance(node, Not):
        yield from _walk(node.operand)
    elif isinstance(node, And | Or):
        for child in node.operands:
            yield from _walk(child)


def _values(node: Cond) -> Iterator[Value]:
    if isinstance(node, Compare):
        yield node.left
        yield node.right
    elif isinstance(node, Member):
        yield node.operand
    elif isinstance(node, Bare):
        yield node.value


def _evaluate(node: Cond, item: Mapping[str, object]) -> bool:
    if isinstance(node, Compare):
        return _compare(node.op, _get(node.left, item), _get(node.right, item))
    if isinstance(node, Member):
        value = _get(node.operand, item)
        if node.negated:
            return all(_compare("!=", value, c.value) for c in node.items)
        return any(_compare("==", value, c.value) for c in node.items)
    if isinstance(node, Bare):
        return _truth(_get(node.value, item))
    if isinstance(node, Not):
        return not _evaluate(node.operand, item)
    if isinstance(node, And):
        return all(_evaluate(o, item) for o in node.operands)
    return any(_evaluate(o, item) for o in node.operands)


def _get(value: Value, item: Mapping[str, object]) -> object:
    if isinstance(value, Const):
        return value.value
    return item.get(value.name)


@dataclass(frozen=True)
class Expr:
    """A parsed condition. Equality compares structure, not spelling or spacing."""

    text: str = field(compare=False)
    root: Cond

    def attributes(self) -> frozenset[str]:
        """The names of the attributes the condition reads."""
        return frozenset(
            v.name for node in _walk(self.root) for v in _values(node) if isinstance(v, Attr)
        )

    def evaluate(self, item: Mapping[str, object]) -> bool:
        """Whether the condition holds for ``item``; missing attributes compare false."""
        return _evaluate(self.root, item)

    def compile(self, index: Mapping[str, int]) -> Predicate:
        """A fast predicate over a row of attribute values, positioned by ``index``.

        Raises :class:`ExprError` if the condition reads an attribute not in ``index``.
        """
        return _compile(self.root, index)

    def __str__(self) -> str:
        return str(self.root)

    def __repr__(self) -> str:
        return f"Expr({str(self)!r})"


# --------------------------------------------------------------------------- tokenizer


class _T(enum.Enum):
    NAME = "name"
    NUMBER = "number"
    STRING = "string"
    KEYWORD = "keyword"
    OP = "operator"
    PUNCT = "punctuation"
    END = "end"


@dataclass(frozen=True)
class _Token:
    type: _T
    text: str  # as written
    offset: int
    value: Scalar | None = None  # for NUMBER, STRING, true/false


_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_OPERATORS = ("==", "!=", "<=", ">=", "<", ">")
_PUNCT = "()[],"
_BAD_CHAR_HINTS = {
    "&": "use 'and' to require both conditions",
    "|": "use 'or' to accept either condition",
    "!": "use 'not' to negate a condition, or '!=' for 'is not equal to'",
    "=": "use '==' to test whether two things are equal",
    "“": "use straight quotes (\" or ') around text",
    "”": "use straight quotes (\" or ') around text",
    "‘": "use straight quotes (\" or ') around text",
    "’": "use straight quotes (\" or ') around text",
}


def _is_name_start(ch: str) -> bool:
    return ch.isidentifier()


def _is_name_char(ch: str) -> bool:
    return ("_" + ch).isidentifier()


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "\"'":
            i = _read_string(text, i, tokens)
            continue
        if ch.isdigit() or ((ch == "-" or ch == ".") and _NUMBER.match(text, i)):
            i = _read_number(text, i, tokens)
            continue
        if _is_name_start(ch):
            j = i + 1
            while j < n and _is_name_char(text[j]):
                j += 1
            word = text[i:j]
            if word in _KEYWORDS:
                if word in ("true", "false"):
                    tokens.append(_Token(_T.KEYWORD, word, i, word == "true"))
                else:
                    tokens.append(_Token(_T.KEYWORD, word, i))
            elif word.lower() in _KEYWORDS:
                raise ExprError(
                    f"'{word}' must be written in lowercase: '{word.lower()}'",
                    i,
                    "keywords (and, or, not, in, true, false) are lowercase",
                )
            else:
                tokens.append(_Token(_T.NAME, word, i))
            i = j
            continue
        two = text[i : i + 2]
        if two in _OPERATORS:
            tokens.append(_Token(_T.OP, two, i))
            i += 2
            continue
        if ch in "<>":
            tokens.append(_Token(_T.OP, ch, i))
            i += 1
            continue
        if ch in _PUNCT:
            tokens.append(_Token(_T.PUNCT, ch, i))
            i += 1
            continue
        shown = two if two in ("&&", "||", "=>", "=<") else ch
        hint = _BAD_CHAR_HINTS.get(ch)
        if two in ("=>", "=<"):
            hint = f"did you mean '{two[::-1]}'?"
        if (
            ch == "-"
            and tokens
            and tokens[-1].type is _T.NAME
            and tokens[-1].offset + len(tokens[-1].text) == i
        ):
            hint = "attribute names can't contain '-'; use '_' instead"
        raise ExprError(f"unexpected character '{shown}'", i, hint)
    tokens.append(_Token(_T.END, "", n))
    return tokens


def _read_string(text: str, start: int, tokens: list[_Token]) -> int:
    quote = text[start]
    i, n = start + 1, len(text)
    parts: list[str] = []
    while i < n:
        ch = text[i]
        if ch == quote:
            tokens.append(_Token(_T.STRING, text[start : i + 1], start, "".join(parts)))
            return i + 1
        if ch == "\\":
            nxt = text[i + 1] if i + 1 < n else ""
            if nxt in ("\\", '"', "'") and nxt:
                parts.append(nxt)
                i += 2
                continue
            shown = f"\\{nxt}" if nxt else "\\"
            raise ExprError(
                f"unsupported escape '{shown}' in quoted text",
                i,
                "inside quotes, a backslash can only escape a quote (\\\" or \\') "
                "or another backslash (\\\\)",
            )
        parts.append(ch)
        i += 1
    raise ExprError(
        f"text starting here has no closing {quote}",
        start,
        f"add a {quote} at the end of the text",
    )


def _read_number(text: str, start: int, tokens: list[_Token]) -> int:
    match = _NUMBER.match(text, start)
    end = match.end() if match else start
    # A number must not run straight into a name or another number-ish character.
    stop = end
    while stop < len(text) and (_is_name_char(text[stop]) or text[stop] == "."):
        stop += 1
    if match is None or stop != end:
        written = text[start:stop] if stop > start else text[start]
        hint = None
        if "_" in written or "," in written:
            hint = "write numbers without separators, e.g. 1000"
        raise ExprError(f"'{written}' is not a valid number", start, hint)
    written = match.group()
    value: int | float
    if re.fullmatch(r"-?[0-9]+", written):
        value = int(written)
    else:
        value = float(written)
        if math.isinf(value):
            raise ExprError(f"the number '{written}' is too large", start)
    tokens.append(_Token(_T.NUMBER, written, start, value))
    return end


# --------------------------------------------------------------------------- parser


def _describe(token: _Token) -> str:
    if token.type is _T.END:
        return "the end of the condition"
    return f"'{token.text}'"


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self, ahead: int = 0) -> _Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def advance(self) -> _Token:
        token = self.tokens[self.pos]
        if token.type is not _T.END:
            self.pos += 1
        return token

    def at(self, type_: _T, text: str | None = None) -> bool:
        token = self.peek()
        return token.type is type_ and (text is None or token.text == text)

    def enter(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError(
                f"the condition is nested too deeply (more than {MAX_DEPTH} levels of "
                "parentheses or 'not')",
                token.offset,
                "split it into simpler conditions",
            )

    def parse(self) -> Cond:
        node = self.condition()
        token = self.peek()
        if token.type is not _T.END:
            if token.text == ")":
                raise ExprError("')' has no matching '('", token.offset, "remove it or add a '('")
            hint = "join conditions with 'and' or 'or'"
            if token.text == ",":
                hint = "commas only separate values in a list; write numbers without separators"
            elif token.type is _T.OP:
                hint = "comparisons can't be chained; join them with 'and'"
            raise ExprError(
                f"unexpected {_describe(token)} after a complete condition", token.offset, hint
            )
        return node

    def condition(self) -> Cond:
        operands = [self.and_cond()]
        first_op = self.peek().offset
        while self.at(_T.KEYWORD, "or"):
            self.advance()
            operands.append(self.and_cond())
        if len(operands) == 1:
            return operands[0]
        flat = tuple(c for o in operands for c in (o.operands if isinstance(o, Or) else (o,)))
        return Or(flat, first_op)

    def and_cond(self) -> Cond:
        operands = [self.not_cond()]
        first_op = self.peek().offset
        while self.at(_T.KEYWORD, "and"):
            self.advance()
            operands.append(self.not_cond())
        if len(operands) == 1:
            return operands[0]
        flat = tuple(c for o in operands for c in (o.operands if isinstance(o, And) else (o,)))
        return And(flat, first_op)

    def not_cond(self) -> Cond:
        if self.at(_T.KEYWORD, "not"):
            token = self.advance()
            if self.at(_T.KEYWORD, "in"):
                raise ExprError(
                    "'not in' needs something before it", token.offset, 'e.g. market not in ["US"]'
                )
            self.enter(token)
            operand = self.not_cond()
            self.depth -= 1
            return Not(operand, token.offset)
        return self.primary()

    def primary(self) -> Cond:
        token = self.peek()
        if token.text == "(" and token.type is _T.PUNCT:
            self.advance()
            self.enter(token)
            group = self.condition()
            self.depth -= 1
            closing = self.peek()
            if closing.text == ")":
                self.advance()
                return group
            if closing.type is _T.END:
                raise ExprError("'(' is never closed", token.offset, "add a ')'")
            if closing.text == ",":
                raise ExprError(
                    "a list of values can only follow 'in'",
                    closing.offset,
                    'e.g. market in ("US", "ID")',
                )
            raise ExprError(
                f"expected ')', 'and' or 'or', found {_describe(closing)}",
                closing.offset,
                "comparisons can't be chained; join them with 'and'"
                if closing.type is _T.OP
                else None,
            )
        left = self.value("a condition")
        nxt = self.peek()
        node: Cond
        if nxt.type is _T.OP:
            self.advance()
            right = self.value(f"a value after '{nxt.text}'")
            node = Compare(_as_op(nxt.text), left, right, nxt.offset)
        elif nxt.type is _T.KEYWORD and nxt.text == "in":
            self.advance()
            node = Member(left, self.list_literal(), False, nxt.offset)
        elif nxt.type is _T.KEYWORD and nxt.text == "not" and self.peek(1).text == "in":
            self.advance()
            self.advance()
            node = Member(left, self.list_literal(), True, nxt.offset)
        else:
            if nxt.text == "," and nxt.type is _T.PUNCT:
                raise ExprError(
                    "a list of values can only follow 'in'",
                    nxt.offset,
                    'e.g. market in ("US", "ID")',
                )
            if isinstance(left, Const) and not isinstance(left.value, bool):
                raise ExprError(
                    f"the value {left} on its own is not a condition",
                    left.offset,
                    'compare an attribute with it, e.g. severity == "high"',
                )
            return Bare(left)
        after = self.peek()
        if after.type is _T.OP or (after.type is _T.KEYWORD and after.text == "in"):
            raise ExprError(
                "comparisons can't be chained",
                after.offset,
                "join them with 'and', e.g. low < words and words < high",
            )
        return node

    def value(self, wanted: str) -> Value:
        token = self.peek()
        if token.type is _T.NAME:
            self.advance()
            return Attr(token.text, token.offset)
        if token.type in (_T.NUMBER, _T.STRING) or token.text in ("true", "false"):
            self.advance()
            assert token.value is not None
            return Const(token.value, token.offset)
        if token.type is _T.END:
            raise ExprError(
                f"the condition ends too early; expected {wanted}",
                token.offset,
                'complete the condition, e.g. severity == "high"',
            )
        if token.text == ")":
            raise ExprError(f"expected {wanted}, found ')'", token.offset)
        raise ExprError(f"expected {wanted}, found {_describe(token)}", token.offset)

    def list_literal(self) -> tuple[Const, ...]:
        opening = self.peek()
        if opening.text not in ("[", "("):
            raise ExprError(
                f"expected a list after 'in', found {_describe(opening)}",
                opening.offset,
                'write the values in brackets, e.g. market in ["US", "ID"]',
            )
        self.advance()
        closer = "]" if opening.text == "[" else ")"
        items: list[Const] = []
        while True:
            token = self.peek()
            if token.text == closer and token.type is _T.PUNCT:
                if not items:
                    raise ExprError("the list is empty", opening.offset, "list at least one value")
                self.advance()
                return tuple(items)
            if token.type is _T.END:
                raise ExprError(
                    f"'{opening.text}' is never closed", opening.offset, f"add a '{closer}'"
                )
            if not (token.type in (_T.NUMBER, _T.STRING) or token.text in ("true", "false")):
                raise ExprError(
                    "a list can only hold values (text, numbers, true/false), "
                    f"found {_describe(token)}",
                    token.offset,
                    'put text in quotes, e.g. ["US", "ID"]' if token.type is _T.NAME else None,
                )
            self.advance()
            assert token.value is not None
            items.append(Const(token.value, token.offset))
            sep = self.peek()
            if sep.text == ",":
                self.advance()
            elif sep.text != closer:
                if sep.type is _T.END:
                    raise ExprError(
                        f"'{opening.text}' is never closed", opening.offset, f"add a '{closer}'"
                    )
                raise ExprError(
                    f"expected ',' or '{closer}' in the list, found {_describe(sep)}", sep.offset
                )


def _as_op(text: str) -> CompareOp:
    for op in ("==", "!=", "<", "<=", ">", ">="):
        if op == text:
            return op
    raise AssertionError(text)  # pragma: no cover - the tokenizer only yields these


def parse(text: str) -> Expr:
    """Parse a condition; raises :class:`ExprError` with the offset of the first problem."""
    if not isinstance(text, str):
        raise ExprError(f"a condition must be text, not {type(text).__name__}", 0)
    if len(text) > MAX_LENGTH:
        raise ExprError(
            f"the condition is too long ({len(text)} characters; the limit is {MAX_LENGTH})",
            MAX_LENGTH,
            "split it into simpler conditions",
        )
    if not text.strip():
        raise ExprError("the condition is empty", 0, 'write a condition, e.g. severity == "high"')
    tokens = _tokenize(text)
    return Expr(text, _Parser(tokens).parse())


# --------------------------------------------------------------------------- compiler


_FAST_TYPES: dict[_Kind, frozenset[type]] = {
    _Kind.STR: frozenset({str}),
    _Kind.NUM: frozenset({int, float}),
    _Kind.BOOL: frozenset({bool}),
}


def _const(result: bool) -> Predicate:
    if result:
        return lambda row: True
    return lambda row: False


def _position(attr: Attr, index: Mapping[str, int]) -> int:
    try:
        return index[attr.name]
    except KeyError:
        raise ExprError(
            f"attribute '{attr.name}' is not available", attr.offset, "check the attribute name"
        ) from None


def _compile(node: Cond, index: Mapping[str, int]) -> Predicate:
    if isinstance(node, Compare):
        return _compile_compare(node, index)
    if isinstance(node, Member):
        return _compile_member(node, index)
    if isinstance(node, Bare):
        if isinstance(node.value, Const):
            return _const(_truth(node.value.value))
        i = _position(node.value, index)

        def bare(row: Row) -> bool:
            v = row[i]
            return v is True or (v is not False and _truth(v))

        return bare
    if isinstance(node, Not):
        inner = _compile(node.operand, index)
        return lambda row: not inner(row)
    parts = tuple(_compile(o, index) for o in node.operands)
    if isinstance(node, And):
        if len(parts) == 2:
            a, b = parts
            return lambda row: a(row) and b(row)

        def all_of(row: Row) -> bool:
            for part in parts:  # noqa: SIM110 - a plain loop beats all() in the hot path
                if not part(row):
                    return False
            return True

        return all_of
    if len(parts) == 2:
        a, b = parts
        return lambda row: a(row) or b(row)

    def any_of(row: Row) -> bool:
        for part in parts:  # noqa: SIM110 - a plain loop beats any() in the hot path
            if part(row):
                return True
        return False

    return any_of


def _compile_compare(node: Compare, index: Mapping[str, int]) -> Predicate:
    left, right, op = node.left, node.right, node.op
    if isinstance(left, Const) and isinstance(right, Const):
        return _const(_compare(op, left.value, right.value))
    if isinstance(left, Attr) and isinstance(right, Attr):
        i, j = _position(left, index), _position(right, index)
        return lambda row: _compare(op, row[i], row[j])
    if isinstance(left, Const):
        assert isinstance(right, Attr)
        left, right, op = right, left, _FLIP[op]
    assert isinstance(left, Attr) and isinstance(right, Const)
    i = _position(left, index)
    lit = right.value
    kind = _kind(lit)
    assert kind is not None
    fast = _FAST_TYPES[kind]
    fn: Callable[[Any, Any], bool] = _OPS[op]
    if op == "==":

        def eq(row: Row) -> bool:
            v = row[i]
            if type(v) in fast:
                return v == lit
            return _compare("==", v, lit)

        return eq

    def cmp(row: Row) -> bool:
        v = row[i]
        if type(v) in fast:
            return fn(v, lit)
        return _compare(op, v, lit)

    return cmp


def _compile_member(node: Member, index: Mapping[str, int]) -> Predicate:
    if isinstance(node.operand, Const):
        return _const(_evaluate(node, {}))
    i = _position(node.operand, index)
    groups: dict[_Kind, set[Scalar]] = {}
    for item in node.items:
        kind = _kind(item.value)
        assert kind is not None
        groups.setdefault(kind, set()).add(item.value)
    frozen = {k: frozenset(v) for k, v in groups.items()}
    if node.negated:
        if len(frozen) != 1:
            # Some item always differs in type from the value, and that comparison is false.
            return _const(False)
        ((kind, values),) = frozen.items()
        fast = _FAST_TYPES[kind]

        def not_in(row: Row) -> bool:
            v = row[i]
            if type(v) in fast:
                return v not in values
            k = _kind(v)
            if k is not kind:
                return False
            return (bool(v) if k is _Kind.BOOL else v) not in values

        return not_in
    if len(frozen) == 1:
        ((kind, values),) = frozen.items()
        fast = _FAST_TYPES[kind]

        def in_one(row: Row) -> bool:
            v = row[i]
            if type(v) in fast:
                return v in values
            k = _kind(v)
            if k is not kind:
                return False
            return (bool(v) if k is _Kind.BOOL else v) in values

        return in_one

    def in_any(row: Row) -> bool:
        v = row[i]
        k = _kind(v)
        values = frozen.get(k) if k is not None else None
        if values is None:
            return False
        return (bool(v) if k is _Kind.BOOL else v) in values

    return in_any


# --------------------------------------------------------------------------- check


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value + "'"
    return str(value)


def _show_values(values: frozenset[object], limit: int = 10) -> str:
    ordered = sorted(values, key=_value_order)
    shown = ", ".join(_show(v) for v in ordered[:limit])
    if len(ordered) > limit:
        shown += f", … ({len(ordered) - limit} more)"
    return shown


def _value_kinds(spec: AttributeSpec) -> frozenset[_Kind | None]:
    return frozenset(_kind(v) for v in spec.values)


def _range_text(spec: AttributeSpec) -> str:
    if spec.low is not None and spec.high is not None:
        if spec.low == spec.high:
            return f"always {_num(spec.low)}"
        return f"always between {_num(spec.low)} and {_num(spec.high)}"
    if spec.low is not None:
        return f"always at least {_num(spec.low)}"
    return f"always at most {_num(spec.high)}"


def _num(x: float | None) -> str:
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


def _never_in_range(op: str, lit: float, low: float | None, high: float | None) -> bool:
    """Whether ``x op lit`` is false for every x in [low, high] (None: unbounded)."""
    above = low is not None and lit < low
    below = high is not None and lit > high
    if op == "==":
        return above or below
    if op == "!=":
        return low is not None and low == high == lit
    if op == "<":
        return low is not None and low >= lit
    if op == "<=":
        return low is not None and low > lit
    if op == ">":
        return high is not None and high <= lit
    return high is not None and high < lit  # ">="


def _as_number(text: str) -> int | float | None:
    """The number a piece of text spells (``"500"`` -> 500), if it spells one."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    if re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    number = float(text)
    return None if math.isinf(number) else number


_ProblemKind = Literal["unknown-attribute", "impossible-value", "type-mismatch"]


class _Checker:
    def __init__(self, specs: Mapping[str, AttributeSpec]) -> None:
        self.specs = specs
        self.problems: list[ExprProblem] = []

    def add(self, kind: _ProblemKind, message: str, offset: int, hint: str | None = None) -> None:
        self.problems.append(ExprProblem(kind, message, offset, hint))

    def spec(self, value: Value, other: Value | None = None) -> AttributeSpec | None:
        """The spec of an attribute, reporting it if unknown; None for literals and unknowns.

        ``other`` is the other side of a comparison: if it is a categorical attribute
        that takes the unknown name as a text value, the hint says to quote it.
        """
        if isinstance(value, Const):
            return None
        spec = self.specs.get(value.name)
        if spec is not None:
            return spec
        hint = self.did_you_mean(value.name)
        other_spec = self.specs.get(other.name) if isinstance(other, Attr) else None
        if other_spec is not None and value.name in other_spec.values:
            quoted = _format_scalar(value.name)
            hint = f"'{value.name}' is a value of {other_spec.name}: put it in quotes, {quoted}"
        self.add("unknown-attribute", f"there is no attribute '{value.name}'", value.offset, hint)
        return None

    def did_you_mean(self, name: str) -> str | None:
        names = sorted(self.specs)
        if not names:
            return None
        folded = [n for n in names if n.casefold() == name.casefold()]
        close = folded or difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        if close:
            return f"did you mean '{close[0]}'?"
        shown = ", ".join(names[:10]) + (", …" if len(names) > 10 else "")
        return f"known attributes: {shown}"

    def node(self, node: Cond) -> None:
        if isinstance(node, Compare):
            self.compare(node)
        elif isinstance(node, Member):
            spec = self.spec(node.operand)
            if spec is not None:
                for item in node.items:
                    self.against_literal(spec, "==", item, item.offset)
        elif isinstance(node, Bare):
            spec = self.spec(node.value)
            if spec is not None:
                self.bare(spec, node.value)
        elif isinstance(node, Not):
            self.node(node.operand)
        else:
            for child in node.operands:
                self.node(child)

    def bare(self, spec: AttributeSpec, value: Value) -> None:
        if spec.kind == "numeric":
            self.add(
                "type-mismatch",
                f"{spec.name} is a number, so it can't be a condition on its own",
                value.offset,
                f"compare it with a number, e.g. {spec.name} > 0",
            )
        elif spec.values and _value_kinds(spec) != {_Kind.BOOL}:
            example = _literal(sorted(spec.values, key=_value_order)[0])
            self.add(
                "type-mismatch",
                f"{spec.name} is not a yes/no attribute (it is one of "
                f"{_show_values(spec.values)}), so it can't be a condition on its own",
                value.offset,
                f"compare it with a value, e.g. {spec.name} == {example}",
            )

    def compare(self, node: Compare) -> None:
        left = self.spec(node.left, node.right)
        right = self.spec(node.right, node.left)
        if isinstance(node.left, Attr) and isinstance(node.right, Attr):
            if left is not None and right is not None:
                self.attr_vs_attr(node, left, right)
        elif left is not None:
            assert isinstance(node.right, Const)
            self.against_literal(left, node.op, node.right, node.offset, str(node))
        elif right is not None:
            assert isinstance(node.left, Const)
            self.against_literal(right, _FLIP[node.op], node.left, node.offset, str(node))

    def attr_vs_attr(self, node: Compare, left: AttributeSpec, right: AttributeSpec) -> None:
        problem: str | None = None
        if left.kind != right.kind:
            problem = f"{left.name} is {_spec_kind(left)} but {right.name} is {_spec_kind(right)}"
        elif left.kind == "categorical" and left.values and right.values:
            lk, rk = _value_kinds(left), _value_kinds(right)
            if not lk & rk:
                problem = f"{left.name} and {right.name} never have values of the same type"
            elif node.op in _ORDERING and (lk | rk) != {_Kind.NUM}:
                problem = (
                    f"'{node.op}' compares numbers, but {left.name} and {right.name} are categories"
                )
        if problem is not None:
            self.add("type-mismatch", f"{problem}, so they can't be compared", node.offset)

    def against_literal(
        self, spec: AttributeSpec, op: str, lit: Const, op_offset: int, written: str = ""
    ) -> None:
        """Check ``attribute op literal`` (``op`` as if the attribute were on the left).

        ``written`` is the comparison as the user wrote it, for messages.
        """
        value = lit.value
        kind = _kind(value)
        assert kind is not None
        written = written or f"{spec.name} {op} {_literal(value)}"
        if spec.kind == "numeric":
            self.numeric(spec, op, lit, kind, written)
            return
        if not spec.values:
            return  # possible values unknown: nothing to check against
        kinds = _value_kinds(spec)
        if op in _ORDERING and kinds != {_Kind.NUM}:
            self.add(
                "type-mismatch",
                f"'{op}' compares numbers, but {spec.name} is a category "
                f"(one of {_show_values(spec.values)})",
                op_offset,
                f"use == or 'in' to test {spec.name}",
            )
        elif kind not in kinds:
            plural = " or ".join(sorted(_PLURAL[k] for k in kinds if k is not None))
            self.add(
                "type-mismatch",
                f"{spec.name} is never {_show(value)}: its values are {plural} "
                f"({_show_values(spec.values)}), and {_show(value)} is {kind.value}",
                lit.offset,
                _requote_hint(value, spec.values),
            )
        elif op in _ORDERING:
            if not any(_compare(op, v, value) for v in spec.values):
                self.add(
                    "impossible-value",
                    f"{written} is never true: {spec.name} is one of {_show_values(spec.values)}",
                    lit.offset,
                )
        elif not any(_compare("==", v, value) for v in spec.values):
            self.add(
                "impossible-value",
                f"{spec.name} is never {_show(value)}; it is one of {_show_values(spec.values)}",
                lit.offset,
                _closest_text(value, spec.values),
            )

    def numeric(self, spec: AttributeSpec, op: str, lit: Const, kind: _Kind, written: str) -> None:
        value = lit.value
        if kind is not _Kind.NUM:
            number = _as_number(value) if isinstance(value, str) else None
            self.add(
                "type-mismatch",
                f"{spec.name} is a number, but {_show(value)} is {kind.value}",
                lit.offset,
                None if number is None else f"write {_literal(number)} without quotes",
            )
            return
        assert isinstance(value, int | float)
        bounded = spec.low is not None or spec.high is not None
        if bounded and _never_in_range(op, value, spec.low, spec.high):
            if op == "==":
                message = f"{spec.name} is never {_literal(value)}; it is {_range_text(spec)}"
            else:
                message = f"{written} is never true: {spec.name} is {_range_text(spec)}"
            self.add("impossible-value", message, lit.offset)


def _value_order(value: object) -> tuple[str, str]:
    return (type(value).__name__, str(value))


def _requote_hint(value: Scalar, values: frozenset[object]) -> str | None:
    """For ``tier == "2"`` (values are numbers) or ``code == 2`` (values are text)."""
    for candidate in sorted(values, key=_value_order):
        if isinstance(value, str) and not isinstance(candidate, str):
            if _literal(candidate) == value.strip():
                return f"write {_literal(candidate)} without quotes"
        elif isinstance(candidate, str) and _literal(value) == candidate:
            return f"put it in quotes: {_format_scalar(candidate)}"
    return None


def _closest_text(value: Scalar, values: frozenset[object]) -> str | None:
    if not isinstance(value, str):
        return None
    texts = sorted(v for v in values if isinstance(v, str))
    folded = [t for t in texts if t.casefold() == value.casefold()]
    close = folded or difflib.get_close_matches(value, texts, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def _literal(value: object) -> str:
    """How a value (from YAML or a literal) is written in an expression."""
    if isinstance(value, bool | str | int | float):
        return _format_scalar(value)
    return str(value)


def _spec_kind(spec: AttributeSpec) -> str:
    return "a number" if spec.kind == "numeric" else "a category"


def check(expr: Expr, attributes: Mapping[str, AttributeSpec]) -> list[ExprProblem]:
    """Problems with ``expr`` given what is known about the attributes, in text order.

    Reports unknown attributes (with a did-you-mean hint), values an attribute can
    never take (including values outside a numeric attribute's bounds), and type
    mismatches. Offsets point at the offending token: the attribute name, the
    literal value, or the operator for comparisons that can't work at all.
    """
    checker = _Checker(attributes)
    checker.node(expr.root)
    return sorted(checker.problems, key=lambda p: p.offset)
