"""One shape for every error the API gives: RFC 9457 problem details.

    {"type": "urn:trainingdesk:problem:validation", "title": "The request is not valid",
     "status": 422, "detail": "...", "errors": [{"field": "run", "pointer": "/run",
     "message": "..."}]}

served as `application/problem+json`. Raise `Problem` in an operation (or let a Django
ValidationError, Http404 or PermissionDenied from a service through): `register` turns each kind
into this shape. Validation of the request (wrong types, unknown or missing fields, a refusal by
a service) is 422; a body that is not JSON at all is 400.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"
URN = "urn:trainingdesk:problem:"


class FieldError(Schema):
    """One message about one part of the request: `field` names it (a body field as a dotted
    path, or a query parameter), `pointer` is its JSON Pointer into the body, if it is there."""

    field: str
    pointer: str | None = None
    message: str


class ProblemDetails(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] = []


class Problem(Exception):  # noqa: N818 - it is the problem, as RFC 9457 names it
    """Raise to answer with a problem: `Problem(403, "This token may not book", kind="scope")`."""

    def __init__(self, status: int, detail: str, *, kind: str = "", title: str = "",
                 errors: list[dict[str, Any]] | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind
        self.title = title or HTTPStatus(status).phrase
        self.errors = errors or []
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        return {"type": f"{URN}{self.kind}" if self.kind else "about:blank", "title": self.title,
                "status": self.status, "detail": self.detail, "errors": self.errors}


def response(problem: Problem) -> HttpResponse:
    answer = HttpResponse(json.dumps(problem.body()), status=problem.status,
                          content_type=CONTENT_TYPE)
    for name, value in problem.headers.items():
        answer[name] = value
    return answer


def validation_problem(errors: list[dict[str, Any]], detail: str = "") -> Problem:
    return Problem(422, detail or "; ".join(e["message"] for e in errors),
                   kind="validation", title="The request is not valid", errors=errors)


def _from_ninja(exc: NinjaValidationError) -> Problem:
    errors = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        source = loc[0] if loc else ""
        if source == "body":
            path = loc[2:] if len(loc) > 2 else loc[1:]  # ("body", "payload", "run")
            field = ".".join(path) or "body"
            pointer = "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in path)
        else:
            field, pointer = ".".join(loc[1:]) or source, None
        message = str(error.get("msg", "Not valid."))
        if error.get("type") == "extra_forbidden":
            message = "This field is not part of the request: remove it."
        errors.append({"field": field, "pointer": pointer, "message": message})
    return validation_problem(errors)


def _from_django(exc: DjangoValidationError) -> Problem:
    """A service's refusal: at the fields it names, or about the request as a whole."""
    if hasattr(exc, "error_dict"):
        errors = [{"field": name, "pointer": f"/{name}" if name != "__all__" else None,
                   "message": message}
                  for name, messages in exc.message_dict.items() for message in messages]
        return validation_problem(errors)
    return Problem(422, " ".join(exc.messages), kind="refused", title="The request was refused")


def register(api: NinjaAPI) -> None:
    """Answer every kind of error with problem details, on `api`."""

    def handle(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        return response(as_problem(exc if isinstance(exc, Exception) else exc()))

    for kind in (Exception, Problem, NinjaValidationError, DjangoValidationError, Http404,
                 PermissionDenied, HttpError, RequestDataTooBig):
        api.add_exception_handler(kind, handle)


def as_problem(exc: Exception) -> Problem:
    if isinstance(exc, Problem):
        return exc
    if isinstance(exc, NinjaValidationError):
        return _from_ninja(exc)
    if isinstance(exc, DjangoValidationError):
        return _from_django(exc)
    if isinstance(exc, Http404):
        return Problem(404, "There is nothing here, or this token may not see it.", kind="not-found")
    if isinstance(exc, PermissionDenied):
        return Problem(403, str(exc) or "This token may not do that.", kind="forbidden")
    if isinstance(exc, AuthenticationError):
        return unauthorised("Send a valid token: Authorization: Bearer <token>.")
    if isinstance(exc, RequestDataTooBig):
        return too_large()
    if isinstance(exc, HttpError):
        kind = "malformed" if exc.status_code == 400 else ""
        detail = str(exc)
        if exc.status_code == 400:
            detail = "The body is not valid JSON."
        return Problem(exc.status_code, detail, kind=kind)
    log.exception("The API failed", exc_info=exc)
    return Problem(500, "Something went wrong on our side. It has been logged; try again later.",
                   kind="server-error")


def unauthorised(detail: str) -> Problem:
    return Problem(401, detail, kind="unauthorised", headers={"WWW-Authenticate": "Bearer"})


def too_large() -> Problem:
    return Problem(413, "The request body is too large.", kind="too-large")


def length_required() -> Problem:
    return Problem(411, "Send the body with a Content-Length header: a body sent in chunks, "
                   "without one, is not read.", kind="length-required")


# The answers every operation may give besides its own, for the OpenAPI contract.
COMMON = {400: ProblemDetails, 401: ProblemDetails, 403: ProblemDetails, 404: ProblemDetails,
          411: ProblemDetails, 413: ProblemDetails, 422: ProblemDetails, 429: ProblemDetails}
