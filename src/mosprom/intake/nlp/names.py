"""Name-level language rules: descriptors, legal forms, media, normalisation to the nominative, keys for linking."""

from __future__ import annotations

import re

from .models import parse, parses

# Words in front of a name that say what kind of thing it is (kept as kind, never as the name).
ORG_DESCRIPTORS: dict[str, str] = {
    "госкорпорация": "state_corporation", "корпорация": "state_corporation", "гк": "state_corporation",
    "пао": "joint_stock", "оао": "joint_stock", "зао": "joint_stock", "ао": "joint_stock", "нао": "joint_stock",
    "ооо": "company", "компания": "company", "фгуп": "company", "гуп": "company", "муп": "company",
    "нпо": "company", "нпп": "company", "нпк": "company", "кб": "company", "окб": "company", "холдинг": "company",
    "концерн": "company", "группа": "company", "завод": "company", "фабрика": "company", "комбинат": "company",
    "предприятие": "company", "производитель": "company", "банк": "company", "стартап": "company",
    "фонд": "fund", "университет": "university", "институт": "university", "вуз": "university",
    "академия": "university", "колледж": "university", "ано": "company", "нко": "company", "ип": "company",
    "музей": "company", "центр": "company", "агентство": "government", "департамент": "government",
    "министерство": "government", "минпромторг": "government", "комитет": "government", "мэрия": "government",
    "проект": "project", "правительство": "government", "комиссия": "government", "управа": "government",
    "префектура": "government", "администрация": "government", "дума": "government", "совет": "government", "бренд": "company", "сеть": "company", "объединение": "company", "ассоциация": "company",
    "союз": "company", "кластер-компания": "company", "резидент": "company", "организация": "company",
}  # fmt: skip
SITE_DESCRIPTORS: dict[str, str] = {
    "оэз": "sez", "технополис": "technopolis", "технопарк": "technopark", "парк": "industrial_park",
    "индустриальный парк": "industrial_park", "промышленный комплекс": "industrial_complex", "площадка": "sez_site",
    "кластер": "innovation_cluster", "промзона": "industrial_park", "зона": "sez",
    "бизнес-парк": "industrial_park", "индустриальный": "industrial_park",
    "агропромпарк": "industrial_park", "наукоград": "sez_site",
}  # fmt: skip
# Quoted names after these words are things, not organisations (roads, prizes, events, works, projects of a plan…).
OTHER_DESCRIPTORS = {
    "трасса", "дорога", "магистраль", "улица", "шоссе", "проспект", "переулок", "бульвар", "станция", "метро",
    "жк", "мост", "премия", "фестиваль", "выставка", "форум", "конкурс", "книга", "фильм", "песня", "спектакль",
    "операция", "акция", "марафон", "программа", "номинация", "карта", "стратегия", "платформа", "приложение",
    "модель", "марка", "серия", "линейка", "корабль", "судно", "самолёт", "самолет", "поезд", "автомобиль",
    "электробус", "трамвай", "журнал", "газета", "телеканал", "канал", "радио", "портал", "сайт", "сервис",
}  # fmt: skip
# Media and messengers: a release quoting them names its source, not a subject.
MEDIA = {
    "тасс", "риа новости", "риа", "интерфакс", "коммерсантъ", "коммерсант", "ведомости", "рбк", "известия",
    "российская газета", "рг", "газета.ру", "лента.ру", "вечерняя москва", "москва 24", "м24", "mos.ru",
    "агн москва", "агентство городских новостей москва", "тв центр", "первый канал", "россия 24", "россия 1",
    "нтв", "rt", "regnum", "регнум", "interfax", "tass", "ria", "telegram", "телеграм", "телеграмм", "max", "макс",
    "вконтакте", "vk", "вк", "дзен", "youtube", "ютуб", "whatsapp", "rutube", "одноклассники", "прайм",
    "frank media", "the bell", "forbes", "форбс", "эксперт", "kp.ru", "комсомольская правда", "аиф",
    "аргументы и факты", "московский комсомолец", "мк", "газета.ru", "lenta.ru", "bfm", "бизнес fm", "радио 1",
}  # fmt: skip
LEGAL_FORMS = {"пао", "оао", "зао", "ао", "ооо", "нао", "гк", "фгуп", "гуп", "муп", "ано", "нко", "ип", "тд",
               "госкорпорация", "государственная", "корпорация", "компания", "группа", "компаний", "холдинг"}  # fmt: skip
