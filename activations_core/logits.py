"""The softmax page's inputs and the facts it states: logits text, class names, presets,
temperature steps, and the numbers behind its readouts, sweep, stability table and questions.

Everything here is pure numpy on top of activations_core.softmax (no UI imports).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from .softmax import entropy, naive_softmax_report, probabilities_vs_temperature, softmax, softmax_jacobian

__all__ = [
    "DEFAULT_LOGITS_TEXT",
    "FormulaComparison",
    "MAX_CLASSES",
    "MAX_LOGITS_CHARS",
    "MAX_NAMES_CHARS",
    "MIN_CLASSES",
    "PRESETS",
    "Preset",
    "SoftmaxView",
    "TEMPERATURE_STEPS",
    "TemperatureSweep",
    "cold_temperature",
    "compare_formulas",
    "default_names",
    "equivalent_temperature_gaps",
    "hot_temperature",
    "limit_kind",
    "nearest_step",
    "parse_class_names",
    "parse_logits",
    "question_logits",
    "shift_gap",
    "softmax_view",
    "temperature_sweep",
]

MIN_CLASSES, MAX_CLASSES = 2, 10
MAX_LOGITS_CHARS = 300  # checked before any parsing; 10 full-precision floats fit
MAX_NAMES_CHARS = 150
MAX_NAME_CHARS = 20
LOGIT_LIMIT = 1e6  # |logit| above this is refused: real logits are far smaller
DEFAULT_LOGITS_TEXT = "2.0, 1.0, 0.1"

_SEPARATORS = re.compile(r"\s*[,;]\s*|\s+")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NAME = re.compile(r"(?:[^\W_]|[ .'()+\-])+")  # letters, digits, space and . ' ( ) + -
_NON_FINITE = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan", "+nan", "-nan"}


def _short(text: str) -> str:
    return text if len(text) <= 20 else text[:20] + "..."


def parse_logits(text: str) -> np.ndarray:
    """Logits from text such as '2.0, 1.0, 0.1' (commas, semicolons or spaces between numbers).

    Raises ValueError with a message a student can act on: too long, empty entries, words,
    inf/nan, numbers beyond +-1e6, fewer than 2 or more than 10 logits.
    """
    if not isinstance(text, str):
        raise ValueError("logits must be given as text, e.g. 2.0, 1.0, 0.1")
    if len(text) > MAX_LOGITS_CHARS:
        raise ValueError(f"the text is {len(text):,} characters long; at most {MAX_LOGITS_CHARS} "
                         "are accepted")
    stripped = text.strip()
    if not stripped:
        raise ValueError(f"enter {MIN_CLASSES} to {MAX_CLASSES} numbers separated by commas, "
                         f"e.g. {DEFAULT_LOGITS_TEXT}")
    tokens = _SEPARATORS.split(stripped)
    if "" in tokens:
        raise ValueError("there is an empty entry (two commas in a row, or a comma at the start or "
                         "end): write one number between each pair of commas")
    if len(tokens) > MAX_CLASSES:
        raise ValueError(f"got {len(tokens)} numbers; at most {MAX_CLASSES} classes are allowed")
    values = [_parse_number(token, position) for position, token in enumerate(tokens, start=1)]
    if len(values) < MIN_CLASSES:
        raise ValueError(f"softmax needs at least {MIN_CLASSES} logits to compare, got "
                         f"{len(values)}: add another number, e.g. {DEFAULT_LOGITS_TEXT}")
    return np.array(values, dtype=np.float64)


def _parse_number(token: str, position: int) -> float:
    """One logit; ValueError naming the entry when it is not a plain finite number in range."""
    if token.lower() in _NON_FINITE:
        raise ValueError(f"entry {position}, {token!r}, is not a finite number: logits must be "
                         "ordinary numbers such as 2.5 or -1e3")
    if not _NUMBER.fullmatch(token):
        raise ValueError(f"entry {position}, {_short(token)!r}, is not a number: use digits, a "
                         "decimal point and an optional exponent, e.g. -1.5 or 2e3")
    value = float(token)
    if not abs(value) <= LOGIT_LIMIT:  # also catches 1e309, which float() turns into inf
        raise ValueError(f"entry {position}, {_short(token)!r}, is too large: logits must lie "
                         f"between -{LOGIT_LIMIT:,.0f} and {LOGIT_LIMIT:,.0f}")
    return value


def default_names(n: int) -> list[str]:
    """'class 1' ... 'class n'."""
    return [f"class {i}" for i in range(1, n + 1)]


def parse_class_names(text: str, n: int) -> list[str]:
    """n class names from comma- (or semicolon-) separated text; empty text gives default_names(n).

    Names use letters, digits, spaces and . ' ( ) + - (at most 20 characters each) and must differ.
    """
    if not isinstance(text, str):
        raise ValueError("class names must be given as text, e.g. cat, dog, bird")
    if len(text) > MAX_NAMES_CHARS:
        raise ValueError(f"the names are {len(text):,} characters long; at most {MAX_NAMES_CHARS} "
                         "are accepted")
    if not text.strip():
        return default_names(n)
    names = [name.strip() for name in re.split(r"[,;]", text)]
    if len(names) != n:
        raise ValueError(f"{len(names)} name(s) for {n} logits: give one name per logit, separated "
                         "by commas, or leave the box empty")
    for position, name in enumerate(names, start=1):
        if not name:
            raise ValueError(f"name {position} is empty")
        if len(name) > MAX_NAME_CHARS:
            raise ValueError(f"name {position} is longer than {MAX_NAME_CHARS} characters")
        if not _NAME.fullmatch(name):
            raise ValueError(f"name {position}, {_short(name)!r}, may only use letters, digits, "
                             "spaces and . ' ( ) + -")
    if len(set(names)) != len(names):
        raise ValueError("two classes have the same name: make each name different")
    return names


@dataclass(frozen=True)
class Preset:
    """A ready-made example: its button label, logits text, names text and what it shows."""

    label: str
    logits: str
    names: str
    shows: str


PRESETS = (
    Preset("Textbook", DEFAULT_LOGITS_TEXT, "", "the classic three-class example"),
    Preset("Classifier output", "4.1, 2.3, 0.6, -0.8, -2.5", "cat, dog, fox, owl, car",
           "a confident five-class image classifier"),
    Preset("Ties", "1.5, 1.5, 0.5, -1.0", "A, B, C, D",
           "two classes tie for the top: T -> 0 splits the mass between them"),
    Preset("Huge logits", "1000, 1001, 1002", "", "the naive formula overflows to inf and NaN"),
    Preset("Mixed signs", "-1000, 0, 1000", "", "a gap of 2000 between the extremes"),
    Preset("Very negative", "-1000, -1001, -1002", "", "the naive formula underflows to 0 / 0"),
)

_MANTISSAS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0)
# The temperature slider's steps: about 11 per decade from 0.01 to 100, round numbers.
TEMPERATURE_STEPS = tuple(round(m * 10.0**e, 6) for e in range(-2, 2) for m in _MANTISSAS) + (100.0,)


def nearest_step(temperature: float) -> float:
    """The slider step closest to ``temperature`` on a log scale."""
    t = min(max(float(temperature), TEMPERATURE_STEPS[0]), TEMPERATURE_STEPS[-1])
    return min(TEMPERATURE_STEPS, key=lambda step: abs(math.log(step / t)))


@dataclass(frozen=True)
class SoftmaxView:
    """Everything the readouts and the Jacobian show for one logits vector at one temperature."""

    probabilities: np.ndarray
    entropy_nats: float
    entropy_bits: float
    max_entropy_nats: float  # log n, the entropy of the uniform distribution
    max_probability: float
    second_probability: float  # the runner-up (equal to the maximum when the top is tied)
    winners: tuple[int, ...]  # every class holding the largest probability (ties included)
    jacobian: np.ndarray  # diag(p) - p p^T: dp/d(z/T)
    jacobian_row_sum: float  # largest |sum of a row|: 0 up to rounding
    jacobian_largest: float  # largest |entry|


def softmax_view(logits, temperature: float) -> SoftmaxView:
    """p = softmax(z / T), its entropy (nats, bits), log n, the argmax and the Jacobian."""
    z = np.asarray(logits, dtype=np.float64)
    p = softmax(z, temperature)
    n = z.size
    nats = float(entropy(p))
    jac = softmax_jacobian(p)
    top = float(np.max(p))
    return SoftmaxView(
        probabilities=p, entropy_nats=nats, entropy_bits=nats / math.log(2.0),
        max_entropy_nats=float(entropy(np.full(n, 1.0 / n))), max_probability=top,
        second_probability=float(np.sort(p)[-2]),
        winners=tuple(int(i) for i in np.flatnonzero(p == top)),
        jacobian=jac, jacobian_row_sum=float(np.max(np.abs(np.sum(jac, axis=1)))),
        jacobian_largest=float(np.max(np.abs(jac))),
    )


@dataclass(frozen=True)
class TemperatureSweep:
    """Every class's probability on a log grid of temperatures, and the facts the page states."""

    temperatures: np.ndarray
    probabilities: np.ndarray  # (len(temperatures), n)
    coldest_max: float  # largest probability at the lowest T
    coldest_second: float  # second-largest probability at the lowest T
    hottest_spread: float  # max - min probability at the highest T
    uniform: float  # 1 / n
    leaders: int  # how many classes share the largest logit (T -> 0 splits the mass among them)
    logit_range: float  # max z - min z: T must be large against it for near-uniform output
    order_kept: bool  # a larger logit never gets a smaller probability, at any T on the grid


