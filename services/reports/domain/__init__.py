"""Reports' rules, pure: what events mean for each read model, who sees what, and the
signed cursor of the HQ feed."""

from services.reports.domain.pendency import NOWHERE, pendency_by_post, whereabouts
from services.reports.domain.scope import REPORT_ROLES, may_count, office_to_report

__all__ = [
    "NOWHERE",
    "REPORT_ROLES",
    "may_count",
    "office_to_report",
    "pendency_by_post",
    "whereabouts",
]
