"""Reading and writing scenarios and plans."""

from .errors import InputError as InputError
from .plan_file import dumps_plan as dumps_plan
from .plan_file import load_plan as load_plan
from .plan_file import plan_from_dict as plan_from_dict
from .plan_file import plan_to_csv as plan_to_csv
from .plan_file import plan_to_dict as plan_to_dict
from .plan_file import write_plan as write_plan
from .plan_file import write_text_atomic as write_text_atomic
from .scenario_file import load_scenario as load_scenario