def temperature_sweep(logits, t_min: float = 0.01, t_max: float = 100.0,
                      count: int = 801) -> TemperatureSweep:
    """softmax(z / T) for T log-spaced over [t_min, t_max], with the order check."""
    z = np.asarray(logits, dtype=np.float64)
    temperatures = np.logspace(math.log10(t_min), math.log10(t_max), count)
    probs = probabilities_vs_temperature(z, temperatures)
    return TemperatureSweep(
        temperatures=temperatures, probabilities=probs,
        coldest_max=float(np.max(probs[0])), coldest_second=float(np.sort(probs[0])[-2]),
        hottest_spread=float(np.ptp(probs[-1])),
        uniform=1.0 / z.size, leaders=int(np.count_nonzero(z == np.max(z))),
        logit_range=float(np.ptp(z)), order_kept=_order_kept(z, probs),
    )


def _order_kept(z: np.ndarray, probs: np.ndarray) -> bool:
    """True when, in every row, z_i > z_j implies p_i >= p_j and z_i == z_j implies p_i == p_j."""
    order = np.argsort(z, kind="stable")
    steps = np.diff(probs[:, order], axis=1)
    rises = np.diff(z[order]) > 0
    return bool(np.all(steps[:, rises] >= 0) and np.all(steps[:, ~rises] == 0))


