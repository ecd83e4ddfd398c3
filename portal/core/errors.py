"""Errors that services raise and that views and the API translate for people and programs."""

from __future__ import annotations

from collections.abc import Iterable


class DomainError(Exception):
    """A rule of the domain refused the change; the API maps `code` and `status` to its JSON error."""

    status = 409
    code = "conflict"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status


class ValidationFailed(DomainError):
    """Input broke one or more rules; `errors` pairs a field name (or None) with a reason people can read."""

    status = 422
    code = "validation_failed"

    def __init__(self, errors: Iterable[tuple[str | None, str]]) -> None:
        # Reasons may be lazy translations: resolved now, in the language of the request that failed.
        self.errors = [(f, str(r)) for f, r in errors]
        super().__init__("; ".join(f"{f}: {r}" if f else r for f, r in self.errors) or "invalid input")

    def by_field(self) -> dict[str, list[str]]:
        """The reasons grouped by field ('' for the form as a whole)."""
        grouped: dict[str, list[str]] = {}
        for field, reason in self.errors:
            grouped.setdefault(field or "", []).append(reason)
        return grouped


class NotFound(DomainError):
    """The object does not exist or the actor may not see it (the two are never told apart)."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    """The actor is known to see the object but may not do this to it."""

    status = 403
    code = "forbidden"


class TooLarge(DomainError):
    """An upload or body exceeds a limit."""

    status = 413
    code = "too_large"
