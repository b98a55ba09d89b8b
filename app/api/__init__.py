"""The HTTP API: one flask-smorest Blueprint per resource."""

from __future__ import annotations

from flask import Flask

from app.api import (
    appointments,
    availabilities,
    availability_sync,
    clients,
    first_available,
    health,
    providers,
    roster,
    time_off,
    timezones,
    webhooks,
    weekly_availability,
)
from app.api.base import Api, IdConverter
from app.api.swagger import assets

_RESOURCES = (
    roster,
    first_available,
    availabilities,
    appointments,
    providers,
    weekly_availability,
    time_off,
    timezones,
    clients,
    availability_sync,
    webhooks,
    health,
)
_DESCRIPTION = """\
Providers publish weekly availability, adjusted by dated time off and extra availability;
clients book appointments against it, within each provider's policies (buffers, minimum
notice, booking horizon, minimum cancellation notice).

* Timestamps in requests must carry an offset (`Z` or `±hh:mm`); responses are in UTC with `Z`.
* Every error is RFC 9457 problem details (`application/problem+json`).
* Unknown body fields and unknown query parameters are refused with a 422.
* Lists are paginated with `page` and `page_size`; see the `X-Pagination` header.
"""


def register(app: Flask) -> Api:
    """Register every resource, the OpenAPI document and Swagger UI's local assets."""
    app.url_map.converters["id"] = IdConverter
    api = Api(app, spec_kwargs={"info": {"description": _DESCRIPTION}})
    for resource in _RESOURCES:
        api.register_blueprint(resource.blp)
    app.register_blueprint(assets)
    return api
