"""Figures a selection council reads besides the plain mean: trimmed mean, per-juror normalisation,
juror offsets and Krippendorff's alpha. Pure functions, no I/O; they inform the council and never rank.
"""

import math
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Context, Decimal
from fractions import Fraction
from functools import cache
from itertools import repeat
from operator import mul
from types import MappingProxyType

from award_app.ranking.aggregate import EntryScores, cents_to_decimal, two_decimals

GRAPH_NOT_CONNECTED = "graph_not_connected"
JUROR_TOO_FEW_SHEETS = "juror_too_few_sheets"
JUROR_NO_SPREAD = "juror_no_spread"
MIN_SHEETS_PER_JUROR = 3

NOT_COMPUTABLE = "not_computable"
RELIABLE = "reliable"
TENTATIVE = "tentative"
UNRELIABLE = "unreliable"
RELIABLE_FROM = 0.800
TENTATIVE_FROM = 0.667

_SQRT_CONTEXT = Context(prec=40)


@dataclass(frozen=True)
class Normalisation:
    valid: bool
    reasons: tuple[str, ...]
    scores: Mapping[int, Decimal]
    juror_offsets: Mapping[int, Decimal]


@dataclass(frozen=True)
class Reliability:
    totals: float | None
    criteria: Mapping[str, float | None]


# Trimmed mean


@cache
def _share(proportion: float) -> Fraction:
    return Fraction(repr(proportion))


def trimmed_mean(totals: Sequence[int], proportion: float = 0.2) -> Fraction | None:
    """Drops floor(n × proportion) lowest and as many highest totals and averages the rest, exactly;
    with fewer than 3 totals it is the plain mean. proportion must lie in [0, 0.5)."""
    share = _share(proportion)
    if not 0 <= share < Fraction(1, 2):
        raise ValueError(f"trimming proportion must lie in [0, 0.5): {proportion}")
    if not totals:
        return None
    ordered = sorted(totals)
    cut = len(ordered) * share.numerator // share.denominator if len(ordered) >= 3 else 0  # floor, exactly
    kept = ordered[cut : len(ordered) - cut]
    return Fraction(sum(kept), len(kept))


# Per-juror normalisation


def _checked(entries: Sequence[EntryScores]) -> None:
    entry_ids = [entry.entry_id for entry in entries]
    if len(set(entry_ids)) != len(entry_ids):
        raise ValueError("an entry is listed twice")
    for entry in entries:
        jurors = [sheet.juror_id for sheet in entry.sheets]
        if len(set(jurors)) != len(jurors):
            raise ValueError(f"entry {entry.entry_id}: a juror has more than one sheet")


def _juror_totals(entries: Iterable[EntryScores]) -> dict[int, list[int]]:
    totals: dict[int, list[int]] = defaultdict(list)
    for entry in entries:
        for sheet in entry.sheets:
            totals[sheet.juror_id].append(sheet.total)
    return dict(sorted(totals.items()))


def _mean(values: Sequence[int]) -> Fraction:
    return Fraction(sum(values), len(values))


def _variance(values: Sequence[int]) -> Fraction:
    """Population variance (divides by n), exact: (n·Σv² − (Σv)²) / n², in whole numbers for whole points."""
    count, total = len(values), sum(values)
    return Fraction(count * sum(map(mul, values, values)) - total * total, count * count)


def _sqrt(value: Fraction) -> Fraction:
    """Square root to 40 significant digits: far below the 2-decimal published figures."""
    root = (Decimal(value.numerator) / Decimal(value.denominator)).sqrt(_SQRT_CONTEXT)
    return Fraction(root)


def is_connected(entries: Iterable[EntryScores]) -> bool:
    """Whether every juror reaches every other through entries that both scored (a chain of shared entries)."""
    neighbours: dict[int, set[int]] = defaultdict(set)
    for entry in entries:
        jurors = {sheet.juror_id for sheet in entry.sheets}
        for juror_id in jurors:
            neighbours[juror_id] |= jurors
    if not neighbours:
        return True
    start = next(iter(neighbours))
    reached, queue = {start}, deque([start])
    while queue:
        for other in neighbours[queue.popleft()] - reached:
            reached.add(other)
            queue.append(other)
    return len(reached) == len(neighbours)