# Words of a job title in front of a person's name.
POSITIONS = {
    "мэр", "заммэра", "вице-мэр", "заместитель", "замминистра", "министр", "глава", "руководитель", "директор",
    "гендиректор", "генеральный", "замгендиректора", "замгендиректор", "председатель", "зампред", "президент",
    "вице-президент", "губернатор", "начальник", "префект", "управляющий", "основатель", "сооснователь",
    "владелец", "совладелец", "партнёр", "партнер", "советник", "помощник", "пресс-секретарь", "ректор",
    "проректор", "декан", "профессор", "академик", "эксперт", "аналитик", "депутат", "сенатор", "градоначальник",
    "премьер", "премьер-министр", "посол", "консул", "представитель", "уполномоченный", "спикер", "лидер",
    "исполнительный", "коммерческий", "технический", "финансовый", "первый", "главный", "ведущий", "старший",
    "инженер", "специалист", "менеджер", "главврач", "врач", "сотрудник", "член", "секретарь", "дирекция",
}  # fmt: skip
GENERIC_HEADS = {"центр", "институт", "комиссия", "комитет", "департамент", "министерство", "фонд", "агентство",
                 "служба", "управление", "корпорация", "ассоциация", "союз", "палата", "общество", "завод",
                 "университет", "академия", "совет", "инспекция", "дирекция", "объединение", "музей",
                 "лаборатория", "бюро", "концерн", "холдинг"}  # fmt: skip
_WORD = re.compile(r"[A-Za-zА-Яа-яЁё0-9]+(?:[-#][A-Za-zА-Яа-яЁё0-9]+)*")
_QUOTES = re.compile(r"[«»\"'„“”″‟]")


def fold(text: str) -> str:
    text = _QUOTES.sub(" ", text).casefold().replace("ё", "е")
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def is_media(name: str) -> bool:
    """ТАСС, «РИА Новости», «Telegram-канал …»: a medium that reports, not a subject of the news."""
    key = fold(name).strip(" .")
    if key in MEDIA:
        return True
    head = re.split(r"[\s\-]", key, maxsplit=1)[0]
    return head in MEDIA and bool(re.search(r"канал|сообществ|паблик|групп|аккаунт|страниц", key))


def _restore_case(original: str, new: str) -> str:
    if original.isupper() and len(original) > 1:
        return new.upper()
    if original[:1].isupper():
        # keep the original letters where the lemma is a prefix of the word («КамАЗа» → «КамАЗ»)
        if original.lower().startswith(new.lower()):
            return original[: len(new)]
        return new[:1].upper() + new[1:]
    return new


def inflect_word(word: str, case: str = "nomn", number: str | None = None) -> str:
    if not re.fullmatch(r"[А-Яа-яЁё\-]+", word) or (word.isupper() and len(word) > 1):
        return word
    p = parse(word)
    wanted = {case}
    if number:
        wanted.add(number)
    form = p.inflect(wanted) or p.inflect({case})
    return _restore_case(word, form.word) if form else word


