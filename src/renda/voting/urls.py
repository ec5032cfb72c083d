from django.urls import path

from . import views

app_name = "voting"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.round_page, name="round"),
    path("<int:pk>/do/<slug:action>/", views.round_action, name="action"),
    path("<int:pk>/candidates/add/", views.candidate_add, name="candidate_add"),
    path("candidate/<int:pk>/remove/", views.candidate_remove, name="candidate_remove"),
    path("proposal/<int:pk>/screen/", views.screen, name="screen"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/rate/", views.rate, name="rate"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/hall/", views.hall, name="hall"),
    path("<int:pk>/tally.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/candidates.pdf", views.candidates_pdf, name="candidates_pdf"),
    path("<int:pk>/paper/", views.paper, name="paper"),
    path("project/<int:pk>/", views.project, name="project"),
]
