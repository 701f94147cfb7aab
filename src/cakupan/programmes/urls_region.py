"""URLs of the regional screens of sponsored protection, included under /program/."""

from django.urls import path

from cakupan.programmes import views_region

urlpatterns = [
    path("", views_region.overview, name="programmes_overview"),
    path("peta.geojson", views_region.village_map, name="programmes_map"),
    path("sponsor/", views_region.sponsor, name="programmes_sponsor"),
    path("staf/", views_region.staff, name="programmes_staff"),
    path("simulasi/", views_region.simulator, name="programmes_simulator"),
]
