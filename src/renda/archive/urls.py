from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    # deputy
    path("", views.mine, name="mine"),
    path("report/", views.report_new, name="report_new"),
    path("checkin/", views.checkin, name="checkin"),
    path("speech/", views.report_draft, name="report_draft"),
    path("speech.pdf", views.report_pdf, name="report_pdf"),
    path("cards/<int:deputy_id>.pdf", views.card, name="card"),
    # staff
    path("deputies/<int:deputy_id>/", views.deputy_archive, name="deputy"),
    path("activities/", views.activities, name="activities"),
    path("activities/new/", views.activity_new, name="activity_new"),
    path("activities/<int:pk>/", views.activity, name="activity"),
    path("activities/<int:pk>/qr.png", views.activity_qr, name="activity_qr"),
    path("activities/<int:pk>/<str:verb>/", views.activity_act, name="activity_act"),
    path("verify/", views.verify_queue, name="verify"),
    path("verify/<int:pk>/", views.verify_act, name="verify_act"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("rules/", views.rules, name="rules"),
    path("table/", views.table, name="table"),
    path("figures/", views.figures_view, name="figures"),
]
