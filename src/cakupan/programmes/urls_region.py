"""urls_region URLs, included by cakupan.programmes.urls."""

urlpatterns: list = []
