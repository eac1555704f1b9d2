"""The one scoping mechanism. Everything a user reads or changes passes through here.

`scope_for(user)` turns a user's roles into path prefixes; selectors filter with
`scope.path_q()`. `access_org` fetches a unit in scope or answers 404 (never 403:
whether a unit outside your scope exists is itself not yours to know).
"""

from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from chibo.core.errors import PermissionDenied
from chibo.core.scope import Scope, minimal_prefixes
from chibo.orgs.models import Organization

from .models import Role


def scope_for(user: Any) -> Scope:
    """The scope of an authenticated user; an empty scope for anyone else."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope()
    roles = list(Role.objects.filter(user=user).select_related("org").only("kind", "org__path"))
    read = [r.org.path for r in roles]
    write = [r.org.path for r in roles if r.kind in Role.WRITING_KINDS]
    if user.is_superuser:
        root_paths = list(
            Organization.objects.filter(parent__isnull=True).values_list("path", flat=True)
        )
        read += root_paths
        write += root_paths
    member_id = _member_id(user)
    cells = [r.org.path for r in roles if r.kind == Role.Kind.SECRETARY]
    return Scope(
        cell_prefixes=minimal_prefixes(cells),
        read_prefixes=minimal_prefixes(read),
        write_prefixes=minimal_prefixes(write),
        member_id=member_id,
        user_id=user.pk,
        labels=tuple(sorted({r.kind for r in roles})),
    )


def _member_id(user: Any) -> int | None:
    # Members are a later layer; look them up by relation name to keep the import direction.
    related = getattr(user, "member", None)
    return related.pk if related is not None else None


def access_org(
    scope: Scope, org_id: int | str, *, for_write: bool = False, by_code: bool = False
) -> Organization:
    """The unit with that id (or code) if it lies in the scope; 404 otherwise.

    With for_write, a unit the user may only read raises PermissionDenied (it is visible,
    so its existence is no secret).
    """
    lookup = {"code": org_id} if by_code else {"pk": org_id}
    try:
        org = Organization.objects.filter(scope.path_q()).get(**lookup)
    except (Organization.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if for_write and not scope.can_write_path(org.path):
        raise PermissionDenied(_("You may only read this unit."))
    return org


def requires_2fa(user: Any) -> bool:
    return Role.objects.filter(user=user, require_2fa=True).exists()
