"""The catalogue of tour formats of the Open#Mosprom programme (demo and synthetic data sets create them).

Operators add or rename formats in the back-office; this list only seeds a fresh database.
"""

from __future__ import annotations

from mosprom.tours.models import Format

# slug, Russian name, English name, online
FORMATS: list[tuple[str, str, str, bool]] = [
    ("excursion", "экскурсия", "factory tour", False),
    ("online-excursion", "онлайн-экскурсия", "online tour", True),
    ("lecture", "лекция", "lecture", False),
    ("master-class", "мастер-класс", "master class", False),
    ("quiz", "викторина", "quiz", False),
    ("brain-game", "интеллектуальная игра", "brain game", False),
    ("photo-exhibition", "фотовыставка", "photo exhibition", False),
    ("tasting", "дегустация", "tasting", False),
    ("quest", "квест", "quest", False),
    ("expert-meeting", "встреча с экспертом", "meeting with an expert", False),
]


def format_get_or_create(*, slug: str) -> Format:
    for s, name, name_en, online in FORMATS:
        if s == slug:
            obj, _created = Format.objects.get_or_create(
                slug=s, defaults={"name": name, "name_en": name_en, "is_online": online}
            )
            return obj
    raise KeyError(slug)


def formats_ensure() -> list[Format]:
    return [format_get_or_create(slug=s) for s, *_rest in FORMATS]
