"""URLs of the programmes app under /program/: the village side and the regional side."""

from django.urls import include, path

urlpatterns = [
    path("", include("cakupan.programmes.urls_village")),
    path("", include("cakupan.programmes.urls_region")),
]
