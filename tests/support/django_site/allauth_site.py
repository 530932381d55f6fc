"""site.py's commands under ALLAUTH=1: the same site with django-allauth,
answering through allauth's own views, forms and models.

  create        as site.py's, plus the EmailAddress row allauth's signup
                makes (primary, verified)
  add-email     DB USERNAME EMAIL: another EmailAddress row
  change-email  DB USERNAME OLD NEW: an EmailAddress row's address changed
                (auth_user.email is left as it is)
  reset-link    DB USERNAME: POST the user's email to allauth's
                /accounts/password/reset/ and print the link from the mail
                allauth sends
  confirm       DB LINK NEW_PASSWORD: GET LINK
                (/accounts/password/reset/key/<uidb36>-<key>/) through
                allauth's PasswordResetFromKeyView, follow its redirect to
                the set-password form, POST password1 and password2
  login         DB USERNAME PASSWORD: POST login and password to allauth's
                /accounts/login/ (a login sets last_login)
  session-login DB USERNAME PASSWORD: the same login; prints the key of
                the session it left in django_session
"""

import re
from urllib.parse import urlsplit

from stored import stored_row


def csrf(site, response):
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.content)
    if not match:
        raise site.Broken(f"{response.request['PATH_INFO']} carries no CSRF token")
    return match.group(1).decode()


def add_address(user, email, primary):
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.create(user=user, email=email, primary=primary, verified=primary)


def cmd_create(site, args):
    code = site.cmd_create(args)
    if code == site.YES:
        add_address(site.get_user(args.username), args.email, primary=True)
    return code


def cmd_add_email(site, args):
    add_address(site.get_user(args.username), args.email, primary=False)
    print(f"added {args.email} to {args.username}")
    return site.YES


def cmd_change_email(site, args):
    from allauth.account.models import EmailAddress

    user = site.get_user(args.username)
    changed = EmailAddress.objects.filter(user=user, email=args.old).update(email=args.new)
    if changed != 1:
        raise site.Refused(f"{args.username} has no address {args.old}")
    print(f"changed {args.old} to {args.new} for {args.username}")
    return site.YES


def cmd_reset_link(site, args):
    from django.core import mail
    from django.test import Client

    user = site.get_user(args.username)
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/password/reset/")
    response = client.post(
        "/accounts/password/reset/",
        {"csrfmiddlewaretoken": csrf(site, page), "email": user.email},
    )
    if response.status_code != 302:
        raise site.Broken(f"POST /accounts/password/reset/ answered {response.status_code}")
    sent = getattr(mail, "outbox", [])
    if len(sent) != 1:
        raise site.Broken(f"allauth sent {len(sent)} mails, not one")
    match = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", sent[0].body)
    if not match:
        raise site.Broken("allauth's mail carries no reset link")
    print(match.group(0))
    return site.YES


def user_of(path):
    """The pk a reset path names, read by allauth's own url_str_to_user_pk
    (base 36 for integer keys, hex digits for UUIDs), or None."""
    from allauth.account.utils import url_str_to_user_pk
    from django.core.exceptions import ValidationError

    match = re.fullmatch(r"/accounts/password/reset/key/([0-9A-Za-z]+)-.+/", path)
    if not match:
        return None
    try:
        return url_str_to_user_pk(match.group(1))
    except (ValueError, ValidationError):
        return None


def cmd_confirm(site, args):
    from django.test import Client

    path = urlsplit(args.link).path if "://" in args.link else args.link
    pk = user_of(path)
    row = stored_row(args.db, "id", pk) if pk is not None else None
    before = row["password"] if row else None

    client = Client(enforce_csrf_checks=True)
    response = client.get(path)
    if response.status_code == 404:
        raise site.Refused(f"allauth answers 404 for {path}: no such URL")
    if response.status_code == 200 and b"Bad Token" in response.content:
        raise site.Refused("allauth says the link is invalid (token_fail)")
    if response.status_code != 302:
        raise site.Broken(f"GET {path} answered {response.status_code}")
    form_url = response["Location"]
    if not form_url.endswith("-set-password/"):
        raise site.Broken(f"allauth redirected to {form_url}, not its set-password page")

    page = client.get(form_url)
    if page.status_code != 200:
        raise site.Broken(f"GET {form_url} answered {page.status_code}")
    response = client.post(
        form_url,
        {
            "csrfmiddlewaretoken": csrf(site, page),
            "password1": args.new_password,
            "password2": args.new_password,
        },
    )
    if response.status_code != 302 or response["Location"] != "/accounts/password/reset/key/done/":
        raise site.Broken(f"POST {form_url} answered {response.status_code}")
    after = stored_row(args.db, "id", pk)["password"]
    if after == before:
        raise site.Broken("allauth reported success but the stored hash did not change")
    print(f"allauth changed the password; stored hash now {'$'.join(after.split('$')[:2])}$...")
    return site.YES


def allauth_login(site, args):
    """POST to allauth's login view: the client and its response."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/",
        {"csrfmiddlewaretoken": csrf(site, page), "login": args.username, "password": args.password},
    )
    return client, response


def cmd_login(site, args):
    user = site.get_user(args.username)
    _, response = allauth_login(site, args)
    if response.status_code != 302:
        print(f"allauth's login refuses ({response.status_code})")
        return site.NO
    last_login = stored_row(args.db, "id", user.pk)["last_login"]
    print(f"allauth's login accepts; redirected to {response['Location']}, last_login now {last_login}")
    return site.YES


def cmd_session_login(site, args):
    import site_sessions

    site.get_user(args.username)
    client, response = allauth_login(site, args)
    if response.status_code != 302:
        raise site.Refused(f"allauth's login refuses ({response.status_code})")
    print(site_sessions.session_cookie(site, client))
    return site.YES


# Command name -> (function, its arguments after DB).
COMMANDS = {
    "create": (cmd_create, ("username", "email", "password")),
    "add-email": (cmd_add_email, ("username", "email")),
    "change-email": (cmd_change_email, ("username", "old", "new")),
    "reset-link": (cmd_reset_link, ("username",)),
    "confirm": (cmd_confirm, ("link", "new_password")),
    "login": (cmd_login, ("username", "password")),
    "session-login": (cmd_session_login, ("username", "password")),
}
