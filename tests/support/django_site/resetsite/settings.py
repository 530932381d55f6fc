"""Settings for the Django site that resetctl's tests drive.

Loaded through DJANGO_SETTINGS_MODULE rather than settings.configure(): only
Django's Settings class exports TIME_ZONE into the process environment, and
PasswordResetTokenGenerator stamps tokens with datetime.now(), so a site set
up with configure() would stamp them in the machine's zone instead of
TIME_ZONE.

Whatever is not set here keeps Django's global default; PASSWORD_HASHERS in
particular stays stock so the tests see the hashes a real site would write.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

HERE = Path(__file__).resolve().parent

SECRET_KEY = os.environ["SECRET_KEY"]
SECRET_KEY_FALLBACKS = [
    key for key in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if key
]
TIME_ZONE = os.environ.get("TIME_ZONE") or "UTC"
USE_TZ = True
if os.environ.get("PASSWORD_RESET_TIMEOUT"):
    PASSWORD_RESET_TIMEOUT = int(os.environ["PASSWORD_RESET_TIMEOUT"])

DEBUG = False
# The host Django's test Client sends.
ALLOWED_HOSTS = ["testserver"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["RESETSITE_DB"],
    }
}
if os.environ["RESETSITE_DB"].startswith(("postgres://", "postgresql://")):
    # A postgres:// URL: Django's own PostgreSQL backend (psycopg).
    url = urlsplit(os.environ["RESETSITE_DB"])
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(url.path.lstrip("/")),
        "USER": unquote(url.username or ""),
        "PASSWORD": unquote(url.password or ""),
        "HOST": url.hostname,
        "PORT": url.port or 5432,
        "OPTIONS": {"sslmode": "disable"},
    }
elif os.environ["RESETSITE_DB"].startswith("mysql://"):
    # A mysql:// URL: Django's own MySQL backend (mysqlclient), with its
    # defaults. DATABASES' TIME_ZONE is unset, so with USE_TZ Django writes
    # and reads its datetime(6) columns in UTC.
    url = urlsplit(os.environ["RESETSITE_DB"])
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.mysql",
        "NAME": unquote(url.path.lstrip("/")),
        "USER": unquote(url.username or ""),
        "PASSWORD": unquote(url.password or ""),
        "HOST": url.hostname,
        "PORT": url.port or 3306,
    }

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
]

# startproject's list, so the views run behind the same CSRF, session and
# auth machinery as on a real site.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

if os.environ.get("SITES") == "1":
    # The sites framework, as a site that uses it installs it: its
    # migration makes django_site with the row of SITE_ID 1 (example.com).
    INSTALLED_APPS.append("django.contrib.sites")
    SITE_ID = 1

if os.environ.get("USER_ID") == "uuid":
    # A user model keyed by a UUID (tests/support/django_site/uuidusers).
    INSTALLED_APPS.append("uuidusers")
    AUTH_USER_MODEL = "uuidusers.User"

# Mail stays in memory: site.py reads the links Django's own forms send.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

ROOT_URLCONF = "resetsite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

if os.environ.get("ALLAUTH") == "1":
    # django-allauth as its quickstart installs it: the apps, the account
    # middleware, its authentication backend beside Django's, and its
    # settings left at their defaults (login by username, email
    # verification optional, no login on password reset). Mail stays in
    # memory: site.py reads the reset link allauth sends from there.
    INSTALLED_APPS += ["allauth", "allauth.account"]
    MIDDLEWARE.append("allauth.account.middleware.AccountMiddleware")
    AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "allauth.account.auth_backends.AuthenticationBackend",
    ]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
