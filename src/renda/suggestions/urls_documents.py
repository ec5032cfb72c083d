from django.urls import path

from . import views_documents

app_name = "suggestion_documents"

urlpatterns = [
    path("<int:pk>.pdf", views_documents.suggestion_pdf_view, name="pdf"),
]
