"""Demo registry: Moscow's real sites and organisations from ../shared/seeds, then a labelled synthetic set.

Idempotent: every record is upserted on its natural key (slug; organisation + product; a synthetic key),
and a record is saved only when something differs, so a second run changes nothing.
Real records never get invented identifiers: INN only where it is publicly known.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils import timezone

from mosprom.registry import services
from mosprom.registry.models import (
    District,
    Industry,
    Organisation,
    Production,
    Residency,
    Site,
    Status,
    StatusApplication,
    StatusKind,
)

SEED = 2026
TECHNOPOLIS = "technopolis-moscow"
TECHNOPOLIS_SITES = ["pechatniki", "rudnevo", "alabushevo", "zelenograd"]
# New productions opened on Technopolis sites per year («35 in 2023, 30% more than a year earlier»).
PRODUCTIONS_PER_YEAR = {2019: 14, 2020: 18, 2021: 22, 2022: 27, 2023: 35, 2024: 31, 2025: 29, 2026: 12}
SYNTHETIC_RESIDENTS = 195


def _upsert(model: type[Model], lookup: dict[str, Any], values: dict[str, Any]) -> tuple[Any, bool]:
    """get-or-create on `lookup`; on an existing row save only when a value differs."""
    obj = model._default_manager.filter(**lookup).first()  # type: ignore[attr-defined]
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        return obj, True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj, False


INDUSTRIES = [
    ("microelectronics", "Микроэлектроника", "Microelectronics"),
    ("pharma", "Фармацевтика", "Pharmaceuticals"),
    ("composites", "Композитные материалы", "Composite materials"),
    ("energy-storage", "Накопители энергии и электротранспорт", "Energy storage and electric transport"),
    ("instruments", "Приборостроение", "Instrument making"),
    ("machinery", "Машиностроение", "Mechanical engineering"),
    ("robotics", "Робототехника", "Robotics"),
    ("uav", "Беспилотные авиационные системы", "Unmanned aircraft systems"),
    ("electrical", "Электротехника", "Electrical engineering"),
    ("lasers", "Лазерные и радиационные технологии", "Laser and radiation technologies"),
    ("it", "Информационные технологии", "Information technology"),
    ("public", "Государственное управление", "Public administration"),
    ("education", "Образование и наука", "Education and science"),
    ("finance", "Инвестиции и финансы", "Investment and finance"),
]

SITES: list[dict[str, Any]] = [
    {
        "slug": TECHNOPOLIS,
        "name": "ОЭЗ «Технополис Москва»",
        "kind": Site.Kind.SEZ,
        "parent": None,
        "district": District.YUVAO,
        "address": "Москва, Волгоградский проспект, 42",
        "lat": "55.707000",
        "lng": "37.726000",
        "description": "Особая экономическая зона, флагман новой столичной промышленности: более 200 компаний "
        "на площадках; в 2023 году открылись 35 новых производств — на 30% больше, чем годом ранее.",
    },
    {
        "slug": "pechatniki",
        "name": "Печатники",
        "kind": Site.Kind.SEZ_SITE,
        "parent": TECHNOPOLIS,
        "district": District.YUVAO,
        "address": "Москва, Волгоградский проспект, 42",
        "lat": "55.707500",
        "lng": "37.727500",
        "description": "Площадка ОЭЗ «Технополис Москва».",
    },
    {
        "slug": "rudnevo",
        "name": "Руднево",
        "kind": Site.Kind.INDUSTRIAL_PARK,
        "parent": TECHNOPOLIS,
        "district": District.VAO,
        "address": "Москва, район Косино-Ухтомский",
        "lat": "55.722000",
        "lng": "37.893000",
        "description": "Индустриальный парк ОЭЗ «Технополис Москва»; больше всего новых производств 2023 года; "
        "базовая площадка Федерального центра беспилотных авиационных систем.",
    },
    {
        "slug": "alabushevo",
        "name": "Алабушево",
        "kind": Site.Kind.SEZ_SITE,
        "parent": TECHNOPOLIS,
        "district": District.ZELAO,
        "address": "Москва, Зеленоград, район Крюково",
        "lat": "56.006000",
        "lng": "37.150000",
        "description": "Площадка ОЭЗ, где формируется крупнейший в Москве и стране фармацевтический кластер.",
    },
    {
        "slug": "zelenograd",
        "name": "Зеленоград",
        "kind": Site.Kind.SEZ_SITE,
        "parent": TECHNOPOLIS,
        "district": District.ZELAO,
        "address": "Москва, Зеленоград",
        "lat": "55.985000",
        "lng": "37.190000",
        "description": "Площадка ОЭЗ «Технополис Москва» в Зеленограде.",
    },
    {
        "slug": "zntc-cluster",
        "name": "Инновационный кластер «Зеленоградский нанотехнологический центр»",
        "kind": Site.Kind.INNOVATION_CLUSTER,
        "parent": None,
        "district": District.ZELAO,
        "address": "Москва, Зеленоград",
        "lat": "55.991000",
        "lng": "37.214000",
        "description": "Один из трёх инновационных территориальных кластеров Москвы (2015).",
    },
    {
        "slug": "troitsk-cluster",
        "name": "Троицкий инновационный кластер «Новые материалы, лазерные и радиационные технологии»",
        "kind": Site.Kind.INNOVATION_CLUSTER,
        "parent": None,
        "district": District.TAO,
        "address": "Москва, Троицк",
        "lat": "55.485000",
        "lng": "37.305000",
        "description": "Один из трёх инновационных территориальных кластеров Москвы (2015).",
    },
    {
        "slug": "troitsk-technopark",
        "name": "Технопарк в Троицке",
        "kind": Site.Kind.TECHNOPARK,
        "parent": "troitsk-cluster",
        "district": District.TAO,
        "address": "Москва, Троицк",
        "lat": "55.478000",
        "lng": "37.298000",
        "description": "Технологическая площадка, созданная с помощью «Роснано»; по словам мэра, заслуживает "
        "статуса городского технопарка со всеми льготами (2015).",
    },
    {
        "slug": "fiztekh-xxi",
        "name": "Инновационный кластер «Физтех XXI»",
        "kind": Site.Kind.INNOVATION_CLUSTER,
        "parent": None,
        "district": "",
        "address": "",
        "lat": None,
        "lng": None,
        "description": "Один из трёх инновационных территориальных кластеров Москвы (2015).",
    },
]

ORGANISATIONS: list[dict[str, Any]] = [
    {
        "slug": "moscow-government",
        "short_name": "Правительство Москвы",
        "full_name": "Правительство Москвы",
        "kind": Organisation.Kind.GOVERNMENT,
        "industry": "public",
        "website": "https://www.mos.ru",
    },
    {
        "slug": "dipp",
        "short_name": "ДИПП",
        "full_name": "Департамент инвестиционной и промышленной политики города Москвы",
        "kind": Organisation.Kind.GOVERNMENT,
        "parent": "moscow-government",
        "industry": "public",
        "variants": ["Департамент инвестиционной и промышленной политики"],
    },
    {
        "slug": "rosatom",
        "short_name": "Госкорпорация «Росатом»",
        "full_name": "Государственная корпорация по атомной энергии «Росатом»",
        "kind": Organisation.Kind.STATE_CORPORATION,
        "inn": "7706413348",
        "employees": 20000,
        # The release: 20 000+ people in Moscow are 14% of the industry's staff, so about 143 000 in all.
        "staff_total": 142_900,
        "industry": "energy-storage",
        "variants": ["Росатом", "ГК «Росатом»"],
        "description": "В Москве 24 промышленных предприятия госкорпорации, на которых трудятся более 20 тысяч "
        "человек (14% сотрудников отрасли); всего в столице локализовано более 200 компаний «Росатома»; "
        "более 680 проектов. В ОЭЗ «Технополис Москва» размещены четыре инновационных производства.",
    },
    {
        "slug": "kamaz",
        "short_name": "ПАО «КамАЗ»",
        "full_name": "Публичное акционерное общество «КамАЗ»",
        "kind": Organisation.Kind.JOINT_STOCK,
        "inn": "1650032058",
        "industry": "machinery",
        "variants": ["КамАЗ", "КАМАЗ"],
    },
    {
        "slug": "rosnano",
        "short_name": "ОАО «Роснано»",
        "full_name": "Открытое акционерное общество «Роснано»",
        "kind": Organisation.Kind.JOINT_STOCK,
        "inn": "7728131587",
        "industry": "finance",
        "variants": ["Роснано", "АО «Роснано»"],
        "description": "С 2011 года вместе с городом создано около 20 новейших предприятий: чипы, электронная "
        "оптика, композиты и другие производства.",
    },
    {
        "slug": "fiop",
        "short_name": "ФИОП",
        "full_name": "Фонд инфраструктурных и образовательных программ",
        "kind": Organisation.Kind.FUND,
        "industry": "finance",
        "variants": ["Фонд инфраструктурных и образовательных программ"],
    },
    {
        "slug": "renera",
        "short_name": "«Рэнера»",
        "full_name": "Компания «Рэнера»",
        "kind": Organisation.Kind.COMPANY,
        "parent": "rosatom",
        "industry": "energy-storage",
        "variants": ["Рэнера", "РЭНЕРА"],
        "description": "Компания госкорпорации «Росатом»: литий-ионные аккумуляторы и накопители энергии. "
        "Участник проекта «Открой#Моспром» с 2025 года.",
    },
    {
        "slug": "nck",
        "short_name": "НЦК",
        "full_name": "Нанотехнологический центр композитов",
        "kind": Organisation.Kind.COMPANY,
        "industry": "composites",
        "variants": ["Нанотехнологический центр композитов"],
        "description": "Резидент ОЭЗ «Технополис Москва»: изделия из полимерных композиционных материалов для "
        "строительства, транспорта и городской инфраструктуры. Принимает экскурсии «Открой#Моспром».",
    },
    {
        "slug": "mipt",
        "short_name": "МФТИ",
        "full_name": "Московский физико-технический институт (национальный исследовательский университет)",
        "kind": Organisation.Kind.UNIVERSITY,
        "inn": "5008006211",
        "industry": "education",
        "variants": ["Физтех"],
    },
    {
        "slug": "mephi",
        "short_name": "МИФИ",
        "full_name": "Национальный исследовательский ядерный университет «МИФИ»",
        "kind": Organisation.Kind.UNIVERSITY,
        "inn": "7724068140",
        "industry": "education",
    },
    {
        "slug": "misis",
        "short_name": "МИСиС",
        "full_name": "Национальный исследовательский технологический университет «МИСиС»",
        "kind": Organisation.Kind.UNIVERSITY,
        "inn": "7706019535",
        "industry": "education",
        "variants": ["МИСИС"],
    },
    {
        "slug": "zntc",
        "short_name": "ЗАО «ЗНТЦ»",
        "full_name": "ЗАО «Зеленоградский нанотехнологический центр»",
        "kind": Organisation.Kind.COMPANY,
        "industry": "microelectronics",
        "variants": ["Зеленоградский нанотехнологический центр"],
    },
    {
        "slug": "fcbas",
        "short_name": "ФЦ БАС",
        "full_name": "Федеральный центр беспилотных авиационных систем",
        "kind": Organisation.Kind.COMPANY,
        "industry": "uav",
        "description": "Запущен в 2023 году; базовая площадка — индустриальный парк «Руднево».",
    },
    {
        "slug": "rudnevo-capacitors",
        "short_name": "Производитель конденсаторов («Руднево»)",
        "full_name": "Резидент «Руднево», выпускающий конденсаторы (в пресс-релизе не назван)",
        "kind": Organisation.Kind.COMPANY,
        "industry": "electrical",
    },
    {
        "slug": "rudnevo-atm",
        "short_name": "Производитель банкоматов («Руднево»)",
        "full_name": "Резидент «Руднево», выпускающий банкоматы (в пресс-релизе не назван)",
        "kind": Organisation.Kind.COMPANY,
        "industry": "instruments",
    },
    {
        "slug": "alabushevo-pharma",
        "short_name": "Фармацевтический кластер «Алабушево»",
        "full_name": "Фармацевтический кластер на площадке «Алабушево» (восемь предприятий)",
        "kind": Organisation.Kind.COMPANY,
        "industry": "pharma",
        "description": "Крупнейший в Москве и стране фармацевтический кластер: объединяет восемь предприятий, "
        "выпускающих жизненно необходимые и важнейшие лекарственные препараты.",
    },
]

# (organisation, site, since, anchor)
RESIDENCIES = [
    ("rosatom", TECHNOPOLIS, None, True),
    ("nck", TECHNOPOLIS, None, False),
    ("fcbas", "rudnevo", date(2023, 1, 1), True),
    ("rudnevo-capacitors", "rudnevo", date(2023, 1, 1), False),
    ("rudnevo-atm", "rudnevo", date(2023, 1, 1), False),
    ("alabushevo-pharma", "alabushevo", None, True),
    ("zntc", "zntc-cluster", None, True),
]

ROSATOM_RELEASE = "Стратегическая сессия «Росатома» и Правительства Москвы, 21.10.2025"
TECHNOPOLIS_RELEASE = "Собянин о новых производствах ОЭЗ «Технополис Москва», 29.01.2024"
PRODUCTIONS: list[dict[str, Any]] = [
    {
        "organisation": "rosatom",
        "site": TECHNOPOLIS,
        "product": "Технические ткани из углеродного волокна",
        "industry": "composites",
        "source": ROSATOM_RELEASE,
    },
    {
        "organisation": "rosatom",
        "site": TECHNOPOLIS,
        "product": "Центр прикладных исследований в области квантовых вычислений и микроэлектроники",
        "industry": "microelectronics",
        "source": ROSATOM_RELEASE,
    },
    {
        "organisation": "rosatom",
        "site": TECHNOPOLIS,
        "product": "Композитные изделия для инфраструктуры (мост магистрали Чита — Иркутск, путепровод трассы "
        "«Золотое кольцо»)",
        "industry": "composites",
        "description": "Малый вес, коррозионная стойкость и долговечность.",
        "source": ROSATOM_RELEASE,
    },
    {
        "organisation": "rudnevo-capacitors",
        "site": "rudnevo",
        "product": "Конденсаторы для светотехнической продукции и пусковых устройств",
        "industry": "electrical",
        "opened_on": date(2023, 7, 1),
        "import_substitution": True,
        "description": "Открыто в 2023 году (точная дата в пресс-релизе не указана).",
        "source": TECHNOPOLIS_RELEASE,
    },
    {
        "organisation": "rudnevo-atm",
        "site": "rudnevo",
        "product": "Банкоматы",
        "industry": "instruments",
        "opened_on": date(2023, 7, 1),
        "import_substitution": True,
        "description": "Открыто в 2023 году (точная дата в пресс-релизе не указана).",
        "source": TECHNOPOLIS_RELEASE,
    },
    {
        "organisation": "alabushevo-pharma",
        "site": "alabushevo",
        "product": "Жизненно необходимые и важнейшие лекарственные препараты (восемь предприятий)",
        "industry": "pharma",
        "import_substitution": True,
        "source": TECHNOPOLIS_RELEASE,
    },
    {
        "organisation": "nck",
        "site": TECHNOPOLIS,
        "product": "Изделия из полимерных композиционных материалов",
        "industry": "composites",
        "source": "Открой#Моспром, 17.01.2026",
    },
    {
        "organisation": "renera",
        "site": None,
        "product": "Литий-ионные аккумуляторы и накопители энергии",
        "industry": "energy-storage",
        "source": "Открой#Моспром, 17.01.2026",
    },
    {
        "organisation": "renera",
        "site": None,
        "product": "Тяговые батареи для электротранспорта (гигафабрика накопителей энергии, строится)",
        "industry": "energy-storage",
        "import_substitution": True,
        "description": "Соглашение Москвы, «Росатома» и ПАО «КамАЗ» от 29.09.2023: Москва возводит корпус завода, "
        "«Росатом» оснащает его оборудованием; офсетный контракт на завод ячеек и модулей.",
        "source": "Соглашение об электромобилестроении, 29.09.2023",
    },
]

STATUS_KINDS = [
    (
        "city-technopark",
        "Городской технопарк",
        "City technopark",
        10,
        "Льготы по налогу на имущество, земельному налогу и арендной плате за землю.",
    ),
    ("industrial-complex", "Промышленный комплекс", "Industrial complex", 7, "Льготы по налогам и аренде земли."),
    (
        "priority-investment-project",
        "Приоритетный инвестиционный проект",
        "Investment priority project",
        None,
        "Льготы по налогам и аренде на срок реализации проекта.",
    ),
    ("sez-resident", "Резидент ОЭЗ", "SEZ resident", None, "Режим особой экономической зоны."),
]

# ---- synthetic set ------------------------------------------------------------------------------

NAME_HEADS = [
    "Техно", "Микро", "Нано", "Фарм", "Электро", "Композит", "Робо", "Био", "Опто", "Лазер",
    "Кванто", "Энерго", "Прибор", "Металл", "Сенсор", "Аэро", "Гидро", "Термо", "Инфо", "Полимер",
]  # fmt: skip
NAME_TAILS = ["систем", "лаб", "тех", "синтез", "маш", "трон", "дизайн", "групп", "мед", "линк"]
PRODUCTS = [
    ("microelectronics", "Силовые полупроводниковые модули"),
    ("microelectronics", "Микроконтроллеры для промышленной автоматики"),
    ("microelectronics", "Печатные платы высокой плотности"),
    ("pharma", "Онкологические препараты"),
    ("pharma", "Генно-инженерный инсулин"),
    ("pharma", "Вакцины и иммунобиологические препараты"),
    ("composites", "Композитные панели для транспорта"),
    ("composites", "Стеклопластиковая арматура"),
    ("energy-storage", "Системы накопления энергии"),
    ("energy-storage", "Зарядные станции для электробусов"),
    ("instruments", "Медицинские ультразвуковые сканеры"),
    ("instruments", "Промышленные датчики давления"),
    ("instruments", "Счётчики электроэнергии"),
    ("machinery", "Станки с числовым программным управлением"),
    ("machinery", "Компоненты для электромобилей"),
    ("robotics", "Промышленные роботы-манипуляторы"),
    ("robotics", "Складские автономные роботы"),
    ("uav", "Беспилотные летательные аппараты"),
    ("electrical", "Светодиодные светильники"),
    ("electrical", "Силовые трансформаторы"),
    ("lasers", "Волоконные лазеры"),
    ("it", "Серверное оборудование"),
    ("it", "Телекоммуникационные коммутаторы"),
]


def _load_reference() -> tuple[dict[str, Industry], dict[str, Site], dict[str, Organisation]]:
    industries = {
        slug: _upsert(Industry, {"slug": slug}, {"name": name, "name_en": name_en})[0]
        for slug, name, name_en in INDUSTRIES
    }
    sites: dict[str, Site] = {}
    for row in SITES:
        sites[row["slug"]] = _upsert(
            Site,
            {"slug": row["slug"]},
            {
                "name": row["name"],
                "kind": row["kind"],
                "parent": sites[row["parent"]] if row["parent"] else None,
                "district": row["district"],
                "address": row["address"],
                "latitude": Decimal(row["lat"]) if row["lat"] else None,
                "longitude": Decimal(row["lng"]) if row["lng"] else None,
                "description": row["description"],
                "is_demo": False,
            },
        )[0]
    orgs: dict[str, Organisation] = {}
    for row in ORGANISATIONS:
        orgs[row["slug"]] = _upsert(
            Organisation,
            {"slug": row["slug"]},
            {
                "short_name": row["short_name"],
                "full_name": row["full_name"],
                "kind": row["kind"],
                "inn": row.get("inn"),
                "parent": orgs[row["parent"]] if row.get("parent") else None,
                "industry": industries[row["industry"]] if row.get("industry") else None,
                "employees": row.get("employees"),
                "staff_total": row.get("staff_total"),
                "name_variants": row.get("variants", []),
                "description": row.get("description", ""),
                "website": row.get("website", ""),
                "is_demo": False,
            },
        )[0]
    for org_slug, site_slug, since, anchor in RESIDENCIES:
        _upsert(
            Residency,
            {"organisation": orgs[org_slug], "site": sites[site_slug]},
            {"since": since, "is_anchor": anchor},
        )
    for row in PRODUCTIONS:
        _upsert(
            Production,
            {"organisation": orgs[row["organisation"]], "product": row["product"]},
            {
                "site": sites[row["site"]] if row["site"] else None,
                "industry": industries[row["industry"]],
                "opened_on": row.get("opened_on"),
                "import_substitution": row.get("import_substitution", False),
                "no_domestic_analogue": row.get("no_domestic_analogue", False),
                "description": row.get("description", ""),
                "source": row["source"],
                "is_demo": False,
            },
        )
    return industries, sites, orgs


def _load_synthetic(industries: dict[str, Industry], sites: dict[str, Site]) -> dict[str, Organisation]:
    rng = random.Random(SEED)
    industry_slugs = [slug for slug, _n, _e in INDUSTRIES if slug not in ("public", "education", "finance")]
    demo_orgs: dict[str, Organisation] = {}
    residents_by_site: dict[str, list[Organisation]] = {s: [] for s in TECHNOPOLIS_SITES}
    for i in range(1, SYNTHETIC_RESIDENTS + 1):
        head, tail = rng.choice(NAME_HEADS), rng.choice(NAME_TAILS)
        name = f"{head}{tail}-{i:03d}"
        industry = rng.choice(industry_slugs)
        site_slug = rng.choice(TECHNOPOLIS_SITES)
        since = date(rng.randint(2012, 2025), rng.randint(1, 12), 1)
        slug = f"demo-org-{i:03d}"
        org = _upsert(
            Organisation,
            {"slug": slug},
            {
                "short_name": f"ООО «{name}»",
                "full_name": f"Общество с ограниченной ответственностью «{name}» (демо)",
                "kind": Organisation.Kind.COMPANY,
                "industry": industries[industry],
                "employees": rng.randint(15, 900),
                "is_demo": True,
            },
        )[0]
        _upsert(
            Residency,
            {"organisation": org, "site": sites[site_slug]},
            {"since": since, "is_anchor": i % 40 == 0},
        )
        demo_orgs[slug] = org
        residents_by_site[site_slug].append(org)

    # Productions on Technopolis sites: fill each year up to the figure the releases give.
    technopolis_ids = [sites[s].pk for s in [TECHNOPOLIS, *TECHNOPOLIS_SITES]]
    real_per_year: dict[int, int] = {}
    for opened in Production.objects.filter(is_demo=False, site_id__in=technopolis_ids, opened_on__isnull=False):
        real_per_year[opened.opened_on.year] = real_per_year.get(opened.opened_on.year, 0) + 1  # type: ignore[union-attr]
    n = 0
    for year, target in PRODUCTIONS_PER_YEAR.items():
        last_month = 10 if year == 2026 else 12
        for _k in range(target - real_per_year.get(year, 0)):
            n += 1
            site_slug = rng.choice(TECHNOPOLIS_SITES)
            org = rng.choice(residents_by_site[site_slug])
            industry, product = rng.choice(PRODUCTS)
            _upsert(
                Production,
                {"source": f"demo-synthetic-{n:04d}"},
                {
                    "organisation": org,
                    "site": sites[site_slug],
                    "product": product,
                    "industry": industries[industry],
                    "opened_on": date(year, rng.randint(1, last_month), rng.randint(1, 28)),
                    "import_substitution": rng.random() < 0.6,
                    "no_domestic_analogue": rng.random() < 0.15,
                    "jobs": rng.randint(20, 400),
                    "investment": Decimal(rng.randint(50, 3000)),
                    "is_demo": True,
                },
            )
    return demo_orgs


TECHNOPARKS = [
    # slug, name, lat, lng, district, granted, obligations (jobs, productions, investment), 2025 report
    ("demo-technopark-sever", "Технопарк «Демо-Север»", "55.880000", "37.540000", District.SAO,
     date(2020, 3, 2), (300, 2, 500), (340, 3, 620)),
    ("demo-technopark-vostok", "Технопарк «Демо-Восток»", "55.790000", "37.800000", District.VAO,
     date(2021, 6, 15), (250, 2, 400), (180, 1, 150)),
    ("demo-technopark-yug", "Технопарк «Демо-Юг»", "55.620000", "37.640000", District.YUAO,
     date(2022, 2, 10), (200, 1, 300), None),
]  # fmt: skip


def _load_statuses(sites: dict[str, Site]) -> None:
    kinds = {
        code: _upsert(
            StatusKind,
            {"code": code},
            {"name": name, "name_en": name_en, "term_years": term, "benefits": benefits},
        )[0]
        for code, name, name_en, term, benefits in STATUS_KINDS
    }
    technopark = kinds["city-technopark"]
    for slug, name, lat, lng, district, granted, (ojobs, oprods, oinv), report_2025 in TECHNOPARKS:
        site = _upsert(
            Site,
            {"slug": slug},
            {
                "name": name,
                "kind": Site.Kind.TECHNOPARK,
                "parent": None,
                "district": district,
                "address": "",
                "latitude": Decimal(lat),
                "longitude": Decimal(lng),
                "description": "Синтетическая запись для демонстрации статуса городского технопарка.",
                "is_demo": True,
            },
        )[0]
        manager = _upsert(
            Organisation,
            {"slug": f"{slug}-uk"},
            {
                "short_name": f"УК «{name}»",
                "full_name": f"Управляющая компания «{name}» (демо)",
                "kind": Organisation.Kind.COMPANY,
                "is_demo": True,
            },
        )[0]
        _upsert(Residency, {"organisation": manager, "site": site}, {"since": granted, "is_anchor": True})
        application = StatusApplication.objects.filter(applicant=manager, kind=technopark).first()
        if application is None:
            application = services.status_application_submit(
                applicant=manager,
                kind=technopark,
                site=site,
                submitted_on=date(granted.year, 1, 15),
                obliged_jobs=ojobs,
                obliged_productions=oprods,
                obliged_investment=Decimal(oinv),
            )
            services.status_application_start_review(application=application)
            services.status_application_add_verdict(
                application=application,
                expert_name="Экспертный совет ДИПП (демо)",
                verdict="support",
                comment="Площадка соответствует требованиям к городскому технопарку.",
            )
            services.status_application_approve(application=application, granted_on=granted, number=f"ТП-{slug[-4:]}")
            application.refresh_from_db()
        status = application.status
        if status is None:
            continue
        for year in range(granted.year, 2025):
            if not status.reports.filter(year=year).exists():
                services.annual_report_submit(
                    status=status,
                    year=year,
                    jobs=ojobs + 10 * (year - granted.year),
                    productions_launched=oprods,
                    investment=Decimal(oinv),
                    submitted_on=date(year + 1, 3, 1),
                )
        if report_2025 is not None and not status.reports.filter(year=2025).exists():
            services.annual_report_submit(
                status=status,
                year=2025,
                jobs=report_2025[0],
                productions_launched=report_2025[1],
                investment=Decimal(report_2025[2]),
                submitted_on=date(2026, 3, 20),
            )
    sez = kinds["sez-resident"]
    for slug in ("nck", "fcbas"):
        org = Organisation.objects.get(slug=slug)
        # Real residents of the SEZ; the status row is a synthetic illustration, hence is_demo.
        _upsert(
            Status,
            {"kind": sez, "holder": org},
            {"site": sites[TECHNOPOLIS], "granted_on": date(2023, 1, 1), "valid_until": None, "is_demo": True},
        )
    services.status_confirmation_check(year=2025, today=max(timezone.localdate(), date(2026, 4, 2)))

    # One industrial-complex application in each of the other states.
    industrial = kinds["industrial-complex"]
    states = [
        ("demo-org-011", "submitted"),
        ("demo-org-022", "under_review"),
        ("demo-org-033", "rejected"),
    ]
    for org_slug, state in states:
        org = Organisation.objects.get(slug=org_slug)
        if StatusApplication.objects.filter(applicant=org, kind=industrial).exists():
            continue
        app = services.status_application_submit(
            applicant=org,
            kind=industrial,
            submitted_on=date(2026, 9, 1),
            obliged_jobs=120,
            obliged_productions=1,
            obliged_investment=Decimal(250),
        )
        if state in ("under_review", "rejected"):
            services.status_application_start_review(application=app)
            services.status_application_add_verdict(
                application=app,
                expert_name="Эксперт ДИПП (демо)",
                verdict="support" if state == "under_review" else "oppose",
                comment="Проверены документы о площади и занятости.",
            )
        if state == "rejected":
            services.status_application_reject(
                application=app,
                reason="Площадь производственных помещений меньше требуемой (демо).",
                decided_on=date(2026, 10, 1),
            )


def load() -> list[str]:
    industries, sites, _orgs = _load_reference()
    _load_synthetic(industries, sites)
    _load_statuses(sites)
    return [
        f"Registry: {Site.objects.count()} sites, {Organisation.objects.count()} organisations, "
        f"{Production.objects.count()} productions, {Status.objects.count()} statuses "
        f"({Organisation.objects.filter(is_demo=True).count()} synthetic organisations marked «демо»)."
    ]
