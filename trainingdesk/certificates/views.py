from django.http import HttpRequest, HttpResponse


def verify_form(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def verify(request: HttpRequest, code: str) -> HttpResponse:
    return HttpResponse("")
