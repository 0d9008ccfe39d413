"""From the jurors' sheets to ranks, proposed prize tiers and ASEAN nominees: pure functions, no I/O.

The council's rule book decides; this module only proposes. Every comparison uses the exact mean
(a Fraction); the 2-decimal score is what is published and what the thresholds are checked against.
"""

import math
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from itertools import pairwise
from types import MappingProxyType

SPREAD = "spread"
MISSING_SHEETS = "missing_sheets"
NO_SHEETS = "no_sheets"
TIE_UNRESOLVED = "tie_unresolved"
BELOW_PRIZE_THRESHOLD = "below_prize_threshold"
FLAG_ORDER = (SPREAD, MISSING_SHEETS, NO_SHEETS, TIE_UNRESOLVED, BELOW_PRIZE_THRESHOLD)

MEDIAN = "median"
CHAIR = "chair"
CRITERION_PREFIX = "criterion:"
_ZERO = Fraction(0)


@dataclass(frozen=True)
class Sheet:
    juror_id: int
    points: Mapping[str, int]

    @cached_property
    def total(self) -> int:
        return sum(self.points.values())


@dataclass(frozen=True)
class EntryScores:
    entry_id: int
    group: str
    sheets: tuple[Sheet, ...]
    expected_sheets: int


@dataclass(frozen=True)
class Tier:
    code: str
    count: int
    by_rank: bool = True


@dataclass(frozen=True)
class GroupRules:
    code: str
    asean_category: str
    tie_break_criteria: tuple[str, ...]


@dataclass(frozen=True)
class RankingRules:
    groups: tuple[GroupRules, ...]
    tiers: tuple[Tier, ...]
    quotas: Mapping[str, int]
    prize_threshold: Decimal
    asean_threshold: Decimal
    spread_flag: int


@dataclass(frozen=True)
class RankedEntry:
    entry_id: int
    group: str
    rank: int | None
    mean: Fraction | None
    score: Decimal | None
    median: Fraction | None
    totals: tuple[int, ...]
    spread: int | None
    criterion_means: Mapping[str, Fraction]
    tier: str | None
    asean_nominee: bool
    flags: tuple[str, ...]
    tie_break: str | None


@dataclass(frozen=True)
class _Scored:
    """An entry with at least one sheet, and the figures every comparison needs."""

    entry: EntryScores
    mean: Fraction
    median: Fraction
    totals: tuple[int, ...]
    criterion_means: Mapping[str, Fraction]

    @property
    def entry_id(self) -> int:
        return self.entry.entry_id

    @cached_property
    def score(self) -> Decimal:
        return two_decimals(self.mean)

    def criterion_mean(self, code: str) -> Fraction:
        return self.criterion_means.get(code, _ZERO)


@dataclass(frozen=True)
class _Decisions:
    """What the group ranking and the nominations decided for one entry."""

    rank: int | None = None
    tie_break: str | None = None
    tier: str | None = None
    asean_nominee: bool = False
    tie_unresolved: bool = False


def two_decimals(value: Fraction | int) -> Decimal:
    """Round half up (ROUND_HALF_UP: halves away from zero) on the exact value, never on a float or a
    truncated decimal: 80.5 -> 80.50, 80.125 -> 80.13, 212/3 -> 70.67."""
    return cents_to_decimal(value.numerator, value.denominator)


def cents_to_decimal(numerator: int, denominator: int) -> Decimal:
    """two_decimals of numerator / denominator (denominator > 0) in whole numbers: floor(|n| / d × 100 + 1/2)
    is (200·|n| + d) // 2d."""
    cents = (200 * abs(numerator) + denominator) // (2 * denominator)
    return Decimal(cents if numerator >= 0 else -cents).scaleb(-2)


def mean_total(totals: Sequence[int]) -> Fraction:
    """Mean of the non-conflicted jurors' totals: the rule book's default, common practice of
    Vietnamese award councils (the caller passes submitted sheets of non-conflicted jurors only)."""
    return Fraction(sum(totals), len(totals))


def median_total(totals: Sequence[int]) -> Fraction:
    ordered = sorted(totals)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    return Fraction(ordered[middle - 1] + ordered[middle], 2)


def criterion_means(sheets: Sequence[Sheet]) -> Mapping[str, Fraction]:
    """A criterion missing from a sheet counts as 0 points, as it does in the sheet's total."""
    sums: dict[str, int] = {}
    for sheet in sheets:
        for code, points in sheet.points.items():
            sums[code] = sums.get(code, 0) + points
    return MappingProxyType({code: Fraction(sums[code], len(sheets)) for code in sorted(sums)})


def _scored(entry: EntryScores, deciding: Mapping[int, Fraction] | None = None) -> _Scored:
    """`deciding` replaces the mean by the round's chosen score (median, trimmed mean, normalised)."""
    totals = tuple(sorted(sheet.total for sheet in entry.sheets))
    score = deciding[entry.entry_id] if deciding is not None and entry.entry_id in deciding else mean_total(totals)
    return _Scored(entry, score, median_total(totals), totals, criterion_means(entry.sheets))


