import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from award_app.ranking.aggregate import EntryScores, Sheet
from award_app.ranking.statistics import (
    Normalisation,
    alpha_for_round,
    alpha_interval,
    describe_alpha,
    juror_offsets,
    normalisation_reasons,
    normalised_scores,
    offset_jurors,
    trimmed_mean,
)

property_settings = settings(max_examples=150, deadline=None, database=None)


def entry(entry_id: int, totals: dict[int, int], group: str = "THCS") -> EntryScores:
    """One criterion per sheet, so a sheet's total is the given number."""
    sheets = tuple(Sheet(juror_id, {"c1": total}) for juror_id, total in totals.items())
    return EntryScores(entry_id, group, sheets, len(sheets))


def design(rows: dict[int, dict[int, int]], group: str = "THCS") -> list[EntryScores]:
    return [entry(entry_id, totals, group) for entry_id, totals in rows.items()]


# Trimmed mean


def test_trimmed_mean_drops_one_lowest_and_one_highest_of_five() -> None:
    assert trimmed_mean([90, 10, 30, 20, 40]) == Fraction(20 + 30 + 40, 3)


def test_trimmed_mean_is_exact() -> None:
    assert trimmed_mean([1, 2, 2, 3, 10]) == Fraction(7, 3)


def test_trimmed_mean_drops_two_each_side_of_ten() -> None:
    totals = [0, 1, 50, 60, 61, 62, 63, 64, 99, 100]
    assert trimmed_mean(totals) == Fraction(50 + 60 + 61 + 62 + 63 + 64, 6)


def test_trimmed_mean_of_four_at_twenty_percent_drops_nothing() -> None:
    assert trimmed_mean([10, 20, 30, 100]) == Fraction(160, 4)


def test_trimmed_mean_floors_without_float_error() -> None:
    # 100 × 0.29 is 28.999999999999996 in binary floating point; the rule says floor(29) = 29 dropped per side.
    assert trimmed_mean(list(range(100)), proportion=0.29) == Fraction(sum(range(29, 71)), 42)


def test_trimmed_mean_with_fewer_than_three_totals_is_the_plain_mean() -> None:
    assert trimmed_mean([70, 81], proportion=0.49) == Fraction(151, 2)
    assert trimmed_mean([64]) == 64


def test_trimmed_mean_of_nothing_is_none() -> None:
    assert trimmed_mean([]) is None


def test_trimmed_mean_without_trimming_is_the_plain_mean() -> None:
    assert trimmed_mean([10, 20, 90], proportion=0) == 40


@pytest.mark.parametrize("proportion", [-0.1, 0.5, 0.7])
def test_trimmed_mean_rejects_proportions_outside_zero_to_half(proportion: float) -> None:
    with pytest.raises(ValueError):
        trimmed_mean([1, 2, 3], proportion)


# Normalisation

# 3 jurors × 4 entries, fully crossed; juror 3 gives every entry 10 points more than jurors 1 and 2.
LENIENT_JUROR = design(
    {
        1: {1: 50, 2: 50, 3: 60},
        2: {1: 60, 2: 60, 3: 70},
        3: {1: 70, 2: 70, 3: 80},
        4: {1: 80, 2: 80, 3: 90},
    }
)
# By hand: each juror's population SD is √125 (jurors 1, 2 mean 65, juror 3 mean 75), so all three give the
# same z-scores −3/√5, −1/√5, 1/√5, 3/√5. Round mean 205/3; pooled population variance 125 (within) + 200/9
# (between the juror means 65, 65, 75) = 1325/9, SD √1325 / 3. Points = 205/3 + z·√1325/3 = 205/3 ± k·√265/3
# for k = 3, 1: 52.0545…, 62.9070…, 73.7596…, 84.6121….
LENIENT_SCORES = {1: Decimal("52.05"), 2: Decimal("62.91"), 3: Decimal("73.76"), 4: Decimal("84.61")}


def test_hand_computed_normalisation() -> None:
    result = normalised_scores(LENIENT_JUROR, 100)
    assert result.valid
    assert result.reasons == ()
    assert dict(result.scores) == LENIENT_SCORES


def test_lenient_juror_offset_is_plus_ten() -> None:
    # Juror 3: x + 10 − (x + x)/2 = +10; jurors 1 and 2: x − (x + x + 10)/2 = −5.
    offsets = normalised_scores(LENIENT_JUROR, 100).juror_offsets
    assert dict(offsets) == {1: Decimal("-5.00"), 2: Decimal("-5.00"), 3: Decimal("10.00")}
    assert offset_jurors(offsets, Decimal("9.99")) == frozenset({3})


