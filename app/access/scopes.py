"""What a key may do: ``requires(blp, scope)`` on every protected view method.

It authenticates (401), counts the request against its key's rate limit (429), checks the
scope (403) before anything else reads the request, and documents all three, the bearer
scheme and the scope in the OpenAPI document.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from app.access import audit
from app.access.authentication import current_grant
from app.access.throttle import SCOPE_MARK
from app.api.base import Blueprint
from app.api.docs import counted, problems
from app.problems import FORBIDDEN, Problem
from domain.access import IMPLIED

F = TypeVar("F", bound=Callable[..., Any])
SCHEME = "bearerAuth"
_IMPLIED_BY = {read: write for write, read in IMPLIED.items()}


def requires(blp: Blueprint, scope: str) -> Callable[[F], F]:
    """Put this above every other decorator of the view method."""

    def decorate(func: F) -> F:
        operation = audit.operation_of(func)

        @functools.wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            audit.begin(*operation)
            if not current_grant().allows(scope):
                raise Problem(FORBIDDEN, f"This key lacks the scope {scope}.")
            return func(*args, **kwargs)

        documented = counted(problems(blp, {401: None, 403: None, 429: None})(cast(F, guarded)))
        setattr(documented, SCOPE_MARK, scope)
        doc = documented._apidoc.setdefault("manual_doc", {})  # type: ignore[attr-defined]
        doc["security"] = [{SCHEME: []}]
        doc["description"] = _described(doc.get("description"), scope)
        return documented

    return decorate


def _described(description: str | None, scope: str) -> str:
    needs = f"Needs the scope `{scope}`"
    if scope in _IMPLIED_BY:
        needs += f" (or `{_IMPLIED_BY[scope]}`, which implies it)"
    return f"{description}\n\n{needs}." if description else f"{needs}."
