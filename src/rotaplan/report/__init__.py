"""The presence report: one module per output format, one set of
numbers (``measures.presence``) behind them all."""

from .html import HtmlOptions as HtmlOptions
from .html import html_report as html_report
from .html import render_html as render_html
from .measures import Presence as Presence
from .measures import presence as presence
from .xlsx import render_xlsx as render_xlsx
from .xlsx import write_xlsx as write_xlsx
from .xlsx import xlsx_report as xlsx_report
