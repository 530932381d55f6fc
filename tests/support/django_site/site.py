#!/usr/bin/env python3
"""A stock Django site on a given SQLite file, PostgreSQL or MariaDB database,
for resetctl's tests.

usage: PYTHON tests/support/django_site/site.py COMMAND DB [ARGS...]

DB is a SQLite file, a postgres:// URL (Django's own PostgreSQL backend, with
psycopg) or a mysql:// URL (its MySQL backend, with mysqlclient); URLs in the
latest environment only.

PYTHON is the interpreter of one of the virtual environments that install.sh
makes (target/test-env/django/bin/python, target/test-env/django42/bin/python).
Every answer comes from Django's own code: migrations, create_user,
authenticate, PasswordResetConfirmView driven through the test Client,
default_token_generator.

Commands:
  create DB USERNAME EMAIL PASSWORD   run Django's migrations on DB, then
                                      User.objects.create_user
  confirm DB LINK NEW_PASSWORD        GET LINK (/reset/<uidb64>/<token>/, or a
                                      full URL), follow the redirect to the
                                      set-password form, POST new_password1 and
                                      new_password2; 0 if Django changed the
                                      password, 1 if it called the link invalid
  login DB USERNAME PASSWORD          authenticate(), then Client.force_login
                                      with the user it returns, which is what
                                      Client.login does without hashing the
                                      password a second time; like a real
                                      login this sets last_login, killing
                                      older links
  check DB USERNAME PASSWORD          user.check_password
  make-link DB USERNAME               print the /reset/<uidb64>/<token>/ path
                                      that default_token_generator makes
  touch-login DB USERNAME             update_last_login, as Django does on login
  row DB USERNAME                     print {"id", "password", "last_login",
                                      "email"} exactly as stored, as JSON
  has-argon2                          0 if `import argon2` works here
  session-login DB USERNAME PASSWORD  Client.login: print the key of the
                                      session it saved in django_session
  session-check DB SESSION_KEY        a request with that session cookie:
                                      print the username it is
                                      authenticated as, refused when
                                      anonymous; see site_sessions.py

With ALLAUTH=1 the site runs django-allauth, and create, confirm, login and
session-login go through allauth instead, which adds add-email, change-email and reset-link:
see allauth_site.py.

login and check go through check_password, which re-hashes and saves the
password when its hasher, iteration count or salt length differs from the
site's default; the printed line says when that happened.

Environment:
  SECRET_KEY              required
  SECRET_KEY_FALLBACKS    comma-separated older keys
  TIME_ZONE               default UTC
  PASSWORD_RESET_TIMEOUT  seconds, Django's default (259200) when unset
  ALLAUTH                 1: the site with django-allauth (latest only)
  SITES                   1: the site with django.contrib.sites (SITE_ID 1)
  AT                      RFC 3339 time (offset required) the site runs at:
                          PasswordResetTokenGenerator._now and
                          django.utils.timezone.now are replaced; see
                          freeze_clock

Exit status: 0 yes or done, 1 no or refused (including no such user), 2 or
anything else means the harness itself failed. One line goes to stdout.
"""

import sys

# Python would otherwise leave __pycache__ directories in the source tree.
sys.dont_write_bytecode = True

import argparse
import base64
import json
import os
import re
import traceback
from datetime import datetime, timezone as dt_timezone
from pathlib import Path
from urllib.parse import urlsplit

import site_reset
import site_sessions
from stored import is_url, stored_row

YES, NO, BROKEN = 0, 1, 2


class Refused(Exception):
    pass


class Broken(Exception):
    """A failure the harness diagnosed itself, so no traceback is needed."""


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="site.py", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name, *args):
        p = sub.add_parser(name)
        p.add_argument("db")
        for arg in args:
            p.add_argument(arg)

    command("create", "username", "email", "password")
    command("confirm", "link", "new_password")
    command("login", "username", "password")
    command("check", "username", "password")
    command("make-link", "username")
    command("touch-login", "username")
    command("row", "username")
    for name, (_, names) in {**site_sessions.COMMANDS, **site_reset.COMMANDS}.items():
        command(name, *names)
    if allauth_on():
        import allauth_site

        for name, (_, names) in allauth_site.COMMANDS.items():
            if name not in sub.choices:
                command(name, *names)
    sub.add_parser("has-argon2").add_argument("db", nargs="?")
    return parser.parse_args(argv)


