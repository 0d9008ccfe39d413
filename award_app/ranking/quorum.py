"""The council's quorum and vote (pure). Quorum: two thirds of the members; the proposal is adopted
with at least two thirds of those present [default; the rule book's council rules]."""

from math import ceil

QUORUM = (2, 3)
MAJORITY = (2, 3)


def needed(fraction: tuple[int, int], of: int) -> int:
    """The smallest whole number that is at least `fraction` of `of` (2/3 of 7 → 5)."""
    numerator, denominator = fraction
    return ceil(of * numerator / denominator)


def meeting_problems(members: int, present: int, votes_for: int, votes_against: int) -> list[tuple[str, int]]:
    """[(code, number)]: "no_quorum" with the members needed, "too_many_votes" with those present,
    "not_adopted" with the votes needed."""
    problems = []
    if present < needed(QUORUM, members):
        problems.append(("no_quorum", needed(QUORUM, members)))
    if votes_for + votes_against > present:
        problems.append(("too_many_votes", present))
    elif votes_for < needed(MAJORITY, present):
        problems.append(("not_adopted", needed(MAJORITY, present)))
    return problems
