"""Signals of the tree for the apps that keep a copy of a unit's path or count units.

`subtree_moved(old_path, new_path)` is sent inside the moving transaction, after every unit
whose path began with `old_path` has had that beginning replaced by `new_path`.

`unit_dated(org, before)` is sent inside the transaction after a unit is established
(`before` None) or dissolved (`before` = its (kind, established_on, dissolved_on) until
then); `org` is the unit as saved.
"""

from django.dispatch import Signal

subtree_moved = Signal()
unit_dated = Signal()
