"""What a user may see and change, as organization path prefixes.

Built in one place (`chibo.accounts.access.scope_for`) and carried on the request as
`request.scope`; every selector filters with it. A prefix covers a unit's whole subtree.
"""

from dataclasses import dataclass, field

from django.db.models import Q


@dataclass(frozen=True)
class Scope:
    read_prefixes: tuple[str, ...] = ()
    write_prefixes: tuple[str, ...] = ()
    member_id: int | None = None  # a member sees their own record
    user_id: int | None = None
    labels: tuple[str, ...] = field(default=())
    # cells a secretary keeps (sympathizers, the cell's steps of the road in)
    cell_prefixes: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.read_prefixes

    def can_read_path(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.read_prefixes)

    def can_write_path(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.write_prefixes)

    def can_keep_cell_path(self, path: str) -> bool:
        """The cell's own records of the road in: its secretary, or anyone writing above it."""
        return self.can_write_path(path) or any(path.startswith(p) for p in self.cell_prefixes)

    def can_restructure_path(self, path: str) -> bool:
        """Units strictly below a write root may be renamed, moved, merged, split, dissolved."""
        return any(path.startswith(p) and path != p for p in self.write_prefixes)

    def path_q(self, field_name: str = "path", *, write: bool = False) -> Q:
        """A filter matching rows whose `field_name` lies in the scope (nothing if empty)."""
        prefixes = self.write_prefixes if write else self.read_prefixes
        if not prefixes:
            return Q(pk__in=[])
        q = Q()
        for prefix in prefixes:
            q |= Q(**{f"{field_name}__startswith": prefix})
        return q


def minimal_prefixes(paths: list[str]) -> tuple[str, ...]:
    """Drop prefixes covered by a shorter one: (A, AB, C) → (A, C)."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)
