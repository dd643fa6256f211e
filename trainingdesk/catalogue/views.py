from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "catalogue/index.html", {})


def training_map(request: HttpRequest) -> HttpResponse:
    return render(request, "catalogue/training_map.html", {})


def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    return render(request, "catalogue/run.html", {})


def level_detail(request: HttpRequest, programme: str, level: str) -> HttpResponse:
    return render(request, "catalogue/level.html", {})