def normalisation_reasons(entries: Sequence[EntryScores]) -> tuple[str, ...]:
    """Why z-score normalisation does not apply: a design whose jurors are not all linked through shared
    entries, a juror with fewer than 3 sheets, a juror whose totals are all equal. Empty when it applies."""
    reasons = [] if is_connected(entries) else [GRAPH_NOT_CONNECTED]
    for juror_id, totals in _juror_totals(entries).items():
        if len(totals) < MIN_SHEETS_PER_JUROR:
            reasons.append(f"{JUROR_TOO_FEW_SHEETS}:{juror_id}")
        if _variance(totals) == 0:
            reasons.append(f"{JUROR_NO_SPREAD}:{juror_id}")
    return tuple(reasons)


def _max_total(max_total: Mapping[str, int] | int, group: str) -> int:
    maximum = max_total if isinstance(max_total, int) else max_total.get(group)
    if maximum is None or maximum <= 0:
        raise ValueError(f"ranking group {group!r} has no positive max_total: {maximum}")
    return maximum


def _juror_figures(entries: Sequence[EntryScores]) -> dict[int, tuple[int, int, Fraction]]:
    """Per juror: (number of sheets, sum of totals, population standard deviation)."""
    return {juror_id: (len(totals), sum(totals), _sqrt(_variance(totals)))
            for juror_id, totals in _juror_totals(entries).items()}


def _normalised_hundredths(entries: Sequence[EntryScores], max_total: Mapping[str, int] | int) -> dict[int, Decimal]:
    """Per entry: round mean of all totals + (mean of its jurors' z-scores) × pooled population standard
    deviation of all totals, where z = (total − juror's mean) / juror's population standard deviation; then on
    0–100 (points / max_total × 100, clipped to [0, 100]) and to 2 decimals.

    Exact rational arithmetic on the 40-digit square roots, carried as whole numerators and denominators (a
    Fraction per step costs a gcd each time): z = (total·n − sum)·q / (n·p) for a juror of n sheets whose
    totals sum to `sum` and whose standard deviation is p/q."""
    figures = _juror_figures(entries)
    all_totals = [sheet.total for entry in entries for sheet in entry.sheets]
    if not all_totals:
        return {}
    z_terms = {juror_id: (count, total, sd.denominator, count * sd.numerator)
               for juror_id, (count, total, sd) in figures.items()}
    round_mean, pooled_sd = _mean(all_totals), _sqrt(_variance(all_totals))
    scores: dict[int, Decimal] = {}
    for entry in entries:
        if not entry.sheets:
            continue
        z_sum, z_denominator = 0, 1
        for sheet in entry.sheets:
            count, total, numerator_factor, denominator = z_terms[sheet.juror_id]
            z_sum = z_sum * denominator + (sheet.total * count - total) * numerator_factor * z_denominator
            z_denominator *= denominator
        # points = round_mean + z_sum / (z_denominator · m) × pooled_sd, as points_n / points_d
        spread = z_denominator * len(entry.sheets) * pooled_sd.denominator
        points_n = round_mean.numerator * spread + round_mean.denominator * z_sum * pooled_sd.numerator
        points_d = round_mean.denominator * spread
        on_hundred_n, on_hundred_d = 100 * points_n, points_d * _max_total(max_total, entry.group)
        on_hundred_n = min(max(on_hundred_n, 0), 100 * on_hundred_d)
        scores[entry.entry_id] = cents_to_decimal(on_hundred_n, on_hundred_d)
    return scores


def juror_offsets(entries: Iterable[EntryScores]) -> Mapping[int, Fraction]:
    """Per juror with at least one shared entry: the mean, over the entries it shares with other jurors, of
    its total minus the mean of the other jurors' totals on that entry (points; positive = more lenient).
    Summed exactly in whole numbers per number of other jurors: total − (others)/(m − 1) is
    (total·(m − 1) − others)/(m − 1)."""
    by_divisor: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    shared: dict[int, int] = defaultdict(int)
    for entry in entries:
        if len(entry.sheets) < 2:
            continue
        others_count = len(entry.sheets) - 1
        overall = sum(sheet.total for sheet in entry.sheets)
        for sheet in entry.sheets:
            by_divisor[sheet.juror_id][others_count] += sheet.total * others_count - (overall - sheet.total)
            shared[sheet.juror_id] += 1
    return MappingProxyType({
        juror_id: sum((Fraction(value, divisor) for divisor, value in by_divisor[juror_id].items()), Fraction(0))
        / shared[juror_id]
        for juror_id in sorted(shared)
    })


