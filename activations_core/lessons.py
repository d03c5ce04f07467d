"""The dead-neuron lab's lessons: a broken network, the fix beside it, and claims that hold over seeds.

Each lesson is one click in the lab: its network (and, where it has one, the same network with
one thing fixed, trained side by side from the same weights and data) on circles, 400 points,
noise 0.1, for ``steps`` SGD steps, with data seed = network seed = the lab's seed. Every
sentence of a caption is a ``Claim`` about the runs' histories that a test checks for seeds 0-19
(tests/core/test_lessons.py): ``holds_in`` says in how many of those 20 it holds, and the caption
says so whenever that is not all 20.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Callable

from .datasets import Dataset, make_dataset
from .network import History, NetConfig, NetState, init_network, train_steps

__all__ = ["CHECKED_SEEDS", "LESSONS", "TYPICAL_DEAD_RANGE", "Claim", "Lesson", "LessonRun"]

CHECKED_SEEDS = range(20)
# "In large trained ReLU networks typically 1-10% of the units are dead": the figure the lab
# relates each run to.
TYPICAL_DEAD_RANGE = (0.01, 0.10)
LOG2 = math.log(2.0)


@dataclass(frozen=True)
class Claim:
    """One sentence of a caption and its check on (the run's history, the other run's or None)."""

    sentence: str
    run: str  # "broken" (the lesson's network) or "fix"
    check: Callable[[History, History | None], bool]
    holds_in: int  # of the 20 CHECKED_SEEDS

    def text(self) -> str:
        """The sentence, with the count when it does not hold in every checked seed."""
        n = len(CHECKED_SEEDS)
        return self.sentence if self.holds_in == n else f"{self.sentence} (in {self.holds_in} of {n} seeds)"


@dataclass(frozen=True)
class LessonRun:
    """A lesson trained for one seed: its data, both runs' starts and ends (fix ones None without a fix)."""

    data: Dataset
    start: NetState
    end: NetState
    fix_start: NetState | None
    fix_end: NetState | None


@dataclass(frozen=True)
class Lesson:
    """A scenario: the network, an optional fix (NetConfig fields to change), the story and its claims."""

    key: str
    title: str
    story: str
    config: NetConfig
    claims: tuple[Claim, ...]
    fix: tuple[tuple[str, object], ...] = ()
    fix_title: str = ""
    steps: int = 300
    dataset: str = "circles"
    n_points: int = 400
    noise: float = 0.1

    def fix_config(self, config: NetConfig) -> NetConfig | None:
        """``config`` with the lesson's fix applied, or None for a lesson without a fix."""
        return dataclasses.replace(config, **dict(self.fix)) if self.fix else None

    def claims_text(self) -> str:
        """Every claim as a sentence, with its count where it does not always hold."""
        return " ".join(f"{c.text()}." for c in self.claims)

    def run(self, seed: int) -> LessonRun:
        """Both runs for ``seed`` (data seed = network seed), trained for ``steps`` steps."""
        data = make_dataset(self.dataset, n=self.n_points, noise=self.noise, seed=seed)
        return self.run_from(data, train_steps(init_network(self.config, seed), data, 0),
                             self._fix_start(data, seed))

    def _fix_start(self, data: Dataset, seed: int) -> NetState | None:
        fixed = self.fix_config(self.config)
        return None if fixed is None else train_steps(init_network(fixed, seed), data, 0)

    def run_from(self, data: Dataset, start: NetState, fix_start: NetState | None) -> LessonRun:
        """Train given starting states (e.g. the ones a page shows) for the lesson's steps."""
        end = train_steps(start, data, self.steps)
        fix_end = None if fix_start is None else train_steps(fix_start, data, self.steps)
        return LessonRun(data, start, end, fix_start, fix_end)

    def holds(self, claim: Claim, run: LessonRun) -> bool:
        """Whether ``claim`` holds for this run."""
        mine, other = (run.end, run.fix_end) if claim.run == "broken" else (run.fix_end, run.end)
        return bool(claim.check(mine.history, None if other is None else other.history))


def _at_step(h: History, step: int) -> int:
    return int(list(h.step).index(step))


_HEALTHY = NetConfig(hidden=(16, 16), activation="relu", init="he", learning_rate=0.3, max_steps=300)
FEW_DEAD, LEARNED, NEAR_CHANCE, EARLY_STEP = 0.10, 0.90, 0.60, 20  # the thresholds the sentences state
_LEARNS = (f"it learns the circle (test accuracy at least {LEARNED:.0%})", lambda h, _: h.test_acc[-1] >= LEARNED)
_FEW_DEAD = (f"at most {FEW_DEAD:.0%} of its hidden neurons are dead at the end",
             lambda h, _: h.dead_overall[-1] <= FEW_DEAD)
