"""Online joining and transfers. Each operation is one transaction that writes its event row.

Views and commands call these (``from gonghui.joining import services; services.approve(…)``); none
of them touches a request. By action family:

- ``submission``: the public application (incl. the PostgreSQL one-statement insert) and its status check;
- ``review``: approve, reject, forward, withdraw;
- ``transfers``: request, confirm, refuse, cancel, auto-confirm;
- ``flow``: what they share — ``JoiningError`` and the one transition (lock, check, set, event, notice).
"""

from .flow import APPLICANT, SYSTEM, Flow, JoiningError, today
from .review import APPLICATIONS, UNCHANGED, approve, forward, may_review, reject, withdraw
from .submission import (
    CONSENT_VERSION,
    AlreadyMemberRefused,
    ApplicationInput,
    ApplicationRefused,
    find_open_application,
    identity_matches,
    lookup_status,
    submit,
)
from .transfers import (
    TRANSFERS,
    auto_confirm_transfers,
    cancel_transfer,
    confirm_transfer,
    may_answer,
    refuse_transfer,
    request_transfer,
)

__all__ = [
    "APPLICANT",
    "APPLICATIONS",
    "CONSENT_VERSION",
    "SYSTEM",
    "TRANSFERS",
    "UNCHANGED",
    "AlreadyMemberRefused",
    "ApplicationInput",
    "ApplicationRefused",
    "Flow",
    "JoiningError",
    "approve",
    "auto_confirm_transfers",
    "cancel_transfer",
    "confirm_transfer",
    "find_open_application",
    "forward",
    "identity_matches",
    "lookup_status",
    "may_answer",
    "may_review",
    "refuse_transfer",
    "reject",
    "request_transfer",
    "submit",
    "today",
    "withdraw",
]