@dataclass(frozen=True)
class FormulaComparison:
    """The naive and the max-shifted softmax on the same logits, term by term."""

    scaled: np.ndarray  # z / T
    naive_exponentials: np.ndarray  # e^(z/T), inf where it overflows
    naive_probabilities: np.ndarray
    naive_problem: str | None  # the core's explanation when the naive formula fails
    shift: float  # m = max z
    shifted: np.ndarray  # (z - m)/T, all <= 0
    shifted_exponentials: np.ndarray  # e^((z - m)/T), all in [0, 1]
    stable_probabilities: np.ndarray
    stable_sum: float
    max_difference: float  # max |naive - stable|; nan when the naive result is not finite
    culprit: int | None  # the first logit whose e^(z/T) overflowed, else the first that underflowed


def compare_formulas(logits, temperature: float) -> FormulaComparison:
    """Run both formulas; the naive one with floating-point warnings silenced."""
    z = np.asarray(logits, dtype=np.float64)
    naive, problem = naive_softmax_report(z, temperature)
    stable = softmax(z, temperature)
    m = float(np.max(z))
    shifted = (z - m) / temperature
    with np.errstate(over="ignore"):
        scaled = z / temperature
        naive_exp = np.exp(scaled)
    difference = float(np.max(np.abs(naive - stable))) if np.all(np.isfinite(naive)) else math.nan
    overflowed, underflowed = np.flatnonzero(np.isinf(naive_exp)), np.flatnonzero(naive_exp == 0)
    culprit = int(overflowed[0]) if overflowed.size else (int(underflowed[0]) if problem else None)
    return FormulaComparison(
        scaled=scaled, naive_exponentials=naive_exp, naive_probabilities=naive,
        naive_problem=problem, shift=m, shifted=shifted, shifted_exponentials=np.exp(shifted),
        stable_probabilities=stable, stable_sum=float(np.sum(stable)), max_difference=difference,
        culprit=culprit,
    )


def question_logits(logits, fallback: str = DEFAULT_LOGITS_TEXT) -> np.ndarray:
    """The logits to ask about: these ones when a single class leads, otherwise the fallback."""
    z = np.asarray(logits, dtype=np.float64)
    return z if np.count_nonzero(z == np.max(z)) == 1 else parse_logits(fallback)


def cold_temperature(logits) -> float:
    """A temperature cold enough that softmax is one-hot to within e^-20 (z must have one leader):
    min(1e-3, (gap between the two largest logits) / 20)."""
    top_two = np.sort(np.asarray(logits, dtype=np.float64))[-2:]
    return min(1e-3, float(top_two[1] - top_two[0]) / 20.0)


def hot_temperature(logits, factor: float = 1e4) -> float:
    """A temperature hot enough that softmax is uniform to within about 1/factor:
    factor x max(1, max z - min z)."""
    return factor * max(1.0, float(np.ptp(np.asarray(logits, dtype=np.float64))))


def limit_kind(p, tolerance: float = 1e-3) -> str:
    """'one-hot' if one class holds more than 1 - tolerance, 'uniform' if every class is within
    tolerance of 1/n, else 'neither'."""
    probs = np.asarray(p, dtype=np.float64)
    if np.max(probs) > 1.0 - tolerance:
        return "one-hot"
    if np.max(np.abs(probs - 1.0 / probs.size)) < tolerance:
        return "uniform"
    return "neither"


def equivalent_temperature_gaps(logits, scale: float, candidates) -> dict[float, float]:
    """For each candidate T: max |softmax(scale * z) - softmax(z / T)|; 0 marks the equivalent T."""
    z = np.asarray(logits, dtype=np.float64)
    scaled = softmax(scale * z)
    return {float(t): float(np.max(np.abs(scaled - softmax(z, t)))) for t in candidates}


def shift_gap(logits, shift: float, temperature: float = 1.0) -> float:
    """max |softmax((z + shift) / T) - softmax(z / T)|: rounding only, softmax ignores a shift."""
    z = np.asarray(logits, dtype=np.float64)
    return float(np.max(np.abs(softmax(z + shift, temperature) - softmax(z, temperature))))
