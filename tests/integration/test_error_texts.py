"""A database error's text never quotes the statement's parameters (names, e-mails, reasons)."""

from __future__ import annotations

import pytest
from sqlalchemy import exc, text

from adapters.sqlalchemy import Database


def test_a_failed_statement_does_not_quote_its_parameters(database: Database) -> None:
    secret = "zebulon.quixote@example.org"
    with pytest.raises(exc.DBAPIError) as raised, database.engine.connect() as connection:
        connection.execute(
            text("SELECT no_such_column FROM clients WHERE email = :e"), {"e": secret}
        )
    assert "no_such_column" in str(raised.value)
    assert secret not in str(raised.value)
