"""flask-smorest plumbing: the Api, Blueprint and request parser every resource uses."""

from __future__ import annotations

import functools
import http
import json
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar, cast

import flask_smorest
from flask import Request, current_app, request
from flask_smorest import exceptions as smorest_exceptions
from flask_smorest.utils import prepare_response
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter
from werkzeug.wrappers import Response

from app.api.examples import DEFAULTS
from app.api.schemas import PaginationMetadataSchema
from app.problems import (
    MALFORMED_JSON,
    PROBLEM_MIMETYPE,
    UNSUPPORTED_MEDIA_TYPE,
    VALIDATION,
    Problem,
    ProblemSchema,
    http_problem,
)

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

_NO_BODY = "A JSON body is required."
_PAGINATION_DOC = (
    "Pagination metadata as a JSON object, e.g. "
    '`{"total": 45, "total_pages": 3, "first_page": 1, "last_page": 3, "page": 2, '
    '"previous_page": 1, "next_page": 3}`. `first_page`, `last_page` and `page` are left out '
    "when there is nothing to list, `page` also past the last page."
)

#: Path ids: a non-integer or out-of-range id does not match the route, so it is a 404.
ID = "id(min=1, max=9223372036854775807)"


class IdConverter(IntegerConverter):
    """werkzeug's ``int`` converter, ASCII digits only: its ``\\d+`` also matches other
    scripts' digits, routing e.g. a fullwidth one (U+FF11) to id 1. Registered by app.api."""

    regex = r"[0-9]+"


class Parser(FlaskParser):
    """webargs' parser, stricter: unknown query parameters are refused (each schema's
    ``unknown = RAISE``), and a body that is not JSON is a 400 or 415, never a 500."""

    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": None,
        "querystring": None,
    }

    def _raw_load_json(self, req: Request) -> Any:
        body = req.get_data(cache=True)
        _refuse_cut_off(req, body)
        if not is_json_request(req):
            if body:
                raise Problem(UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json.")
            return core.missing
        try:
            return core.parse_json(body)
        except json.JSONDecodeError:
            raise
        except (RecursionError, ValueError) as exc:  # nesting too deep, or an absurd number
            detail = "The JSON is nested too deeply or holds a number too long to read."
            raise Problem(MALFORMED_JSON, detail) from exc

    def _handle_invalid_json_error(
        self, error: Any, req: Request, *args: Any, **kw: Any
    ) -> NoReturn:
        raise Problem(MALFORMED_JSON, "The request body is not valid JSON.")


def _refuse_cut_off(req: Request, body: bytes) -> None:
    """413 for a streamed body (chunked, no Content-Length) that reached the size limit.

    werkzeug stops reading such a body at MAX_CONTENT_LENGTH without an error, so what is
    left would be parsed as if it were the whole body (docs/DECISIONS.md, "Request size limit").
    """
    limit = req.max_content_length
    if req.content_length is None and limit is not None and len(body) >= limit:
        raise RequestEntityTooLarge()


class NotModified(smorest_exceptions.NotModified):  # type: ignore[misc]
    """304 with the tag the client already holds, and no body (RFC 9110, 15.4.5)."""

    def __init__(self, etag: str) -> None:
        super().__init__()
        self.etag = etag

    def get_response(self, *_args: Any, **_kwargs: Any) -> Response:
        response: Response = current_app.response_class(status=304)
        response.set_etag(self.etag)
        return response


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]  # flask-smorest is untyped
    """flask-smorest's Blueprint with the stricter parser, and typed decorators.

    ETags are flask-smorest's (``etag``, ``set_etag``, ``check_etag``), except that If-Match
    is optional: a request without it is unconditional, as before tags existed; one with it
    is checked by the use case under its lock (docs/DECISIONS.md, "Conditional requests").
    """

    ARGUMENTS_PARSER = Parser()
    PAGINATION_ARGUMENTS_PARSER = Parser()
    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 20, "max_page_size": 100}

    def route(self, rule: str, **options: Any) -> Callable[[T], T]:
        return cast(Callable[[T], T], super().route(rule, **options))

    def arguments(
        self, schema: Any, *, location: str = "json", required: bool = True, **kwargs: Any
    ) -> Callable[[F], F]:
        """flask-smorest's, and a body documented as required is enforced: without one
        the answer is a 422 (docs/DECISIONS.md, "Required bodies"); ``required=False``
        documents and accepts a missing body."""
        decorator = super().arguments(schema, location=location, required=required, **kwargs)
        if location != "json" or not required:
            return cast(Callable[[F], F], decorator)

        def decorate(func: F) -> F:
            parsed = decorator(func)

            @functools.wraps(parsed)
            def wrapper(*args: Any, **kw: Any) -> Any:
                if not request.get_data(cache=True):
                    raise Problem(VALIDATION, _NO_BODY, {"body": [_NO_BODY]})
                return parsed(*args, **kw)

            return cast(F, wrapper)

        return decorate

    def response(self, status_code: int, schema: Any = None, **kwargs: Any) -> Callable[[F], F]:
        return cast(Callable[[F], F], super().response(status_code, schema, **kwargs))

    def alt_response(self, status_code: int, **kwargs: Any) -> Callable[[F], F]:
        return cast(Callable[[F], F], super().alt_response(status_code, **kwargs))

    def paginate(self, **kwargs: Any) -> Callable[[F], F]:
        return cast(Callable[[F], F], super().paginate(**kwargs))

    def doc(self, **kwargs: Any) -> Callable[[F], F]:
        return cast(Callable[[F], F], super().doc(**kwargs))

    def etag(self, obj: T) -> T:
        return cast(T, super().etag(obj))

    def is_known(self, version: Any) -> bool:
        """Whether If-None-Match already names the tag ``set_etag(version)`` would set."""
        if not request.if_none_match:
            return False
        return self._generate_etag(version) in request.if_none_match

    def known_check(self) -> Callable[[Any], bool] | None:
        """``is_known``, or None when the request has no If-None-Match (nothing is known)."""
        return self.is_known if request.if_none_match else None

    def if_match(self, schema: Any) -> Callable[[Any], bool] | None:
        """If-Match as a check on the current resource (dumped with ``schema``) that a use
        case runs under its lock; None when the request has no If-Match."""
        if not request.if_match:
            return None

        def matches(current: Any) -> bool:
            try:
                self.check_etag(current, schema)
            except smorest_exceptions.PreconditionFailed:
                return False
            return True

        return matches

    def _check_precondition(self) -> None:
        """If-Match is optional (flask-smorest would answer 428 without it)."""

    def _verify_check_etag(self) -> None:
        if request.if_match:
            super()._verify_check_etag()

    def _check_not_modified(self, etag: str) -> None:
        if request.method in self.METHODS_CHECKING_NOT_MODIFIED and etag in request.if_none_match:
            raise NotModified(etag)

    def _prepare_etag_doc(
        self, doc: dict[str, Any], doc_info: dict[str, Any], **kwargs: Any
    ) -> Any:
        """flask-smorest's documentation of tags, less the 428 optional If-Match never sends."""
        doc = super()._prepare_etag_doc(doc, doc_info, **kwargs)
        doc.get("responses", {}).pop(428, None)
        return doc