def allauth_on():
    return os.environ.get("ALLAUTH") == "1"


def has_argon2():
    try:
        import argon2  # noqa: F401
    except ImportError:
        print("argon2 is not importable")
        return NO
    print(f"argon2 is importable from {argon2.__file__}")
    return YES


def parse_at(text):
    try:
        at = datetime.fromisoformat(text.upper())
    except ValueError:
        raise SystemExit(f"AT={text!r} is not an RFC 3339 time")
    if at.tzinfo is None:
        raise SystemExit(f"AT={text!r} has no UTC offset")
    return at


def freeze_clock(at):
    """Make the whole site believe it is `at`.

    The token generator's only clock is PasswordResetTokenGenerator._now(),
    which returns datetime.now(): naive wall time in TIME_ZONE, because
    Django's Settings put TIME_ZONE into TZ. datetime.fromtimestamp() goes
    through the same local-time conversion, so the frozen value is what
    datetime.now() would have said at that instant, DST folds included.

    Everything else that reads the time (update_last_login, session expiry
    on write and on read) calls django.utils.timezone.now through the module
    attribute, so replacing that attribute reaches all of it. Cookie expiry
    in the test Client uses time.time(), but the Client never expires
    cookies, so it is left alone.
    """
    from django.contrib.auth.tokens import PasswordResetTokenGenerator
    from django.utils import timezone

    local_naive = datetime.fromtimestamp(at.timestamp())
    utc = at.astimezone(dt_timezone.utc)
    PasswordResetTokenGenerator._now = lambda self: local_naive
    timezone.now = lambda: utc


def setup(db):
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here))
    if not os.environ.get("SECRET_KEY"):
        raise SystemExit("SECRET_KEY must be set")
    os.environ["RESETSITE_DB"] = db if is_url(db) else str(Path(db).resolve())
    os.environ["DJANGO_SETTINGS_MODULE"] = "resetsite.settings"

    import django

    django.setup()
    if os.environ.get("AT"):
        freeze_clock(parse_at(os.environ["AT"]))


def get_user(username):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    try:
        return User._default_manager.get_by_natural_key(username)
    except User.DoesNotExist:
        raise Refused(f"no user {username!r}")


def rehash_note(before, after):
    if before == after:
        return ""

    def describe(encoded):
        parts = encoded.split("$")
        if len(parts) == 4:
            return f"{parts[0]}${parts[1]} with a {len(parts[2])}-char salt"
        return parts[0]

    return f" (Django re-hashed the stored password: {describe(before)} -> {describe(after)})"


def verify(db, username, password, how):
    """Runs check_password (inside `how`) and says whether it held."""
    user_before = get_user(username)
    before = stored_row(db, "id", user_before.pk)["password"]
    try:
        ok = how(user_before, password)
    except ValueError as e:
        # e.g. an argon2 hash without argon2-cffi: a real site answers 500.
        raise Refused(f"Django could not verify the hash: {e}")
    after = stored_row(db, "id", user_before.pk)["password"]
    return ok, rehash_note(before, after)


def cmd_create(args):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import IntegrityError

    call_command("migrate", verbosity=0, interactive=False)
    User = get_user_model()
    try:
        user = User.objects.create_user(args.username, args.email, args.password)
    except IntegrityError as e:
        raise Refused(f"cannot create {args.username!r}: {e}")
    print(f"created user {user.username!r} with id {user.pk}")
    return YES


def cmd_check(args):
    ok, note = verify(args.db, args.username, args.password, lambda u, p: u.check_password(p))
    print(("check_password accepts" if ok else "check_password refuses") + note)
    return YES if ok else NO


def cmd_login(args):
    from django.contrib.auth import authenticate
    from django.test import Client

    found = {}

    def how(_user, password):
        found["user"] = authenticate(None, username=args.username, password=password)
        return found["user"] is not None

    ok, note = verify(args.db, args.username, args.password, how)
    if not ok:
        print("authenticate() refuses" + note)
        return NO
    Client().force_login(found["user"])
    last_login = stored_row(args.db, "id", found["user"].pk)["last_login"]
    print(f"authenticate() accepts; logged in, last_login now {last_login}" + note)
    return YES


def cmd_make_link(args):
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = get_user(args.username)
    print(
        reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )
    return YES


def cmd_touch_login(args):
    from django.contrib.auth.models import update_last_login

    user = get_user(args.username)
    update_last_login(None, user)
    print(f"last_login now {stored_row(args.db, 'id', user.pk)['last_login']}")
    return YES


