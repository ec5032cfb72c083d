from django.urls import include, path

from renda.api.api import api
from renda.core import views as core_views

urlpatterns = [
    # The API first: URLs are matched in order, and the two includes at "" below are
    # walked in full by every URL they do not hold.
    path("api/v1/", api.urls),
    path("", include("renda.core.urls")),
    path("deputies/", include("renda.deputies.urls")),
    path("suggestions/", include("renda.suggestions.urls")),
    path("figures/suggestions/", include("renda.suggestions.urls_figures")),
    path("public/suggestions/", include("renda.suggestions.urls_public")),
    path("documents/suggestions/", include("renda.suggestions.urls_documents")),
    path("settings/suggestions/", include("renda.suggestions.urls_settings")),
    path("archive/", include("renda.archive.urls")),
    path("assist/", include("renda.assist.urls")),
    path("stations/", include("renda.stations.urls")),
    path("", include("renda.stations.urls_public")),  # /s/<id>/, /d/<id>/, /track/, /find/
    path("voting/", include("renda.voting.urls")),
    path("public/voting/", include("renda.voting.urls_public")),
    path("healthz", core_views.healthz, name="healthz"),
]

handler403 = "renda.core.views.error_403"
handler404 = "renda.core.views.error_404"