_STALLS = (f"its loss stalls at log 2 = {LOG2:.3f}, a coin toss", lambda h, _: abs(h.train_loss[-1] - LOG2) < 0.01)
_CHANCE = (f"it never learns the circle (test accuracy at most {NEAR_CHANCE:.0%}, near chance)",
           lambda h, _: h.test_acc[-1] <= NEAR_CHANCE)
_DEAD_EARLY = (f"within {EARLY_STEP} steps most hidden neurons are dead",
               lambda h, _: h.dead_overall[_at_step(h, EARLY_STEP)] > 0.5)


def _fixed(how: str, claim: tuple[str, Callable]) -> tuple[str, Callable]:
    """A claim about the fix run, said as "At 0.3: it learns ..."."""
    return f"{how}: {claim[0]}", claim[1]


def _claims(run: str, *pairs_and_counts) -> tuple[Claim, ...]:
    return tuple(Claim(sentence[0].upper() + sentence[1:], run, check, holds_in)
                 for (sentence, check), holds_in in pairs_and_counts)


LESSONS: dict[str, Lesson] = {lesson.key: lesson for lesson in (
    Lesson(
        "healthy", "Healthy",
        "ReLU with He initialisation and learning rate 0.3.",
        _HEALTHY,
        _claims("broken", (_FEW_DEAD, 20), (_LEARNS, 20)),
    ),
    Lesson(
        "lr_too_high", "Learning rate too high",
        "The same network at learning rate 6, beside it at 0.3: the first huge updates push most ReLU "
        "neurons to a negative input for every point, and a neuron that outputs 0 everywhere gets no gradient.",
        dataclasses.replace(_HEALTHY, learning_rate=6.0),
        _claims("broken",
                (_DEAD_EARLY, 20),
                (_CHANCE, 20), (_STALLS, 18))
        + _claims("fix", (_fixed("at 0.3", _FEW_DEAD), 20), (_fixed("at 0.3", _LEARNS), 20)),
        fix=(("learning_rate", 0.3),), fix_title="Fix: learning rate 0.3",
    ),
    Lesson(
        "negative_bias", "Negative biases · ELU",
        "Every hidden bias starts at -3, so most ReLU neurons output 0 for every point. ELU, beside it, "
        "passes a gradient for negative inputs too.",
        dataclasses.replace(_HEALTHY, bias_init=-3.0),
        _claims("broken",
                (("most hidden neurons are dead at step 0", lambda h, _: h.dead_overall[0] > 0.5), 20),
                (_CHANCE, 20), (_STALLS, 19))
        + _claims("fix", (("with ELU: no neuron is dead", lambda h, _: h.dead_overall[-1] == 0.0), 20),
                  (_fixed("with ELU", _LEARNS), 20)),
        fix=(("activation", "elu"),), fix_title="Fix: ELU",
    ),
    Lesson(
        "negative_bias_bn", "Negative biases · batch norm",
        "Every hidden bias starts at -3. Batch normalisation, beside it, re-centres each neuron's input "
        "over the batch, so the bias no longer switches the neuron off.",
        dataclasses.replace(_HEALTHY, bias_init=-3.0),
        _claims("broken", (("most hidden neurons are dead at step 0", lambda h, _: h.dead_overall[0] > 0.5), 20))
        + _claims("fix", (_fixed("with batch norm", _FEW_DEAD), 20), (_fixed("with batch norm", _LEARNS), 20)),
        fix=(("batch_norm", True),), fix_title="Fix: batch normalisation",
    ),
    Lesson(
        "weights_too_large", "Large weights · He init",
        "Weights drawn from N(0, 3²) at learning rate 1, beside He initialisation (variance 2 / fan-in), "
        "which keeps the signal's and the gradient's scale steady from layer to layer.",
        dataclasses.replace(_HEALTHY, init="normal", init_scale=3.0, learning_rate=1.0),
        _claims("broken",
                (("more neurons die than with He initialisation",
                  lambda h, other: h.dead_overall[-1] > other.dead_overall[-1]), 20),
                (("most hidden neurons are dead at the end", lambda h, _: h.dead_overall[-1] > 0.5), 18),
                ((f"it does not learn the circle (test accuracy under {LEARNED:.0%})",
                  lambda h, _: h.test_acc[-1] < LEARNED), 20))
        + _claims("fix", (_fixed("with He initialisation", _FEW_DEAD), 20), (_fixed("with He initialisation", _LEARNS), 20)),
        fix=(("init", "he"),), fix_title="Fix: He initialisation",
    ),
)}