def cmd_row(args):
    row = stored_row(args.db, "username", args.username)
    if row is None:
        raise Refused(f"no user {args.username!r}")
    print(json.dumps(row, default=str))
    return YES


def link_pk(path):
    """The primary key a reset path names, or None if it names none."""
    parts = path.strip("/").split("/")
    if len(parts) != 3 or parts[0] != "reset":
        return None
    uidb64 = parts[1]
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    try:
        text = base64.urlsafe_b64decode(uidb64 + "=" * (-len(uidb64) % 4)).decode()
        return get_user_model()._meta.pk.to_python(text)
    except (ValueError, ValidationError):
        return None


def csrf_token(response):
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content)
    if not match:
        raise Broken("the set-password form carries no CSRF token")
    return match.group(1).decode()


def page_state(response):
    match = re.search(rb'<p id="state">([a-z-]+)</p>', response.content)
    return match.group(1).decode() if match else None


def cmd_confirm(args):
    from django.test import Client

    path = urlsplit(args.link).path if "://" in args.link else args.link
    pk = link_pk(path)
    row = stored_row(args.db, "id", pk) if pk is not None else None
    before = row["password"] if row else None

    client = Client(enforce_csrf_checks=True)
    response = client.get(path)
    if response.status_code == 404:
        raise Refused(f"Django answers 404 for {path}: no such URL")
    if response.status_code == 200 and page_state(response) == "invalid-link":
        raise Refused("Django says the link is invalid")
    if response.status_code != 302:
        raise Broken(f"GET {path} answered {response.status_code}, state {page_state(response)}")
    form_url = response["Location"]
    expected = path.rsplit("/", 2)[0] + "/set-password/"
    if form_url != expected:
        raise Broken(f"Django redirected to {form_url}, not {expected}")

    response = client.get(form_url)
    if response.status_code != 200 or page_state(response) != "reset-form":
        raise Broken(f"GET {form_url} answered {response.status_code}, state {page_state(response)}")
    response = client.post(
        form_url,
        {
            "csrfmiddlewaretoken": csrf_token(response),
            "new_password1": args.new_password,
            "new_password2": args.new_password,
        },
    )
    if response.status_code != 302:
        errors = response.context["form"].errors.as_text() if response.context else ""
        raise Broken(f"POST {form_url} answered {response.status_code} {page_state(response)} {errors}".strip())
    response = client.get(response["Location"])
    if response.status_code != 200 or page_state(response) != "reset-complete":
        raise Broken(f"the reset ended on {response.status_code}, state {page_state(response)}")

    after = stored_row(args.db, "id", pk)["password"]
    if after == before:
        raise Broken("Django reported success but the stored hash did not change")
    print(f"Django changed the password; stored hash now {'$'.join(after.split('$')[:2])}$...")
    return YES


COMMANDS = {
    "create": cmd_create,
    "confirm": cmd_confirm,
    "login": cmd_login,
    "check": cmd_check,
    "make-link": cmd_make_link,
    "touch-login": cmd_touch_login,
    "row": cmd_row,
}


def command_for(name):
    """The command's function: allauth's own under ALLAUTH=1, if it has
    one; then the session commands'; then this module's."""
    modules = [site_sessions, site_reset]
    if allauth_on():
        import allauth_site

        modules.insert(0, allauth_site)
    for module in modules:
        if name in module.COMMANDS:
            function = module.COMMANDS[name][0]
            return lambda args: function(sys.modules[__name__], args)
    return COMMANDS[name]


def main(argv):
    args = parse_args(argv)
    if args.command == "has-argon2":
        return has_argon2()
    try:
        if args.command != "create" and not is_url(args.db) and not Path(args.db).is_file():
            raise Broken(f"no database at {args.db}")
        # row reads with the database's own driver, not Django, so it works
        # without a SECRET_KEY.
        if args.command != "row":
            setup(args.db)
        return command_for(args.command)(args)
    except Refused as e:
        print(f"refused: {e}")
        return NO
    except Broken as e:
        print(f"harness broken: {e}")
        return BROKEN
    except SystemExit as e:
        if isinstance(e.code, str):
            print(f"harness: {e.code}")
            return BROKEN
        raise
    except Exception as e:
        traceback.print_exc()
        print(f"harness broken: {type(e).__name__}: {e}")
        return BROKEN


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
