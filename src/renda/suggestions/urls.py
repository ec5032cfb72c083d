from django.urls import path

from . import views

app_name = "suggestions"

urlpatterns = [
    # deputy
    path("my/", views.my_list, name="my"),
    path("new/", views.edit, name="new"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<str:verb>/", views.act, name="act"),
    # staff
    path("", views.staff_list, name="list"),
    path("review/", views.review_queue, name="review"),
    path("bulk-assign/", views.bulk_assign, name="bulk_assign"),
    path("requests/", views.requests_queue, name="requests"),
    path("requests/<str:kind>/<int:pk>/", views.decide_request, name="decide_request"),
    # unit
    path("inbox/", views.inbox, name="inbox"),
    path("assignments/<int:pk>/", views.assignment, name="assignment"),
    path("assignments/<int:pk>/<str:verb>/", views.assignment_act, name="assignment_act"),
    path("commitments/", views.ledger, name="ledger"),
    path("commitments/<int:pk>/", views.commitment_update, name="commitment_update"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
