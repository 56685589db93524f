"""Split an instance into groups that can be planned apart.

Two requirements interact only through units that could serve both, a
site whose capacity can bind, or an exercise need that units of one
capability at one site share. The connected parts of that graph are
independent: the objective is a sum over them, so the lexicographic
optimum of the whole is the union of each part's, and the proved
bounds add up.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from ...model import Instance
from ...model.instance import ExerciseData


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[object, object] = {}

    def find(self, x: object) -> object:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: object, b: object) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def split(
    inst: Instance, capacity_sites: frozenset[str] | None = None
) -> list[Instance]:
    """The independent groups of ``inst``, in a fixed order; units that
    can serve nothing are left out (they get no deployment).

    Parameters
    ----------
    inst
        The instance.
    capacity_sites
        Sites whose capacity links their requirements; None for every
        site whose capacity can bind. With fewer sites the groups are
        those of a relaxation (see ``solver``).
    """
    uf = _UnionFind()
    reqs_at_site: dict[str, list[str]] = defaultdict(list)
    for req in inst.requirements.values():
        uf.find(("r", req.id))
        reqs_at_site[req.site].append(req.id)
    serves: dict[str, list[str]] = defaultdict(list)
    for unit in inst.units:
        for req_id, _ in _eligible(inst, unit):
            uf.union(("u", unit), ("r", req_id))
            serves[unit].append(req_id)
    for leg in inst.fixed:
        uf.union(("u", leg.unit), ("r", leg.requirement))
    for site_id, req_ids in reqs_at_site.items():
        if capacity_sites is not None and site_id not in capacity_sites:
            continue
        if _capacity_can_bind(inst, site_id, req_ids, serves):
            for other in req_ids[1:]:
                uf.union(("r", req_ids[0]), ("r", other))
    for ex in inst.exercises.values():
        for i, (capability, _count) in enumerate(ex.needs):
            need = ("e", ex.id, i)
            uf.find(need)
            for data in inst.units.values():
                if data.capability != capability:
                    continue
                if any(
                    inst.requirements[r].site == ex.site
                    for r in serves[data.id]
                ):
                    uf.union(need, ("u", data.id))

    members: dict[object, list[tuple[object, ...]]] = defaultdict(list)
    for node in list(uf.parent):
        members[uf.find(node)].append(node)  # type: ignore[arg-type]
    groups = []
    for nodes in members.values():
        reqs = {n[1] for n in nodes if n[0] == "r"}
        needs = {(n[1], n[2]) for n in nodes if n[0] == "e"}
        if not reqs and not needs:
            continue
        units = {n[1] for n in nodes if n[0] == "u"}
        groups.append(_sub_instance(inst, units, reqs, needs))
    return sorted(groups, key=_order_key)


def _eligible(inst: Instance, unit: str) -> list[tuple[str, float]]:
    return [
        (r, p)
        for r in inst.requirements
        if (p := inst.penalty(unit, r)) is not None  # type: ignore[assignment]
    ]


def _capacity_can_bind(
    inst: Instance,
    site_id: str,
    req_ids: list[str],
    serves: dict[str, list[str]],
) -> bool:
    cap = inst.sites[site_id].capacity
    if cap is None:
        return False
    here = set(req_ids)
    troops = sum(
        unit.troops
        for unit in inst.units.values()
        if here.intersection(serves[unit.id])
        or any(f.unit == unit.id and f.requirement in here for f in inst.fixed)
    )
    return troops > cap


def _sub_instance(
    inst: Instance,
    units: set[object],
    reqs: set[object],
    needs: set[tuple[object, object]],
) -> Instance:
    exercises: dict[str, ExerciseData] = {}
    for ex in inst.exercises.values():
        kept = tuple(
            need for i, need in enumerate(ex.needs) if (ex.id, i) in needs
        )
        if kept:
            exercises[ex.id] = replace(ex, needs=kept)
    sites = {inst.requirements[r].site for r in reqs}  # type: ignore[index]
    sites |= {ex.site for ex in exercises.values()}
    return Instance(
        name=inst.name,
        origin=inst.origin,
        horizon_end=inst.horizon_end,
        sites={s: inst.sites[s] for s in sorted(sites)},
        units={u: d for u, d in inst.units.items() if u in units},
        requirements={r: d for r, d in inst.requirements.items() if r in reqs},
        exercises=exercises,
        substitutions=dict(inst.substitutions),
        fixed=[leg for leg in inst.fixed if leg.unit in units],
    )


def _order_key(group: Instance) -> tuple[str, str]:
    return (
        min(group.requirements, default=""),
        min(group.exercises, default=""),
    )
