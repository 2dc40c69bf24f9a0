"""API errors in the contract's shape: `{message, code, status_code}` plus `errors` when invalid."""

from __future__ import annotations


class ApiError(Exception):
    """Raised by a handler; the server answers it with its status and error body."""

    def __init__(self, status: int, code: int, message: str,
                 errors: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def body(self) -> dict[str, object]:
        payload: dict[str, object] = {"message": self.message, "code": self.code,
                                      "status_code": self.status}
        if self.errors:
            payload["errors"] = self.errors
        return payload

    @classmethod
    def invalid(cls, field: str, message: str) -> ApiError:
        return cls(422, 1003, "The given data was invalid.", {field: [message]})

    @classmethod
    def not_found(cls, code: int, what: str) -> ApiError:
        return cls(404, code, f"{what} niet gevonden | {what} not found.")
