"""Domain errors: raised by services, turned by views into form errors or HTTP 4xx."""

from django.utils.functional import Promise


class DomainError(Exception):
    """A rule refused the change. `message` is translatable and shown to the user."""

    code = "domain_error"
    status = 400

    def __init__(
        self, message: str | Promise, *, code: str | None = None, field: str | None = None
    ):
        super().__init__(str(message))
        self.message = message
        self.field = field
        if code:
            self.code = code

    def __str__(self) -> str:
        return str(self.message)


class RuleViolation(DomainError):
    code = "rule_violation"


class StaleEdit(DomainError):
    """Someone else saved the record after it was opened (optimistic version check)."""

    code = "stale_edit"
    status = 409


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
