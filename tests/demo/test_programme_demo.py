"""The demo reproduces the programme's own figures (open-mosprom-2026.txt): more than 150 hosts, ten of them new
in 2025, about 4,000 visitors in 2025 — and the dashboard shows them."""

from typing import Any

import pytest

from mosprom.demo import programme, registry, tours
from mosprom.tours.models import Tour
from mosprom.tours.selectors import programme_kpis

pytestmark = pytest.mark.django_db


def test_the_programme_has_the_releases_size_once_and_on_the_dashboard(client: Any) -> None:
    registry.load()
    tours.load()
    programme.load()
    kpis = programme_kpis()
    assert kpis["host_companies"] > 150
    assert kpis["new_hosts_per_year"][2025] == 10
    assert 3_800 <= kpis["visitors_per_year"][2025] <= 4_200  # «порядка 4 тысяч человек»
    synthetic = Tour.objects.filter(host__slug__startswith=programme.SLUG_PREFIX).select_related("host")
    assert synthetic.count() == 152 - (len(tours.REAL_HOSTS) + len(tours.SYNTHETIC_HOSTS))
    assert all(t.host.is_demo and "(демо)" in t.host.full_name for t in synthetic)

    before = (Tour.objects.count(), kpis["visitors_per_year"][2025])
    tours.load()
    programme.load()  # idempotent
    assert (Tour.objects.count(), programme_kpis()["visitors_per_year"][2025]) == before

    html = client.get("/analytics/", {"year": 2025, "section": "tourism"}).content.decode()
    assert f"В 2025 году на предприятиях побывали {before[1]:,} посетителей.".replace(",", "\u202f") in html
