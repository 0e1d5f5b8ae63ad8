from django.urls import path

from budaya.competitions import views

app_name = "competitions"
urlpatterns = [
    path("", views.mine, name="mine"),
    # Public: what a certificate's QR code opens.
    path("verify/<str:token>/", views.verify, name="verify"),
    path("<slug:slug>/", views.competition_list, name="list"),
    path("<slug:slug>/new/", views.competition_create, name="create"),
    path("<slug:slug>/gallery/", views.gallery, name="gallery"),
    path("<slug:slug>/<int:pk>/", views.competition_detail, name="detail"),
    path("<slug:slug>/<int:pk>/edit/", views.competition_edit, name="edit"),
    path("<slug:slug>/<int:pk>/rubric/", views.rubric, name="rubric"),
    path(
        "<slug:slug>/<int:pk>/rubric/<int:criterion>/delete/",
        views.criterion_delete,
        name="criterion_delete",
    ),
    path("<slug:slug>/<int:pk>/jury/", views.jury, name="jury"),
    path("<slug:slug>/<int:pk>/enter/", views.entry_create, name="entry_create"),
    path("<slug:slug>/<int:pk>/ranking/", views.ranking, name="ranking"),
    path("<slug:slug>/<int:pk>/publish/", views.publish, name="publish"),
    path("<slug:slug>/<int:pk>/results/", views.results, name="results"),
    path("<slug:slug>/entries/<int:pk>/", views.entry_detail, name="entry"),
    path("<slug:slug>/entries/<int:pk>/score/", views.score, name="score"),
    path("<slug:slug>/entries/<int:pk>/<str:to>/", views.entry_move, name="entry_move"),
    path(
        "<slug:slug>/awards/<int:pk>/certificate.pdf",
        views.certificate_pdf,
        name="certificate",
    ),
]
