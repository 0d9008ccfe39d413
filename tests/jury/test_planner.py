"""The assignment planner: k jurors each, no conflicts, balanced loads, connected, deterministic."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from award_app.jury.planner import Dossier, Infeasible, Juror, Plan, plan

PROGRAMMES = frozenset({"eco_school", "youth", "city"})


def _dossiers(n, tags=frozenset({"youth"})):
    return [Dossier(i, f"YE-2026-{i:04d}", tags) for i in range(1, n + 1)]


def _jurors(n, expertise=frozenset()):
    return [Juror(100 + j, f"Juror {j}", expertise) for j in range(n)]


def test_every_dossier_gets_k_jurors_with_balanced_loads():
    result = plan(_dossiers(10), _jurors(4), set(), 3, PROGRAMMES)
    assert isinstance(result, Plan)
    assert all(len(members) == 3 for members in result.assignments.values())
    assert sorted(result.loads.values()) == [7, 7, 8, 8]  # 30 assignments over 4 jurors
    assert result.connected


def test_no_juror_is_assigned_to_a_dossier_they_conflict_with():
    conflicts = {(1, 100), (1, 101), (2, 102)}
    result = plan(_dossiers(6), _jurors(5), conflicts, 3, PROGRAMMES)
    assert all((d, j) not in conflicts for d, members in result.assignments.items() for j in members)


def test_the_reason_names_the_dossier_without_enough_free_jurors():
    result = plan(_dossiers(3), _jurors(3), {(2, 100)}, 3, PROGRAMMES)
    assert isinstance(result, Infeasible)
    assert result.kind == "too_few_jurors"
    assert result.reason == "only 2 jurors have no conflict with YE-2026-0002"


def test_caps_are_respected_and_too_small_caps_are_named():
    jurors = [Juror(100, "A", frozenset(), cap=2), Juror(101, "B", frozenset(), cap=10), Juror(102, "C", frozenset())]
    result = plan(_dossiers(4), jurors, set(), 2, PROGRAMMES)
    assert result.loads[100] <= 2
    tight = [Juror(100 + j, str(j), frozenset(), cap=1) for j in range(3)]
    refused = plan(_dossiers(4), tight, set(), 2, PROGRAMMES)
    assert isinstance(refused, Infeasible) and refused.kind == "capacity"


def test_pinned_jurors_stay():
    dossiers = [Dossier(1, "A", frozenset({"youth"}), frozenset({103})), *_dossiers(5)[1:]]
    result = plan(dossiers, _jurors(6), set(), 2, PROGRAMMES)
    assert 103 in result.assignments[1]


def test_expertise_is_preferred():
    dossiers = [Dossier(i, str(i), frozenset({"youth", "waste"})) for i in range(1, 5)]
    jurors = [Juror(100, "Waste", frozenset({"youth", "waste"})), Juror(101, "Water", frozenset({"youth", "water"})),
              Juror(102, "City", frozenset({"city"})), Juror(103, "Waste too", frozenset({"waste"}))]
    result = plan(dossiers, jurors, set(), 2, PROGRAMMES)
    # Balanced loads come first (two dossiers each); within them the waste experts take the waste dossiers.
    assert result.loads == {100: 2, 101: 2, 102: 2, 103: 2}
    assert result.expertise_matches == 6  # the city juror is the only one without a match


def test_the_graph_is_made_connected_by_swaps():
    # Two pinned blocks form two islands; the two free dossiers are filled so as to join them.
    pinned = [frozenset({100, 101}), frozenset({100, 101}), frozenset({102, 103}), frozenset({102, 103})]
    dossiers = [Dossier(i + 1, str(i + 1), frozenset(), pins) for i, pins in enumerate(pinned)] + [
        Dossier(5, "5", frozenset()), Dossier(6, "6", frozenset())]
    result = plan(dossiers, _jurors(4), set(), 2, PROGRAMMES)
    assert result.connected and set(result.loads.values()) == {3}
    assert set(result.assignments[5]) not in ({100, 101}, {102, 103})


instances = st.integers(min_value=1, max_value=500).flatmap(lambda n: st.tuples(
    st.just(n), st.integers(min_value=3, max_value=60), st.integers(min_value=1, max_value=5),
    st.sets(st.tuples(st.integers(1, n), st.integers(100, 159)), max_size=min(3 * n, 600)),
    st.randoms(use_true_random=False)))


@settings(max_examples=40, deadline=None)
@given(instances)
def test_properties_on_random_instances(instance):
    n, jurors_count, k, conflicts, rng = instance
    tags = ["waste", "climate", "water", "biodiversity", "cleanliness"]
    dossiers = [Dossier(i, f"D{i}", frozenset({"youth", rng.choice(tags)})) for i in range(1, n + 1)]
    jurors = [Juror(100 + j, f"J{j}", frozenset(rng.sample(tags, 2))) for j in range(jurors_count)]
    conflicts = {(d, j) for d, j in conflicts if j < 100 + jurors_count}
    result = plan(dossiers, jurors, conflicts, k, PROGRAMMES)
    again = plan(list(reversed(dossiers)), list(reversed(jurors)), set(conflicts), k, PROGRAMMES)
    assert result == again  # the same input, in any order, gives the same output
    if isinstance(result, Infeasible):
        taken = Counter(d for d, _ in conflicts)
        assert result.kind == "too_few_jurors"
        assert any(jurors_count - taken[d] < k for d in range(1, n + 1))
        return
    assert all(len(set(members)) == k for members in result.assignments.values())
    assert all((d, j) not in conflicts for d, members in result.assignments.items() for j in members)
    loads = list(result.loads.values())
    assert max(loads) - min(loads) <= 1
    assert sum(loads) == n * k
    # A connected graph needs at least jurors + dossiers − 1 assignments; with room to spare it must be found.
    if k >= 2 and n * k >= 2 * (jurors_count + n) and not conflicts:
        assert result.connected
