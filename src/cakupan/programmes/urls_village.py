"""urls_village URLs, included by cakupan.programmes.urls."""

urlpatterns: list = []
