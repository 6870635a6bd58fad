"""Routes of the open data: pages under /open/, bulk downloads under /data/, the JSON API under /api/v1/."""

from django.urls import path, re_path

from . import views
from .api import api, not_found_json

app_name = "opendata"

urlpatterns = [
    path("open/", views.open_home, name="home"),
    path("open/search/", views.search_page, name="search"),
    path("open/<int:year>/", views.overview, name="overview"),
    path("open/<int:year>/<str:table>.csv", views.overview_csv, name="overview_csv"),
    path("open/departments/<str:code>/", views.department, name="department"),
    path("open/departments/<str:code>/<str:table>.csv", views.department_csv, name="department_csv"),
    path("data/<int:year>/", views.data_index, name="data_index"),
    path("data/<int:year>/figures.csv", views.data_csv, name="data_csv"),
    path("data/<int:year>/figures.xlsx", views.data_xlsx, name="data_xlsx"),
    path("data/<int:year>/datapackage.json", views.data_package, name="data_package"),
    path("api/v1/docs/", views.api_docs, name="api_docs"),
]

#: Included at the root without the app namespace: ninja names its routes in its own namespace "api_v1".
api_urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>.*)$", not_found_json, name="api_v1_not_found"),
]
