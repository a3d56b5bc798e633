"""Form markup: every aria-describedby names an element that exists; «optional» is translated."""

import re
from typing import Any

from tests.factories import SessionFactory


def _dangling_describedby(html: str) -> list[str]:
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    refs = {ref for value in re.findall(r'aria-describedby="([^"]+)"', html) for ref in value.split()}
    return sorted(refs - ids)


def test_registration_form_describedby_and_optional_marker(client: Any, db: Any) -> None:
    session = SessionFactory()
    html = client.get(f"/tours/{session.tour.slug}/").content.decode()
    assert 'aria-describedby="' in html
    assert _dangling_describedby(html) == []
    assert "(необязательно)" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/tours/{session.tour.slug}/").content.decode()
    assert "(optional)" in english and "необязательно" not in english
    assert _dangling_describedby(english) == []


def test_login_form_describedby(client: Any, db: Any) -> None:
    assert _dangling_describedby(client.get("/accounts/login/").content.decode()) == []
