"""The CP-SAT model of one instance: variables, constraints, objective."""

from __future__ import annotations

from typing import cast

from ortools.sat.python import cp_model, cp_model_helper

from ...model import Instance
from ...model.instance import Leg
from .constraints import add_constraints
from .hints import assignment, canonical_names
from .layout import Layout, build_layout
from .objective import (
    Objective,
    build_objective,
    changes_expr,
    keep_values,
)
from .variables import Variables, build_variables


class RotaModel:
    """A rotation plan as a CP-SAT model.

    Parameters
    ----------
    inst
        The instance (or one independent group of it).
    published
        Deployments of a published plan to keep where possible; their
        units are never treated as interchangeable, and the model gets
        a ``changes`` expression.
    capacity_sites
        Sites whose capacity (H6) is modelled; elsewhere it is left to
        the solver to check (see ``solver``).
    busy, window
        For a neighbourhood of the local search: deployments kept
        outside the model that units owe dwell around, and the days new
        deployments must lie in (see ``layout.build_layout``).
    occupied
        For a neighbourhood: per site, the troops already there outside
        the model, as ``(start, end, troops)``; they take capacity.
    """

    def __init__(
        self,
        inst: Instance,
        published: list[Leg] | None = None,
        capacity_sites: frozenset[str] = frozenset(),
        busy: dict[str, list[Leg]] | None = None,
        window: tuple[int, int] | None = None,
        occupied: dict[str, list[tuple[int, int, int]]] | None = None,
    ) -> None:
        self.capacity_sites = capacity_sites
        self.inst = inst
        distinguished = frozenset(leg.unit for leg in published or [])
        self.layout: Layout = build_layout(inst, distinguished, busy, window)
        self.model = cp_model.CpModel()
        self.variables: Variables = build_variables(
            self.model, inst, self.layout
        )
        add_constraints(
            self.model,
            inst,
            self.layout,
            self.variables,
            capacity_sites,
            occupied,
        )
        self.objective: Objective = build_objective(
            self.model, inst, self.variables
        )
        if published is not None:
            self.objective.changes, self.objective.keep = changes_expr(
                self.model, inst, self.variables, published
            )

    @property
    def slot_count(self) -> int:
        return sum(1 for lv in self.variables.legs if not lv.is_fixed)

    def canonical(self, legs: list[Leg]) -> list[Leg]:
        """The same plan with interchangeable units in model order."""
        return canonical_names(self.layout, legs)

    def values_of(self, legs: list[Leg]) -> dict[object, int]:
        """Variable values that reproduce a (canonical) plan."""
        values = assignment(self.inst, self.variables, legs)
        keep_values(self.objective.keep, values)
        return values

    def hint(self, legs: list[Leg]) -> None:
        """Start the search from a valid (canonical) plan."""
        self.model.clear_hints()
        for var, value in self.values_of(legs).items():
            self.model.add_hint(cast(cp_model.IntVar, var), value)

    def legs(self, solver: cp_model.CpSolver) -> list[Leg]:
        """The plan of the solver's current solution, fixed legs first."""
        out: list[Leg] = []
        for lv in self.variables.legs:
            if lv.fixed is not None:
                out.append(lv.fixed)
                continue
            if not solver.boolean_value(lv.present):
                continue
            served = [
                r for r, lit in lv.serve.items() if solver.boolean_value(lit)
            ]
            out.append(
                Leg(
                    lv.unit,
                    served[0],
                    solver.value(lv.start),
                    solver.value(lv.end),
                )
            )
        return sorted(out, key=lambda x: (x.start, x.unit, x.requirement))


def evaluate(expr: cp_model.LinearExprT, values: dict[object, int]) -> int:
    """Value of a linear expression under ``values`` (every variable in
    it must have one)."""
    if isinstance(expr, int):
        return expr
    flat = cp_model_helper.FlatIntExpr(cast(cp_model.LinearExpr, expr))
    by_index = {
        var.index: value
        for var, value in values.items()
        if isinstance(var, cp_model.IntVar)
    }
    return flat.offset + sum(
        coefficient * by_index[var.index]
        for var, coefficient in zip(flat.vars, flat.coeffs, strict=True)
    )
