from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from budaya.frameworks.models import FrameworkVersion, ValueFramework


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    frameworks = ValueFramework.objects.prefetch_related("versions__legal_basis")
    return render(request, "frameworks/framework_list.html", {"frameworks": frameworks})


@login_required
def framework_detail(request: HttpRequest, slug: str) -> HttpResponse:
    framework = get_object_or_404(ValueFramework, slug=slug)
    latest = framework.versions.order_by("-number").first()
    if latest is None:
        return render(request, "frameworks/framework_list.html", {"frameworks": [framework]})
    return redirect(latest)


@login_required
def version_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    version = get_object_or_404(
        FrameworkVersion.objects.select_related("framework", "legal_basis"),
        framework__slug=slug,
        number=number,
    )
    values = version.values.prefetch_related("guides", "manifestations")
    return render(request, "frameworks/version_detail.html", {"version": version, "values": values})
