#!/usr/bin/env python3
"""A real Django project's user database, for resetctl's tests.

usage: django_app.py DB create USERNAME EMAIL PASSWORD
       django_app.py DB check USERNAME PASSWORD

`create` runs Django's own migrations on DB (creating auth_user exactly as
Django does) and adds a user through Django's ORM. `check` exits 0 when
Django's check_password accepts PASSWORD for USERNAME, 1 when it does not.
"""
import sys

import django
from django.conf import settings


def main():
    db, action, *args = sys.argv[1:]
    settings.configure(
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": db}},
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"],
        PASSWORD_HASHERS=[
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
            "django.contrib.auth.hashers.Argon2PasswordHasher",
        ],
        USE_TZ=True,
    )
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    if action == "create":
        username, email, password = args
        call_command("migrate", verbosity=0)
        User.objects.create_user(username, email, password)
    elif action == "check":
        username, password = args
        user = User.objects.get(username=username)
        sys.exit(0 if user.check_password(password) else 1)
    else:
        sys.exit(f"unknown action {action}")


main()
