"""Automatic assignment of jurors to dossiers, as a min-cost flow (pure: no database, no request).

Each dossier gets exactly k jurors; no juror with a conflict (confirmed or pending); pinned jurors are
kept; loads differ by at most one (or stay within per-juror caps when set); expertise matches when
possible; the juror–dossier graph is made connected afterwards by load-preserving swaps, so that
per-juror score normalisation is meaningful. Solved with OR-Tools' min-cost flow (networkx needs
about 33 s for 5,000 dossiers × 60 jurors). The same input gives the same output.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import islice

# Arc costs: an expertise match on a field is free, a programme match costs a little, none costs more.
FIELD_MATCH, PROGRAMME_MATCH, NO_MATCH = 0, 1, 3
# Filling each juror up to the lower share of the load is worth more than any expertise cost.
FILL_BONUS = -1000
# Swaps tried per join before giving up on connecting the graph (the plan then says it is not connected).
MAX_SWAP_TRIES = 20_000


@dataclass(frozen=True)
class Dossier:
    id: int
    label: str                        # shown in explanations, e.g. "ES-2026-0042"
    tags: frozenset[str]              # programme code and fields, e.g. {"youth", "waste"}
    pinned: frozenset[int] = frozenset()  # jurors fixed by the secretariat (or who already scored)


@dataclass(frozen=True)
class Juror:
    id: int
    name: str
    expertise: frozenset[str]
    cap: int | None = None


@dataclass(frozen=True)
class Plan:
    assignments: Mapping[int, tuple[int, ...]]    # dossier id -> juror ids, sorted
    loads: Mapping[int, int]                     # juror id -> number of dossiers
    expertise_matches: int                       # (dossier, juror) pairs with a field or programme match
    connected: bool
    swaps: int                                   # swaps made to connect the graph


@dataclass(frozen=True)
class Infeasible:
    reason: str                                  # in English, for logs
    kind: str                                    # "too_few_jurors", "capacity", "pins"
    details: Mapping[str, object] = field(default_factory=dict)


def match_cost(dossier: Dossier, juror: Juror, programme_tags: frozenset[str]) -> int:
    shared = dossier.tags & juror.expertise
    if shared - programme_tags:
        return FIELD_MATCH
    if shared:
        return PROGRAMME_MATCH
    return NO_MATCH


def load_bounds(jurors: list[Juror], total: int) -> dict[int, tuple[int, int]]:
    """(lower, upper) load per juror: an even share differing by at most one, or the juror's cap."""
    capped = [j for j in jurors if j.cap is not None]
    if capped:
        return {j.id: (0, j.cap if j.cap is not None else total) for j in jurors}
    low, extra = divmod(total, len(jurors))
    return {j.id: (low, low + (1 if extra else 0)) for j in jurors}


def plan(dossiers: Iterable[Dossier], jurors: Iterable[Juror], conflicts: set[tuple[int, int]], k: int,
         programme_tags: frozenset[str] = frozenset()) -> Plan | Infeasible:
    dossiers = sorted(dossiers, key=lambda d: d.id)
    jurors = sorted(jurors, key=lambda j: j.id)
    problem = _check_feasible(dossiers, jurors, conflicts, k)
    if problem is not None:
        return problem
    bounds = load_bounds(jurors, len(dossiers) * k)
    pinned_load: defaultdict[int, int] = defaultdict(int)
    for dossier in dossiers:
        for juror_id in dossier.pinned:
            pinned_load[juror_id] += 1
    chosen = _solve_flow(dossiers, jurors, conflicts, k, bounds, pinned_load, programme_tags)
    if isinstance(chosen, Infeasible):
        return chosen
    swaps = _connect(chosen, dossiers, conflicts)
    by_juror: defaultdict[int, int] = defaultdict(int)
    for members in chosen.values():
        for juror_id in members:
            by_juror[juror_id] += 1
    by_id = {j.id: j for j in jurors}
    matches = sum(1 for d in dossiers for j in chosen[d.id] if d.tags & by_id[j].expertise)
    return Plan(
        assignments={d.id: tuple(sorted(chosen[d.id])) for d in dossiers},
        loads={j.id: by_juror[j.id] for j in jurors},
        expertise_matches=matches,
        connected=_components(chosen) <= 1,
        swaps=swaps,
    )


def _check_feasible(dossiers, jurors, conflicts, k) -> Infeasible | None:
    juror_ids = {j.id for j in jurors}
    for dossier in dossiers:
        free = [j for j in jurors if (dossier.id, j.id) not in conflicts]
        if len(free) < k:
            return Infeasible(f"only {len(free)} jurors have no conflict with {dossier.label}", "too_few_jurors",
                              {"dossier": dossier.label, "free": len(free), "k": k})
        if len(dossier.pinned) > k or not dossier.pinned <= juror_ids:
            return Infeasible(f"{dossier.label} has pinned jurors who cannot stay", "pins",
                              {"dossier": dossier.label})
    capacity = sum(j.cap if j.cap is not None else len(dossiers) for j in jurors)
    if capacity < len(dossiers) * k:
        return Infeasible(f"the jurors' caps allow {capacity} assignments, {len(dossiers) * k} are needed",
                          "capacity", {"capacity": capacity, "needed": len(dossiers) * k})
    return None


