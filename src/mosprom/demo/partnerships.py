"""Demo data of the partnerships part, from ../shared/seeds, plus a labelled synthetic road map.

Idempotent: agreements by slug, parties by (agreement, organisation), projects by (partner, code);
duties and milestones are only created for projects created in this run.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from mosprom.partnerships.models import Agreement, AgreementParty, Direction, Duty, Milestone, Project
from mosprom.registry.models import Organisation, Site

SEED = 20251021
SYNTHETIC_PROJECTS = 300

ORGANISATIONS: dict[str, dict[str, Any]] = {
    "moscow-government": {
        "full_name": "Правительство Москвы",
        "short_name": "Правительство Москвы",
        "kind": "government",
    },
    "rosatom": {
        "full_name": "Государственная корпорация по атомной энергии «Росатом»",
        "short_name": "Госкорпорация «Росатом»",
        "kind": "state_corporation",
    },
    "kamaz": {
        "full_name": "Публичное акционерное общество «КамАЗ»",
        "short_name": "ПАО «КамАЗ»",
        "kind": "joint_stock",
    },
    "rosnano": {
        "full_name": "Открытое акционерное общество «Роснано»",
        "short_name": "ОАО «Роснано»",
        "kind": "joint_stock",
    },
    "fiop": {
        "full_name": "Фонд инфраструктурных и образовательных программ",
        "short_name": "ФИОП",
        "kind": "fund",
    },
    "renera": {"full_name": "ООО «Рэнера»", "short_name": "«Рэнера»", "kind": "company"},
}
SITES: dict[str, dict[str, Any]] = {
    "technopolis-moscow": {"name": "ОЭЗ «Технополис Москва»", "kind": "sez"},
    "pechatniki": {"name": "Печатники", "kind": "sez_site"},
    "rudnevo": {"name": "Руднево", "kind": "sez_site"},
    "alabushevo": {"name": "Алабушево", "kind": "sez_site"},
    "zelenograd": {"name": "Зеленоград", "kind": "sez_site"},
}

ROSNANO_SOURCE = "http://alekseevsky.mos.ru/presscenter/news/detail/1569095.html"


def _organisations() -> dict[str, Organisation]:
    orgs: dict[str, Organisation] = {}
    for slug, defaults in ORGANISATIONS.items():
        orgs[slug], _ = Organisation.objects.get_or_create(slug=slug, defaults=defaults)
    if orgs["renera"].parent_id is None:
        orgs["renera"].parent = orgs["rosatom"]
        orgs["renera"].save(update_fields=["parent", "search_text", "updated_at"])
    return orgs


def _sites() -> dict[str, Site]:
    sites: dict[str, Site] = {}
    sites["technopolis-moscow"], _ = Site.objects.get_or_create(
        slug="technopolis-moscow", defaults=SITES["technopolis-moscow"]
    )
    for slug in ("pechatniki", "rudnevo", "alabushevo", "zelenograd"):
        sites[slug], _ = Site.objects.get_or_create(
            slug=slug, defaults={**SITES[slug], "parent": sites["technopolis-moscow"]}
        )
    return sites


def _agreement(slug: str, parties: list[tuple[Organisation, str]], directions: list[str], **fields: Any) -> Agreement:
    agreement, created = Agreement.objects.get_or_create(slug=slug, defaults=fields)
    if created:
        agreement.full_clean()
        agreement.save()
    for order, (organisation, role) in enumerate(parties):
        AgreementParty.objects.get_or_create(
            agreement=agreement, organisation=organisation, defaults={"role": role, "order": order}
        )
    for order, text in enumerate(directions):
        Direction.objects.get_or_create(agreement=agreement, text=text, defaults={"order": order})
    return agreement


def _agreements(orgs: dict[str, Organisation]) -> dict[str, Agreement]:
    city = AgreementParty.Role.CITY
    clusters = _agreement(
        "moscow-rosnano-fiop-clusters-2015",
        [(orgs["moscow-government"], city), (orgs["rosnano"], "company"), (orgs["fiop"], "fund")],
        [
            "Осуществлять инвестиции в развитие новых производств и/или организацию инновационной инфраструктуры",
            "Совместно участвовать в экспертизе инновационных и инфраструктурных проектов участников кластеров",
            "Участвовать в организации и подготовке кадров для компаний — участников кластеров",
            "Участвовать в реализации на территориях кластеров коммерческих проектов образовательных учреждений "
            "города Москвы",
            "Участвовать в мероприятиях по стимулированию спроса на продукцию компаний кластеров",
        ],
        title="Соглашение о взаимодействии в области развития инновационных территориальных кластеров в городе Москве",
        kind=Agreement.Kind.COOPERATION,
        signed_on=date(2015, 2, 9),
        term_years=5,
        summary=(
            "Правительство Москвы, ОАО «Роснано» и ФИОП содействуют развитию высокотехнологичных производств и "
            "организации инновационной инфраструктуры в рамках инновационных территориальных кластеров в Москве."
        ),
        source_url=ROSNANO_SOURCE,
        source_text="Москва станет базовой площадкой для современных производств — Собянин (09.02.2015)",
    )
    ev = _agreement(
        "moscow-rosatom-kamaz-ev-2023",
        [(orgs["moscow-government"], city), (orgs["rosatom"], "state_corporation"), (orgs["kamaz"], "company")],
        [
            "Строительство в Москве крупнейшего в России завода по производству тяговых батарей для электротранспорта "
            "(срок — два года)",
            "Использование на новом производстве технологий «Росатома» с их дальнейшим масштабированием",
        ],
        title="Соглашение о сотрудничестве в сфере развития технологий электромобилестроения в Москве",
        kind=Agreement.Kind.COOPERATION,
        signed_on=date(2023, 9, 29),
        summary=(
            "Москва, госкорпорация «Росатом» и ПАО «КамАЗ» договорились построить в столице крупнейший в России "
            "завод тяговых батарей для электротранспорта."
        ),
        source_text="Собянин: В Москве будет локализовано производство тяговых батарей для электротранспорта "
        "(29.09.2023)",
    )
    offset = _agreement(
        "moscow-offset-cells-modules-2023",
        [(orgs["moscow-government"], city), (orgs["rosatom"], "state_corporation")],
        ["Строительство завода по производству ячеек и модулей на основе литий-ионных ячеек"],
        title="Офсетный контракт на строительство завода по производству ячеек и модулей на основе литий-ионных ячеек",
        kind=Agreement.Kind.OFFSET,
        signed_on=date(2023, 9, 29),
        summary="Подписан вместе с соглашением о сотрудничестве в сфере электромобилестроения.",
        related_to=ev,
    )
    session = _agreement(
        "moscow-rosatom-strategic-session-2025",
        [(orgs["moscow-government"], city), (orgs["rosatom"], "state_corporation")],
        [
            "Формирование «дорожной карты» долгосрочного сотрудничества и совместных инновационных технологических "
            "проектов и информационно-деловых мероприятий",
            "Развитие имущественного комплекса «Росатома» на территории Москвы",
            "Создание высокотехнологичных производств, в том числе в ОЭЗ «Технополис Москва»",
            "«Зелёный» транспорт: единый цикл от производства ячеек для батарей до зарядной инфраструктуры в столице",
            "Промышленное производство, энергетика, экология, цифровизация и транспортная инфраструктура",
        ],
        title="Итоги стратегической сессии госкорпорации «Росатом» и Правительства Москвы",
        kind=Agreement.Kind.STRATEGIC_SESSION,
        signed_on=date(2025, 10, 21),
        summary=(
            "Стратегическая сессия в музее «Атом» на ВДНХ о долгосрочном партнёрстве и совместных проектах в "
            "промышленной, инвестиционной и научно-технологической сферах. «Росатом» реализует в Москве более "
            "680 проектов."
        ),
        source_text="Ликсутов: Москва и «Росатом» развивают стратегическое сотрудничество (21.10.2025)",
    )
    return {"clusters": clusters, "ev": ev, "offset": offset, "session": session}


def _real_projects(
    orgs: dict[str, Organisation], sites: dict[str, Site], agreements: dict[str, Agreement], today: date
) -> int:
    moscow, rosatom = orgs["moscow-government"], orgs["rosatom"]
    note = "Сроки и вехи ориентировочные (демо): уточнить по отчёту партнёра."
    real: list[dict[str, Any]] = [
        {
            "code": "RA-001",
            "title": "«Гигафабрика» по производству накопителей энергии",
            "category": Project.Category.PRODUCTION,
            "status": Project.Status.IMPLEMENTATION,
            "agreement": agreements["session"],
            "planned_start": date(2025, 10, 21),
            "planned_end": date(2028, 12, 31),
            "description": "Самый масштабный проект «Росатома» в Москве. Москва возводит корпус завода, "
            "«Росатом» обеспечивает его технологическое оснащение современным оборудованием.",
            "duties": [
                (moscow, "Москва возводит корпус завода"),
                (rosatom, "Росатом обеспечивает технологическое оснащение"),
            ],
            "milestones": [
                ("Проект корпуса завода согласован", moscow, date(2026, 3, 31), date(2026, 3, 20)),
                ("Корпус завода возведён", moscow, today + timedelta(days=200), None),
                ("Оборудование поставлено и смонтировано", rosatom, date(2028, 6, 30), None),
                ("Запуск производства", rosatom, date(2028, 12, 1), None),
            ],
        },
        {
            "code": "RA-002",
            "title": "Завод по производству тяговых батарей для электротранспорта",
            "category": Project.Category.PRODUCTION,
            "status": Project.Status.IMPLEMENTATION,
            "agreement": agreements["ev"],
            "planned_start": date(2023, 9, 29),
            "planned_end": date(2025, 9, 29),
            "description": "Крупнейший в России завод тяговых батарей; строится в сотрудничестве с «Росатомом» "
            "и ПАО «КамАЗ» на технологиях «Росатома».",
            "duties": [
                (moscow, "Предоставляет площадку и содействует строительству"),
                (rosatom, "Предоставляет технологии и масштабирует их"),
                (orgs["kamaz"], "Участвует в создании завода"),
            ],
            "milestones": [
                ("Соглашение о сотрудничестве подписано", moscow, date(2023, 9, 29), date(2023, 9, 29)),
                ("Завод построен и работает", rosatom, date(2025, 9, 29), None),
            ],
        },
        {
            "code": "RA-003",
            "title": "Завод по производству ячеек и модулей на основе литий-ионных ячеек",
            "category": Project.Category.PRODUCTION,
            "status": Project.Status.IMPLEMENTATION,
            "agreement": agreements["offset"],
            "planned_start": date(2023, 9, 29),
            "planned_end": date(2027, 12, 31),
            "description": "Офсетный контракт подписан одновременно с соглашением об электромобилестроении.",
            "duties": [
                (moscow, "Гарантирует закупку продукции по офсетному контракту"),
                (rosatom, "Строит завод и организует производство"),
            ],
            "milestones": [
                ("Офсетный контракт подписан", moscow, date(2023, 9, 29), date(2023, 9, 29)),
                ("Производственный корпус готов", rosatom, today + timedelta(days=9), None),
            ],
        },
        {
            "code": "RA-004",
            "title": "Производство технических тканей из углеродного волокна",
            "category": Project.Category.PRODUCTION,
            "status": Project.Status.COMPLETED,
            "agreement": agreements["session"],
            "site": sites["technopolis-moscow"],
            "description": "Предприятие госкорпорации в ОЭЗ «Технополис Москва».",
            "duties": [(rosatom, "Разместил производство в ОЭЗ")],
            "milestones": [],
        },
        {
            "code": "RA-005",
            "title": "Центр прикладных исследований в области квантовых вычислений и микроэлектроники",
            "category": Project.Category.SCIENCE,
            "status": Project.Status.COMPLETED,
            "agreement": agreements["session"],
            "site": sites["technopolis-moscow"],
            "description": "Локализован в ОЭЗ «Технополис Москва».",
            "duties": [(rosatom, "Ведёт исследования")],
            "milestones": [],
        },
        {
            "code": "RA-006",
            "title": "Производство композитных изделий для инфраструктурных проектов",
            "category": Project.Category.PRODUCTION,
            "status": Project.Status.COMPLETED,
            "agreement": agreements["session"],
            "site": sites["technopolis-moscow"],
            "description": "Изделия малого веса, коррозионностойкие и долговечные: железнодорожный мост магистрали "
            "Чита — Иркутск, путепровод трассы «Золотое кольцо».",
            "duties": [(rosatom, "Выпускает композитные изделия")],
            "milestones": [],
        },
        {
            "code": "RA-007",
            "title": "Развитие имущественного комплекса «Росатома» на территории Москвы",
            "category": Project.Category.PROPERTY,
            "status": Project.Status.PREPARATION,
            "agreement": agreements["session"],
            "planned_start": date(2026, 1, 15),
            "planned_end": date(2030, 12, 31),
            "description": "Обсуждено на стратегической сессии 21 октября 2025 года.",
            "duties": [
                (moscow, "Подбирает площадки и согласует градостроительную документацию"),
                (rosatom, "Формирует перечень объектов для развития"),
            ],
            "milestones": [
                ("Перечень объектов согласован", rosatom, date(2026, 6, 30), None),
                ("Первый объект введён в оборот", moscow, date(2027, 12, 31), None),
            ],
        },
        {
            "code": "RA-008",
            "title": "Развитие зарядной инфраструктуры для электротранспорта в Москве",
            "category": Project.Category.TRANSPORT,
            "status": Project.Status.PREPARATION,
            "agreement": agreements["session"],
            "planned_start": date(2026, 3, 1),
            "planned_end": date(2029, 12, 31),
            "description": "Единый цикл «зелёного» транспорта: от ячеек для батарей до зарядных станций в столице.",
            "duties": [
                (moscow, "Определяет места размещения зарядных станций"),
                (rosatom, "Поставляет оборудование и накопители"),
            ],
            "milestones": [
                ("Схема размещения станций утверждена", moscow, today + timedelta(days=5), None),
                ("Первые 100 станций введены", rosatom, date(2027, 12, 31), None),
            ],
        },
    ]
    created = 0
    for item in real:
        duties = item.pop("duties")
        milestones = item.pop("milestones")
        code = item.pop("code")
        project, was_created = Project.objects.get_or_create(
            partner=rosatom, code=code, defaults={**item, "internal_notes": note}
        )
        if not was_created:
            continue
        created += 1
        for organisation, text in duties:
            Duty.objects.create(project=project, organisation=organisation, text=text)
        for title, responsible, due_on, done_on in milestones:
            Milestone.objects.create(
                project=project, title=title, responsible=responsible, due_on=due_on, done_on=done_on
            )
    return created


OBJECTS = {
    Project.Category.PROPERTY: ["Реконструкция корпуса", "Редевелопмент территории", "Офисный центр", "Склад"],
    Project.Category.PRODUCTION: ["Линия выпуска", "Участок сборки", "Цех механообработки", "Производство"],
    Project.Category.ENERGY: ["Накопитель энергии", "Солнечная электростанция", "Подстанция", "Модернизация ТЭЦ"],
    Project.Category.ECOLOGY: ["Очистные сооружения", "Мониторинг выбросов", "Переработка отходов", "Озеленение"],
    Project.Category.DIGITALISATION: ["Цифровой двойник", "Платформа данных", "Система диспетчеризации", "ИИ-сервис"],
    Project.Category.TRANSPORT: ["Зарядные станции", "Электробусный парк", "Депо", "Логистический хаб"],
    Project.Category.SCIENCE: ["Лаборатория", "Испытательный стенд", "Инжиниринговый центр", "НИОКР"],
    Project.Category.EDUCATION: ["Базовая кафедра", "Программа стажировок", "Учебный центр", "Школьный класс"],
}
# Where a synthetic project is, and the site of the SEZ it then sits on (None: a place outside the SEZ's sites).
PLACES: list[tuple[str, str | None]] = [
    ("в Печатниках", "pechatniki"),
    ("в Руднево", "rudnevo"),
    ("в Алабушево", "alabushevo"),
    ("в Зеленограде", "zelenograd"),
    ("в Троицке", None),
    ("на ВДНХ", None),
    ("в Нагатинской пойме", None),
    ("в Новой Москве", None),
    ("в промзоне «Южный порт»", None),
    ("в Курчатовском районе", None),
]
CITY_DUTIES = [
    "Предоставляет площадку",
    "Строит инженерные сети",
    "Возводит корпус",
    "Согласует документацию",
    "Обеспечивает спрос",
]
PARTNER_DUTIES = [
    "Поставляет оборудование",
    "Финансирует проект",
    "Передаёт технологии",
    "Готовит кадры",
    "Выпускает продукцию",
]
MILESTONES = [
    "Концепция согласована",
    "Проектная документация готова",
    "Площадка подготовлена",
    "Оборудование закуплено",
    "Монтаж завершён",
    "Пусконаладка",
    "Ввод в эксплуатацию",
]


def _synthetic(orgs: dict[str, Organisation], sites: dict[str, Site], agreement: Agreement, today: date) -> int:
    rng = random.Random(SEED)
    moscow, rosatom = orgs["moscow-government"], orgs["rosatom"]
    existing = dict(Project.objects.filter(partner=rosatom, code__startswith="DEMO-").values_list("code", "site_id"))
    plans: list[tuple[Project, list[tuple[Organisation, str]], list[tuple[str, Organisation, date, date | None]]]] = []
    categories = list(OBJECTS)
    for i in range(1, SYNTHETIC_PROJECTS + 1):
        category = rng.choice(categories)
        place, site_slug = rng.choice(PLACES)
        title = f"{rng.choice(OBJECTS[category])} {place} № {i}"
        site = sites[site_slug] if site_slug else None  # the project sits where its name says
        start = today + timedelta(days=rng.randint(-1400, 500))
        end = start + timedelta(days=rng.randint(120, 1300))
        if start > today:
            status = rng.choice([Project.Status.IDEA, Project.Status.PREPARATION, Project.Status.PREPARATION])
        elif end < today - timedelta(days=90):
            status = rng.choices(
                [Project.Status.COMPLETED, Project.Status.IMPLEMENTATION, Project.Status.CANCELLED],
                weights=[80, 12, 8],
            )[0]
        else:
            status = rng.choices([Project.Status.IMPLEMENTATION, Project.Status.SUSPENDED], weights=[90, 10])[0]
        investment = Decimal(rng.randint(5, 4000) * 5)
        milestone_specs: list[tuple[str, Organisation, date, date | None]] = []
        n = rng.randint(2, 5)
        span = (end - start).days
        for k in range(n):
            due = start + timedelta(days=span * (k + 1) // (n + 1))
            if status == Project.Status.COMPLETED:
                done: date | None = due + timedelta(days=rng.randint(-10, 20))
            elif due < today:
                done = due + timedelta(days=rng.randint(-10, 30)) if rng.random() < 0.85 else None
            else:
                done = None
            if done is not None and done > today:
                done = today
            milestone_specs.append((MILESTONES[min(k, len(MILESTONES) - 1)], rng.choice([moscow, rosatom]), due, done))
        duties = [(moscow, rng.choice(CITY_DUTIES)), (rosatom, rng.choice(PARTNER_DUTIES))]
        code = f"DEMO-{i:03d}"
        if code in existing:
            if existing[code] != (site.pk if site else None):  # loaded before places and sites agreed
                Project.objects.filter(partner=rosatom, code=code).update(site=site, title=title)
            continue
        project = Project(
            partner=rosatom,
            agreement=agreement,
            code=code,
            title=title,
            category=category,
            status=status,
            site=site,
            investment=investment,
            planned_start=start,
            planned_end=end,
            actual_start=start if status != Project.Status.IDEA and start <= today else None,
            actual_end=milestone_specs[-1][3] if status == Project.Status.COMPLETED else None,
            description="Синтетический проект для демонстрации дорожной карты реального размера.",
            is_demo=True,
        )
        if project.actual_end and project.actual_start and project.actual_end < project.actual_start:
            project.actual_end = project.actual_start
        plans.append((project, duties, milestone_specs))
    if not plans:
        return 0
    Project.objects.bulk_create([p for p, _d, _m in plans])
    saved = {p.code: p for p in Project.objects.filter(partner=rosatom, code__in=[p.code for p, _d, _m in plans])}
    Duty.objects.bulk_create(
        [Duty(project=saved[p.code], organisation=o, text=t) for p, duties, _m in plans for o, t in duties]
    )
    Milestone.objects.bulk_create(
        [
            Milestone(project=saved[p.code], title=t, responsible=r, due_on=due, done_on=done)
            for p, _d, specs in plans
            for t, r, due, done in specs
        ]
    )
    return len(plans)


def load() -> list[str]:
    today = date.today()
    orgs = _organisations()
    sites = _sites()
    agreements = _agreements(orgs)
    real = _real_projects(orgs, sites, agreements, today)
    synthetic = _synthetic(orgs, sites, agreements["session"], today)
    operator = get_user_model().objects.filter(username="operator").first()
    if operator is not None:
        for key in ("ev", "offset", "session"):
            agreements[key].responsible_operators.add(operator)
    return [
        f"Partnerships: {Agreement.objects.count()} agreements; road-map projects added now: {real} real, "
        f"{synthetic} synthetic (demo); Rosatom road map: "
        f"{Project.objects.filter(partner=orgs['rosatom']).count()} projects."
    ]
