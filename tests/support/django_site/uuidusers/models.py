"""A custom user model keyed by a UUID, as many Django sites start with
(`AUTH_USER_MODEL`, under USER_ID=uuid). Its table keeps Django's name so
the tests' config and stored.py read it as they read auth_user; the key's
type is what differs: char(32) on SQLite and on MySQL/MariaDB without a
uuid type, uuid on PostgreSQL and MariaDB 10.7+."""

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        db_table = "auth_user"
