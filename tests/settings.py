"""Settings for the test suite: the project's settings with fast hashing and inline tasks."""

import os

os.environ["RENDA_TESTING"] = "true"

from renda.settings import *  # noqa: F403
