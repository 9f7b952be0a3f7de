"""Reading a condition's text into tokens: names, numbers, quoted text, operators.

This is where mistakes with single characters are caught, each with a hint in a
PM's words: ``&&`` for ``and``, ``=`` for ``==``, curly quotes pasted from a
document, a dash in an attribute name, ``1,000`` written with a separator,
``AND`` in capitals, a backslash in quoted text that escapes neither a quote nor
another backslash.
"""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass

from procflow.expr.errors import ExprError
from procflow.expr.values import Scalar

#: A number as it may be written: ``500``, ``-3``, ``0.25``, ``.5``, ``1e6``.
NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"-?[0-9]+")
_KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false"})
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


class TokenType(enum.Enum):
    """What kind of thing a token is."""

    NAME = "name"
    NUMBER = "number"
    STRING = "string"
    KEYWORD = "keyword"
    OP = "operator"
    PUNCT = "punctuation"
    END = "end"


@dataclass(frozen=True)
class Token:
    """A piece of the condition's text, where it starts, and the value it spells."""

    type: TokenType
    text: str  # as written
    offset: int
    value: Scalar | None = None  # for NUMBER, STRING, true/false


def number_value(written: str) -> int | float:
    """The value a number spells, as matched by :data:`NUMBER`; may be infinite."""
    if _INTEGER.fullmatch(written):
        return int(written)
    return float(written)


def _is_name_start(ch: str) -> bool:
    return ch.isidentifier()


def _is_name_char(ch: str) -> bool:
    return ("_" + ch).isidentifier()


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``, ending with an END token at its length.

    Raises :class:`ExprError` at the first character that can't start a token,
    and for unclosed quotes, bad escapes, malformed numbers and capitalised keywords.
    """
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "\"'":
            i = _read_string(text, i, tokens)
            continue
        if ch.isdigit() or ((ch == "-" or ch == ".") and NUMBER.match(text, i)):
            i = _read_number(text, i, tokens)
            continue
        if _is_name_start(ch):
            j = i + 1
            while j < n and _is_name_char(text[j]):
                j += 1
            word = text[i:j]
            if word in _KEYWORDS:
                if word in ("true", "false"):
                    tokens.append(Token(TokenType.KEYWORD, word, i, word == "true"))
                else:
                    tokens.append(Token(TokenType.KEYWORD, word, i))
            elif word.lower() in _KEYWORDS:
                raise ExprError(
                    f"'{word}' must be written in lowercase: '{word.lower()}'",
                    i,
                    "keywords (and, or, not, in, true, false) are lowercase",
                )
            else:
                tokens.append(Token(TokenType.NAME, word, i))
            i = j
            continue
        two = text[i : i + 2]
        if two in _OPERATORS:
            tokens.append(Token(TokenType.OP, two, i))
            i += 2
            continue
        if ch in "<>":
            tokens.append(Token(TokenType.OP, ch, i))
            i += 1
            continue
        if ch in _PUNCT:
            tokens.append(Token(TokenType.PUNCT, ch, i))
            i += 1
            continue
        shown = two if two in ("&&", "||", "=>", "=<") else ch
        hint = _BAD_CHAR_HINTS.get(ch)
        if two in ("=>", "=<"):
            hint = f"did you mean '{two[::-1]}'?"
        if (
            ch == "-"
            and tokens
            and tokens[-1].type is TokenType.NAME
            and tokens[-1].offset + len(tokens[-1].text) == i
        ):
            hint = "attribute names can't contain '-'; use '_' instead"
        raise ExprError(f"unexpected character '{shown}'", i, hint)
    tokens.append(Token(TokenType.END, "", n))
    return tokens


def _read_string(text: str, start: int, tokens: list[Token]) -> int:
    quote = text[start]
    i, n = start + 1, len(text)
    parts: list[str] = []
    while i < n:
        ch = text[i]
        if ch == quote:
            tokens.append(Token(TokenType.STRING, text[start : i + 1], start, "".join(parts)))
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


def _read_number(text: str, start: int, tokens: list[Token]) -> int:
    match = NUMBER.match(text, start)
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
    value = number_value(written)
    if isinstance(value, float) and math.isinf(value):
        raise ExprError(f"the number '{written}' is too large", start)
    tokens.append(Token(TokenType.NUMBER, written, start, value))
    return end
