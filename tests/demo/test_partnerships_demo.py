"""The synthetic road-map projects sit where their names say («Офисный центр в Зеленограде» on the Зеленоград
site, never at Печатники); a project named after a place outside the SEZ has no SEZ site."""

import pytest

from mosprom.demo import partnerships as demo
from mosprom.partnerships.models import Project

pytestmark = pytest.mark.django_db


def test_every_synthetic_project_sits_where_its_name_says() -> None:
    demo.load()
    projects = list(Project.objects.filter(code__startswith="DEMO-").select_related("site"))
    assert len(projects) == demo.SYNTHETIC_PROJECTS
    named_sites = {place: slug for place, slug in demo.PLACES}
    on_site = 0
    for project in projects:
        [place] = [p for p in named_sites if f" {p} № " in project.title]
        expected = named_sites[place]
        assert (project.site.slug if project.site else None) == expected, (project.title, project.site)
        on_site += expected is not None
    assert 0 < on_site < len(projects)
    zelenograd = [p for p in projects if "в Зеленограде" in p.title]
    assert zelenograd and all(p.site and p.site.name == "Зеленоград" for p in zelenograd)


def test_a_demo_loaded_before_the_fix_is_put_right() -> None:
    demo.load()
    wrong = Project.objects.filter(code__startswith="DEMO-", title__contains="в Зеленограде").first()
    assert wrong is not None
    pechatniki = Project.objects.filter(site__slug="pechatniki").values_list("site", flat=True).first()
    Project.objects.filter(pk=wrong.pk).update(site_id=pechatniki)
    demo.load()
    wrong.refresh_from_db()
    assert wrong.site is not None and wrong.site.slug == "zelenograd"
