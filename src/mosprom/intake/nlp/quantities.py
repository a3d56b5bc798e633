"""Quantities in Russian text: a small grammar over pymorphy3 lemmas.

«более 20 тысяч человек» → 20000, more, человек; «почти 25 тысяч москвичей» → 25000, almost, москвич;
«двух миллионов рублей» → 2000000, exact, рубль; «14% сотрудников» → 14, exact, %; «превысило 150» → 150, more.
Never a count: dates («9 февраля 2015»), years («в 2023 году», «2019-го»), clock times, page addresses,
house numbers and ids («№ 67», «ПСО №206»), ratios («в 3,5 раза»), durations («через два года»).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import parse

TOKEN = re.compile(
    r"(?P<ord>\d+-(?:го|й|м|х|е|я|ом|ых|ые|ти|ми|ью|ое|ой))(?![А-Яа-яЁё])"
    r"|(?P<num>\d{1,3}(?:[ \u202f\u2009]\d{3})+(?![\d])(?:,\d+)?|\d+(?:,\d+)?)"
    r"|(?P<word>[A-Za-zА-Яа-яЁё]+(?:-[A-Za-zА-Яа-яЁё]+)*)"
    r"|(?P<punct>\S)"
)
# Spans never read as quantities.
MASKS = re.compile(
    r"\d{1,2}[.:]\d{2}(?:[.:]\d{2,4})?"  # dates 21.10.2025 and clock times 13:13
    r"|https?://\S+|www\.\S+|\S+@\S+\.\w+"  # addresses of pages and mail
    r"|\+?\d[\d\s()\-]{9,}\d"  # phone numbers
    r"|(?:№|N°|#|No\.?)\s*\d[\w\-/]*"  # ids
    r"|\b(?:д|дом|корп|корпус|стр|строение|вл|владение|кв|офис|пом|лит)\.?\s*\d+[А-Яа-я]?(?:/\d+)?"  # house numbers
    r"|\b\d{6}\b(?=,)",  # postcodes
    re.IGNORECASE,
)
STREETS = {"улица", "ул", "проспект", "пр-т", "шоссе", "ш", "переулок", "пер", "бульвар", "б-р", "набережная",
           "наб", "проезд", "пр-д", "площадь", "пл", "тупик", "аллея", "линия", "просека", "микрорайон", "мкр"}  # fmt: skip

UNITS_VALUE = {
    "ноль": 0, "один": 1, "два": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8,
    "девять": 9, "десять": 10, "одиннадцать": 11, "двенадцать": 12, "тринадцать": 13, "четырнадцать": 14,
    "пятнадцать": 15, "шестнадцать": 16, "семнадцать": 17, "восемнадцать": 18, "девятнадцать": 19,
    "двадцать": 20, "тридцать": 30, "сорок": 40, "пятьдесят": 50, "шестьдесят": 60, "семьдесят": 70,
    "восемьдесят": 80, "девяносто": 90, "сто": 100, "двести": 200, "триста": 300, "четыреста": 400,
    "пятьсот": 500, "шестьсот": 600, "семьсот": 700, "восемьсот": 800, "девятьсот": 900,
    "полтора": 1.5, "полторы": 1.5, "двое": 2, "трое": 3, "четверо": 4, "пятеро": 5, "шестеро": 6,
    "семеро": 7, "десятеро": 10, "полтораста": 150,
}  # fmt: skip
MULTIPLIERS = {"тысяча": 1_000, "тыс": 1_000, "миллион": 1_000_000, "млн": 1_000_000, "миллиард": 10**9,
               "млрд": 10**9, "триллион": 10**12, "трлн": 10**12}  # fmt: skip
# Nouns that are themselves a round, vague number: «сотни компаний», «тысячи человек», «десятки проектов».
VAGUE = {"десяток": 10, "сотня": 100, "тысяча": 1_000, "миллион": 1_000_000, "миллиард": 10**9}
HALF = {"полмиллиона": 500_000, "полмиллиард": 5 * 10**8, "полтысяча": 500, "полтысячи": 500}

QUALIFIER_WORDS = {
    "более": "more", "свыше": "more", "больше": "more", "сверх": "more", "выше": "more", "минимум": "more",
    "около": "about", "порядка": "about", "примерно": "about", "приблизительно": "about", "ориентировочно": "about",
    "порядок": "about", "почти": "almost", "практически": "almost", "едва": "almost",
    "менее": "less", "меньше": "less", "ниже": "less", "максимум": "upto", "до": "upto",
}  # fmt: skip
QUALIFIER_VERBS = {
    "превысить": "more", "превышать": "more", "перевалить": "more", "переваливать": "more",
    "превзойти": "more", "превосходить": "more", "приблизиться": "almost", "приближаться": "almost",
    "достигнуть": "exact", "достичь": "exact", "достигать": "exact", "составить": "exact", "составлять": "exact",
}  # fmt: skip
CHANGE_VERBS = {"вырасти", "расти", "увеличиться", "увеличиваться", "возрасти", "возрастать", "сократиться",
                "сокращаться", "снизиться", "снижаться", "уменьшиться", "уменьшаться", "упасть", "подняться"}  # fmt: skip
AFTER_MORE = ("с лишним", "с небольшим", "и более", "и больше", "с гаком", "и свыше")
DURATION = {"год", "лето", "месяц", "неделя", "день", "сутки", "час", "минута", "секунда", "век", "столетие",
            "квартал", "полугодие", "десятилетие", "раз", "разы", "балл", "этап", "очередь", "класс",
            "курс", "поколение", "уровень", "степень", "градус", "пункт", "км/ч"}  # fmt: skip
MONTHS = {"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
          "ноябрь", "декабрь", "янв", "фев", "мар", "апр", "июн", "июл", "авг", "сен", "сент", "окт", "ноя", "дек"}  # fmt: skip
MEASURE_ABBR = {"кв": "кв. м", "м2": "кв. м", "га": "га", "км": "км", "руб": "рубль", "т": "т", "кг": "кг",
                "мвт": "МВт", "квт": "кВт", "гвт": "ГВт", "м": "м"}  # fmt: skip


@dataclass
class Quantity:
    value: float
    unit: str | None
    qualifier: str
    start: int  # of the whole expression (qualifier included)
    end: int  # of the counted noun (or of the number)
    number_start: int
    growth: bool = False
    vague: bool = False

    @property
    def display_value(self) -> int | float:
        return int(self.value) if float(self.value).is_integer() else self.value


@dataclass
class Tok:
    text: str
    start: int
    end: int
    kind: str  # ord | num | word | punct

    @property
    def low(self) -> str:
        return self.text.lower()


def tokenize(text: str) -> list[Tok]:
    return [Tok(m.group(), m.start(), m.end(), m.lastgroup or "punct") for m in TOKEN.finditer(text)]


def _masked(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in MASKS.finditer(text)]


def _in(spans: list[tuple[int, int]], pos: int) -> bool:
    return any(a <= pos < b for a, b in spans)


def _numeral_value(tok: Tok) -> float | None:
    if tok.kind != "word":
        return None
    p = parse(tok.low)
    if "NUMR" in p.tag and p.normal_form in UNITS_VALUE:
        return float(UNITS_VALUE[p.normal_form])
    if tok.low in ("полтора", "полторы", "полутора"):
        return 1.5
    return None


def _multiplier(tokens: list[Tok], i: int) -> tuple[int, int] | None:
    """(multiplier, tokens used) when tokens[i] is тыс./тысяч/млн/миллиардов…"""
    if i >= len(tokens) or tokens[i].kind != "word":
        return None
    low = tokens[i].low
    if low in ("тыс", "млн", "млрд", "трлн"):
        used = 2 if i + 1 < len(tokens) and tokens[i + 1].text == "." else 1
        return MULTIPLIERS[low], used
    p = parse(low)
    if p.normal_form in MULTIPLIERS and "NOUN" in p.tag:
        return MULTIPLIERS[p.normal_form], 1
    return None


def _is_year(value: float, raw: str) -> bool:
    return raw.isdigit() and len(raw) == 4 and 1800 <= value <= 2100


def _counted_noun(text: str, tokens: list[Tok], i: int) -> tuple[str | None, int, int]:
    """The noun counted by the number ending before tokens[i]: (lemma or unit, its end, next index)."""
    j = i
    skipped = 0
    while j < len(tokens) and skipped <= 4:
        tok = tokens[j]
        if tok.kind == "punct":
            if tok.text == "%":
                return "%", tok.end, j + 1
            return None, 0, j
        if tok.kind != "word":
            return None, 0, j
        low = tok.low
        if low in MEASURE_ABBR and (low != "м" or skipped == 0):
            end = tok.end
            if low == "кв" and j + 2 < len(tokens) and tokens[j + 1].text == "." and tokens[j + 2].low == "м":
                end = tokens[j + 2].end
            elif j + 1 < len(tokens) and tokens[j + 1].text == ".":
                end = tokens[j + 1].end
            return MEASURE_ABBR[low], end, j + 1
        p = parse(low)
        if low in ("процент", "процента", "процентов", "процентам", "процентами"):
            return "%", tok.end, j + 1
        if "NOUN" in p.tag and "Abbr" not in p.tag:
            if p.normal_form == "место" and j > i and parse(tokens[j - 1].low).normal_form == "рабочий":
                return "рабочее место", tok.end, j + 1
            return str(p.normal_form), tok.end, j + 1
        if "Abbr" in p.tag and "NOUN" in p.tag:
            return str(p.normal_form), tok.end, j + 1
        if {"ADJF"} & set(p.tag.grammemes) or "PRTF" in p.tag or "Anum" in p.tag:
            j += 1
            skipped += 1
            continue
        if tok.text[:1].isupper() and "LATN" in p.tag:
            return None, 0, j
        return None, 0, j
    return None, 0, j


def _qualifier_before(text: str, tokens: list[Tok], i: int) -> tuple[str, int, bool]:
    """The qualifier written before tokens[i]: (qualifier, start of expression, is a change «на N больше»)."""
    j = i - 1
    if j < 0:
        return "exact", tokens[i].start, False
    prev = tokens[j]
    low = prev.low
    if low == "чем" and j >= 1 and tokens[j - 1].low in ("более", "больше", "свыше", "менее", "меньше"):
        j -= 1
        low = tokens[j].low
    if low == "не" or (j >= 1 and tokens[j - 1].low == "не" and low in ("более", "больше", "менее", "меньше", "свыше")):
        pass
    if low in ("более", "больше", "свыше", "менее", "меньше") and j >= 1 and tokens[j - 1].low == "не":
        return ("upto" if low in ("более", "больше", "свыше") else "more"), tokens[j - 1].start, False
    if low in ("менее", "меньше") and j >= 1 and tokens[j - 1].low in ("чуть", "немногим", "немного", "слегка"):
        return "almost", tokens[j - 1].start, False
    if low == "до":
        before = tokens[j - 1] if j >= 1 else None
        if before is not None and before.low == "вплоть":
            return "upto", before.start, False
        if before is not None and before.kind == "word" and parse(before.low).normal_form in CHANGE_VERBS:
            return "exact", tokens[i].start, False
        return "upto", prev.start, False
    if low in QUALIFIER_WORDS:
        return QUALIFIER_WORDS[low], tokens[j].start, False
    if prev.kind == "word":
        p = parse(low)
        if p.normal_form in QUALIFIER_VERBS and ("VERB" in p.tag or "INFN" in p.tag or "PRTF" in p.tag):
            negated = j >= 1 and tokens[j - 1].low == "не"
            qualifier = QUALIFIER_VERBS[p.normal_form]
            if negated and qualifier == "more":
                return "upto", tokens[j - 1].start, False
            return qualifier, tokens[i].start, False
        if low == "на":
            return "exact", tokens[i].start, True  # «на 30% больше»: a change, confirmed after the number
    return "exact", tokens[i].start, False


# A sentence without a digit or the stem of a number word has no figure (checked before the grammar runs).
_MAYBE_NUMBER = re.compile(
    r"\d|(?:^|[^а-яё])(?:од(?:ин|н)|дв|тр[иеёо]|четыр|пят|шест|сем|восем|девят|десят|сорок|сто|сот|тысяч|"
    r"миллион|миллиард|триллион|полтор|пол[уо]?(?:миллион|миллиард|тысяч)|обе|оба)",
    re.IGNORECASE,
)


def find_quantities(text: str) -> list[Quantity]:
    """Every quantified figure in a sentence (or any text), with character offsets into it."""
    if not _MAYBE_NUMBER.search(text):
        return []
    tokens = tokenize(text)
    masks = _masked(text)
    found: list[Quantity] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if _in(masks, tok.start) or tok.kind in ("ord", "punct"):
            i += 1
            continue
        value: float | None = None
        vague = False
        first = i
        if tok.kind == "num":
            raw = re.sub(r"[ \u202f\u2009]", "", tok.text)
            value = float(raw.replace(",", "."))
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is not None and nxt.text in ("-", "–") and i + 2 < len(tokens) and tokens[i + 2].kind == "num":
                i += 3  # a range «10–15»: read neither end as an exact figure
                continue
            i += 1
            mult = _multiplier(tokens, i)
            if mult:
                value *= mult[0]
                i += mult[1]
            elif _is_year(value, raw):
                continue
            # «N» right after a street name is a house number
            after_street = any(
                t.kind == "word" and t.low.rstrip(".") in STREETS for t in tokens[max(0, first - 4) : first]
            )
            if after_street and (i >= len(tokens) or tokens[i].kind == "punct"):
                continue
        elif tok.kind == "word":
            numeral = _numeral_value(tok)
            low = tok.low
            p = parse(low)
            if numeral is not None:
                value = numeral
                i += 1
                # «двадцать пять», «сто двадцать»
                while i < len(tokens) and (extra := _numeral_value(tokens[i])) is not None and extra < value:
                    value += extra
                    i += 1
                mult = _multiplier(tokens, i)
                if mult:
                    value *= mult[0]
                    i += mult[1]
            elif p.normal_form in HALF or low.startswith("полмиллион") or low.startswith("полумиллион"):
                value = float(HALF.get(p.normal_form, 500_000))
                i += 1
            elif p.normal_form in VAGUE and "plur" in p.tag and "NOUN" in p.tag:
                # «сотни компаний», «тысячи человек»: a vague «more than» figure
                value = float(VAGUE[p.normal_form])
                vague = True
                i += 1
            elif p.normal_form in MULTIPLIERS and "NOUN" in p.tag and "sing" in p.tag and low not in ("тыс", "млн"):
                prev_tok = tokens[i - 1] if i else None
                if prev_tok is None or prev_tok.kind != "num":
                    value = float(MULTIPLIERS[p.normal_form])
                    i += 1
            if value is None:
                i += 1
                continue
        if value is None:
            i += 1
            continue
        end_number = tokens[i - 1].end
        # what follows: a month (a date), «раз» (a ratio), a year noun (a duration or a year)
        unit, unit_end, nxt_i = _counted_noun(text, tokens, i)
        if unit in MONTHS or (unit and unit in DURATION):
            i = max(i, nxt_i)
            continue
        if first >= 1 and tokens[first - 1].kind == "word" and parse(tokens[first - 1].low).normal_form in MONTHS:
            continue
        qualifier, start, change = _qualifier_before(text, tokens, first)
        if vague and qualifier == "exact":
            qualifier = "more"
        tail = text[unit_end or end_number : (unit_end or end_number) + 40].lower()
        if any(tail.lstrip(" ,").startswith(w) for w in AFTER_MORE):
            qualifier = "more"
        if change:
            after = text[end_number : end_number + 30].lower()
            before_na = tokens[first - 2] if first >= 2 else None
            changed_by = before_na is not None and parse(before_na.low).normal_form in CHANGE_VERBS
            change = changed_by or bool(
                re.match(r"\s*(?:%|процент\w*)?\s*,?\s*(?:больше|меньше|выше|ниже|превыша\w*)", after)
            )
            if not change:
                start = tokens[first].start
        if unit is None:
            # a bare number counts only when a noun says what it is («число резидентов достигло 57»)
            head = text[max(0, start - 80) : start].lower()
            counted = re.search(r"(?:число|количество|численность)\w*((?:\s+[а-яё\-]+){0,2})\s*$", head)
            if counted:
                named = [w for w in counted.group(1).split() if "NOUN" in parse(w).tag and "gent" in parse(w).tag]
                unit = str(parse(named[0]).normal_form) if named else None
            if not counted and qualifier == "exact" and not change:
                i = max(i, nxt_i)
                continue
        found.append(
            Quantity(
                value=value,
                unit=unit,
                qualifier=qualifier,
                start=start,
                end=unit_end or end_number,
                number_start=tokens[first].start,
                growth=change,
                vague=vague,
            )
        )
        i = max(i, nxt_i)
    return found


YEAR = re.compile(r"(?<!\d)((?:18|19|20)\d{2})(?:-(?:го|м|й|х|е))?(?=\s*(?:год|г\.|гг|-)|\b)")
RELATIVE_PAST = re.compile(
    r"\b(?:в|за)\s+(?:прошл|прошедш|минувш|предыдущ)\w*\s+год\w*|(?:прошл|минувш)\w*\s+года\b", re.I
)
RELATIVE_THIS = re.compile(r"\b(?:в|за)\s+(?:этом|текущем|нынешнем|этот|текущий)\s+год\w*", re.I)
COMPARED = re.compile(r"годом ранее|год назад|прошлым годом|предыдущим годом", re.I)


def years_in(text: str) -> list[tuple[int, int]]:
    """(year, offset) of the calendar years a sentence names."""
    out = []
    for m in YEAR.finditer(text):
        before = text[max(0, m.start() - 12) : m.start()].lower()
        after = text[m.end() : m.end() + 8].lower()
        if re.search(r"(?:№|#|n)\s*$", before):
            continue
        if (
            after.lstrip().startswith(("год", "г.", "гг", "-"))
            or re.search(r"\b(?:в|во|с|со|к|до|по|за|на)\s*$", before)
            or re.search(
                r"(?:январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*\s*$", before
            )
        ):
            out.append((int(m.group(1)), m.start()))
    return out
