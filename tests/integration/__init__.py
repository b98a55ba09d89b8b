"""Adapters against real databases: SQLite always, PostgreSQL through TEST_POSTGRES_URL."""
