"""Signals of the tree for the apps that keep a copy of a unit's path.

`subtree_moved(old_path, new_path)` is sent inside the moving transaction, after every unit
whose path began with `old_path` has had that beginning replaced by `new_path`.
"""

from django.dispatch import Signal

subtree_moved = Signal()
