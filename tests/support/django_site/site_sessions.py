"""site.py's session commands: a login that leaves a session in Django's
database session backend (django_session), and what a later request
carrying that session's cookie gets.

  session-login  DB USERNAME PASSWORD: django.test.Client.login, which runs
                 authenticate() and login() and saves the session; prints
                 the session key (the sessionid cookie's value). Under
                 ALLAUTH=1 allauth's login view does the login instead.
  session-check  DB SESSION_KEY: GET /session/ with that sessionid cookie,
                 through the site's middleware: AuthenticationMiddleware's
                 get_user() loads the user the session names and compares
                 the session's _auth_user_hash with the user's current
                 password (get_session_auth_hash), flushing the session
                 when they differ. Prints the username the request is
                 authenticated as; refused when it is anonymous.
"""


def session_cookie(site, client):
    """The session key the client's last response set."""
    from django.conf import settings

    morsel = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if morsel is None or not morsel.value:
        raise site.Broken("the login set no session cookie")
    return morsel.value


def cmd_session_login(site, args):
    from django.test import Client

    site.get_user(args.username)
    client = Client()
    if not client.login(username=args.username, password=args.password):
        raise site.Refused("Client.login() refuses: authenticate() returned no user")
    print(session_cookie(site, client))
    return site.YES


def stored_login(session_key):
    """The user id the stored session names (None when there is no such
    session or it holds no login), read through the session backend."""
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    return SessionStore(session_key=session_key).load().get(SESSION_KEY)


def cmd_session_check(site, args):
    from django.conf import settings
    from django.test import Client

    named = stored_login(args.session_key)
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = args.session_key
    response = client.get("/session/")
    if response.status_code != 200:
        raise site.Broken(f"GET /session/ answered {response.status_code}")
    username = response.content.decode()
    if username:
        print(username)
        return site.YES
    if named is None:
        raise site.Refused("anonymous: no stored session with that key holds a login")
    after = "deleted it" if stored_login(args.session_key) is None else "kept it"
    raise site.Refused(
        f"anonymous: the session names user {named}, but get_user() refuses its auth hash; Django {after}"
    )


# Command name -> (function, its arguments after DB).
COMMANDS = {
    "session-login": (cmd_session_login, ("username", "password")),
    "session-check": (cmd_session_check, ("session_key",)),
}
