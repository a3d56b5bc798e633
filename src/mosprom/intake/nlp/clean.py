"""Turn a press release as it was saved from a web page (plain text or HTML) into its clean body.

The rules describe news pages in general — bylines, photo credits, "read also" blocks, teasers of other
articles (a headline followed by a bare time stamp), comment forms, page addresses — never the words of
any particular release.
"""

from __future__ import annotations

import contextlib
import html as html_lib
import re
from dataclasses import dataclass, field
from datetime import date

MONTHS = {
    "янв": 1,
    "фев": 2,
    "мар": 3,
    "апр": 4,
    "ма": 5,
    "мая": 5,
    "май": 5,
    "июн": 6,
    "июл": 7,
    "авг": 8,
    "сен": 9,
    "окт": 10,
    "ноя": 11,
    "дек": 12,
}
MONTH_RE = r"(?:январ[ьяе]|феврал[ьяе]|март[ае]?|апрел[ьяе]|ма[йяе]|июн[ьяе]|июл[ьяе]|август[ае]?|сентябр[ьяе]|октябр[ьяе]|ноябр[ьяе]|декабр[ьяе]|янв|фев|мар|апр|июн|июл|авг|сен|сент|окт|ноя|дек)\.?"

# A line that is only a date and/or a clock time ("09 Сен 2025 в 15:38", "18 октября, 13:13", "15:35 21.10.2025").
_STAMP = re.compile(
    rf"^\s*(?:(?:\d{{1,2}}:\d{{2}})?\s*(?:\d{{1,2}}\.\d{{1,2}}\.\d{{2,4}}|\d{{1,2}}\s+{MONTH_RE}(?:\s+\d{{4}})?)"
    rf"(?:\s*(?:г\.|года)?\s*(?:,|в)?\s*\d{{1,2}}:\d{{2}})?|\d{{1,2}}:\d{{2}}|\d{{4}})\s*$",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^\s*(?:Опубликовано|Дата публикации|Обновлено|Текст:|Автор:|Фото:)", re.IGNORECASE)
_PHOTO = re.compile(
    r"(?:^|[\s.])(?:Фото|Фотография|Источник фото|Иллюстрация|Видео)\s*:|©|\bфото\s*:|Getty Images|Shutterstock",
    re.IGNORECASE,
)
# A photo embedded from an agency: "<caption> - <agency>, 1920, 21.10.2025"
_EMBED_CAPTION = re.compile(r",\s*\d{3,4},\s*\d{1,2}\.\d{1,2}\.\d{4}\s*$")
_READ_ALSO = re.compile(
    r"^\s*(?:Читайте также|Читать также|Смотрите также|Читайте нас|Другие новости|Новости по теме|Похожие новости|"
    r"Похожие материалы|Самое читаемое|Популярное|Ещё по теме|Еще по теме|Материалы по теме|Лента новостей)\s*:?\s*$",
    re.IGNORECASE,
)
_FORM = re.compile(
    r"(?:Добавить комментарий|Оставить комментарий|Комментарии\s*\(?\d*\)?\s*$|Ваш адрес email|Обязательные поля|"
    r"Отправить комментарий|Подписывайтесь|Подпишитесь на|Поделиться|Опрос\s*:|Проголосовать|Голосовать|"
    r"Результаты опроса|Погода\b|°\s*C|Адрес страницы|Версия для печати|Нашли ошибку|Выделите текст|"
    r"Ctrl\s*\+\s*Enter|Все права защищены|При использовании материалов|Теги\s*:|Рубрики\s*:)",
    re.IGNORECASE,
)
_SOURCE = re.compile(r"^\s*(?:Источник|По материалам)\s*:\s*(.+?)\s*$", re.IGNORECASE)
_URL_ONLY = re.compile(r"^\s*(?:<?https?://\S+>?|\[[^\]]*\]\([^)]*\)|www\.\S+)\s*$")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|={3,})\s*$")
_DATELINE = re.compile(
    rf"^\s*([А-ЯЁ][А-ЯЁ\-]+(?:\s[А-ЯЁ][А-ЯЁ\-]+)?),\s*(\d{{1,2}})\s+({MONTH_RE})(?:\s+(\d{{4}}))?\s*"
    r"(?:[–—-]\s*([^.]{0,40}?)\.|\.?\s*/\s*([^/]{1,40})/\s*\.?)\s*",
)
_PUBLISHED = re.compile(
    rf"(\d{{1,2}})\s+({MONTH_RE})\s+(\d{{4}})|(\d{{1,2}})\.(\d{{1,2}})\.(\d{{4}})",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]+>")


@dataclass
class Cleaned:
    text: str
    title: str = ""
    published: date | None = None
    sources: list[str] = field(default_factory=list)


def month_number(word: str) -> int | None:
    word = word.lower().rstrip(".")
    for prefix in ("сент", "янв", "фев", "мар", "апр", "июн", "июл", "авг", "сен", "окт", "ноя", "дек", "ма"):
        if word.startswith(prefix):
            return MONTHS.get(prefix, MONTHS.get(word[:3]))
    return None


def _parse_date(text: str) -> date | None:
    m = _PUBLISHED.search(text)
    if not m:
        return None
    try:
        if m.group(1):
            month = month_number(m.group(2))
            return date(int(m.group(3)), month, int(m.group(1))) if month else None
        return date(int(m.group(6)), int(m.group(5)), int(m.group(4)))
    except ValueError:
        return None


