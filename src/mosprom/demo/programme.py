"""Open#Mosprom at the size its own press release gives (seeds/open-mosprom-2026.txt, 17 January 2026).

«Частью проекта … за прошедший год стали ещё десять московских высокотехнологичных компаний, их количество
превысило 150»; «в 2025 году в экскурсиях … участвовали порядка 4 тысяч человек»; «около десяти форматов».

The hosts the releases name (НЦК, «Рэнера») and the hand-written demo tours come from `demo.tours`; this loader
adds clearly labelled synthetic hosts («… (демо)», `is_demo`) with one published tour each and the 2025 sessions
their visitors came to, until the dashboard shows what the release says: more than 150 host companies, ten of
them new in 2025, and about 4,000 visitors in 2025. The 2025 registrations are stored as the purge leaves old
sessions (no personal data), which is how production holds them by now. Idempotent.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Min, Sum
from django.utils import timezone

from mosprom.analytics import tourism
from mosprom.analytics.cache import bump_data_version
from mosprom.registry.models import Organisation
from mosprom.tours import services as tours_services
from mosprom.tours.models import Format, Registration, Session, Tour

MOSCOW = ZoneInfo("Europe/Moscow")
RELEASE_YEAR = 2025  # «за прошедший год» in a release of January 2026
HOSTS = 152  # «превысило 150»
NEW_IN_RELEASE_YEAR = 10  # «ещё десять компаний»
VISITORS_IN_RELEASE_YEAR = 4_000  # «порядка 4 тысяч человек»
FIRST_YEAR = 2019  # «С 2019-го в рамках проекта…»
SLUG_PREFIX = "demo-host-"

KINDS = [
    ("Завод точной механики", "excursion"),
    ("Фабрика мебели", "excursion"),
    ("Кондитерская фабрика", "tasting"),
    ("Завод электроники", "lecture"),
    ("Фармацевтическое производство", "lecture"),
    ("Типография", "master-class"),
    ("Завод робототехники", "quiz"),
    ("Швейная фабрика", "master-class"),
    ("Пивоваренный завод", "tasting"),
    ("Завод полупроводников", "expert-meeting"),
    ("Инженерный центр", "brain-game"),
    ("Завод стройматериалов", "quest"),
    ("Производство упаковки", "photo-exhibition"),
    ("Завод медицинской техники", "online-excursion"),
]
NAMES = [
    "Альтаир", "Вега", "Орион", "Сириус", "Полюс", "Меридиан", "Гранит", "Кристалл", "Спектр", "Импульс",
    "Азимут", "Квант", "Зенит", "Радиус", "Вектор-М", "Ладога", "Сокол", "Рассвет",
]  # fmt: skip


def _first_years(rng: random.Random, count: int, new_in_release_year: int) -> list[int]:
    """Join years for `count` synthetic hosts: `new_in_release_year` of them in the release year, the rest before."""
    years = [RELEASE_YEAR] * max(new_in_release_year, 0)
    earlier = list(range(FIRST_YEAR, RELEASE_YEAR))
    while len(years) < count:
        years.append(earlier[len(years) % len(earlier)])
    rng.shuffle(years)
    return years[:count]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=MOSCOW)


def load() -> list[str]:
    if Organisation.objects.filter(slug__startswith=SLUG_PREFIX).exists():
        return []
    rng = random.Random(150)
    now = timezone.now()
    published = Tour.objects.filter(state=Tour.State.PUBLISHED)
    first = published.values("host_id").annotate(first=Min("published_at"))
    existing_hosts = len(first)
    existing_new = sum(1 for row in first if row["first"] and row["first"].astimezone(MOSCOW).year == RELEASE_YEAR)
    count = HOSTS - existing_hosts
    if count <= 0:
        return []

    formats = {f.slug: f for f in Format.objects.all()}
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                slug=f"{SLUG_PREFIX}{n:03d}",
                full_name=f"{KINDS[n % len(KINDS)][0]} «{NAMES[n % len(NAMES)]}-{n}» (демо)",
                short_name=f"«{NAMES[n % len(NAMES)]}-{n}» (демо)",
                is_demo=True,
            )
            for n in range(1, count + 1)
        ]
    )
    tours = []
    for n, (organisation, year) in enumerate(
        zip(organisations, _first_years(rng, count, NEW_IN_RELEASE_YEAR - existing_new), strict=True), start=1
    ):
        kind, fmt = KINDS[n % len(KINDS)]
        tour = Tour(
            host=organisation,
            format=formats.get(fmt) or next(iter(formats.values())),
            slug=f"{SLUG_PREFIX}{n:03d}-tour",
            title=f"{kind}: как это делается (демо)",
            description="Синтетический демо-тур: участник программы «Открой#Моспром».",
            address=f"Москва, ул. Демонстрационная, {n}",
            meeting_point="Проходная",
            duration_minutes=90,
            min_age=12,
            state=Tour.State.PUBLISHED,
            published_at=_at(date(year, 3, 1), 12),
            is_demo=True,
        )
        tour.save()  # the folded search column is computed in save()
        tours.append(tour)

    # 2025: sessions with the visitors who came, until the year's total is the release's figure.
    existing_visitors = (
        Registration.objects.filter(
            state=Registration.State.CHECKED_IN, session__starts_at__year=RELEASE_YEAR
        ).aggregate(s=Sum("party_size"))["s"]
        or 0
    )
    visitors_needed = VISITORS_IN_RELEASE_YEAR - existing_visitors
    eligible = [t for t in tours if t.published_at and t.published_at.year <= RELEASE_YEAR]
    sessions: list[Session] = []
    plans: list[list[int]] = []
    day = date(RELEASE_YEAR, 2, 1)
    while visitors_needed > 0:
        tour = eligible[len(sessions) % len(eligible)]
        party_sizes: list[int] = []
        while visitors_needed > 0 and sum(party_sizes) < 22:
            party = min(visitors_needed, rng.choice([1, 1, 2, 2, 3, 4, 5]))
            party_sizes.append(party)
            visitors_needed -= party
        # never oversold (the database checks it): a last party (and the no-show below) may pass the usual 25
        capacity = max(25, sum(party_sizes) + 1)
        sessions.append(Session(tour=tour, starts_at=_at(day, 11 + len(sessions) % 6), capacity=capacity))
        plans.append(party_sizes)
        day = date(RELEASE_YEAR, 2, 1) + timedelta(days=(len(sessions) * 3) % 300)
    Session.objects.bulk_create(sessions)
    registrations = []
    for session, party_sizes in zip(sessions, plans, strict=True):
        for party in party_sizes:
            registrations.append(
                Registration(
                    session=session,
                    party_size=party,
                    state=Registration.State.CHECKED_IN,
                    confirmed_at=session.starts_at - timedelta(days=5),
                    checked_in_at=session.starts_at - timedelta(minutes=10),
                    consent_at=session.starts_at - timedelta(days=6),
                    purged_at=now,  # as the purge leaves a past session: figures without personal data
                )
            )
        # a few who booked and did not come, for an honest attendance rate
        registrations.append(
            Registration(
                session=session,
                party_size=1,
                state=Registration.State.CONFIRMED,
                confirmed_at=session.starts_at - timedelta(days=5),
                consent_at=session.starts_at - timedelta(days=6),
                purged_at=now,
            )
        )
    Registration.objects.bulk_create(registrations, batch_size=500)
    # bulk_create passes by the tours services: the sessions' seat tallies are counted once
    tours_services.session_seats_recount()
    # bulk_create sends no signals: tell the tourism summary and the KPI cache that everything changed
    tourism.mark_all()
    bump_data_version("tours")
    return [
        f"Open#Mosprom: {count} synthetic host companies marked «демо» (programme: {HOSTS} hosts, "
        f"{NEW_IN_RELEASE_YEAR} new in {RELEASE_YEAR}), {len(sessions)} sessions in {RELEASE_YEAR} with "
        f"{VISITORS_IN_RELEASE_YEAR - existing_visitors} visitors (about {VISITORS_IN_RELEASE_YEAR} in all), "
        "as open-mosprom-2026.txt says."
    ]