def _tie_decision(higher: _Scored, lower: _Scored, criteria: Sequence[str]) -> str | None:
    """How two entries of one group with the same mean are told apart: the means of the group's
    tie-break criteria in order, then the higher median of the totals, else the council chair."""
    if higher.mean != lower.mean:
        return None
    for code in criteria:
        if higher.criterion_mean(code) != lower.criterion_mean(code):
            return CRITERION_PREFIX + code
    if higher.median != lower.median:
        return MEDIAN
    return CHAIR


def _scaled_keys(scored: Sequence[_Scored], figures: Callable[[_Scored], tuple[Fraction, ...]]) -> dict[int, tuple]:
    """Per entry: (−figure × d for each figure, entry_id), where d is the least common denominator of every
    figure compared. Whole numbers sort exactly as the Fractions do, without a Fraction per comparison."""
    values = {entry.entry_id: figures(entry) for entry in scored}
    scale = math.lcm(*{value.denominator for row in values.values() for value in row})
    return {entry_id: (*(-value.numerator * (scale // value.denominator) for value in row), entry_id)
            for entry_id, row in values.items()}


def _order_group(entries: Iterable[_Scored], criteria: Sequence[str]) -> list[_Scored]:
    """The higher mean, then the higher means of the tie-break criteria in order, then the higher median.
    Unresolved ties are listed by entry_id ascending: a deterministic order until the chair decides."""
    entries = list(entries)
    keys = _scaled_keys(entries, lambda s: (s.mean, *(s.criterion_mean(code) for code in criteria), s.median))
    return sorted(entries, key=lambda scored: keys[scored.entry_id])


def competition_ranks(decisions_between_neighbours: Sequence[str | None]) -> list[int]:
    """1-based ranks; entries whose tie only the chair can break share a rank (1, 2, 2, 4)."""
    ranks = [1]
    for position, decision in enumerate(decisions_between_neighbours, start=2):
        ranks.append(ranks[-1] if decision == CHAIR else position)
    return ranks


def tie_breaks(decisions_between_neighbours: Sequence[str | None]) -> list[str | None]:
    """Per entry: "chair" when it shares its rank, else the decision against the tied entry just above,
    else against the tied entry just below, else None (no tie)."""
    above = [None, *decisions_between_neighbours]
    below = [*decisions_between_neighbours, None]
    return [CHAIR if CHAIR in (up, down) else up or down for up, down in zip(above, below, strict=True)]


def prize_slots(tiers: Iterable[Tier]) -> list[str]:
    """One place per prize, in tier order; a tier the council awards by choice (by_rank=False) has none."""
    return [tier.code for tier in tiers if tier.by_rank for _ in range(tier.count)]


def is_eligible(score: Decimal, threshold: Decimal) -> bool:
    """The published (2-decimal) score is checked, so nobody shown 50.00 is told to be below 50."""
    return score >= threshold


def _rank_group(ordered: list[_Scored], criteria: Sequence[str], rules: RankingRules) -> dict[int, _Decisions]:
    if not ordered:
        return {}
    decisions = [_tie_decision(higher, lower, criteria) for higher, lower in pairwise(ordered)]
    ranks = competition_ranks(decisions)
    eligible = [scored.entry_id for scored in ordered if is_eligible(scored.score, rules.prize_threshold)]
    tiers = dict(zip(eligible, prize_slots(rules.tiers), strict=False))
    return {
        scored.entry_id: _Decisions(
            rank=rank, tie_break=tie_break, tier=tiers.get(scored.entry_id), tie_unresolved=tie_break == CHAIR
        )
        for scored, rank, tie_break in zip(ordered, ranks, tie_breaks(decisions), strict=True)
    }


def _merge_category(group_orders: Iterable[list[_Scored]]) -> list[_Scored]:
    """One ASEAN category's order: each group keeps its own order (its tie-break criteria); between
    entries of different groups the higher mean, then the higher median, then the lower entry_id."""
    queues = [deque(order) for order in group_orders if order]
    keys = _scaled_keys([scored for queue in queues for scored in queue], lambda s: (s.mean, s.median))
    merged: list[_Scored] = []
    while queues:
        first = min(range(len(queues)), key=lambda index: keys[queues[index][0].entry_id])
        merged.append(queues[first].popleft())
        if not queues[first]:
            del queues[first]
    return merged


def _unresolved(higher: _Scored, lower: _Scored, criteria_by_group: Mapping[str, Sequence[str]]) -> bool:
    if higher.entry.group == lower.entry.group:
        return _tie_decision(higher, lower, criteria_by_group[higher.entry.group]) == CHAIR
    return (higher.mean, higher.median) == (lower.mean, lower.median)


def _straddling_tie(ordered: list[_Scored], cut: int, criteria_by_group: Mapping[str, Sequence[str]]) -> list[_Scored]:
    """The entries tied (for the chair) with one another across the cut between ordered[cut - 1] and ordered[cut]."""
    if not 0 < cut < len(ordered) or not _unresolved(ordered[cut - 1], ordered[cut], criteria_by_group):
        return []
    start, end = cut - 1, cut + 1
    while start > 0 and _unresolved(ordered[start - 1], ordered[start], criteria_by_group):
        start -= 1
    while end < len(ordered) and _unresolved(ordered[end - 1], ordered[end], criteria_by_group):
        end += 1
    return ordered[start:end]


def _nominate(group_orders: Mapping[str, list[_Scored]], rules: RankingRules) -> tuple[set[int], set[int]]:
    """The ASEAN nominees, and the entries of an unresolved tie straddling a category's quota."""
    criteria_by_group = {group.code: group.tie_break_criteria for group in rules.groups}
    nominees: set[int] = set()
    tied_at_quota: set[int] = set()
    for category in dict.fromkeys(group.asean_category for group in rules.groups):
        merged = _merge_category(group_orders[group.code] for group in rules.groups if group.asean_category == category)
        eligible = [scored for scored in merged if is_eligible(scored.score, rules.asean_threshold)]
        quota = max(rules.quotas.get(category, 0), 0)
        nominees.update(scored.entry_id for scored in eligible[:quota])
        tied_at_quota.update(scored.entry_id for scored in _straddling_tie(eligible, quota, criteria_by_group))
    return nominees, tied_at_quota


def _flags(scored: _Scored, decisions: _Decisions, rules: RankingRules) -> tuple[str, ...]:
    raised = {
        SPREAD: scored.totals[-1] - scored.totals[0] > rules.spread_flag,
        MISSING_SHEETS: len(scored.entry.sheets) < scored.entry.expected_sheets,
        TIE_UNRESOLVED: decisions.tie_unresolved,
        BELOW_PRIZE_THRESHOLD: not is_eligible(scored.score, rules.prize_threshold),
    }
    return tuple(flag for flag in FLAG_ORDER if raised.get(flag))


def _ranked(scored: _Scored, decisions: _Decisions, rules: RankingRules) -> RankedEntry:
    return RankedEntry(
        entry_id=scored.entry_id,
        group=scored.entry.group,
        rank=decisions.rank,
        mean=scored.mean,
        score=scored.score,
        median=scored.median,
        totals=scored.totals,
        spread=scored.totals[-1] - scored.totals[0],
        criterion_means=scored.criterion_means,
        tier=decisions.tier,
        asean_nominee=decisions.asean_nominee,
        flags=_flags(scored, decisions, rules),
        tie_break=decisions.tie_break,
    )


def _without_sheets(entry: EntryScores) -> RankedEntry:
    return RankedEntry(
        entry_id=entry.entry_id,
        group=entry.group,
        rank=None,
        mean=None,
        score=None,
        median=None,
        totals=(),
        spread=None,
        criterion_means=MappingProxyType({}),
        tier=None,
        asean_nominee=False,
        flags=(NO_SHEETS,),
        tie_break=None,
    )


def _checked(entries: Iterable[EntryScores], rules: RankingRules) -> list[EntryScores]:
    group_codes = [group.code for group in rules.groups]
    if len(set(group_codes)) != len(group_codes):
        raise ValueError(f"ranking group listed twice in the rules: {group_codes}")
    entries = list(entries)
    unknown = sorted({entry.group for entry in entries} - set(group_codes))
    if unknown:
        raise ValueError(f"entries of ranking groups not in the rules: {unknown}")
    entry_ids = [entry.entry_id for entry in entries]
    if len(set(entry_ids)) != len(entry_ids):
        raise ValueError("an entry is listed twice")
    for entry in entries:
        jurors = [sheet.juror_id for sheet in entry.sheets]
        if len(set(jurors)) != len(jurors):
            raise ValueError(f"entry {entry.entry_id}: a juror has more than one sheet")
    return entries


def rank_entries(entries: Iterable[EntryScores], rules: RankingRules,
                 deciding: Mapping[int, Fraction] | None = None) -> list[RankedEntry]:
    """Result ordered by group (rules.groups order), then rank, then entry_id; entries of groups not in rules raise
    ValueError. Entries without a sheet come last in their group, by entry_id. By default the mean decides;
    `deciding` gives each entry the score of another method instead (its `mean` and `score` then carry it)."""
    entries = _checked(entries, rules)
    group_orders = {
        group.code: _order_group(
            (_scored(entry, deciding) for entry in entries if entry.group == group.code and entry.sheets),
            group.tie_break_criteria,
        )
        for group in rules.groups
    }
    decisions: dict[int, _Decisions] = {}
    for group in rules.groups:
        decisions.update(_rank_group(group_orders[group.code], group.tie_break_criteria, rules))
    nominees, tied_at_quota = _nominate(group_orders, rules)
    for entry_id in nominees | tied_at_quota:
        decided = decisions[entry_id]
        decisions[entry_id] = replace(
            decided,
            asean_nominee=entry_id in nominees,
            tie_unresolved=decided.tie_unresolved or entry_id in tied_at_quota,
        )
    result: list[RankedEntry] = []
    for group in rules.groups:
        result.extend(_ranked(scored, decisions[scored.entry_id], rules) for scored in group_orders[group.code])
        without = sorted((e for e in entries if e.group == group.code and not e.sheets), key=lambda e: e.entry_id)
        result.extend(_without_sheets(entry) for entry in without)
    return result