def looks_like_html(raw: str) -> bool:
    head = raw[:2000].lower()
    return "<html" in head or "<body" in head or "<!doctype" in head or len(_TAG.findall(raw[:5000])) > 5


def html_to_text(raw: str) -> tuple[str, str]:
    """The main text of an HTML page (justext drops navigation and boilerplate) and its title."""
    import justext

    title = ""
    m = re.search(r"<h1[^>]*>(.*?)</h1>", raw, re.IGNORECASE | re.DOTALL) or re.search(
        r"<title[^>]*>(.*?)</title>", raw, re.IGNORECASE | re.DOTALL
    )
    if m:
        title = " ".join(html_lib.unescape(_TAG.sub(" ", m.group(1))).split())
    stripped = re.sub(
        r"<(script|style|noscript|iframe|template)\b.*?</\1\s*>", " ", raw, flags=re.IGNORECASE | re.DOTALL
    )
    try:
        paragraphs = justext.justext(stripped.encode("utf-8"), justext.get_stoplist("Russian"), encoding="utf-8")
        kept = [p.text for p in paragraphs if not p.is_boilerplate]
        if not kept:  # a short page: justext is cautious, keep what is not obviously navigation
            kept = [p.text for p in paragraphs if p.class_type != "bad" or len(p.text) > 80]
    except Exception:
        kept = []
    if not kept:
        text = html_lib.unescape(_TAG.sub("\n", stripped))
        kept = [line.strip() for line in text.splitlines() if line.strip()]
    body = "\n".join(kept)
    if title and not body.startswith(title):
        body = title + "\n" + body
    return body, title


def _is_headline(line: str) -> bool:
    """A title-like line: short, and not a sentence (no full stop at its end)."""
    s = line.strip()
    return 0 < len(s) <= 200 and not s.endswith((".", "!", "?", ";", "…", ":", ","))


def clean(raw: str) -> Cleaned:
    """The body of a release without page clutter, with its title, publication date and named sources."""
    title = ""
    if looks_like_html(raw):
        raw, title = html_to_text(raw)
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    lines = raw.split("\n")
    published: date | None = None
    sources: list[str] = []

    # "Read also" and similar: everything after the marker is other articles.
    for i, line in enumerate(lines):
        if _READ_ALSO.match(line):
            lines = lines[:i]
            break

    # A byline near the top: the lines above it are the site's section header.
    for i, line in enumerate(lines[:12]):
        if _BYLINE.match(line) and line.strip().lower().startswith(("опубликовано", "дата публикации")):
            published = published or _parse_date(line)
            lines = lines[i + 1 :]
            break

    kept: list[str] = []
    seen: set[str] = set()
    for index, line in enumerate(lines):
        s = line.strip()
        s = re.sub(r"^#+\s*", "", s)  # markdown headings
        if not s:
            kept.append("")
            continue
        key = re.sub(r"\W+", " ", s.lower()).strip()
        if _STAMP.match(s):
            if published is None and index < 15:
                published = _parse_date(s)
            # a teaser of another article: its headline (and lead) sit right above the stamp
            while kept and kept[-1] == "":
                kept.pop()
            if kept and any(len(k) > 200 for k in kept) and _is_headline(kept[-1]):
                kept.pop()
            continue
        src = _SOURCE.match(s)
        if src:
            sources.append(src.group(1).strip(" ."))
            continue
        if _BYLINE.match(s) or _RULE.match(s) or _URL_ONLY.match(s) or (_FORM.search(s) and len(s) < 200):
            continue
        if _EMBED_CAPTION.search(s):
            continue
        if _PHOTO.search(s) and len(s) < 300:
            # "Title. Фото: …" keeps nothing; a photo credit is never body text
            continue
        if s.endswith(("...", "…")) and len(s) < 400:
            continue  # a truncated lead of a teaser
        if key in seen:
            continue  # the title and lead repeated by the page template
        if len(key) > 0:
            seen.add(key)
        dateline = _DATELINE.match(s)
        if dateline:
            agency = (dateline.group(5) or dateline.group(6) or "").strip()
            if agency:
                sources.append(agency)
            if published is None and dateline.group(4):
                month = month_number(dateline.group(3))
                if month:
                    with contextlib.suppress(ValueError):
                        published = date(int(dateline.group(4)), month, int(dateline.group(2)))
            s = s[dateline.end() :]
        kept.append(s)

    # Short lines before the first real paragraph are headers; the longest headline-like one is the title.
    text = "\n".join(kept)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    paragraphs = [p for p in text.split("\n") if p.strip()]
    if not title:
        for p in paragraphs[:4]:
            if _is_headline(p) and len(p) >= 15:
                title = p.strip()
                break
    if not title and paragraphs:
        first = re.split(r"(?<=[.!?])\s", paragraphs[0], maxsplit=1)[0]
        title = first if len(first) <= 160 else first[:157].rsplit(" ", 1)[0] + "…"
    # Header lines that are neither the title nor body (a site or department name on its own) go.
    body: list[str] = []
    for i, p in enumerate(paragraphs):
        header = i < 4 and p.strip() != title and len(p) < 90 and not p.rstrip().endswith((".", "!", "?"))
        if header and any(len(q) > 200 for q in paragraphs[i + 1 : i + 4]):
            continue
        body.append(p)
    text = "\n".join(body)
    return Cleaned(text=text, title=title, published=published, sources=_unique(sources))


def _unique(items: list[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return out
