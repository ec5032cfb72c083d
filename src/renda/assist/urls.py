from django.urls import path

from . import views

app_name = "assist"

urlpatterns = [
    path("", views.home, name="page"),
    path("retrain/", views.retrain, name="retrain"),
    path("rules/", views.rules, name="rules"),
    path("words/", views.words_add, name="words_add"),
    path("words/<int:pk>/remove/", views.word_remove, name="word_remove"),
    path("topics/", views.topics, name="topics"),
    path("route/<int:pk>/", views.route_panel, name="route_panel"),
    path("similar/<int:pk>/", views.similar_panel, name="similar_panel"),
    path("draft/", views.draft_panel, name="draft_panel"),
]