def test_normalisation_does_not_depend_on_which_juror_is_lenient() -> None:
    # The shift gives the same z-scores whoever carries it: normalisation removes it.
    lenient_first = design(
        {entry_id: {1: totals[3], 2: totals[2], 3: totals[1]} for entry_id, totals in _rows(LENIENT_JUROR).items()}
    )
    assert dict(normalised_scores(lenient_first, 100).scores) == LENIENT_SCORES


def _rows(entries: list[EntryScores]) -> dict[int, dict[int, int]]:
    return {e.entry_id: {sheet.juror_id: sheet.total for sheet in e.sheets} for e in entries}


def test_normalisation_removes_a_lenient_jurors_shift_in_an_incomplete_design() -> None:
    # Entries 1–3 and 4–6 are alike (50, 60, 70 by the fair jurors 1 and 3); juror 2 scores 4–6 ten points high.
    entries = design(
        {
            1: {1: 50, 3: 50},
            2: {1: 60, 3: 60},
            3: {1: 70, 3: 70},
            4: {2: 60, 3: 50},
            5: {2: 70, 3: 60},
            6: {2: 80, 3: 70},
        }
    )
    result = normalised_scores(entries, 100)
    assert result.valid
    for alike, shifted in ((1, 4), (2, 5), (3, 6)):
        assert result.scores[alike] == result.scores[shifted]
    assert result.scores[1] < result.scores[2] < result.scores[3]
    assert result.juror_offsets[2] == Decimal("10.00")
    assert result.juror_offsets[1] == Decimal("0.00")


def test_normalised_points_are_expressed_on_a_hundred_per_group() -> None:
    entries = design(_rows(LENIENT_JUROR), group="TH")
    halved = normalised_scores(entries, {"TH": 200}).scores
    # 52.0545… / 200 × 100 = 26.027…; 84.6121… / 2 = 42.306…
    assert dict(halved) == {1: Decimal("26.03"), 2: Decimal("31.45"), 3: Decimal("36.88"), 4: Decimal("42.31")}


def test_normalised_scores_are_clipped_at_a_hundred() -> None:
    scores = normalised_scores(LENIENT_JUROR, 80).scores
    assert scores[4] == Decimal("100.00")  # 84.61 points of 80
    assert scores[1] == Decimal("65.07")  # 52.0545… / 80 × 100


def test_max_total_must_be_known_for_every_group() -> None:
    with pytest.raises(ValueError):
        normalised_scores(LENIENT_JUROR, {"THPT": 100})


def test_disconnected_design_is_not_normalised() -> None:
    entries = design(
        {
            1: {1: 50, 2: 55},
            2: {1: 60, 2: 62},
            3: {1: 70, 2: 71},
            4: {3: 40, 4: 45},
            5: {3: 80, 4: 85},
            6: {3: 60, 4: 66},
        }
    )
    result = normalised_scores(entries, 100)
    assert result == Normalisation(
        valid=False,
        reasons=("graph_not_connected",),
        scores=result.scores,
        juror_offsets=result.juror_offsets,
    )
    assert dict(result.scores) == {}
    # Offsets stay defined: juror 2 gives 55, 62, 71 where juror 1 gives 50, 60, 70.
    assert result.juror_offsets[2] == Decimal("2.67")
    assert result.juror_offsets[1] == Decimal("-2.67")


def test_juror_with_two_sheets_is_not_enough() -> None:
    rows = _rows(LENIENT_JUROR)
    rows[1][4] = 55
    rows[2][4] = 75
    result = normalised_scores(design(rows), 100)
    assert not result.valid
    assert result.reasons == ("juror_too_few_sheets:4",)
    assert dict(result.scores) == {}
    # Juror 4: 55 − (50 + 50 + 60)/3 and 75 − (60 + 60 + 70)/3, averaged: 20/3.
    assert result.juror_offsets[4] == Decimal("6.67")


def test_juror_without_spread_is_not_normalised() -> None:
    rows = _rows(LENIENT_JUROR)
    for totals in rows.values():
        totals[3] = 70
    result = normalised_scores(design(rows), 100)
    assert not result.valid
    assert result.reasons == ("juror_no_spread:3",)


def test_every_reason_is_given_in_juror_order() -> None:
    entries = design({1: {1: 50, 2: 50}, 2: {1: 60, 2: 50}, 3: {1: 70, 2: 50}, 4: {3: 40}})
    assert normalised_scores(entries, 100).reasons == (
        "graph_not_connected",
        "juror_no_spread:2",
        "juror_too_few_sheets:3",
        "juror_no_spread:3",
    )


def test_juror_without_a_shared_entry_has_no_offset() -> None:
    entries = design({1: {1: 50, 2: 60}, 2: {3: 70}})
    assert dict(normalised_scores(entries, 100).juror_offsets) == {1: Decimal("-10.00"), 2: Decimal("10.00")}


