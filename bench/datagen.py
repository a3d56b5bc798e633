"""Deterministic synthetic data at city scale for the benchmarks, loaded fast, flagged synthetic, removable.

    .venv/bin/python bench/datagen.py [--scale 1] [--seed 2026]   # load (refuses if synthetic data is there)
    .venv/bin/python bench/datagen.py --remove                     # delete every synthetic row
    .venv/bin/python bench/datagen.py --replace --scale 0.1        # remove, then load

Uses DATABASE_URL (or a temporary PostgreSQL started with scripts/pg-temp.sh when it is unset; --sqlite for a
temporary SQLite file). Scale 1 = 2,000 organisations, 20,000 productions, 10,000 tours, 100,000 sessions,
1,000,000 registrations and 1,000 road-map projects (plus industries, sites, residencies, agreements,
milestones, duties and feedback around them). The same scale and seed always give the same rows.

Loading: COPY (psycopg 3 `cursor.copy`) on PostgreSQL, `bulk_create` in batches on SQLite, with explicit ids
reserved above the current maximum (sequences are moved past them afterwards).

Flagged synthetic: every organisation, site, production, tour, agreement and project has `is_demo=True` and a
slug (or code) starting with `synth-`/`SYN-`; industries' slugs start with `synth-`; sessions, registrations,
feedback, milestones and duties belong to those rows; visitors' e-mails end in `@synthetic.invalid`.
`--remove` deletes exactly those rows (and registrations/outbox rows the benchmarks added to synthetic sessions).
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common

BASE = {
    "organisations": 2000,
    "productions": 20_000,
    "tours": 10_000,
    "sessions": 100_000,
    "registrations": 1_000_000,
    "projects": 1000,
}
PREFIX = "synth-"
CODE_PREFIX = "SYN-"
EMAIL_DOMAIN = "synthetic.invalid"
WORDS = ["Техно", "Микрон", "Фарм", "Авто", "Кабель", "Хлеб", "Шоколад", "Станко", "Робот", "Нано", "Ёлка", "Оптика"]
KINDS = ["завод", "фабрика", "комбинат", "лаборатория", "технопарк"]
TICKET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BATCH = 5000


def counts_for(scale: float) -> dict[str, int]:
    return {name: max(1, round(n * scale)) for name, n in BASE.items()}


def _ticket(i: int) -> str:
    """A unique 10-character ticket code for synthetic registration i ('S' then i in base 31)."""
    digits = []
    for _ in range(9):
        i, r = divmod(i, len(TICKET_ALPHABET))
        digits.append(TICKET_ALPHABET[r])
    return "S" + "".join(reversed(digits))


# --- writing ----------------------------------------------------------------------------------------------------


class Writer:
    """Writes rows (dicts of column attnames, ids included) by COPY on PostgreSQL, bulk_create on SQLite."""

    def __init__(self, progress: Any = None) -> None:
        from django.db import connection

        self.connection = connection
        self.progress = progress
        self.written: dict[str, int] = {}

    def next_id(self, model: Any) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
            return int(cursor.fetchone()[0]) + 1

    def write(self, model: Any, rows: Iterable[dict[str, Any]]) -> int:
        rows = _with_defaults(model, rows)
        n = self._copy(model, rows) if self.connection.vendor == "postgresql" else self._bulk(model, rows)
        self.written[model._meta.label] = self.written.get(model._meta.label, 0) + n
        return n

    def _tick(self, n: int) -> None:
        if self.progress is not None:
            self.progress.update(n)

    def _copy(self, model: Any, rows: Iterable[dict[str, Any]]) -> int:
        iterator = iter(rows)
        first = next(iterator, None)
        if first is None:
            return 0
        columns = list(first)
        db_columns = [model._meta.get_field(c).column if c != "id" else "id" for c in columns]
        table = model._meta.db_table
        n = 0
        with self.connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            quoted = ", ".join(self.connection.ops.quote_name(c) for c in db_columns)
            with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in _chain(first, iterator):
                    copy.write_row([row[c] for c in columns])
                    n += 1
                    if n % BATCH == 0:
                        self._tick(BATCH)
            self._tick(n % BATCH)
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT MAX(id) FROM " + table + "))",
                [table],
            )
        return n

    def _bulk(self, model: Any, rows: Iterable[dict[str, Any]]) -> int:
        n = 0
        batch: list[Any] = []
        with _keep_timestamps(model):
            for row in rows:
                batch.append(model(**row))
                if len(batch) >= BATCH:
                    model.objects.bulk_create(batch)
                    n += len(batch)
                    self._tick(len(batch))
                    batch = []
            if batch:
                model.objects.bulk_create(batch)
                n += len(batch)
                self._tick(len(batch))
        return n


def _with_defaults(model: Any, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Fill the columns a row does not name with the field's default (a field added to a model later still
    loads: COPY, unlike the ORM, would send NULL)."""
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return
    missing = [
        f
        for f in model._meta.concrete_fields
        if f.attname not in first and not f.primary_key and (f.has_default() or not f.null)
    ]
    defaults = {f.attname: f.get_default() for f in missing}
    for row in _chain(first, iterator):
        yield {**row, **defaults} if defaults else row


