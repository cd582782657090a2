"""Settings for `make typecheck` only: django-stubs' mypy plugin imports the settings (django.setup())
to learn the installed apps and models, but connects to nothing. base.py refuses to load without
DATABASE_URL / REDIS_URL, so a clean clone with no services running gets placeholders here (a value
already in the environment is kept). Never used to serve or test."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://typecheck@localhost:5432/typecheck")
os.environ.setdefault("REDIS_URL", "redis://localhost:6379/0")

from .test import *  # noqa: E402,F401,F403
