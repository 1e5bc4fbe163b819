"""Cursors for the queries patient pages run on every request with other values (education/page_data.py's prepared
queries, the content versions every page reads).

With prepared statements on (PostgreSQL; settings' prepare_threshold, DJANGO_DATABASE_PREPARE), `repeated_cursor()`
sends the values apart from the SQL, so psycopg keeps each statement parsed and planned on the connection from its
second run: the server took several times longer to plan an article's query than to run it. The ORM's own cursors
write the values into the SQL text, which cannot be prepared, so nothing else is. Either way it is Django's cursor
wrapper (health check, error wrapping, query log), as `connection.cursor()` gives.
"""
from django.db import DEFAULT_DB_ALIAS, connections


def repeated_cursor(using=DEFAULT_DB_ALIAS):
    connection = connections[using]
    if connection.vendor != "postgresql":
        return connection.cursor()
    # What connection.cursor() does before making its cursor.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    with connection.wrap_database_errors:
        return connection._prepare_cursor(ServerBindingCursor(connection.connection))
