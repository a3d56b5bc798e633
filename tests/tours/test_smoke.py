from mosprom.tours import selectors

from .conftest import confirm, register


def test_smoke(session, client, mailoutbox):
    r = register(session, party=3)
    assert selectors.seats_left(session) == 7
    r = confirm(r)
    assert r.state == "confirmed"
    assert len(mailoutbox) == 2
    resp = client.get(session.tour.get_absolute_url())
    assert resp.status_code == 200
    resp = client.get("/tours/")
    assert resp.status_code == 200, resp.content
    print(resp.content.decode()[:100])
