"""Judging and explaining plans: the checker, sizing, gap causes."""

from .check import RULES as RULES
from .check import CheckResult as CheckResult
from .check import Violation as Violation
from .check import check as check
