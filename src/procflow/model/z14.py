"""ANSI/ASQ Z1.4 sampling plans: general inspection level II, single sampling, normal inspection.

A vendor QA team that says "AQL 2.5" means a plan from this standard: the lot size
gives a *code letter* (Table I, level II: a lot of 1,201 to 3,200 items is letter K),
the letter gives the sample size (K: 125 items), and the letter's row of the master
table (Table II-A) gives, for the AQL, the *acceptance number* Ac: accept the lot
when at most Ac defects are found in the sample (K at AQL 2.5: Ac 7; reject at
Re = Ac + 1 = 8). Where the table has an arrow instead of a plan, the plan is the
first one below (a larger sample) or above (a smaller one) in the same AQL column,
and its sample size comes with it.

Both tables are data here. Table II-A is written the way it is printed: along each
diagonal of a row the acceptance numbers run 0, (arrow up), (arrow down), 1, 2, 3, 5,
7, 10, 14, 21, and the rows A to E go on to 30 and 44 for the AQLs of defects per
hundred items above 10.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Table I, level II: (largest lot size, code letter), smallest lots first.
CODE_LETTERS: tuple[tuple[int, str], ...] = (
    (8, "A"), (15, "B"), (25, "C"), (50, "D"), (90, "E"), (150, "F"), (280, "G"),
    (500, "H"), (1_200, "J"), (3_200, "K"), (10_000, "L"), (35_000, "M"), (150_000, "N"),
    (500_000, "P"),
)  # fmt: skip
#: The letter of lots above the last row of :data:`CODE_LETTERS`.
LARGEST_LETTER = "Q"

#: Table II-A: each code letter's sample size, in the table's order (R only by an arrow).
SAMPLE_SIZES: dict[str, int] = {
    "A": 2, "B": 3, "C": 5, "D": 8, "E": 13, "F": 20, "G": 32, "H": 50, "J": 80, "K": 125,
    "L": 200, "M": 315, "N": 500, "P": 800, "Q": 1_250, "R": 2_000,
}  # fmt: skip

#: The AQL columns of Table II-A (percent defective, or defects per hundred items).
AQLS: tuple[float, ...] = (
    0.010, 0.015, 0.025, 0.040, 0.065, 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0,
    6.5, 10, 15, 25, 40, 65, 100, 150, 250, 400, 650, 1000,
)  # fmt: skip

UP, DOWN = "up", "down"
#: One diagonal of the master table, from its Ac 0 cell rightwards.
_DIAGONAL: tuple[int | str, ...] = (0, UP, DOWN, 1, 2, 3, 5, 7, 10, 14, 21, 30, 44)
#: Rows whose diagonal goes on past Ac 21 (the others point up after it).
_LONG_ROWS = frozenset("ABCDE")


def _cell(letter: str, column: int) -> int | str:
    """The printed cell of Table II-A: an acceptance number, or an arrow."""
    row = list(SAMPLE_SIZES).index(letter)
    # letter A has its Ac 0 plan under AQL 6.5 (column 14), each row below one column left
    step = column - (14 - row)
    if step < 0:
        return DOWN
    if step >= len(_DIAGONAL) or (step > 10 and letter not in _LONG_ROWS):
        return UP
    return _DIAGONAL[step]


#: Table II-A as printed: letter -> one cell per column of :data:`AQLS`.
MASTER: dict[str, tuple[int | str, ...]] = {
    letter: tuple(_cell(letter, column) for column in range(len(AQLS))) for letter in SAMPLE_SIZES
}


@dataclass(frozen=True)
class Z14Plan:
    """A plan of the standard: inspect ``sample`` items, accept with at most ``accept`` found."""

    letter: str
    sample: int
    accept: int

    @property
    def reject(self) -> int:
        """The rejection number Re: this many defects found or more rejects the lot."""
        return self.accept + 1


def code_letter(lot_size: int) -> str:
    """The level II code letter of a lot of ``lot_size`` items (2 or more)."""
    for largest, letter in CODE_LETTERS:
        if lot_size <= largest:
            return letter
    return LARGEST_LETTER


def is_aql(aql: float) -> bool:
    """Whether ``aql`` is one of the table's columns."""
    return any(abs(aql - column) < 1e-9 for column in AQLS)


def z14_plan(lot_size: int, aql: float) -> Z14Plan:
    """The single sampling plan for a lot size and AQL, following the table's arrows.

    Raises ``ValueError`` for an AQL that is not a column of the table (lint reports
    it first, PF252).
    """
    column = next((k for k, c in enumerate(AQLS) if abs(aql - c) < 1e-9), None)
    if column is None:
        raise ValueError(f"AQL {aql} is not in the Z1.4 table")
    letters = list(SAMPLE_SIZES)
    row = letters.index(code_letter(lot_size))
    while True:
        cell = MASTER[letters[row]][column]
        if isinstance(cell, int):
            return Z14Plan(letters[row], SAMPLE_SIZES[letters[row]], cell)
        row += 1 if cell == DOWN else -1
