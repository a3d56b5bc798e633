"""Screenshots for README.md and docs/user-guide.ru.md, taken from the demo in headless Chromium.

It starts nothing itself: run the demo first (`make run`, or any server with the demo data loaded), then

    .venv/bin/python scripts/screenshots.py [--base-url http://127.0.0.1:8000] [--out docs/img] [NAME ...]

Each shot is a page at phone (390 px) and/or desktop (1280 px) width, as a visitor, a host, a company
representative or an operator of the demo (the logins `make run` prints). The pages are found by following links,
as a person would, so the script needs no database access. PNGs are reduced to a 256-colour palette with
`pngquant` when it is installed (apt-get install pngquant; they stay sharp: the pages are flat colours and text),
which keeps each under about 150 KB. Names given on the command line take only those shots.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("MOSPROM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SIZES = {390: (390, 844), 1280: (1280, 800)}
LOGINS = {
    "operator": ("operator", "operator-demo-2026"),
    "host": ("host-nck", "host-demo-2026"),
    "company": ("company-question@demo.mosprom.example", "company-demo-2026"),
}


@dataclass
class Shot:
    name: str
    go: Callable[[Any], None]  # opens the page (and scrolls to what the shot is about)
    widths: tuple[int, ...] = (1280, 390)
    who: str = ""  # a key of LOGINS, or "" for an anonymous visitor
    full_page: bool = False
    hide: list[str] = field(default_factory=list)  # CSS selectors hidden in the shot (e.g. a long footer)


def top(page: Any, selector: str) -> None:
    """Scroll so that the first element matching `selector` is at the top of the window."""
    page.locator(selector).first.evaluate("element => element.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(150)


def visit(path: str, anchor: str | None = None) -> Callable[[Any], None]:
    def go(page: Any) -> None:
        page.goto(path)
        if anchor:
            top(page, anchor)

    return go


def follow(path: str, link: str, anchor: str | None = None) -> Callable[[Any], None]:
    """Open `path`, then the first link matching the CSS selector `link`."""

    def go(page: Any) -> None:
        page.goto(path)
        page.locator(link).first.click()
        page.wait_for_load_state()
        if anchor:
            top(page, anchor)

    return go


def tour_with_form(page: Any) -> None:
    page.goto("/tours/")
    page.locator('[data-testid="tour-card"] h3 a').first.click()
    page.wait_for_load_state()
    top(page, "#register")


def registration_errors(page: Any) -> None:
    """A registration sent with a wrong phone: the error summary at the top links to the field."""
    tour_with_form(page)
    form = page.locator("#register form")
    form.locator('input[name="session"]').first.check()
    form.locator('input[name="name"]').fill("Анна Петрова")
    form.locator('input[name="email"]').fill("anna@example.com")
    form.locator('input[name="phone"]').fill("12345")
    form.locator('input[name="consent"]').check()
    form.locator('button[type="submit"]').first.click()
    page.wait_for_load_state()
    top(page, "#register")


def chart_hover(page: Any) -> None:
    """The dashboard's stacked chart with the pointer on a segment: its value shows (analytics.css)."""
    page.goto("/analytics/")
    top(page, "#production-shares")
    page.locator("#production-shares g.mark").nth(1).hover()
    page.wait_for_timeout(200)


def host_session(page: Any) -> None:
    page.goto("/tours/cabinet/")
    page.locator('[data-testid="upcoming"] a').first.click()
    page.wait_for_load_state()


def company_cabinet(page: Any) -> None:
    page.goto("/companies/")
    if page.locator(".org-list a").count():
        page.locator(".org-list a").first.click()
        page.wait_for_load_state()


def company_application(page: Any) -> None:
    """The application the operator asked a question about: the question and the answer form."""
    company_cabinet(page)
    page.locator('[data-testid="applications"] table a').first.click()
    page.wait_for_load_state()


SHOTS = [
    # the README and the visitor's part of the guide
    Shot("home", visit("/")),
    Shot("catalogue", visit("/tours/")),
    Shot("tour-register", tour_with_form, widths=(390,)),
    Shot("register-errors", registration_errors, widths=(390,)),
    Shot("mailbox", visit("/dev/mailbox/"), widths=(1280,)),
    # hosts
    Shot("host-cabinet", visit("/tours/cabinet/"), who="host"),
    Shot("host-session", host_session, widths=(1280,), who="host"),
    Shot("host-checkin", visit("/tours/cabinet/check-in/"), widths=(390,), who="host"),
    # company representatives
    Shot("company-cabinet", company_cabinet, who="company"),
    Shot("company-application", company_application, widths=(1280,), who="company"),
    # operators
    Shot("operator-queue", visit("/companies/operator/"), widths=(1280,), who="operator"),
    Shot("intake-list", visit("/intake/"), widths=(1280,), who="operator"),
    Shot(
        "intake-release",
        follow("/intake/", '[data-testid="release-table"] a', "#facts"),
        widths=(1280,),
        who="operator",
    ),
    Shot("dashboard", visit("/analytics/"), who="operator"),
    Shot("dashboard-chart", visit("/analytics/?section=industry", ".kpi-section"), widths=(1280,)),
    Shot("dashboard-hover", chart_hover, widths=(1280,)),
    Shot("roadmap", follow("/partnerships/", ".roadmap-links a", "#timeline"), widths=(1280,), who="operator"),
    Shot("back-office", visit("/admin/"), widths=(1280,), who="operator"),
]


def log_in(page: Any, who: str) -> None:
    username, password = LOGINS[who]
    page.goto("/accounts/login/")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', password)
    page.locator('main button[type="submit"]').first.click()
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        sys.exit(f"could not log in as {username}: is the demo loaded (make run)?")


def optimise(path: Path) -> None:
    """A 256-colour palette PNG (pngquant, Debian's `pngquant` package): the same look for flat UI colours and
    text at a third of the size or less. Without pngquant the PNG stays as Chromium wrote it."""
    pngquant = shutil.which("pngquant")
    if pngquant is None:
        return
    subprocess.run(
        [pngquant, "--force", "--skip-if-larger", "--strip", "--quality=70-95", "--output", str(path), str(path)],
        check=False,  # 98/99: the palette would not look good enough or would not be smaller; keep the original
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default=str(ROOT / "docs" / "img"))
    parser.add_argument("names", nargs="*", help="take only these shots")
    options = parser.parse_args()
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    shots = [s for s in SHOTS if not options.names or s.name in options.names]
    if not shots:
        sys.exit(f"no such shot; known: {', '.join(s.name for s in SHOTS)}")

    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for shot in shots:
            for width in shot.widths:
                w, h = SIZES[width]
                context = browser.new_context(
                    base_url=options.base_url,
                    locale="ru-RU",
                    viewport={"width": w, "height": h},
                    bypass_csp=True,  # lets `hide` add its style tag
                )
                context.set_default_timeout(20_000)
                page = context.new_page()
                if shot.who:
                    log_in(page, shot.who)
                shot.go(page)
                for selector in shot.hide:
                    page.add_style_tag(content=f"{selector} {{ display: none !important; }}")
                target = out / f"{shot.name}-{width}.png"
                page.screenshot(path=str(target), full_page=shot.full_page)
                optimise(target)
                print(
                    f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: "
                    f"{target.stat().st_size // 1024} KB"
                )
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