def test_offset_is_averaged_per_shared_entry() -> None:
    # Juror 1 agrees with the others' mean on both entries, however many others there are.
    entries = design({1: {1: 50, 2: 50}, 2: {1: 90, 3: 90, 4: 90, 5: 90}})
    assert normalised_scores(entries, 100).juror_offsets[1] == Decimal("0.00")


def test_entries_without_sheets_get_no_normalised_score() -> None:
    entries = [*LENIENT_JUROR, EntryScores(9, "THCS", (), 3)]
    assert dict(normalised_scores(entries, 100).scores) == LENIENT_SCORES


def test_no_sheets_at_all() -> None:
    result = normalised_scores([EntryScores(1, "THCS", (), 3)], 100)
    assert (result.valid, dict(result.scores), dict(result.juror_offsets)) == (True, {}, {})


def test_a_juror_twice_on_an_entry_is_refused() -> None:
    twice = EntryScores(1, "THCS", (Sheet(1, {"c1": 50}), Sheet(1, {"c1": 60})), 2)
    with pytest.raises(ValueError):
        normalised_scores([twice], 100)


def test_offset_flag_is_strictly_above_the_threshold() -> None:
    offsets = {1: Decimal("10.00"), 2: Decimal("-10.01"), 3: Decimal("10.01"), 4: Decimal("0.00")}
    assert offset_jurors(offsets, Decimal("10")) == frozenset({2, 3})


@st.composite
def crossed_designs(draw: st.DrawFn) -> list[list[int]]:
    jurors = draw(st.integers(min_value=3, max_value=5))
    entries = draw(st.integers(min_value=3, max_value=6))
    rows = [[draw(st.integers(min_value=0, max_value=100)) for _ in range(jurors)] for _ in range(entries)]
    matrix = np.array(rows, dtype=float)
    assume(all(matrix[:, juror].std() > 0 for juror in range(jurors)))
    return rows


@property_settings
@given(crossed_designs())
def test_normalisation_matches_a_float_computation(rows: list[list[int]]) -> None:
    entries = design({e: {j: total for j, total in enumerate(row, start=1)} for e, row in enumerate(rows, start=1)})
    matrix = np.array(rows, dtype=float)
    z = (matrix - matrix.mean(axis=0)) / matrix.std(axis=0)
    expected = np.clip(matrix.mean() + z.mean(axis=1) * matrix.std(), 0, 100)
    result = normalised_scores(entries, 100)
    assert result.valid
    for index, value in enumerate(expected, start=1):
        assert abs(float(result.scores[index]) - value) <= 0.005 + 1e-9


# Krippendorff's alpha

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders × 12 units.
CODER_A = [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None]
CODER_B = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3]
CODER_C = [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None]
CODER_D = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]
WORKED_EXAMPLE_UNITS = [list(unit) for unit in zip(CODER_A, CODER_B, CODER_C, CODER_D, strict=True)]


def test_alpha_on_krippendorffs_worked_example() -> None:
    alpha = alpha_interval(WORKED_EXAMPLE_UNITS)
    assert alpha is not None
    assert round(alpha, 3) == 0.849


def test_alpha_of_perfect_agreement_is_one() -> None:
    assert alpha_interval([[1, 1, None], [2, 2, 2], [5, None, 5]]) == 1.0


@pytest.mark.parametrize(
    "units",
    [
        [],
        [[None, None]],
        [[3, None], [None, 4]],  # no unit has two values
        [[3, 3], [3, 3, None], [7]],  # pairable values all equal: no expected disagreement
    ],
)
def test_alpha_not_computable(units: list[list[float | None]]) -> None:
    assert alpha_interval(units) is None


def test_alpha_for_round_on_totals_and_criteria() -> None:
    entries = [
        EntryScores(
            unit,
            "THCS",
            tuple(
                Sheet(juror_id, {"c1": value, "c2": 10})
                for juror_id, value in enumerate(values, start=1)
                if value is not None
            ),
            4,
        )
        for unit, values in enumerate(WORKED_EXAMPLE_UNITS, start=1)
    ]
    reliability = alpha_for_round(entries, ["c1", "c2", "c3"])
    expected = alpha_interval(WORKED_EXAMPLE_UNITS)
    assert reliability.totals == pytest.approx(expected, abs=1e-12)  # totals are c1 + a constant 10
    assert reliability.criteria["c1"] == pytest.approx(expected, abs=1e-12)
    assert reliability.criteria["c2"] is None  # everyone gave 10: no disagreement to expect
    assert reliability.criteria["c3"] is None  # no sheet has it
    assert describe_alpha(reliability.totals) == "reliable"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (None, "not_computable"),
        (math.nan, "not_computable"),
        (1.0, "reliable"),
        (0.800, "reliable"),
        (0.7999, "tentative"),
        (0.667, "tentative"),
        (0.6669, "unreliable"),
        (0.0, "unreliable"),
        (-0.5, "unreliable"),
    ],
)
def test_describe_alpha_at_krippendorffs_thresholds(value: float | None, code: str) -> None:
    assert describe_alpha(value) == code


