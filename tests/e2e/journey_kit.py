"""Helpers of the role journeys (tests/e2e/test_journeys_roles.py): one browser context per person at one viewport,
numbered full-page screenshots under var/screenshots/journeys/<role>-<width>/, and the checks every step shares."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from mosprom.tours import services as tour_services
from mosprom.tours import tickets
from mosprom.tours.models import Registration, Session

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots" / "journeys"

# phone and desktop, as the issue asks
VIEWPORTS = [pytest.param((390, 844), id="390"), pytest.param((1280, 800), id="1280")]


class Journey:
    """A role's way through the site at one viewport: people (browser contexts) and the numbered screenshots."""

    def __init__(self, browser: Any, base_url: str, role: str, viewport: tuple[int, int]) -> None:
        self.browser = browser
        self.base_url = base_url
        self.width, self.height = viewport
        self.folder = SCREENSHOTS / f"{role}-{self.width}"
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.step = 0
        self.contexts: list[Any] = []

    def person(self) -> Any:
        """A new person: a browser context of their own (cookies, session) at the journey's viewport."""
        context = self.browser.new_context(
            base_url=self.base_url,
            locale="ru-RU",
            viewport={"width": self.width, "height": self.height},
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        return context.new_page()

    def shot(self, page: Any, name: str, *, sideways_ok: bool = False, full_page: bool = True) -> Path:
        """Save the next numbered screenshot; a page of ours must not scroll sideways (the back-office and the API
        docs are third-party layouts: `sideways_ok`). `full_page=False`: the first screen only (a very long page)."""
        self.step += 1
        path = self.folder / f"{self.step:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        if not sideways_ok:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= self.width + 2, f"{name}: the page scrolls sideways at {self.width}px ({width}px)"
        return path

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def login(page: Any, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    # wherever the login leads (the cabinet, the back-office), it is not the login page again
    page.wait_for_url(lambda url: "/accounts/login/" not in url and "/accounts/welcome/" not in url)


def confirmed_registration(session: Session) -> Registration:
    """Пётр Посетитель's confirmed registration of three for `session`, made through the services the visitor's
    pages use (the visitor's own journey drives those pages): for the host's and the check-in's pages."""
    outcome = tour_services.registration_create(
        session_id=session.pk,
        name="Пётр Посетитель",
        email="petr@example.com",
        phone="+74951234567",
        party_size=3,
        consent=True,
    )
    return tour_services.registration_confirm(signed=tickets.sign_for("confirm", outcome.registration))


def open_mail(page: Any, *, to: str, subject: str) -> str:
    """Open the newest e-mail to `to` whose subject contains `subject` in the demo mailbox; return its text."""
    page.goto(f"/dev/mailbox/?to={to}")
    mailbox = page.get_by_test_id("mailbox")
    assert subject in mailbox.inner_text(), mailbox.inner_text()
    mailbox.get_by_role("link", name=re.compile(re.escape(subject))).first.click()
    page.wait_for_selector("[data-testid=mail-body]")
    return str(page.get_by_test_id("mail-body").inner_text())


def download(page: Any, click: Any, folder: Path) -> tuple[str, bytes]:
    """Click what starts a download; return its suggested file name and bytes."""
    with page.expect_download() as info:
        click()
    file = info.value
    path = folder / file.suggested_filename
    file.save_as(path)
    return file.suggested_filename, path.read_bytes()


def csv_rows(content: bytes) -> list[list[str]]:
    """The rows of a CSV download (UTF-8 with a BOM; comma or semicolon)."""
    text = content.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;")
    return list(csv.reader(io.StringIO(text), dialect))


def figure(text: str) -> int:
    """An integer as the Russian pages print it («1 234» with a thin or non-breaking space)."""
    digits = re.sub(r"[\s\u2009\u202f\u00a0]", "", text)
    return int(digits)
