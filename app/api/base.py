"""flask-smorest plumbing: the Api, Blueprint and request parser every resource uses."""

from __future__ import annotations

import functools
import http
import json
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar, cast

import flask_smorest
from flask import Request, request
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


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]  # flask-smorest is untyped
    """flask-smorest's Blueprint with the stricter parser, and typed decorators."""

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


class Api(flask_smorest.Api):  # type: ignore[misc]  # flask-smorest is untyped
    """flask-smorest's Api answering and documenting errors as problem details."""

    ERROR_SCHEMA = ProblemSchema

    def _init_spec(self, *args: Any, **kwargs: Any) -> None:
        super()._init_spec(*args, **kwargs)
        self.ma_plugin.converter.add_attribute_function(_deferred_enum)

    def _register_pagination_header(self) -> None:
        """X-Pagination is sent as JSON text, so it is documented as JSON content, not as an
        object, which OpenAPI would serialize as ``total,3,page,1`` (docs/DECISIONS.md,
        "The X-Pagination header in the document")."""
        content = {"application/json": {"schema": PaginationMetadataSchema}}
        header = {"description": _PAGINATION_DOC, "content": content}
        self.spec.components.header("PAGINATION", header, lazy=True)

    def handle_http_exception(self, error: HTTPException) -> Response:
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
        response = {"description": "Any other error, as problem details.", "schema": ProblemSchema}
        prepare_response(response, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


def _deferred_enum(_converter: Any, field: Any, **_kwargs: Any) -> dict[str, Any]:
    """A field's ``metadata["enum_from"]``, a function listing the accepted values, becomes
    its ``enum`` when the document is built rather than when the schema is imported."""
    values = field.metadata.get("enum_from")
    return {"enum": list(values())} if values else {}
