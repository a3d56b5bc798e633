"""Demo data of the tours part (Open#Mosprom).

Real hosts from the seed (НЦК, «Рэнера») plus clearly labelled synthetic hosts (is_demo=True).
Dates are relative to today, so the catalogue always has sessions over the coming weeks: some full,
some closing within three days, one cancelled; a few registrations in each state; past sessions
since 2019 with check-ins and feedback for the figures. Idempotent: a session that already has
registrations is left alone, everything else is get_or_create/update_or_create on natural keys.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from mosprom.registry.models import Organisation, Site
from mosprom.tours import services
from mosprom.tours.models import Audience, Feedback, Format, Registration, Season, Session, Tour, WaitlistEntry

from .formats import formats_ensure

MOSCOW = ZoneInfo("Europe/Moscow")

AUDIENCES = [
    ("children", "дети", "children"),
    ("teenagers", "подростки", "teenagers"),
    ("adults", "взрослые", "adults"),
    ("seniors", "старшее поколение", "seniors"),
    ("school-groups", "школьные группы", "school groups"),
]

REAL_HOSTS = {
    "nck": ("Нанотехнологический центр композитов", "НЦК"),
    "renera": ("ООО «Рэнера»", "Рэнера"),
}

SYNTHETIC_HOSTS = [
    ("demo-sweets", "Кондитерская фабрика «Северная» (демо)", "Фабрика «Северная»", 2019),
    ("demo-vector", "Приборостроительный завод «Вектор» (демо)", "Завод «Вектор»", 2020),
    ("demo-liniya", "Типография «Линия» (демо)", "Типография «Линия»", 2021),
    ("demo-zarya", "Молочный комбинат «Заря» (демо)", "Комбинат «Заря»", 2023),
]

# slug, host slug, format slug, title, description, min_age, duration, audiences, first year, demo
TOURS: list[dict[str, Any]] = [
    {
        "slug": "nck-composites",
        "host": "nck",
        "format": "excursion",
        "title": "Композиты вокруг нас: экскурсия на производство НЦК",
        "description": (
            "Посетители изучат инновации в изготовлении изделий из полимерных композиционных материалов "
            "и узнают, как создаются продукты для строительства, транспорта и городской инфраструктуры."
        ),
        "min_age": 14,
        "duration": 120,
        "audiences": ["teenagers", "adults", "school-groups"],
        "year": 2024,
        "address": "Москва, Волгоградский проспект, 42, корп. 5, ОЭЗ «Технополис Москва»",
        "meeting_point": "Главная проходная, стойка «Открой#Моспром»",
    },
    {
        "slug": "nck-lecture",
        "host": "nck",
        "format": "lecture",
        "title": "Лекция «Композитные технологии в России»",
        "description": "Инженеры НЦК рассказывают о потенциале композитных технологий и показывают образцы.",
        "min_age": 12,
        "duration": 60,
        "audiences": ["teenagers", "adults", "seniors"],
        "year": 2024,
        "address": "Москва, Волгоградский проспект, 42, корп. 5",
        "meeting_point": "Конференц-зал, 2 этаж",
    },
    {
        "slug": "renera-batteries",
        "host": "renera",
        "format": "excursion",
        "title": "Как делают литий-ионные аккумуляторы: экскурсия в «Рэнеру»",
        "description": (
            "Гости изучат процесс работы предприятия, увидят оборудование, узнают об объёмах производства "
            "и посмотрят на прототипы разрабатываемых накопителей энергии."
        ),
        "min_age": 16,
        "duration": 90,
        "audiences": ["teenagers", "adults"],
        "year": 2025,
        "address": "Москва, Зеленоград, Панфиловский проспект, 10",
        "meeting_point": "КПП № 1",
        "accessibility": "Производственный корпус без лифта; часть маршрута — по лестнице.",
        "what_to_bring": "Паспорт; закрытая обувь без каблука.",
    },
    {
        "slug": "renera-online",
        "host": "renera",
        "format": "online-excursion",
        "title": "Онлайн-экскурсия: накопители энергии изнутри",
        "description": "Прямой эфир из цеха сборки накопителей энергии с ответами на вопросы.",
        "min_age": 0,
        "duration": 45,
        "audiences": ["children", "teenagers", "adults", "seniors"],
        "year": 2025,
        "online_url": "https://example.org/live/renera",
    },
    {
        "slug": "demo-sweets-master-class",
        "host": "demo-sweets",
        "format": "master-class",
        "title": "Мастер-класс: шоколад от боба до плитки",
        "description": "Синтетический демо-тур: мастер-класс на кондитерской фабрике.",
        "min_age": 6,
        "duration": 90,
        "audiences": ["children", "school-groups"],
        "year": 2019,
        "address": "Москва, ул. Демонстрационная, 1",
        "meeting_point": "Вход для гостей",
    },
    {
        "slug": "demo-vector-quiz",
        "host": "demo-vector",
        "format": "quiz",
        "title": "Викторина «Точные приборы»",
        "description": "Синтетический демо-тур: викторина в музее завода.",
        "min_age": 10,
        "duration": 60,
        "audiences": ["teenagers", "school-groups"],
        "year": 2020,
        "address": "Москва, ул. Демонстрационная, 2",
    },
    {
        "slug": "demo-liniya-photo",
        "host": "demo-liniya",
        "format": "photo-exhibition",
        "title": "Фотовыставка «Сто лет печати»",
        "description": "Синтетический демо-тур: фотовыставка и экскурсия по типографии.",
        "min_age": 0,
        "duration": 60,
        "audiences": ["adults", "seniors"],
        "year": 2021,
        "address": "Москва, ул. Демонстрационная, 3",
    },
    {
        "slug": "demo-zarya-tasting",
        "host": "demo-zarya",
        "format": "tasting",
        "title": "Дегустация: как делают сыр",
        "description": "Синтетический демо-тур: экскурсия и дегустация на молочном комбинате.",
        "min_age": 7,
        "duration": 75,
        "audiences": ["children", "adults", "seniors"],
        "year": 2023,
        "address": "Москва, ул. Демонстрационная, 4",
    },
]

# Upcoming sessions: (tour slug, days from today, hour, capacity, kind)
UPCOMING = [
    ("nck-composites", 2, 11, 15, "closed"),
    ("nck-composites", 4, 11, 15, "closing"),
    ("nck-composites", 9, 11, 15, "full"),
    ("nck-composites", 16, 11, 15, "busy"),
    ("nck-composites", 23, 15, 15, "open"),
    ("nck-lecture", 5, 18, 40, "busy"),
    ("nck-lecture", 19, 18, 40, "open"),
    ("renera-batteries", 4, 14, 10, "full"),
    ("renera-batteries", 11, 14, 10, "cancelled"),
    ("renera-batteries", 18, 14, 14, "busy"),
    ("renera-batteries", 25, 14, 10, "open"),
    ("renera-online", 6, 19, 200, "busy"),
    ("demo-sweets-master-class", 5, 12, 12, "closing"),
    ("demo-sweets-master-class", 12, 12, 12, "full"),
    ("demo-vector-quiz", 8, 16, 25, "open"),
    ("demo-liniya-photo", 10, 13, 30, "busy"),
    ("demo-zarya-tasting", 14, 12, 20, "open"),
]

FEMALE_NAMES = ["Анна", "Мария", "Ольга", "Елена", "Наталья"]
MALE_NAMES = ["Иван", "Пётр", "Сергей", "Дмитрий", "Алексей"]
LAST_NAMES = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов"]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=MOSCOW)


def _host(slug: str) -> Organisation:
    if slug in REAL_HOSTS:
        full, short = REAL_HOSTS[slug]
        org, _ = Organisation.objects.get_or_create(slug=slug, defaults={"full_name": full, "short_name": short})
        return org
    for s, full, short, _year in SYNTHETIC_HOSTS:
        if s == slug:
            org, _ = Organisation.objects.get_or_create(
                slug=s, defaults={"full_name": full, "short_name": short, "is_demo": True}
            )
            return org
    raise KeyError(slug)


def _technopolis() -> Site | None:
    return Site.objects.filter(name__icontains="Технополис").order_by("parent_id", "id").first()


def _person(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(FEMALE_NAMES)} {rng.choice(LAST_NAMES)}а"
    return f"{rng.choice(MALE_NAMES)} {rng.choice(LAST_NAMES)}"


def _add_registrations(session: Session, plan: list[tuple[str, int]], rng: random.Random, now: datetime) -> int:
    """Create registrations in the given (state, party size) plan; skipped if the session has any."""
    if session.registrations.exists():
        return 0
    for i, (state, party) in enumerate(plan):
        kwargs: dict[str, Any] = {
            "session": session,
            "name": _person(rng),
            "email": f"visitor{session.pk}-{i}@example.org",
            "phone": f"+7495{rng.randint(1000000, 9999999)}",
            "party_size": party,
            "consent_at": session.starts_at - timedelta(days=7),
            "consent_version": settings.TOURS_CONSENT_VERSION,
            "state": state,
        }
        if state == Registration.State.HELD:
            kwargs["hold_expires_at"] = now + timedelta(minutes=settings.TOURS_HOLD_MINUTES)
        if state in (Registration.State.CONFIRMED, Registration.State.CHECKED_IN):
            kwargs["confirmed_at"] = session.starts_at - timedelta(days=6)
        if state == Registration.State.CHECKED_IN:
            kwargs["checked_in_at"] = session.starts_at - timedelta(minutes=10)
        if state == Registration.State.CANCELLED:
            kwargs["cancelled_at"] = session.starts_at - timedelta(days=3)
        if i % 5 == 4:
            kwargs["group_name"] = f"Школа № {rng.randint(100, 2000)}"
            kwargs["group_leader"] = _person(rng)
        Registration.objects.create(**kwargs)
    return len(plan)


def _fill(capacity: int, rng: random.Random) -> list[tuple[str, int]]:
    plan: list[tuple[str, int]] = []
    left = capacity
    while left > 0:
        party = min(left, rng.choice([1, 2, 2, 3, 4]))
        plan.append((Registration.State.CONFIRMED, party))
        left -= party
    return plan


def load() -> list[str]:
    rng = random.Random(2026)
    now = timezone.now()
    today = timezone.localtime(now, MOSCOW).date()

    fmts = {f.slug: f for f in formats_ensure()}
    audiences = {}
    for slug, name, name_en in AUDIENCES:
        audiences[slug], _ = Audience.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": name_en})

    season, _ = Season.objects.update_or_create(
        slug="winter-in-moscow",
        defaults={
            "name": "Зима в Москве",
            "name_en": "Winter in Moscow",
            "starts_on": today - timedelta(days=10),
            "ends_on": today + timedelta(days=100),
            "registration_opens_on": today - timedelta(days=30),
        },
    )
    site = _technopolis()
    tours: dict[str, Tour] = {}
    for spec in TOURS:
        host = _host(spec["host"])
        fmt: Format = fmts[spec["format"]]
        tour, created = Tour.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "host": host,
                "format": fmt,
                "season": season,
                "site": site if spec["host"] == "nck" else None,
                "title": spec["title"],
                "description": spec["description"],
                "address": spec.get("address", ""),
                "meeting_point": spec.get("meeting_point", ""),
                "online_url": spec.get("online_url", ""),
                "duration_minutes": spec["duration"],
                "min_age": spec["min_age"],
                "accessibility": spec.get("accessibility", ""),
                "what_to_bring": spec.get("what_to_bring", "Паспорт или свидетельство о рождении."),
                "state": Tour.State.PUBLISHED,
                "published_at": datetime(spec["year"], 3, 1, 12, 0, tzinfo=MOSCOW),
                "is_demo": host.is_demo,
            },
        )
        if created:
            tour.audiences.set([audiences[a] for a in spec["audiences"]])
        tours[spec["slug"]] = tour

    # A draft tour in the НЦК cabinet, to show publishing.
    Tour.objects.get_or_create(
        slug="nck-master-class-draft",
        defaults={
            "host": _host("nck"),
            "format": fmts["master-class"],
            "season": season,
            "title": "Мастер-класс: своя деталь из углепластика",
            "description": "Черновик: готовится к публикации.",
            "state": Tour.State.DRAFT,
        },
    )

    upcoming = 0
    for slug, days, hour, capacity, kind in UPCOMING:
        session, _ = Session.objects.get_or_create(
            tour=tours[slug], starts_at=_at(today + timedelta(days=days), hour), defaults={"capacity": capacity}
        )
        upcoming += 1
        if kind == "full":
            plan = _fill(capacity, rng)
            plan[-1] = (Registration.State.HELD, plan[-1][1])
            if _add_registrations(session, plan, rng, now):
                WaitlistEntry.objects.get_or_create(
                    session=session,
                    position=1,
                    defaults={
                        "name": _person(rng),
                        "email": f"waiting{session.pk}@example.org",
                        "phone": "+74951234567",
                        "party_size": 2,
                        "consent_at": now,
                        "consent_version": settings.TOURS_CONSENT_VERSION,
                    },
                )
        elif kind in ("busy", "closing", "closed"):
            plan = [
                (Registration.State.CONFIRMED, 2),
                (Registration.State.CONFIRMED, 1),
                (Registration.State.HELD, 3),
                (Registration.State.CANCELLED, 2),
                (Registration.State.EXPIRED, 1),
                (Registration.State.CONFIRMED, 4),
            ]
            _add_registrations(session, plan[: 6 if kind == "busy" else 3], rng, now)
        elif kind == "cancelled" and session.state != Session.State.CANCELLED:
            _add_registrations(
                session, [(Registration.State.CANCELLED, 2), (Registration.State.CANCELLED, 1)], rng, now
            )
            session.state = Session.State.CANCELLED
            session.cancel_reason = "Плановое обслуживание линии"
            session.save(update_fields=["state", "cancel_reason"])

    # History: two sessions a year per tour since the host joined, with check-ins and feedback.
    past = 0
    for spec in TOURS:
        tour = tours[spec["slug"]]
        for year in range(spec["year"], today.year + 1):
            for month, day in ((4, 15), (10, 14)):
                starts = _at(date(year, month, day), 11)
                if starts >= now - timedelta(days=1):
                    continue
                session, _ = Session.objects.get_or_create(tour=tour, starts_at=starts, defaults={"capacity": 20})
                past += 1
                if session.registrations.exists():
                    continue
                plan = []
                for _i in range(rng.randint(4, 7)):
                    state = Registration.State.CHECKED_IN if rng.random() < 0.8 else Registration.State.CONFIRMED
                    plan.append((state, rng.choice([1, 1, 2, 3, 4])))
                seats = sum(party for _state, party in plan)
                if seats > session.capacity:  # never oversold (the database checks it): a bigger room that day
                    session.capacity = seats
                    session.save(update_fields=["capacity"])
                _add_registrations(session, plan, rng, now)
                for reg in session.registrations.filter(state=Registration.State.CHECKED_IN):
                    if rng.random() < 0.6:
                        Feedback.objects.get_or_create(
                            registration=reg,
                            defaults={"rating": rng.choice([4, 5, 5, 5, 3]), "comment": "Очень интересно!"},
                        )
    # Personal data of old sessions is erased as in production.
    services.registrations_purge(now=now)
    # The rows above were written directly (a fixed history): the sessions' seat tallies are counted once.
    services.session_seats_recount()

    return [
        "",
        f"Tours: {len(tours)} published tours, {upcoming} upcoming sessions, {past} past sessions; "
        f"season «{season.name}». Catalogue: http://127.0.0.1:8000/tours/",
    ]
