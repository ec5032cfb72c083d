"""The WSGI application for Gunicorn (docs/operations.md).

The URLconf, and with it every view module, is imported here, while the worker boots,
instead of lazily by the first request each worker serves: the imports take seconds
(scikit-learn for assist), and the requests that arrived first would wait for them."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renda.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 -- imports the URLconf and the views now

# Everything imported so far lives as long as the process. With --preload the workers are
# forked from this process: frozen objects are left out of the workers' garbage
# collections, which would otherwise walk (and, by touching them, copy) the whole
# application on every full collection.
gc.collect()
gc.freeze()
