"""Development and demo: SQLite by default, debug pages on."""

import os

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret-chibo")
ALLOWED_HOSTS = ["*"]
