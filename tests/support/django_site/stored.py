"""The auth_user row as the database holds it, for site.py: read with the
database's own driver, untouched by Django's converters."""

import sqlite3
import uuid
from urllib.parse import unquote, urlsplit

COLUMNS = ("id", "password", "last_login", "email")


def is_postgres(db):
    return str(db).startswith(("postgres://", "postgresql://"))


def is_mysql(db):
    return str(db).startswith("mysql://")


def is_url(db):
    """A database server's URL, not a SQLite file."""
    return is_postgres(db) or is_mysql(db)


def bound(db, value):
    """A key as Django binds it: a UUID through the user model's own field
    (its hex digits where the engine has no uuid type), as text to a MySQL
    driver that cannot bind a UUID object."""
    if not isinstance(value, uuid.UUID):
        return value
    from django.contrib.auth import get_user_model
    from django.db import connection

    prepped = get_user_model()._meta.pk.get_db_prep_value(value, connection)
    return prepped if isinstance(prepped, str) or is_postgres(db) else str(prepped)


def fetch(db, where, value):
    """The row's COLUMNS, last_login as the server writes it as text: on
    PostgreSQL a timestamptz in its session's zone, with the offset; on
    MariaDB a datetime(6), which has no zone (Django wrote UTC)."""
    sql = f"SELECT id, password, {{}}, email FROM auth_user WHERE {where} = {{}}"
    value = bound(db, value)
    if is_postgres(db):
        import psycopg

        with psycopg.connect(db) as conn:
            return conn.execute(sql.format("last_login::text", "%s"), (value,)).fetchone()
    if is_mysql(db):
        import MySQLdb

        url = urlsplit(db)
        conn = MySQLdb.connect(
            host=url.hostname,
            port=url.port or 3306,
            user=unquote(url.username or ""),
            password=unquote(url.password or ""),
            database=unquote(url.path.lstrip("/")),
        )
    else:
        conn = sqlite3.connect(db)
    try:
        cur = conn.cursor()
        last_login = "CAST(last_login AS CHAR)" if is_mysql(db) else "last_login"
        cur.execute(sql.format(last_login, "%s" if is_mysql(db) else "?"), (value,))
        return cur.fetchone()
    finally:
        conn.close()


def stored_row(db, where, value):
    """The row as a dict of COLUMNS, or None."""
    row = fetch(db, where, value)
    return None if row is None else dict(zip(COLUMNS, row))