def _solve_flow(dossiers, jurors, conflicts, k, bounds, pinned_load, programme_tags):
    """Source → dossier (k − pinned) → juror (1 per allowed pair) → sink (load bounds)."""
    source, sink = 0, 1
    dossier_node = {d.id: 2 + i for i, d in enumerate(dossiers)}
    juror_node = {j.id: 2 + len(dossiers) + i for i, j in enumerate(jurors)}
    tails, heads, capacities, costs = [], [], [], []

    def arc(tail, head, capacity, cost):
        tails.append(tail)
        heads.append(head)
        capacities.append(capacity)
        costs.append(cost)

    needed = 0
    for dossier in dossiers:
        want = k - len(dossier.pinned)
        needed += want
        arc(source, dossier_node[dossier.id], want, 0)
    pair_start = len(tails)
    pairs = []
    for dossier in dossiers:
        node = dossier_node[dossier.id]
        for juror in jurors:
            if juror.id in dossier.pinned or (dossier.id, juror.id) in conflicts:
                continue
            arc(node, juror_node[juror.id], 1, match_cost(dossier, juror, programme_tags))
            pairs.append((dossier.id, juror.id))
    for juror in jurors:
        low, high = bounds[juror.id]
        low, high = max(0, low - pinned_load[juror.id]), max(0, high - pinned_load[juror.id])
        if low:
            arc(juror_node[juror.id], sink, low, FILL_BONUS)
        if high > low:
            arc(juror_node[juror.id], sink, high - low, 0)
    import numpy as np  # OR-Tools and NumPy load on the first assignment, not with every web worker
    from ortools.graph.python import min_cost_flow

    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(np.array(tails, dtype=np.int32), np.array(heads, dtype=np.int32),
                                                np.array(capacities, dtype=np.int64), np.array(costs, dtype=np.int64))
    solver.set_node_supply(source, needed)
    solver.set_node_supply(sink, -needed)
    if solver.solve() != solver.OPTIMAL:
        return Infeasible("no assignment gives every dossier its jurors within the load limits", "capacity",
                          {"needed": needed})
    flows = solver.flows(np.arange(pair_start, pair_start + len(pairs), dtype=np.int32))
    chosen = {d.id: set(d.pinned) for d in dossiers}
    for (dossier_id, juror_id), used in zip(pairs, flows, strict=True):
        if used:
            chosen[dossier_id].add(juror_id)
    return chosen


def _components(chosen: Mapping[int, set[int]]) -> int:
    """Connected components of the juror–dossier graph (union-find over jurors)."""
    parent: dict[int, int] = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for members in chosen.values():
        ordered = sorted(members)
        for juror_id in ordered:
            find(juror_id)
        for other in ordered[1:]:
            parent[find(other)] = find(ordered[0])
    return len({find(j) for j in parent})


def _juror_components(chosen: Mapping[int, set[int]]) -> dict[int, int]:
    adjacency = defaultdict(set)
    for members in chosen.values():
        for juror_id in members:
            adjacency[juror_id].update(members)
    label, component = {}, 0
    for start in sorted(adjacency):
        if start in label:
            continue
        stack = [start]
        while stack:
            juror_id = stack.pop()
            if juror_id in label:
                continue
            label[juror_id] = component
            stack.extend(adjacency[juror_id] - label.keys())
        component += 1
    return label


def _connect(chosen: dict[int, set[int]], dossiers: list[Dossier], conflicts: set[tuple[int, int]]) -> int:
    """Swap two unpinned jurors between dossiers of different components, keeping loads, as long as a
    swap lowers the number of components. Returns the number of swaps made."""
    pinned = {d.id: d.pinned for d in dossiers}
    swaps = 0
    components = _components(chosen)
    while components > 1:
        for first, juror_a, second, juror_b in islice(_swap_candidates(chosen, pinned, conflicts), MAX_SWAP_TRIES):
            _swap(chosen, first, juror_a, second, juror_b)
            after = _components(chosen)
            if after < components:
                components, swaps = after, swaps + 1
                break
            _swap(chosen, first, juror_b, second, juror_a)  # undo: it joined nothing
        else:
            return swaps
    return swaps


def _swap(chosen, first, juror_a, second, juror_b) -> None:
    chosen[first].remove(juror_a)
    chosen[first].add(juror_b)
    chosen[second].remove(juror_b)
    chosen[second].add(juror_a)


def _swap_candidates(chosen, pinned, conflicts):
    """Pairs of dossiers in the first component and another one, and the jurors they could exchange."""
    label = _juror_components(chosen)
    by_component = defaultdict(list)
    for dossier_id in sorted(chosen):
        members = chosen[dossier_id]
        if len(members) > 1:  # a lone juror joins nothing by moving
            by_component[label[min(members)]].append(dossier_id)
    components = sorted(by_component)
    if len(components) < 2:
        return
    base = components[0]
    for first in by_component[base]:
        for other in components[1:]:
            for second in by_component[other]:
                for juror_a in sorted(chosen[first] - pinned[first]):
                    for juror_b in sorted(chosen[second] - pinned[second]):
                        if (juror_b not in chosen[first] and juror_a not in chosen[second]
                                and (first, juror_b) not in conflicts and (second, juror_a) not in conflicts):
                            yield first, juror_a, second, juror_b
