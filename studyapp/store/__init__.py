"""Progress in SQLite: connection, schema and migrations, queries. No UI here."""
