"""The app's routes plus /bench/trivial/: a view that returns two bytes through the same middleware
and the same gunicorn workers as the public pages — the floor they are measured against."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), *app_urlpatterns]
