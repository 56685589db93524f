"""rotaplan: plans that provably keep a persistent presence.

The public API: load a scenario, solve it, check the plan.

>>> from rotaplan import load_scenario, solve, check
>>> scenario = load_scenario("examples/lithuania.yaml")
>>> result = solve(scenario, time_limit=10)
>>> check(scenario, result.plan).valid
True
"""

from .analyze import CheckResult as CheckResult
from .analyze import Violation as Violation
from .analyze import check as check
from .io import InputError as InputError
from .io import load_plan as load_plan
from .io import load_scenario as load_scenario
from .io import write_plan as write_plan
from .model import Deployment as Deployment
from .model import Instance as Instance
from .model import Measures as Measures
from .model import Plan as Plan
from .model import Scenario as Scenario
from .model import build_scenario as build_scenario
from .solve import Progress as Progress
from .solve import Result as Result
from .solve import solve as solve

__version__ = "0.1.0"