def normalised_scores(entries: Sequence[EntryScores], max_total: Mapping[str, int] | int) -> Normalisation:
    """Scores on 0–100 (2 decimals) after per-juror z-score normalisation; max_total is the rubric's
    maximum total, per ranking group code when a mapping is given. Entries without a sheet get no score."""
    _checked(entries)
    offsets = MappingProxyType({juror_id: two_decimals(offset) for juror_id, offset in juror_offsets(entries).items()})
    reasons = normalisation_reasons(entries)
    if reasons:
        return Normalisation(False, reasons, MappingProxyType({}), offsets)
    return Normalisation(True, (), MappingProxyType(_normalised_hundredths(entries, max_total)), offsets)


def offset_jurors(offsets: Mapping[int, Decimal], threshold: Decimal) -> frozenset[int]:
    """Jurors whose |offset| exceeds the round's threshold (points), strictly."""
    return frozenset(juror_id for juror_id, offset in offsets.items() if abs(offset) > threshold)


# Krippendorff's alpha


def _squared_differences(values: Sequence[int] | Sequence[Fraction]):
    """Sum of (v_i − v_j)² over all ordered pairs i ≠ j: 2(m·Σv² − (Σv)²); exact for whole numbers and Fractions."""
    total = sum(values)
    return 2 * (len(values) * sum(map(mul, values, values)) - total * total)


def alpha_interval(units: Sequence[Sequence[float | None]]) -> float | None:
    """Krippendorff's alpha, interval metric (δ² = (c − k)²), computed exactly from the coincidence-free form
    of Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": α = 1 − D_o / D_e with
    D_o = (1/n) Σ_u Σ_{i≠j in u} δ² / (m_u − 1) and D_e = Σ_{i≠j} δ² / (n(n − 1)) over the n pairable values.
    Rows are units (entries), columns coders (jurors), None is missing; a unit with fewer than 2 values is
    not pairable. None when there are fewer than 2 pairable values or no expected disagreement."""
    pairable = [[value for value in unit if value is not None] for unit in units]
    pairable = [unit for unit in pairable if len(unit) >= 2]
    values = [value for unit in pairable for value in unit]
    if len(values) < 2:
        return None
    if not all(map(isinstance, values, repeat(int))):  # points are whole numbers: the fast path below
        pairable = [[Fraction(value) for value in unit] for unit in pairable]
        values = [value for unit in pairable for value in unit]
    expected = _squared_differences(values)
    if expected == 0:
        return None
    # The same sum, exactly: whole-number squared differences added per divisor (m_u − 1), one division each.
    by_divisor: dict[int, int | Fraction] = defaultdict(int)
    for unit in pairable:
        by_divisor[len(unit) - 1] += _squared_differences(unit)
    observed = sum((Fraction(total) / divisor for divisor, total in by_divisor.items()), Fraction(0))
    return float(1 - (len(values) - 1) * observed / expected)


def _units(entries: Iterable[EntryScores], criterion: str | None) -> list[list[float | None]]:
    """One unit per entry, one value per sheet: its total, or its points on the criterion (a criterion
    missing from a sheet counts as 0, as in the total), skipping entries no sheet scores on that criterion."""
    if criterion is None:
        return [[sheet.total for sheet in entry.sheets] for entry in entries]
    return [
        [sheet.points.get(criterion, 0) for sheet in entry.sheets]
        for entry in entries
        if any(criterion in sheet.points for sheet in entry.sheets)
    ]


def alpha_for_round(entries: Sequence[EntryScores], criteria: Sequence[str]) -> Reliability:
    return Reliability(
        totals=alpha_interval(_units(entries, None)),
        criteria=MappingProxyType({code: alpha_interval(_units(entries, code)) for code in criteria}),
    )


def describe_alpha(value: float | None) -> str:
    """Krippendorff's thresholds: α ≥ 0.800 reliable; 0.667 ≤ α < 0.800 tentative conclusions only; below
    0.667 unreliable."""
    if value is None or math.isnan(value):
        return NOT_COMPUTABLE
    if value >= RELIABLE_FROM:
        return RELIABLE
    if value >= TENTATIVE_FROM:
        return TENTATIVE
    return UNRELIABLE
