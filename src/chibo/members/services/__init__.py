"""Every write to members and their history. See the modules for the contracts."""

from .events import event_record, event_void, member_rederive
from .members import member_create, member_update
from .restructure import org_dissolve, org_merge, org_move, org_split

__all__ = [
    "event_record",
    "event_void",
    "member_create",
    "member_rederive",
    "member_update",
    "org_dissolve",
    "org_merge",
    "org_move",
    "org_split",
]
