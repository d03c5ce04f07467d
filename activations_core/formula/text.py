"""The caps on a typed formula, the error students see, and the checks on its text before and
while ast.parse reads it (characters, stripping, syntax messages with the typed position)."""

from __future__ import annotations

import ast
import unicodedata


MAX_LENGTH = 200  # characters
MAX_NODES = 80  # numbers, names, operators and calls in the parsed tree
MAX_DEPTH = 16  # nesting levels: calls, powers, unary signs, brackets; a chain x+y-z counts once
MAX_POWER_NESTING = 2  # (x**2)**3 is fine, ((x**2)**3)**2 is not
MAX_EXPONENT = 10  # |exponent| of **
MAX_CONSTANT = 1e6  # |number| typed
MAX_MEMO = 32  # limits at +-inf kept per formula (one per parameter value)
DEFAULT_PARAM = 1.0
RESERVED_NAMES = ("x", "pi", "e")  # names a formula may use that no parameter may take


class FormulaError(ValueError):
    """A formula the parser refuses; the message is written for students."""


_ALLOWED_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ \t.,+-*/^()")
_CHAR_HINTS = {
    "=": "type only the right-hand side: for f(x) = x*sigmoid(x) type x*sigmoid(x)",
    "[": "use round brackets ( )", "]": "use round brackets ( )",
    "{": "use round brackets ( )", "}": "use round brackets ( )",
    "'": "a formula contains no text in quotes", '"': "a formula contains no text in quotes",
    "%": "there is no remainder operator; use + - * / and **",
    "<": "comparisons are not allowed (for a step use relu(x) or max(0, x))",
    ">": "comparisons are not allowed (for a step use relu(x) or max(0, x))",
    "!": "comparisons are not allowed (for a step use relu(x) or max(0, x))",
    "&": "logic operators are not allowed", "|": "logic operators are not allowed",
    "~": "logic operators are not allowed", "@": "use * for multiplication",
    ";": "a formula is a single expression", ":": "a formula is a single expression",
    "\n": "a formula is a single line", "\r": "a formula is a single line",
    "\u2212": "type the ASCII minus sign -", "\u2013": "type the ASCII minus sign -",
    "\u00d7": "type * for multiplication", "\u00b7": "type * for multiplication", "\u22c5": "type * for multiplication",
    "\u00f7": "type / for division", "\u03c0": "type pi",
    "\u00b2": "type **2 for a square", "\u00b3": "type **3 for a cube",
}


def _check_characters(text: str) -> None:
    """Reject any character outside plain ASCII letters, digits, spaces and + - * / ^ ( ) , . _"""
    for index, char in enumerate(text):
        if char in _ALLOWED_CHARS:
            continue
        if char.isascii() and char.isprintable():
            shown = f"'{char}'"
        else:
            name = unicodedata.name(char, "unnamed character")
            shown = f"'{char}' (U+{ord(char):04X} {name})" if char.isprintable() else f"U+{ord(char):04X} ({name})"
        hint = _CHAR_HINTS.get(char)
        if char == "=" and text[:index].count("(") > text[:index].count(")"):
            hint = "write function arguments plainly, like sigmoid(x), without names"
        if hint is None:
            hint = "use plain ASCII letters, digits, spaces and + - * / ** ( ) ,"
            if char.isalpha():
                hint += " (it may look like a Latin letter but it is not one)"
        raise FormulaError(f"The character {shown} at position {index + 1} is not allowed: {hint}.")


def prepare_text(text: object) -> tuple[str, str, int]:
    """(stripped text, text with ^ written as **, number of leading spaces), after the length and
    character checks."""
    if not isinstance(text, str):
        raise FormulaError("The formula must be text.")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"The formula is too long: {len(text)} characters (at most {MAX_LENGTH}).")
    _check_characters(text)
    stripped = text.strip()
    if not stripped:
        raise FormulaError("Type a formula in x, for example x * sigmoid(x).")
    return stripped, stripped.replace("^", "**"), len(text) - len(text.lstrip())


def typed_position(stripped: str, column: int, lead: int) -> int:
    """1-based position in the typed text of a 1-based column in the stripped ^ -> ** text."""
    extra = 0
    for index, char in enumerate(stripped):
        if index + extra + 1 >= column:
            return lead + index + 1
        extra += char == "^"
    return lead + len(stripped)


def _syntax_message(err: SyntaxError, stripped: str, lead: int) -> str:
    """A student-readable version of Python's syntax error."""
    msg = err.msg or "invalid syntax"
    source = stripped.replace("^", "**")
    at_end = not err.offset or err.offset > len(source)
    if "decimal literal" in msg:
        msg = "a number runs straight into a letter (write 2*x, not 2x)"
    elif "never closed" in msg:
        msg = "a bracket '(' is never closed"
    elif "unmatched" in msg:
        msg = "there is a ')' without a matching '('"
    elif at_end:
        msg = "the formula ends too early (something is missing after the last operator)"
    elif "invalid syntax" in msg:
        msg = "an operator may be missing (e.g. * between two terms) or be misplaced"
    where = "at the end" if at_end else f"at position {typed_position(stripped, err.offset, lead)}"
    return f"Cannot read the formula {where}: {msg}."


def parse_tree(stripped: str, source: str, lead: int) -> ast.Expression:
    """ast.parse in eval mode, every failure turned into FormulaError."""
    try:
        return ast.parse(source, mode="eval")
    except SyntaxError as err:
        raise FormulaError(_syntax_message(err, stripped, lead)) from None
    except (RecursionError, MemoryError):
        raise FormulaError("The formula is nested too deeply.") from None
    except (ValueError, OverflowError) as err:
        raise FormulaError(f"Cannot read the formula: {err}.") from None
