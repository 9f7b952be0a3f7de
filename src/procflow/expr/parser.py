"""Turning a condition's text into its tree: :func:`parse`, a recursive-descent parser.

Grammar (lowest precedence first)::

    condition  := and_cond ("or" and_cond)*
    and_cond   := not_cond ("and" not_cond)*
    not_cond   := "not" not_cond | primary
    primary    := "(" condition ")"
                | value (CMP value | "in" list | "not" "in" list)?
    value      := NAME | NUMBER | STRING | "true" | "false"
    list       := "[" literal ("," literal)* ","? "]"
                | "(" literal ("," literal)* ","? ")"

Nested ``and``s (and ``or``s) are flattened into one node. Every error names
what was expected and what was found, at the offset of the offending token, and
most carry a hint: ``a < b < c`` is not allowed (join comparisons with ``and``),
a comma outside a list is probably a thousands separator, a bare value is not a
condition. Text longer than :data:`MAX_LENGTH` or nested deeper than
:data:`MAX_DEPTH` is refused, so no input can exhaust the stack.
"""

from __future__ import annotations

from procflow.expr.errors import ExprError
from procflow.expr.expression import Expr
from procflow.expr.lexer import Token, TokenType, tokenize
from procflow.expr.syntax import And, Attr, Bare, Compare, Cond, Const, Member, Not, Or, Value
from procflow.expr.values import CompareOp

#: Longest expression text accepted; anything longer is a mistake or an attack.
MAX_LENGTH = 2000
#: Deepest nesting of parentheses and ``not`` accepted.
MAX_DEPTH = 50


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
    tokens = tokenize(text)
    return Expr(text, _Parser(tokens).parse())


def _is_literal(token: Token) -> bool:
    """Whether the token is a value: a number, quoted text, true or false."""
    return token.type in (TokenType.NUMBER, TokenType.STRING) or token.text in ("true", "false")


def _describe(token: Token) -> str:
    if token.type is TokenType.END:
        return "the end of the condition"
    return f"'{token.text}'"


class _Parser:
    """One parse of a token list; each method reads one rule of the grammar."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        if token.type is not TokenType.END:
            self.pos += 1
        return token

    def at(self, type_: TokenType, text: str | None = None) -> bool:
        token = self.peek()
        return token.type is type_ and (text is None or token.text == text)

    def enter(self, token: Token) -> None:
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
        if token.type is not TokenType.END:
            if token.text == ")":
                raise ExprError("')' has no matching '('", token.offset, "remove it or add a '('")
            hint = "join conditions with 'and' or 'or'"
            if token.text == ",":
                hint = "commas only separate values in a list; write numbers without separators"
            elif token.type is TokenType.OP:
                hint = "comparisons can't be chained; join them with 'and'"
            raise ExprError(
                f"unexpected {_describe(token)} after a complete condition", token.offset, hint
            )
        return node

    def condition(self) -> Cond:
        operands = [self.and_cond()]
        first_op = self.peek().offset
        while self.at(TokenType.KEYWORD, "or"):
            self.advance()
            operands.append(self.and_cond())
        if len(operands) == 1:
            return operands[0]
        flat = tuple(c for o in operands for c in (o.operands if isinstance(o, Or) else (o,)))
        return Or(flat, first_op)

    def and_cond(self) -> Cond:
        operands = [self.not_cond()]
        first_op = self.peek().offset
        while self.at(TokenType.KEYWORD, "and"):
            self.advance()
            operands.append(self.not_cond())
        if len(operands) == 1:
            return operands[0]
        flat = tuple(c for o in operands for c in (o.operands if isinstance(o, And) else (o,)))
        return And(flat, first_op)

    def not_cond(self) -> Cond:
        if self.at(TokenType.KEYWORD, "not"):
            token = self.advance()
            if self.at(TokenType.KEYWORD, "in"):
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
        if token.text == "(" and token.type is TokenType.PUNCT:
            self.advance()
            self.enter(token)
            group = self.condition()
            self.depth -= 1
            closing = self.peek()
            if closing.text == ")":
                self.advance()
                return group
            if closing.type is TokenType.END:
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
                if closing.type is TokenType.OP
                else None,
            )
        left = self.value("a condition")
        nxt = self.peek()
        node: Cond
        if nxt.type is TokenType.OP:
            self.advance()
            right = self.value(f"a value after '{nxt.text}'")
            node = Compare(_as_op(nxt.text), left, right, nxt.offset)
        elif nxt.type is TokenType.KEYWORD and nxt.text == "in":
            self.advance()
            node = Member(left, self.list_literal(), False, nxt.offset)
        elif nxt.type is TokenType.KEYWORD and nxt.text == "not" and self.peek(1).text == "in":
            self.advance()
            self.advance()
            node = Member(left, self.list_literal(), True, nxt.offset)
        else:
            if nxt.text == "," and nxt.type is TokenType.PUNCT:
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
        if after.type is TokenType.OP or (after.type is TokenType.KEYWORD and after.text == "in"):
            raise ExprError(
                "comparisons can't be chained",
                after.offset,
                "join them with 'and', e.g. low < words and words < high",
            )
        return node

    def value(self, wanted: str) -> Value:
        token = self.peek()
        if token.type is TokenType.NAME:
            self.advance()
            return Attr(token.text, token.offset)
        if _is_literal(token):
            self.advance()
            assert token.value is not None
            return Const(token.value, token.offset)
        if token.type is TokenType.END:
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
            if token.text == closer and token.type is TokenType.PUNCT:
                if not items:
                    raise ExprError("the list is empty", opening.offset, "list at least one value")
                self.advance()
                return tuple(items)
            if token.type is TokenType.END:
                raise ExprError(
                    f"'{opening.text}' is never closed", opening.offset, f"add a '{closer}'"
                )
            if not _is_literal(token):
                raise ExprError(
                    "a list can only hold values (text, numbers, true/false), "
                    f"found {_describe(token)}",
                    token.offset,
                    'put text in quotes, e.g. ["US", "ID"]'
                    if token.type is TokenType.NAME
                    else None,
                )
            self.advance()
            assert token.value is not None
            items.append(Const(token.value, token.offset))
            sep = self.peek()
            if sep.text == ",":
                self.advance()
            elif sep.text != closer:
                if sep.type is TokenType.END:
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
