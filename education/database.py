"""How patient pages run the queries they repeat on every request with other values (education/page_data.py's
prepared queries, the content versions every page reads).

With prepared statements on (PostgreSQL; settings' prepare_threshold, DJANGO_DATABASE_PREPARE), `repeated_cursor()`
sends the values apart from the SQL, so psycopg keeps each statement parsed and planned on the connection from its
second run: the server took several times longer to plan an article's query than to run it. The ORM's own cursors
write the values into the SQL text, which cannot be prepared, so nothing else is. Either way it is Django's cursor
wrapper (health check, error wrapping, query log), as `connection.cursor()` gives.

`fetch_all()` is also the request's health check when it is its first query: see there.
"""
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections


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


def fetch_all(sql, params, using=DEFAULT_DB_ALIAS):
    """The rows of one of these reads.

    A connection kept from an earlier request is checked before its first query (CONN_HEALTH_CHECKS): Django sends
    `SELECT 1` first, a round trip of its own, which cost a PostgreSQL page served from the cache about a sixth of
    its rate. When that check is due, this read is the check instead: on a connection that turns out dead (the
    server restarted, an idle connection was dropped) it fails, the connection is closed and the read runs once more
    on a new one. A read that fails on a connection still usable is an error of its own and is raised. Inside a
    transaction the connection cannot be replaced, so Django checks it as usual.
    """
    connection = connections[using]
    checking = (
        connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
    )
    if checking:
        connection.health_check_done = True
    try:
        return _fetch_all(sql, params, using)
    except (InterfaceError, OperationalError):
        if not checking or connection.is_usable():
            raise
        connection.close()
    return _fetch_all(sql, params, using)


def _fetch_all(sql, params, using):
    with repeated_cursor(using) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
