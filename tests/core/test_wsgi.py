"""The WSGI module is what Gunicorn imports once before forking (``--preload``): it must
load the whole application, URLconf included, must not open a database connection that
the workers would then share, and leaves what it loaded out of the workers' garbage
collections (a full collection walked it all: about 150 ms on the benchmark machine)."""

import os
import subprocess
import sys

CHECK = """
import sys
import renda.wsgi
from django.db import connections
print("urls" if "renda.urls" in sys.modules and "renda.voting.views" in sys.modules else "lazy")
print("open" if any(connections[a].connection is not None for a in connections) else "closed")
import gc
print("frozen" if gc.get_freeze_count() > 100_000 else "unfrozen")
"""


def test_wsgi_loads_urlconf_without_opening_the_database(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "renda.settings", "SECRET_KEY": "w" * 50,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'never.sqlite3'}",
           "RENDA_DATA_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout.split()
    assert out == ["urls", "closed", "frozen"]
    assert not (tmp_path / "never.sqlite3").exists()
