"""Development settings as served, minus DEBUG (which records every query and slows every page),
pointed at the bench database `run.py` names in BENCH_DATABASE_NAME."""

import os

from concierge.settings.local import *  # noqa: F401,F403
from concierge.settings.local import DATABASES

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
if os.environ.get("BENCH_DATABASE_NAME"):
    DATABASES["default"] = {**DATABASES["default"], "NAME": os.environ["BENCH_DATABASE_NAME"]}
