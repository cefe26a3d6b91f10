from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import api

app_name = "api"

router = SimpleRouter()
router.register("units", api.UnitViewSet, basename="unit")
router.register("members", api.MemberViewSet, basename="member")

urlpatterns = [
    path("", include(router.urls)),
    path("years/<int:year>/units/<int:pk>/results/", api.ResultList.as_view(), name="results"),
    path(
        "years/<int:year>/units/<int:pk>/unit-results/",
        api.UnitResultList.as_view(),
        name="unit_results",
    ),
    path("years/<int:year>/units/<int:pk>/summary/", api.SummaryView.as_view(), name="summary"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
