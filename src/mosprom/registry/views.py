from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Organisation, Production, Site


def site_list(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/site_list.html", {"sites": Site.objects.all()})


def site_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "registry/site_detail.html", {"site": get_object_or_404(Site, slug=slug)})


def organisation_list(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/organisation_list.html", {"organisations": Organisation.objects.all()})


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    org = get_object_or_404(Organisation, slug=slug)
    return render(request, "registry/organisation_detail.html", {"organisation": org})


def production_list(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/production_list.html", {"productions": Production.objects.all()})


def site_map(request: HttpRequest) -> HttpResponse:
    return render(request, "registry/map.html", {"sites": Site.objects.all()})