def nominative_phrase(text: str) -> str:
    """A noun phrase in the nominative: the words up to and including the head noun are inflected,
    the dependents after it (genitive, prepositional phrases) stay as written.
    «Правительственной комиссией по высоким технологиям» → «Правительственная комиссия по высоким технологиям»."""
    parts = re.split(r"(\s+)", text.strip())
    idx = [i for i, p in enumerate(parts) if p.strip()]
    head = None
    for i in idx:
        w = parts[i]
        if not re.fullmatch(r"[А-Яа-яЁё\-]+", w) or (w.isupper() and len(w) > 1):
            break
        p = parse(w)
        if "NOUN" in p.tag:
            head = i
            break
        if not ("ADJF" in p.tag or "PRTF" in p.tag):
            break
    if head is None:
        return text.strip()
    hp = parse(parts[head])
    if "nomn" in hp.tag:
        return text.strip()
    number = "plur" if ("plur" in hp.tag or "Pltm" in hp.tag) else "sing"
    gender = hp.tag.gender
    parts[head] = inflect_word(parts[head], "nomn", number)
    for i in idx:
        if i >= head:
            break
        w = parts[i]
        grams = {"nomn", number}
        if number == "sing" and gender:
            grams.add(gender)
        cands = [c for c in parses(w) if "ADJF" in c.tag or "PRTF" in c.tag]
        if cands:
            form = cands[0].inflect(grams)
            if form is not None:
                parts[i] = _restore_case(w, form.word)
    return "".join(parts).strip()


def lemma_key(text: str) -> str:
    """A key that does not change with case, quotes, ё/е or legal form: «госкорпорации "Росатома"» → «росатом»."""
    parts = []
    for w in words(fold(text)):
        if w in LEGAL_FORMS:
            continue
        if re.fullmatch(r"[а-я\-]+", w):
            lem = str(parse(w).normal_form).replace("ё", "е")
            if lem in LEGAL_FORMS:
                continue
            parts.append(lem)
        else:
            parts.append(w)
    return " ".join(parts)


def strip_descriptors(text: str) -> str:
    """The name without leading legal forms and kind words: «ОЭЗ «Технополис Москва»» → «Технополис Москва»."""
    name = text.strip()
    # «Инновационный кластер «Физтех XXI»», «ОЭЗ «Технополис Москва»»: kind words before the quoted name go
    m = re.match(r"^([A-Za-zА-Яа-яЁё\-\s]+?)\s*[«\"„“](.+)$", name)
    if m and any(
        w.lower() in LEGAL_FORMS or parse(w).normal_form in ORG_DESCRIPTORS or parse(w).normal_form in SITE_DESCRIPTORS
        for w in m.group(1).split()
    ):
        return unquote(m.group(2))
    while True:
        m = re.match(r"^([A-Za-zА-Яа-яЁё\-]+)\s+(?=[«\"„“])", name)
        if m and (m.group(1).lower() in LEGAL_FORMS or parse(m.group(1)).normal_form in ORG_DESCRIPTORS
                  or parse(m.group(1)).normal_form in SITE_DESCRIPTORS or m.group(1).lower() in ORG_DESCRIPTORS):  # fmt: skip
            name = name[m.end() :]
            continue
        break
    return unquote(name)


def unquote(text: str) -> str:
    inner = text.strip()
    inner = re.sub(r"^[«\"„“”″]+|[»\"“”″]+$", "", inner)
    inner = re.sub(r"[«»\"„“”″]", "", inner)
    return re.sub(r"\s+", " ", inner).strip()


def abbreviation_of(abbr: str, phrase_words: list[str]) -> int | None:
    """How many trailing words of a phrase the abbreviation stands for (ДИПП ← Департамент инвестиционной и
    промышленной политики; НЦК ← Нанотехнологический центр композитов), or None."""
    letters = [c for c in abbr.lower() if c.isalpha()]
    if len(letters) < 2:
        return None
    i = len(letters) - 1
    count = 0
    for w in reversed(phrase_words):
        count += 1
        low = w.lower()
        if low in ("и", "в", "по", "на", "для", "о", "об", "при", "с", "города", "г"):
            if i < 0:
                break
            continue
        if i >= 0 and low.startswith(letters[i]):
            i -= 1
            # a compound word can give two letters («Нанотехнологический» → Н, «госкорпорация» → Г, К)
            if i < 0:
                return count
            continue
        if i < 0:
            break
        return None
    return count if i < 0 else None
