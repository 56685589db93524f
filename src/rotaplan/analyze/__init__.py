"""Judging and explaining plans: the checker, sizing, gap causes."""

from .check import RULES as RULES
from .check import CheckResult as CheckResult
from .check import Violation as Violation
from .check import check as check
from .explain import GapExplanation as GapExplanation
from .explain import explain_gaps as explain_gaps
from .explain_exercises import (
    ExerciseGapExplanation as ExerciseGapExplanation,
)
from .explain_exercises import (
    explain_exercise_gaps as explain_exercise_gaps,
)
from .sizing import CAUSES as CAUSES
from .sizing import CapabilitySizing as CapabilitySizing
from .sizing import RequirementSizing as RequirementSizing
from .sizing import ScenarioSizing as ScenarioSizing
from .sizing import Sizing as Sizing
from .sizing import SizingReason as SizingReason
from .sizing import rotation_multiplier as rotation_multiplier
from .sizing import size_scenario as size_scenario