_NOT_MODIFIED = "Not modified: `If-None-Match` names the current tag. No body."
_TAG = 'A strong entity tag, such as `"5d41402abc4b2a76b9719d911017c592"` (quotes included).'


class Api(flask_smorest.Api):  # type: ignore[misc]  # flask-smorest is untyped
    """flask-smorest's Api answering and documenting errors as problem details."""

    def _register_etag_headers(self) -> None:
        """The conditional headers, with If-Match optional (see Blueprint)."""
        self.spec.components.parameter(
            "IF_NONE_MATCH",
            "header",
            {
                "name": "If-None-Match",
                "description": "Tags the client holds (from `ETag`); the current one answers "
                "304 with no body. " + _TAG,
                "schema": {"type": "string"},
            },
            lazy=True,
        )
        self.spec.components.parameter(
            "IF_MATCH",
            "header",
            {
                "name": "If-Match",
                "description": "Change only if the resource still has this tag (from `ETag`); "
                "otherwise 412 and nothing changes. Optional: without it the change is "
                "unconditional. " + _TAG,
                "required": False,
                "schema": {"type": "string"},
            },
            lazy=True,
        )
        self.spec.components.header(
            "ETAG",
            {
                "description": "The tag of this representation. " + _TAG,
                "schema": {"type": "string"},
            },
            lazy=True,
        )

    ERROR_SCHEMA = ProblemSchema

    def _register_pagination_header(self) -> None:
        """X-Pagination is sent as JSON text, so it is documented as JSON content, not as an
        object, which OpenAPI would serialize as ``total,3,page,1`` (docs/DECISIONS.md,
        "The X-Pagination header in the document")."""
        content = {"application/json": {"schema": PaginationMetadataSchema}}
        header = {"description": _PAGINATION_DOC, "content": content}
        self.spec.components.header("PAGINATION", header, lazy=True)

    def handle_http_exception(self, error: HTTPException) -> Response:
        if isinstance(error, NotModified):
            return error.get_response()
        return http_problem(error)

    def _register_responses(self) -> None:
        """The shared error responses (e.g. the 422 of every parsed request), as problems."""
        for status in http.HTTPStatus:
            if status < 400:
                continue
            description, example = DEFAULTS.get(status, (status.phrase, None))
            response = {"description": description, "schema": self.ERROR_SCHEMA}
            if example is not None:
                response["example"] = example
            prepare_response(response, self.spec, PROBLEM_MIMETYPE)
            self.spec.components.response(status.name, response, lazy=True)
        not_modified = {"description": _NOT_MODIFIED, "headers": {"ETag": "ETAG"}}
        self.spec.components.response(http.HTTPStatus.NOT_MODIFIED.name, not_modified, lazy=True)
        response = {"description": "Any other error, as problem details.", "schema": ProblemSchema}
        prepare_response(response, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)