def test_alpha_agrees_with_the_krippendorff_package_on_the_worked_example() -> None:
    krippendorff = pytest.importorskip("krippendorff", reason="the krippendorff package (test oracle) is not installed")
    coders = [CODER_A, CODER_B, CODER_C, CODER_D]
    data = np.array([[np.nan if value is None else value for value in coder] for coder in coders], dtype=float)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="interval")
    assert alpha_interval(WORKED_EXAMPLE_UNITS) == pytest.approx(expected, abs=1e-9)


reliability_values = st.one_of(
    st.none(), st.integers(min_value=0, max_value=100), st.integers(0, 1000).map(lambda x: x / 10)
)


@st.composite
def reliability_tables(draw: st.DrawFn) -> list[list[float | None]]:
    """Rows = coders, columns = units, as the krippendorff package takes them."""
    coders = draw(st.integers(min_value=2, max_value=6))
    units = draw(st.integers(min_value=1, max_value=15))
    return [[draw(reliability_values) for _ in range(units)] for _ in range(coders)]


@property_settings
@given(reliability_tables())
def test_alpha_agrees_with_the_krippendorff_package(table: list[list[float | None]]) -> None:
    krippendorff = pytest.importorskip("krippendorff", reason="the krippendorff package (test oracle) is not installed")
    units = [list(unit) for unit in zip(*table, strict=True)]
    alpha = alpha_interval(units)
    assume(alpha is not None)  # the package raises or divides by zero where alpha is not defined
    data = np.array([[np.nan if value is None else value for value in coder] for coder in table], dtype=float)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="interval")
    assert alpha == pytest.approx(expected, abs=1e-9)


def _exact_sqrt(value: Fraction) -> Fraction:
    from decimal import Context

    return Fraction((Decimal(value.numerator) / Decimal(value.denominator)).sqrt(Context(prec=40)))


def _rule_book_normalisation(entries: list[EntryScores], maximum: int) -> dict[int, Decimal]:
    """The definition, step by step in Fractions: z = (total − juror mean) / juror SD (population, square roots
    to 40 digits); score = round mean + mean z × pooled SD, on 0–100, clipped, rounded half up to 2 decimals."""
    by_juror: dict[int, list[int]] = {}
    for e in entries:
        for s in e.sheets:
            by_juror.setdefault(s.juror_id, []).append(s.total)

    def mean(values):
        return Fraction(sum(values), len(values))

    def sd(values):
        m = mean(values)
        return _exact_sqrt(sum(((v - m) ** 2 for v in values), Fraction(0)) / len(values))

    everything = [t for totals in by_juror.values() for t in totals]
    result = {}
    for e in entries:
        z = [(s.total - mean(by_juror[s.juror_id])) / sd(by_juror[s.juror_id]) for s in e.sheets]
        points = mean(everything) + sum(z, Fraction(0)) / len(z) * sd(everything)
        on_hundred = min(max(points / maximum * 100, Fraction(0)), Fraction(100))
        result[e.entry_id] = Decimal(math.floor(on_hundred * 100 + Fraction(1, 2))).scaleb(-2)
    return result


@st.composite
def incomplete_designs(draw: st.DrawFn) -> list[EntryScores]:
    """Five jurors, each entry scored by two to four of them; every juror scores at least three entries."""
    rows = {}
    for entry_id in range(1, draw(st.integers(min_value=4, max_value=9)) + 1):
        jurors = draw(st.lists(st.integers(1, 5), min_size=2, max_size=4, unique=True))
        rows[entry_id] = {juror: draw(st.integers(min_value=0, max_value=60)) for juror in jurors}
    entries = design(rows)
    assume(normalisation_reasons(entries) == ())
    return entries


@property_settings
@given(incomplete_designs())
def test_normalisation_is_the_exact_rule_book_figure(entries: list[EntryScores]) -> None:
    assert dict(normalised_scores(entries, 60).scores) == _rule_book_normalisation(entries, 60)


@property_settings
@given(incomplete_designs())
def test_offsets_are_the_exact_mean_difference_to_the_other_jurors(entries: list[EntryScores]) -> None:
    differences: dict[int, list[Fraction]] = {}
    for e in entries:
        totals = {s.juror_id: s.total for s in e.sheets}
        for juror, total in totals.items():
            others = [t for j, t in totals.items() if j != juror]
            differences.setdefault(juror, []).append(total - Fraction(sum(others), len(others)))
    expected = {juror: sum(d, Fraction(0)) / len(d) for juror, d in differences.items()}
    assert dict(juror_offsets(entries)) == expected
