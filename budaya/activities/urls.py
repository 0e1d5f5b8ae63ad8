from django.urls import path

from budaya.activities import views

app_name = "activities"
urlpatterns = [
    # Evidence files: served only after a scope check (docs/evidence.md).
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/thumbnail/", views.evidence_thumbnail, name="evidence_thumbnail"),
]
