"""site.py's reset request: Django's own PasswordResetForm, as its
password_reset view runs it, which mails a link only to active users whose
password is usable (get_users skips the rest: Django's `!` marker).

  request-reset  DB USERNAME: the form for the user's email, saved with the
                 in-memory mail backend; prints the link of the one mail it
                 sent, refused when it sent none.
"""

import re


def cmd_request_reset(site, args):
    from django.contrib.auth.forms import PasswordResetForm
    from django.core import mail

    user = site.get_user(args.username)
    mail.outbox = []
    form = PasswordResetForm(data={"email": user.email})
    if not form.is_valid():
        raise site.Broken(f"PasswordResetForm refuses {user.email!r}: {form.errors}")
    form.save(domain_override="example.com", use_https=True)
    if not mail.outbox:
        raise site.Refused("PasswordResetForm sent no mail: Django skips this user")
    match = re.search(r"https://\S+/reset/\S+/", mail.outbox[0].body)
    if not match:
        raise site.Broken("Django's mail carries no reset link")
    print(match.group(0))
    return site.YES


COMMANDS = {
    "request-reset": (cmd_request_reset, ("username",)),
}
