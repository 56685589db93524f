"""The domain model: scenario, plan and their integer-day form."""

from .instance import Instance as Instance
from .instance import Leg as Leg
from .plan import PLAN_FORMAT as PLAN_FORMAT
from .plan import Deployment as Deployment
from .plan import Measures as Measures
from .plan import Plan as Plan
from .scenario import Policy as Policy
from .scenario import Problem as Problem
from .scenario import Scenario as Scenario
from .scenario import ScenarioError as ScenarioError
from .scenario import build_scenario as build_scenario
