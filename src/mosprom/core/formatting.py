"""Number formats for pages and charts: Russian (thin no-break space thousands, decimal comma) or English."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import translation

THIN_NBSP = "\u202f"  # NARROW NO-BREAK SPACE: the Russian thousands separator that never wraps
MINUS = "\u2212"


def _is_ru() -> bool:
    return (translation.get_language() or "ru").split("-")[0] == "ru"


def format_number(value: int | float | Decimal | None, places: int | None = None, empty: str = "—") -> str:
    """1234567 → «1 234 567»; Decimal('12.5') → «12,5» in Russian; English: «1,234,567», «12.5»."""
    if value is None:
        return empty
    number = Decimal(str(value))
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    negative = number < 0
    text = f"{abs(number):f}"
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    ru = _is_ru()
    result = (THIN_NBSP if ru else ",").join(groups)
    if fraction:
        result += ("," if ru else ".") + fraction
    return (MINUS if negative else "") + result


def format_percent(value: int | float | Decimal | None, places: int | None = None, signed: bool = False) -> str:
    """12.5 → «12,5 %» (Russian puts a no-break space before %); signed adds «+» to growth."""
    if value is None:
        return "—"
    text = format_number(value, places)
    if signed and Decimal(str(value)) > 0:
        text = "+" + text
    return text + ("\u00a0%" if _is_ru() else "%")


def quote(name: str) -> str:
    """A name in «ёлочки»; quotes inside become „лапки“: «ОЭЗ „Технополис Москва“», never «ОЭЗ «…»»."""
    inner = name.strip()
    if inner.startswith("«") and inner.endswith("»") and inner.count("«") == 1:
        inner = inner[1:-1]
    inner = inner.replace("«", "„").replace("»", "“")
    return f"«{inner}»"


def month_year(value: Any) -> str:
    """A month in a sentence: «окт. 2025», «май 2025» in Russian; «Oct. 2025» in English."""
    if not value:
        return ""
    from django.utils import formats

    text = formats.date_format(value, "N Y")
    return text[:1].lower() + text[1:] if _is_ru() else text


def agree(phrase: str, number: int | float | Decimal) -> str:
    """A Russian unit in the form its count asks for: («предприятие», 8) → «предприятий», («рабочее место», 2) →
    «рабочих места»; a fraction takes the genitive singular («1,5 миллиона»). Nouns agree with the number,
    adjectives before them follow; words pymorphy3 does not know, and Latin ones, stay as they are."""
    from mosprom.core.search import _morph

    value = Decimal(str(number))
    whole = abs(int(value)) if value == value.to_integral_value() else None
    one = whole is not None and whole % 10 == 1 and whole % 100 != 11
    result = []
    for word in phrase.split(" "):
        parses = _morph().parse(word) if any("а" <= ch <= "я" or ch == "ё" for ch in word.lower()) else []
        noun = next((p for p in parses if "NOUN" in p.tag and "nomn" in p.tag), None)
        adjective = next((p for p in parses if {"ADJF"} & set(str(p.tag).replace(" ", ",").split(","))), None)
        form = None
        if noun is not None:
            form = noun.make_agree_with_number(whole) if whole is not None else noun.inflect({"sing", "gent"})
        elif adjective is not None and not one:
            form = adjective.inflect({"plur", "gent"} if whole is not None else {"sing", "gent"})
        text = form.word if form is not None else word
        result.append(text[:1].upper() + text[1:] if word[:1].isupper() else text)
    return " ".join(result)
