"""URLs of the award app, mounted by cakupan.urls."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
