"""The HTTP API: one flask-smorest Blueprint per resource."""

from __future__ import annotations

from flask import Flask

from app.access.scopes import SCHEME
from app.api import (
    api_keys,
    appointment_types,
    appointments,
    audit_events,
    availabilities,
    availability_sync,
    clients,
    first_available,
    health,
    offered_types,
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
    appointment_types,
    offered_types,
    weekly_availability,
    time_off,
    timezones,
    clients,
    availability_sync,
    webhooks,
    api_keys,
    audit_events,
    health,
)
_DESCRIPTION = """\
Providers publish weekly availability, adjusted by dated time off and extra availability;
clients book appointments against it, within each provider's policies (buffers, minimum
notice, booking horizon, minimum cancellation notice).

* Timestamps in requests must carry an offset (`Z` or `±hh:mm`); responses are in UTC with `Z`.
* Every error is RFC 9457 problem details (`application/problem+json`).
* Unknown body fields and unknown query parameters are refused with a 422.
* Every operation but the health checks needs an API key: `Authorization: Bearer <key>`.
  Each operation's description names the scope it needs; write implies read. A key bound
  to one provider or client reaches only that one's objects: others answer 404.
* Lists are paginated with `page` and `page_size`; see the `X-Pagination` header.
"""


_BEARER = {
    "type": "http",
    "scheme": "bearer",
    "description": "An API key (`csk_...`), shown once when it is created: "
    "`POST /api-keys` or `flask --app wsgi api-keys create`.",
}


def register(app: Flask) -> Api:
    """Register every resource, the OpenAPI document and Swagger UI's local assets."""
    app.url_map.converters["id"] = IdConverter
    api = Api(app, spec_kwargs={"info": {"description": _DESCRIPTION}})
    api.spec.components.security_scheme(SCHEME, _BEARER)
    for resource in _RESOURCES:
        api.register_blueprint(resource.blp)
    app.register_blueprint(assets)
    return api
