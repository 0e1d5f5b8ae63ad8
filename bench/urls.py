"""The application's URLs and `/bench/hello`: a view that does nothing, served by the same
processes through the same middleware, whose throughput is the ceiling the pages are compared to."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"hello", content_type="text/plain")


urlpatterns = [
    path("bench/hello", hello),
    path("", include("budaya.urls")),
]
