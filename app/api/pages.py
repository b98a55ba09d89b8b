"""Pagination in the resource, the flask-smorest way (docs/DECISIONS.md, "Pagination")."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask_smorest.pagination import PaginationParameters

T = TypeVar("T")
#: Past any real table; keeps a huge ``page`` from overflowing the database's integers.
MAX_OFFSET = 2**62


def page_of(
    params: PaginationParameters, fetch: Callable[[int, int], tuple[list[T], int]]
) -> list[T]:
    """Fetch one page with ``fetch(offset, limit)`` and record the total for X-Pagination."""
    items, total = fetch(min(params.first_item, MAX_OFFSET), params.page_size)
    params.item_count = total
    return items
