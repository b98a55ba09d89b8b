"""Swagger UI's assets, served from the swagger-ui-bundle package: /docs works offline."""

from __future__ import annotations

from flask import Blueprint, Response, abort, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from app.config import SWAGGER_UI_ASSETS

_ASSETS = frozenset(
    {
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "favicon-16x16.png",
        "favicon-32x32.png",
    }
)

assets = Blueprint("swagger_ui_assets", __name__, url_prefix=SWAGGER_UI_ASSETS.rstrip("/"))


@assets.get("/<string:filename>")
def asset(filename: str) -> Response:
    """One of Swagger UI's files; anything else is a 404."""
    if filename not in _ASSETS:
        abort(404)
    return send_from_directory(str(swagger_ui_path), filename, max_age=86400)