def _chain(first: dict[str, Any], rest: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield first
    yield from rest


@contextlib.contextmanager
def _keep_timestamps(model: Any) -> Iterator[None]:
    """bulk_create would overwrite created_at/updated_at (auto_now*): keep the generated ones while loading."""
    saved = []
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            saved.append((field, field.auto_now, field.auto_now_add))
            field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


# --- the data set -------------------------------------------------------------------------------------------------


def exists() -> bool:
    from mosprom.registry.models import Organisation

    return Organisation.objects.filter(is_demo=True, slug__startswith=PREFIX).exists()


def generate(scale: float = 1.0, *, seed: int = 2026, progress: bool | None = None) -> dict[str, int]:
    """Load the synthetic data set; returns rows written per model. The clock is fixed by `seed`, not by today,
    except that sessions are placed around the current date (so the catalogue has upcoming sessions)."""
    from django.db import transaction
    from tqdm import tqdm

    from mosprom.analytics.cache import bump_data_version
    from mosprom.core.text import fold_all
    from mosprom.demo.formats import formats_ensure
    from mosprom.partnerships.models import Agreement, AgreementParty, Duty, Milestone, Project
    from mosprom.registry.models import District, Industry, Organisation, Production, Residency, Site
    from mosprom.tours.models import Feedback, Registration, Session, Tour

    n = counts_for(scale)
    rng = random.Random(seed)
    total = (
        n["organisations"] * 2
        + n["productions"]
        + n["tours"]
        + n["sessions"]
        + n["registrations"] * 11 // 10
        + n["projects"] * 7
        + 100
    )
    bar = tqdm(
        total=total,
        unit="rows",
        unit_scale=True,
        desc="synthetic data",
        disable=not sys.stderr.isatty() if progress is None else not progress,
    )
    w = Writer(bar)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    stamp = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    formats = [f.pk for f in formats_ensure()]
    districts = [d for d, _label in District.choices]

    with transaction.atomic():
        # Industries and the site tree.
        ind0 = w.next_id(Industry)
        industries = list(range(ind0, ind0 + 24))
        w.write(
            Industry,
            (
                {"id": pk, "name": f"Синтетическая отрасль {k}", "name_en": "", "slug": f"{PREFIX}industry-{k}"}
                for k, pk in enumerate(industries)
            ),
        )
        site0 = w.next_id(Site)
        roots = list(range(site0, site0 + 8))
        children = list(range(site0 + 8, site0 + 40))

        def site_row(pk: int, k: int, parent: int | None) -> dict[str, Any]:
            name = f"Синтетическая {'ОЭЗ' if parent is None else 'площадка'} {k}"
            kind = Site.Kind.SEZ if parent is None else Site.Kind.SEZ_SITE
            return {
                "id": pk,
                "name": name,
                "slug": f"{PREFIX}site-{k}",
                "kind": kind,
                "parent_id": parent,
                "district": districts[k % len(districts)],
                "address": f"Москва, синтетическая ул., {k}",
                "latitude": None,
                "longitude": None,
                "description": "",
                "website": "",
                "is_demo": True,
                "search_text": fold_all([name, "", f"Москва, синтетическая ул., {k}"]),
                "created_at": stamp,
                "updated_at": stamp,
            }

        w.write(Site, (site_row(pk, k, None) for k, pk in enumerate(roots)))
        w.write(Site, (site_row(pk, 8 + k, roots[k % 8]) for k, pk in enumerate(children)))
        sites = roots + children

        # Organisations: 1% state corporations heading 20% of the companies.
        org0 = w.next_id(Organisation)
        n_corps = max(1, n["organisations"] // 100)
        orgs = list(range(org0, org0 + n["organisations"]))
        corps = orgs[:n_corps]

        def org_row(k: int, pk: int) -> dict[str, Any]:
            corp = k < n_corps
            short = short_name(k, corp=corp)
            full = f"{'Государственная корпорация' if corp else 'Общество с ограниченной ответственностью'} {short}"
            return {
                "id": pk,
                "kind": Organisation.Kind.STATE_CORPORATION if corp else Organisation.Kind.COMPANY,
                "full_name": full,
                "short_name": short,
                "slug": f"{PREFIX}{'corp' if corp else 'org'}-{k}",
                "name_variants": [],
                "inn": None,
                "ogrn": None,
                "parent_id": None if corp or rng.random() >= 0.2 else rng.choice(corps),
                "website": "",
                "industry_id": industries[k % len(industries)],
                "description": "",
                "employees": rng.randint(1000, 30000) if corp else rng.randint(10, 2000),
                "staff_total": rng.randint(30000, 300000) if corp else None,
                "is_demo": True,
                "search_text": fold_all([short, full]),
                "created_at": stamp,
                "updated_at": stamp,
            }

        w.write(Organisation, (org_row(k, pk) for k, pk in enumerate(orgs)))
        res0 = w.next_id(Residency)
        w.write(
            Residency,
            (
                {
                    "id": res0 + k,
                    "organisation_id": pk,
                    "site_id": children[k % len(children)],
                    "since": date(2010 + k % 15, 1 + k % 12, 1),
                    "until": None,
                    "is_anchor": k % 50 == 0,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
                for k, pk in enumerate(orgs)
            ),
        )

        # Productions.
        prod0 = w.next_id(Production)

        def production_row(k: int) -> dict[str, Any]:
            product = f"{WORDS[k % len(WORDS)]}продукт {k}"
            return {
                "id": prod0 + k,
                "organisation_id": orgs[rng.randrange(len(orgs))],
                "site_id": sites[rng.randrange(len(sites))] if rng.random() < 0.9 else None,
                "product": product,
                "industry_id": industries[rng.randrange(len(industries))],
                "opened_on": date(rng.randint(2010, 2026), rng.randint(1, 12), rng.randint(1, 28)),
                "import_substitution": rng.random() < 0.3,
                "no_domestic_analogue": rng.random() < 0.1,
                "jobs": rng.randint(5, 400),
                "investment": None,
                "description": "",
                "source": "synthetic",
                "is_demo": True,
                "search_text": fold_all([product, ""]),
                "created_at": stamp,
                "updated_at": stamp,
            }

        w.write(Production, (production_row(k) for k in range(n["productions"])))

        # Tours: 90% published.
        tour0 = w.next_id(Tour)
        tours = list(range(tour0, tour0 + n["tours"]))
        host_names = {pk: short_name(k, corp=k < n_corps) for k, pk in enumerate(orgs)}

        def tour_row(k: int, pk: int) -> dict[str, Any]:
            host = orgs[k % len(orgs)]
            title = f"{KINDS[k % len(KINDS)].capitalize()} «{WORDS[(k // 3) % len(WORDS)]} {k}»: как это делают"
            published = k % 10 != 9
            address = f"Москва, синтетический пр., {k}"
            return {
                "id": pk,
                "host_id": host,
                "site_id": sites[k % len(sites)] if k % 10 else None,
                "season_id": None,
                "format_id": formats[k % len(formats)],
                "title": title,
                "slug": f"{PREFIX}tour-{k}",
                "description": "Синтетическая экскурсия для нагрузочных тестов.",
                "address": address,
                "meeting_point": "",
                "online_url": "",
                "duration_minutes": 90,
                "min_age": (0, 7, 12, 14, 18)[k % 5],
                "accessibility": "",
                "what_to_bring": "",
                "state": Tour.State.PUBLISHED if published else Tour.State.DRAFT,
                "published_at": stamp - timedelta(days=k % 2000) if published else None,
                "is_demo": True,
                "search_text": fold_all(
                    [title, "Синтетическая экскурсия для нагрузочных тестов.", host_names[host], address]
                ),
                "created_at": stamp - timedelta(days=k % 2000),
                "updated_at": stamp,
            }

        w.write(Tour, (tour_row(k, pk) for k, pk in enumerate(tours)))

        # Sessions: from 2021 to half a year ahead, so most are past and about 8% upcoming.
        ses0 = w.next_id(Session)
        first = datetime(2021, 1, 11, 7, 0, tzinfo=UTC)
        span_hours = int((now + timedelta(days=180) - first).total_seconds() // 3600)
        session_meta: list[tuple[int, datetime, int]] = []

        def session_rows() -> Iterator[dict[str, Any]]:
            for k in range(n["sessions"]):
                starts = first + timedelta(hours=rng.randrange(span_hours))
                starts = starts.replace(hour=7 + (starts.hour % 10))
                capacity = rng.randint(15, 40)
                session_meta.append((ses0 + k, starts, capacity))
                yield {
                    "id": ses0 + k,
                    "tour_id": tours[k % len(tours)],
                    "starts_at": starts,
                    "capacity": capacity,
                    "state": "cancelled" if k % 97 == 0 else "scheduled",
                    "cancel_reason": "",
                    "created_at": min(starts - timedelta(days=30), now),
                    "updated_at": stamp,
                }

        w.write(Session, session_rows())

        # Registrations: spread evenly over sessions; never more seats than the capacity.
        reg0 = w.next_id(Registration)
        feedback_of: list[tuple[int, datetime]] = []
        per_session, extra = divmod(n["registrations"], len(session_meta))

        def registration_rows() -> Iterator[dict[str, Any]]:
            i = 0
            for index, (session_id, starts, capacity) in enumerate(session_meta):
                seats = capacity
                past = starts < now
                for _ in range(per_session + (1 if index < extra else 0)):
                    party = 1 if rng.random() < 0.85 else rng.randint(2, 4)
                    party = min(party, max(seats, 1))
                    roll = rng.random()
                    if past:
                        state = (
                            "checked_in"
                            if roll < 0.7
                            else "confirmed"
                            if roll < 0.85
                            else "cancelled"
                            if roll < 0.95
                            else "expired"
                        )
                    else:
                        state = "confirmed" if roll < 0.8 else "held" if roll < 0.9 else "cancelled"
                    if state in ("checked_in", "confirmed", "held"):
                        if seats < party:
                            state = "cancelled"
                        else:
                            seats -= party
                    created = min(starts - timedelta(days=1 + rng.randrange(60)), now - timedelta(minutes=5))
                    pk = reg0 + i
                    if state == "checked_in" and rng.random() < 0.1:
                        feedback_of.append((pk, starts))
                    yield {
                        "id": pk,
                        "session_id": session_id,
                        "name": f"Посетитель {i}",
                        "email": f"v{i}@{EMAIL_DOMAIN}",
                        "email_normalised": f"v{i}@{EMAIL_DOMAIN}",
                        "phone": f"+7495{i % 10_000_000:07d}",
                        "party_size": party,
                        "group_name": "",
                        "group_leader": "",
                        "consent_at": created,
                        "consent_version": "2026-01",
                        "language": "ru",
                        "state": state,
                        "hold_expires_at": (now + timedelta(minutes=30)) if state == "held" else None,
                        "confirmed_at": created if state in ("confirmed", "checked_in") else None,
                        "cancelled_at": created if state == "cancelled" else None,
                        "checked_in_at": starts if state == "checked_in" else None,
                        "from_waitlist": False,
                        "token": f"synth{i:010d}",
                        "ticket_code": _ticket(i),
                        "resends": 0,
                        "reminder_sent_at": None,
                        "feedback_requested_at": None,
                        "purged_at": None,
                        "created_at": created,
                        "updated_at": created,
                    }
                    i += 1

        w.write(Registration, registration_rows())
        fb0 = w.next_id(Feedback)
        w.write(
            Feedback,
            (
                {
                    "id": fb0 + k,
                    "registration_id": pk,
                    "rating": 1 + (pk * 7) % 5,
                    "comment": "",
                    "created_at": starts + timedelta(days=1),
                    "updated_at": starts + timedelta(days=1),
                }
                for k, (pk, starts) in enumerate(feedback_of)
            ),
        )

        # Road maps: the projects of the corporations, one agreement per corporation with the city as a party.
        agr0 = w.next_id(Agreement)
        partners = corps[: max(1, min(len(corps), 10))]
        w.write(
            Agreement,
            (
                {
                    "id": agr0 + k,
                    "title": f"Синтетическое соглашение {k}",
                    "slug": f"{PREFIX}agreement-{k}",
                    "kind": "cooperation",
                    "signed_on": date(2024, 1 + k % 12, 10),
                    "term_years": 5,
                    "ends_on": date(2029, 1 + k % 12, 10),
                    "terminated_on": None,
                    "summary": "",
                    "source_url": "",
                    "source_text": "",
                    "related_to_id": None,
                    "internal_notes": "",
                    "is_demo": True,
                    "search_text": fold_all([f"Синтетическое соглашение {k}", ""]),
                    "created_at": stamp,
                    "updated_at": stamp,
                }
                for k in range(len(partners))
            ),
        )
        ap0 = w.next_id(AgreementParty)
        w.write(
            AgreementParty,
            (
                {
                    "id": ap0 + k,
                    "agreement_id": agr0 + k,
                    "organisation_id": pk,
                    "role": "state_corporation",
                    "signatory": "",
                    "order": 0,
                }
                for k, pk in enumerate(partners)
            ),
        )
        proj0 = w.next_id(Project)
        today = now.date()
        categories = [c for c, _label in Project.Category.choices]
        statuses = [s for s, _label in Project.Status.choices]

        def project_rows() -> Iterator[dict[str, Any]]:
            for k in range(n["projects"]):
                start = today - timedelta(days=700 - (k * 37) % 900)
                yield {
                    "id": proj0 + k,
                    "partner_id": partners[k % len(partners)],
                    "agreement_id": agr0 + k % len(partners),
                    "code": f"{CODE_PREFIX}{k:05d}",
                    "title": f"Синтетический проект {k}",
                    "category": categories[k % len(categories)],
                    "status": statuses[k % len(statuses)],
                    "site_id": sites[k % len(sites)],
                    "investment": None,
                    "planned_start": start,
                    "planned_end": start + timedelta(days=180 + (k * 53) % 900),
                    "actual_start": None,
                    "actual_end": None,
                    "description": "",
                    "internal_notes": "",
                    "is_demo": True,
                    "created_at": stamp,
                    "updated_at": stamp,
                }

        w.write(Project, project_rows())
        ms0 = w.next_id(Milestone)
        w.write(
            Milestone,
            (
                {
                    "id": ms0 + k * 4 + j,
                    "project_id": proj0 + k,
                    "title": f"Веха {j + 1}",
                    "responsible_id": None,
                    "due_on": today - timedelta(days=700 - (k * 37) % 900) + timedelta(days=60 * (j + 1)),
                    "done_on": today - timedelta(days=10) if j == 0 else None,
                }
                for k in range(n["projects"])
                for j in range(4)
            ),
        )
        du0 = w.next_id(Duty)
        w.write(
            Duty,
            (
                {
                    "id": du0 + k,
                    "project_id": proj0 + k,
                    "organisation_id": partners[k % len(partners)],
                    "text": "Синтетическая обязанность",
                }
                for k in range(n["projects"])
            ),
        )
        bump_data_version()
        mark_tourism_days()
        count_seats(first_id=ses0)
    bar.close()
    refresh_statistics([_model(label) for label in w.written])
    return w.written


def count_seats(*, first_id: int) -> None:
    """COPY passes by the tours services: count the synthetic sessions' seat tallies (`Session.seats_taken`) once."""
    from mosprom.tours.models import Registration, Session, WaitlistEntry
    from mosprom.tours.services import session_seats_recount

    # fresh statistics first: without them the planner scans the registrations once per session
    refresh_statistics([Session, Registration, WaitlistEntry])
    session_seats_recount(sessions=Session.objects.filter(pk__gte=first_id, tour__slug__startswith=PREFIX))


def mark_tourism_days() -> None:
    """COPY and bulk_create send no signals: have the tourism summary (analytics.TourismDay) recomputed."""
    from mosprom.analytics.tourism import mark_all

    mark_all()


def _model(label: str) -> Any:
    from django.apps import apps

    return apps.get_model(label)


def refresh_statistics(models: list[Any]) -> None:
    """After a bulk load or delete, give the planner fresh statistics (and reclaim dead rows when possible):
    VACUUM ANALYZE on PostgreSQL (plain ANALYZE inside a transaction, e.g. under tests), ANALYZE on SQLite."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("ANALYZE")
            return
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        for model in models:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")


def short_name(k: int, *, corp: bool) -> str:
    """The short name of synthetic organisation k (the tours' search text contains their host's name)."""
    return f"{'Корпорация' if corp else 'ООО'} «{WORDS[k % len(WORDS)]}{KINDS[k % len(KINDS)]} {k}»"


# --- removal --------------------------------------------------------------------------------------------------


def remove() -> dict[str, int]:
    """Delete every synthetic row (children first); returns rows deleted per table."""
    from django.db import connection, transaction

    from mosprom.analytics.cache import bump_data_version
    from mosprom.core.models import OutboundEmail
    from mosprom.partnerships.models import Agreement, AgreementParty, Direction, Duty, Milestone, Project
    from mosprom.registry.models import Industry, Organisation, Production, Residency, Site
    from mosprom.tours.models import Feedback, Registration, Session, Tour, WaitlistEntry

    t = {m.__name__: m._meta.db_table for m in (Organisation, Site, Industry, Tour, Session, Registration)}
    orgs = f"SELECT id FROM {t['Organisation']} WHERE is_demo AND slug LIKE '{PREFIX}%%'"
    tours = f"SELECT id FROM {t['Tour']} WHERE is_demo AND slug LIKE '{PREFIX}%%'"
    sessions = f"SELECT id FROM {t['Session']} WHERE tour_id IN ({tours})"
    regs = f"SELECT id FROM {t['Registration']} WHERE session_id IN ({sessions})"
    projects = f"SELECT id FROM {Project._meta.db_table} WHERE is_demo AND code LIKE '{CODE_PREFIX}%%'"
    agreements = f"SELECT id FROM {Agreement._meta.db_table} WHERE is_demo AND slug LIKE '{PREFIX}%%'"
    m2m = Tour.audiences.through._meta.db_table
    steps: list[tuple[str, str]] = [
        (Feedback._meta.db_table, f"registration_id IN ({regs})"),
        (WaitlistEntry._meta.db_table, f"session_id IN ({sessions})"),
        (Registration._meta.db_table, f"session_id IN ({sessions})"),
        (Session._meta.db_table, f"tour_id IN ({tours})"),
        (m2m, f"tour_id IN ({tours})"),
        (Tour._meta.db_table, f"id IN ({tours})"),
        (Milestone._meta.db_table, f"project_id IN ({projects})"),
        (Duty._meta.db_table, f"project_id IN ({projects})"),
        (Project._meta.db_table, f"id IN ({projects})"),
        (Direction._meta.db_table, f"agreement_id IN ({agreements})"),
        (AgreementParty._meta.db_table, f"agreement_id IN ({agreements})"),
        (Agreement._meta.db_table, f"id IN ({agreements})"),
        (Production._meta.db_table, f"organisation_id IN ({orgs})"),
        (Residency._meta.db_table, f"organisation_id IN ({orgs})"),
        (Organisation._meta.db_table, f"is_demo AND slug LIKE '{PREFIX}%%' AND parent_id IS NOT NULL"),
        (Organisation._meta.db_table, f"is_demo AND slug LIKE '{PREFIX}%%'"),
        (Site._meta.db_table, f"is_demo AND slug LIKE '{PREFIX}%%' AND parent_id IS NOT NULL"),
        (Site._meta.db_table, f"is_demo AND slug LIKE '{PREFIX}%%'"),
        (Industry._meta.db_table, f"slug LIKE '{PREFIX}%%'"),
        (OutboundEmail._meta.db_table, f"\"to\" LIKE '%%@{EMAIL_DOMAIN}'"),
    ]
    deleted: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for table, where in steps:
            cursor.execute(f"DELETE FROM {table} WHERE {where}")
            deleted[table] = deleted.get(table, 0) + max(cursor.rowcount, 0)
        bump_data_version()
        mark_tourism_days()
    refresh_statistics([Registration, Session, Tour, Production, Organisation, Feedback])
    return deleted


# --- command line ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None, *, log: Callable[[str], None] = print) -> dict[str, int]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = full city scale (default); 0.01 = 1%%")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--remove", action="store_true", help="delete the synthetic data and stop")
    parser.add_argument("--replace", action="store_true", help="delete the synthetic data first, then load")
    parser.add_argument("--sqlite", action="store_true", help="without DATABASE_URL: a temporary SQLite file")
    args = parser.parse_args(argv)
    from django.apps import apps

    if not apps.ready:
        common.setup_django(postgres=not args.sqlite)
    if args.remove or args.replace:
        start = time.perf_counter()
        deleted = remove()
        log(f"removed {sum(deleted.values()):,} synthetic rows in {time.perf_counter() - start:.1f} s")
        if args.remove:
            return deleted
    if exists():
        raise SystemExit("synthetic data is already loaded: use --replace (or --remove)")
    start = time.perf_counter()
    written = generate(args.scale, seed=args.seed)
    seconds = time.perf_counter() - start
    total = sum(written.values())
    log(f"loaded {total:,} synthetic rows in {seconds:.1f} s ({total / seconds:,.0f} rows/s) at scale {args.scale}")
    for label, count in written.items():
        log(f"  {label:<28}{count:>12,}")
    return written


if __name__ == "__main__":
    main()
