"""Domain errors: raised by services, mapped to HTTP/form errors in one place each."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the business was broken; `message` is shown to the person as it is."""

    field: str | None = None
    status: int = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409
