"""The extraction pipeline: a release's raw text in, organisations, people, sites and proposed facts out.

natasha segments the text, tags morphology and finds named entities; our rules over pymorphy3 lemmas add
what NER misses (quoted names, names defined by their abbreviation), split what it swallows, tell sites
from organisations and media from subjects, and read the quantified facts.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from .clean import Cleaned, clean
from .linking import Linker
from .models import models, parse, parses
from .names import (
    GENERIC_HEADS,
    LEGAL_FORMS,
    ORG_DESCRIPTORS,
    OTHER_DESCRIPTORS,
    POSITIONS,
    SITE_DESCRIPTORS,
    abbreviation_of,
    fold,
    inflect_word,
    is_media,
    lemma_key,
    nominative_phrase,
    unquote,
    words,
)
from .quantities import COMPARED, RELATIVE_PAST, RELATIVE_THIS, find_quantities, years_in

QUALIFIERS = ("exact", "more", "about", "almost", "less", "upto")


@dataclass
class Mention:
    type: str  # organisation | person | site | location | date | media
    start: int
    end: int
    text: str
    name: str = ""
    kind: str = ""
    quality: int = 0
    variants: list[str] = field(default_factory=list)
    registry_id: int | None = None
    score: float = 0.0


@dataclass
class Organisation:
    name: str
    kind: str
    registry_id: int | None
    score: float
    mentions: list[tuple[int, int]]
    variants: list[str] = field(default_factory=list)


@dataclass
class Person:
    name: str
    role: str
    mentions: list[tuple[int, int]]


@dataclass
class SiteRef:
    name: str
    registry_id: int | None
    score: float
    mentions: list[tuple[int, int]]
    kind: str = ""


@dataclass
class Fact:
    kind: str
    subject: str
    value: int | float | None
    unit: str | None
    qualifier: str
    year: int | None
    quote: str
    start: int
    end: int
    confidence: float
    subject_type: str = ""  # organisation | site | ""
    subject_registry_id: int | None = None
    detail: str = ""
    site: str = ""


@dataclass
class Extraction:
    title: str
    published: date | None
    text: str
    organisations: list[Organisation]
    people: list[Person]
    sites: list[SiteRef]
    facts: list[Fact]
    mentions: list[Mention]
    sources: list[str]

    def as_json(self, file: str = "") -> dict[str, Any]:
        return {
            "file": file,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "organisations": [
                {
                    "name": o.name,
                    "kind": o.kind,
                    "registry_id": o.registry_id,
                    "mentions": [list(m) for m in o.mentions],
                }
                for o in self.organisations
            ],
            "people": [{"name": p.name, "role": p.role} for p in self.people],
            "sites": [{"name": s.name, "registry_id": s.registry_id} for s in self.sites],
            "facts": [
                {
                    k: v
                    for k, v in asdict(f).items()
                    if k
                    in ("kind", "subject", "value", "unit", "qualifier", "year", "quote", "start", "end", "confidence")
                }
                for f in self.facts
            ],
        }


# --- quoted names ---------------------------------------------------------------------------------

_OPEN_Q = "«„“"
_CLOSE_Q = "»“”"
_AMBI = '"″”'
_QUOTE_CHARS = re.compile('[«»„“”"″]')


def quote_pairs(text: str) -> list[tuple[int, int]]:
    """(start, end) of quoted spans including the quotes, innermost first; merges «Технополис «Москва»»."""
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    for qm in _QUOTE_CHARS.finditer(text):
        i, ch = qm.start(), qm.group()
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if ch == "«" or (ch == "„"):
            stack.append(i)
        elif ch == "»" or (ch == "“" and stack and text[stack[-1]] == "„"):
            if stack:
                start = stack.pop()
                pairs.append((start, i + 1))
                # «Технополис «Москва»: one closing mark closes both
                if (
                    stack
                    and nxt not in "»"
                    and re.fullmatch(r"[A-ZА-ЯЁ][\w\-#]*(?:\s[\w\-#]+)?\s*", text[stack[-1] + 1 : start])
                    and not re.search(r"»", text[i + 1 : i + 3])
                ):
                    outer = stack.pop()
                    pairs.append((outer, i + 1))
        elif ch in _AMBI or ch == "“":
            opening = (prev.isspace() or prev in "([—–-:;,") and (nxt.isalnum() or nxt in "«")
            if opening:
                stack.append(i)
            elif stack and not prev.isspace():
                start = stack.pop()
                if text[start] in _AMBI + "“":
                    pairs.append((start, i + 1))
                else:
                    stack.append(start)
    return pairs


# --- the pipeline ---------------------------------------------------------------------------------


def _lemmas(word: str) -> set[str]:
    return {str(p.normal_form) for p in parses(word)} | {word.lower()}


def _descriptor_before(text: str, start: int) -> tuple[str, str, int]:
    """The kind word right before a quoted name: ("org"|"site"|"other"|"", kind, start of the descriptor)."""
    head = text[max(0, start - 60) : start]
    m = re.search(r"([A-Za-zА-Яа-яЁё\-]+)(?:\s+([A-Za-zА-Яа-яЁё\-]+))?\s*$", head)
    if not m:
        return "", "", start
    last = m.group(2) or m.group(1)
    prev_word = m.group(1) if m.group(2) else ""
    word_start = start - len(head) + (m.start(2) if m.group(2) else m.start(1))
    low = last.lower()
    lems = _lemmas(low)
    if "канал" in low or is_media(last) or (prev_word and is_media(f"{prev_word} {last}")):
        return "media", "", word_start  # «в Telegram-канале «Москва Live»»
    if low in LEGAL_FORMS and low not in ("компания", "компаний", "группа"):
        return "org", ORG_DESCRIPTORS.get(low, "company"), word_start
    if prev_word:
        for pl in _lemmas(prev_word):
            for lem in lems:
                if f"{pl} {lem}" in SITE_DESCRIPTORS:
                    return "site", SITE_DESCRIPTORS[f"{pl} {lem}"], start - len(head) + m.start(1)
    for lem in lems:
        if lem in SITE_DESCRIPTORS:
            return "site", SITE_DESCRIPTORS[lem], word_start
    for lem in lems:
        if lem in ORG_DESCRIPTORS:
            return "org", ORG_DESCRIPTORS[lem], word_start
    for lem in lems:
        if lem in OTHER_DESCRIPTORS:
            return "other", lem, word_start
    return "", "", start


def _name_like(content: str) -> bool:
    """A quoted phrase that reads as a name rather than words used in an unusual sense («зелёных» технологий)."""
    if not content or not (content[0].isupper() or content[0].isdigit()):
        return False
    if re.search(r"[#&+0-9A-Za-z]", content):
        return True
    ws = words(content)
    if len(ws) == 1:
        p = parse(ws[0])
        return not p.is_known or "Orgn" in p.tag or "Trad" in p.tag or "Geox" in p.tag or "Abbr" in p.tag
    # «Дом легпрома», «Мосгормаш»-like phrases: a short capitalised noun phrase with no verb or pronoun in it
    if len(ws) > 5:
        return False
    tags = [parse(w).tag for w in ws]
    if any(("VERB" in t or "INFN" in t or "NPRO" in t or "PRED" in t or "CONJ" in t) for t in tags):
        return False
    return "NOUN" in tags[0] or "ADJF" in tags[0]


def _role_before(doc_tokens: list[Any], k: int, per_starts: set[int], text: str) -> str:
    """The job title written before a person's name (token index k is the name's first token)."""
    earliest = None
    j = k - 1
    steps = 0
    while j >= 0 and steps < 24:
        tok = doc_tokens[j]
        steps += 1
        if tok.start in per_starts or tok.pos in ("VERB", "AUX", "SCONJ", "PRON"):
            break
        if tok.text in (":", ";", ".", "!", "?"):
            break
        low = tok.text.lower()
        lem = str(parse(low).normal_form)
        if (lem in POSITIONS and tok.pos in ("NOUN", "PROPN")) or low in ("замгендиректора", "заммэра", "гендиректора"):
            earliest = j
        elif earliest is not None:
            if tok.pos == "ADJ" and low not in ("также", "ранее"):
                earliest = j if j == earliest - 1 or doc_tokens[earliest - 1].pos == "ADJ" else earliest
            elif tok.pos in ("ADP", "CCONJ"):
                break  # «с первым замгендиректора…»: the title starts after the preposition
        j -= 1
    if earliest is None:
        return ""
    # adjectives right before the first title word belong to it («первым замгендиректора»)
    while earliest > 0 and doc_tokens[earliest - 1].pos == "ADJ" and doc_tokens[earliest - 1].text[:1].islower():
        earliest -= 1
    start = doc_tokens[earliest].start
    end = doc_tokens[k].start
    role = text[start:end].strip(" ,–—-")
    if not role:
        return ""
    first, _, rest = role.partition(" ")
    head = [first]
    for w in rest.split(" ")[:1]:
        if w and "NOUN" in parse(w).tag and "ADJF" in parse(first).tag:
            head.append(w)
    fixed = nominative_phrase(" ".join(head)) if head else ""
    role = (fixed + role[len(" ".join(head)) :]) if fixed else role
    if role[:1].isupper() and not role.split(" ")[0].isupper():
        role = role[:1].lower() + role[1:]
    return role


@dataclass
class _Tok:
    start: int
    stop: int
    text: str
    pos: str
    feats: dict[str, str]


@dataclass
class _Sent:
    start: int
    stop: int
    text: str


@dataclass
class _Span:
    type: str
    start: int
    stop: int
    text: str
    natasha: Any


class _Parsed:
    """natasha's output for every paragraph, with offsets into the whole text."""

    def __init__(self) -> None:
        self.tokens: list[_Tok] = []
        self.sents: list[_Sent] = []
        self.spans: list[_Span] = []

    def add(self, pdoc: Any, offset: int) -> None:
        for t in pdoc.tokens:
            self.tokens.append(_Tok(t.start + offset, t.stop + offset, t.text, t.pos or "", t.feats or {}))
        for sent in pdoc.sents:
            self.sents.append(_Sent(sent.start + offset, sent.stop + offset, sent.text))
        for span in pdoc.spans:
            self.spans.append(_Span(span.type, span.start + offset, span.stop + offset, span.text, span))


_DATES = re.compile(
    r"\b\d{1,2}\s+(?:января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)"
    r"(?:\s+(?:18|19|20)\d{2}(?:\s+(?:года|г\.))?)?"
    r"|\b\d{1,2}\.\d{1,2}\.(?:18|19|20)\d{2}\b"
    r"|\b(?:18|19|20)\d{2}(?:-(?:го|м|й|х))?(?:\s+(?:году|года|год|гг?\.))?(?=[\s,.;:)»]|$)",
    re.IGNORECASE,
)
_PLACE_BODIES = {"правительство", "мэрия", "министерство", "управа", "префектура", "дума", "администрация",
                 "совет", "департамент", "комитет"}  # fmt: skip


def _merge_place_bodies(doc: _Parsed, text: str) -> list[_Span]:
    """«Правительство Москвы», «правительства Москвы», «мэрии Казани»: a body and the place it governs."""
    spans = sorted(doc.spans, key=lambda sp: sp.start)
    by_start = {t.start: i for i, t in enumerate(doc.tokens)}
    out: list[_Span] = []
    used: set[int] = set()
    locs = {sp.start: sp for sp in spans if sp.type == "LOC"}
    for i, tok in enumerate(doc.tokens):
        if parse(tok.text).normal_form not in _PLACE_BODIES or (tok.pos != "NOUN" and tok.pos != "PROPN"):
            continue
        nxt = doc.tokens[i + 1] if i + 1 < len(doc.tokens) else None
        if nxt is None or nxt.start not in locs or (nxt.feats or {}).get("Case") != "Gen":
            continue
        loc = locs[nxt.start]
        covering = [sp for sp in spans if sp.start <= tok.start < sp.stop and sp.type == "ORG"]
        start = covering[0].start if covering else tok.start
        out.append(_Span("ORG_PLACE", start, loc.stop, text[start : loc.stop], None))
        used.add(id(loc))
        used.update(id(c) for c in covering)
    del by_start
    rest = [sp for sp in spans if id(sp) not in used and not any(o.start <= sp.start < o.stop for o in out)]
    return sorted(out + rest, key=lambda sp: sp.start)


def natasha_doc(text: str) -> Any:
    """natasha's Doc for a whole release, with sentences never running across a line break (a title has no
    full stop) and every model run once over the whole text in batches."""
    from natasha.doc import Doc, DocSent, DocSpan, DocToken

    m = models()
    doc = Doc(text)
    doc.tokens, doc.sents = [], []
    paragraphs: list[tuple[int, str]] = []
    offset = 0
    for paragraph in text.split("\n"):
        if paragraph.strip():
            paragraphs.append((offset, paragraph))
            doc.tokens += [DocToken(t.start + offset, t.stop + offset, t.text) for t in m.segmenter.tokenize(paragraph)]
            doc.sents += [DocSent(x.start + offset, x.stop + offset, x.text) for x in m.segmenter.sentenize(paragraph)]
        offset += len(paragraph) + 1
    doc.envelop_sent_tokens()
    doc.tag_morph(m.morph_tagger)
    spans = []
    for (offset, _paragraph), markup in zip(paragraphs, m.ner_tagger.map([p for _, p in paragraphs]), strict=True):
        for span in markup.spans:
            spans.append(
                DocSpan(
                    span.start + offset, span.stop + offset, span.type, text[span.start + offset : span.stop + offset]
                )
            )
    doc.spans = spans
    doc.envelop_span_tokens()
    doc.envelop_sent_spans()
    return doc


@lru_cache(maxsize=20_000)
def _name_parts(normal: str) -> dict[str, str]:
    """first/middle/last of a person's name in the nominative (natasha's NamesExtractor, cached per name)."""
    match = models().names_extractor.find(normal)
    return {key: value for key, value in match.fact.slots} if match and match.fact else {}


def extract(raw: str, *, linker: Linker | None = None) -> Extraction:
    cleaned: Cleaned = clean(raw)
    return extract_clean(cleaned, linker=linker)


def extract_clean(cleaned: Cleaned, *, linker: Linker | None = None) -> Extraction:
    linker = linker or Linker()
    text = cleaned.text
    m = models()
    doc = _Parsed()
    doc.add(natasha_doc(text), 0)
    tokens = doc.tokens
    token_at = {t.start: i for i, t in enumerate(tokens)}

    mentions: list[Mention] = []
    sources = list(cleaned.sources)
    taken: list[tuple[int, int]] = []  # spans already decided (names inside them are not read again)

    def overlaps(a: int, b: int) -> bool:
        return any(a < y and x < b for x, y in taken)

    # 1. quoted names, outermost first
    pairs = sorted(quote_pairs(text), key=lambda p: (p[0], -p[1]))
    accepted: dict[str, str] = {}
    # items of a list under a heading that names their kind («3 инновационных территориальных кластера:»)
    list_site_positions: set[int] = set()
    lines = text.split("\n")
    pos = 0
    in_site_list = False
    for line in lines:
        stripped = line.strip()
        if stripped.endswith(":"):
            in_site_list = any(lem in SITE_DESCRIPTORS for w in words(stripped[-80:]) for lem in _lemmas(w))
        elif in_site_list and re.match(r"^(?:[-•—–*]|\d+[.)])\s*", stripped):
            list_site_positions.update(q for q, _ in quote_pairs(line) for q in [q + pos])
        else:
            in_site_list = False
        pos += len(line) + 1
    listed_kind: tuple[str, str, int] | None = None
    for qs, qe in pairs:
        if overlaps(qs, qe):
            continue
        content = unquote(text[qs:qe])
        if len(words(content)) == 1 and _lemmas(content) & (set(SITE_DESCRIPTORS) | set(ORG_DESCRIPTORS)):
            continue  # a kind word alone in quotes («Технопарк») is not a name
        if not content or len(content) > 90 or len(words(content)) > 9 or re.search(r"[.!?]\s", content):
            continue
        cls, kind, dstart = _descriptor_before(text, qs)
        # «Печатники» и «Руднево»: the second name of a list shares the first one's kind word
        if not cls and listed_kind and re.fullmatch(r"\s*(?:,|и|или|,\s*а также)\s*", text[listed_kind[2] : qs]):
            cls, kind = listed_kind[0], listed_kind[1]
        if cls == "other":
            taken.append((qs, qe))
            listed_kind = None
            continue
        if cls == "media" or is_media(content):
            mentions.append(Mention("media", qs, qe, text[qs:qe], content))
            taken.append((qs, qe))
            continue
        if not cls and lemma_key(content) in accepted:
            cls, kind = accepted[lemma_key(content)], ""
        if not cls and qs in list_site_positions:
            cls, kind = "site", ""
        if not cls:
            if linker.is_site_name(content):
                cls, kind = "site", ""
            elif linker.link("organisation", content)[0] is not None or _name_like(content):
                cls, kind = "org", ""
            else:
                continue
        name = content
        quality = 3 if dstart < qs else 1
        if cls == "org" and dstart == qs and len(words(content)) == 1:
            # a bare quoted name may be declined («Росатома», «Росатомом»)
            p = parse(content)
            if "NOUN" in p.tag and "nomn" not in p.tag:
                name = inflect_word(content, "nomn")
        elif cls == "org" and dstart == qs and " " in content and not re.search(r"[#&+0-9A-Za-z]", content):
            name = nominative_phrase(content)  # «в «Доме легпрома»» → «Дом легпрома»
        # «Технополис «Москва»»: a kind word inside the quotes is part of the name, as written
        mtype = "site" if cls == "site" else "organisation"
        mentions.append(Mention(mtype, qs if dstart == qs else dstart, qe, text[dstart:qe], name, kind, quality))
        taken.append((qs if dstart == qs else dstart, qe))
        listed_kind = (cls, kind, qe)
        if dstart < qs or cls == "site":
            accepted.setdefault(lemma_key(name), cls)

    # 2. names defined by their abbreviation: «… департамента инвестиционной и промышленной политики (ДИПП)»
    for am in re.finditer(r"\(\s*([A-ZА-ЯЁ][A-Za-zА-Яа-яЁё]{1,9})\s*\)", text):
        abbr = am.group(1)
        if sum(c.isupper() for c in abbr) < 2:
            continue
        head = text[max(0, am.start() - 160) : am.start()]
        head_words = [w for w in re.split(r"\s+", head.strip()) if w]
        clean_words = [re.sub(r"[^\wЁё\-]", "", w) for w in head_words]
        n = abbreviation_of(abbr, [w for w in clean_words if w])
        if not n:
            continue
        phrase_words = [w for w in clean_words if w][-n:]
        phrase = " ".join(phrase_words)
        pstart = text.rfind(phrase_words[0], max(0, am.start() - 160), am.start())
        if pstart < 0:
            continue
        name = nominative_phrase(phrase)
        name = name[:1].upper() + name[1:]
        for x, y in list(taken):
            if pstart < y and x < am.end():
                taken.remove((x, y))
                mentions[:] = [mm for mm in mentions if not (mm.start == x and mm.end == y)]
        kind = ORG_DESCRIPTORS.get(str(parse(phrase_words[0]).normal_form), "company")
        mentions.append(Mention("organisation", pstart, am.start(), phrase, name, kind, 3, [abbr]))
        mentions.append(Mention("organisation", am.start(1), am.end(1), abbr, abbr, kind, 2, [name]))
        taken.append((pstart, am.end()))

    # 3. natasha's entities; a body named after a place is one name («Правительство» + «Москвы»)
    spans = _merge_place_bodies(doc, text)
    per_spans = [s for s in spans if s.type == "PER"]
    per_starts = {s.start for s in per_spans}
    for span in spans:
        s, e = span.start, span.stop
        if span.type == "PER":
            continue
        if overlaps(s, e):
            # a NER span around a quoted name: what lies outside the quotes before it may be its own name
            continue
        surface = text[s:e]
        if span.type not in ("ORG", "ORG_PLACE", "LOC"):
            continue
        if span.type == "LOC":
            entry, score = linker.link("site", surface)
            if entry is not None and score >= 0.95:
                mentions.append(
                    Mention("site", s, e, surface, entry.name, entry.registry_kind, 2, [], entry.registry_id, score)
                )
            else:
                mentions.append(Mention("location", s, e, surface, surface))
            taken.append((s, e))
            continue
        # ORG: parents named in brackets are their own organisations
        parts = [(s, e)]
        bracket = re.search(r"\s*\(([^()]+)\)\s*$", surface)
        if bracket:
            parts = [(s, s + bracket.start()), (s + bracket.start(1), s + bracket.end(1))]
        for ps, pe in parts:
            piece = text[ps:pe].strip()
            if not piece or is_media(piece):
                if piece:
                    mentions.append(Mention("media", ps, pe, piece, piece))
                continue
            if piece[:1].islower() and span.type != "ORG_PLACE":
                continue
            if len(words(piece)) == 1 and (
                parse(piece).normal_form in SITE_DESCRIPTORS or parse(piece).normal_form in ORG_DESCRIPTORS
            ):
                continue  # a kind word alone («Технопарк») is not a name
            # extend a name cut after its generic head («Федерального центра» + «беспилотных авиационных систем»)
            nouns = [w for w in words(piece) if "NOUN" in parse(w).tag]
            if nouns and parse(nouns[0]).normal_form in GENERIC_HEADS and pe < len(text):
                k = token_at.get(pe + 1)
                ext_end = pe
                while k is not None and k < len(tokens):
                    tok = tokens[k]
                    feats = tok.feats or {}
                    if tok.pos in ("ADJ", "NOUN") and feats.get("Case") in ("Gen", "Dat", "Loc"):
                        ext_end = tok.stop
                    elif (
                        tok.text.lower() in ("и", "по", "в")
                        and k + 1 < len(tokens)
                        and tokens[k + 1].pos in ("ADJ", "NOUN")
                    ):
                        pass
                    elif tok.text.lower() in ("области", "сфере"):
                        ext_end = tok.stop
                    else:
                        break
                    k += 1
                pe = ext_end
                piece = text[ps:pe]
            if len(words(piece)) == 1 and re.search(r"\bна\s+$", text[max(0, ps - 4) : ps]):
                mentions.append(Mention("location", ps, pe, piece, piece))  # «на ВДНХ»: a place
                taken.append((ps, pe))
                continue
            name = nominative_phrase(piece)
            name = name[:1].upper() + name[1:]
            head_lemmas = [str(parse(w).normal_form) for w in words(piece) if "NOUN" in parse(w).tag]
            org_kind = ORG_DESCRIPTORS.get(head_lemmas[0], "") if head_lemmas else ""
            entry, score = linker.link("site", piece)
            if entry is not None and score >= 0.95 and linker.link("organisation", piece)[0] is None:
                mentions.append(
                    Mention("site", ps, pe, piece, entry.name, entry.registry_kind, 2, [], entry.registry_id, score)
                )
            else:
                mentions.append(Mention("organisation", ps, pe, piece, name, org_kind, 2))
            taken.append((ps, pe))

    # 4. abbreviations used again without their definition (ДИПП) and other upper-case names NER saw
    known_abbr = {
        v: mm.kind for mm in mentions if mm.type == "organisation" for v in [mm.name, *mm.variants] if v.isupper()
    }
    for wm in re.finditer(r"(?<![\w«\"])([A-ZА-ЯЁ][A-ZА-ЯЁа-яё]{1,8})(?![\w»\"])", text):
        w = wm.group(1)
        if w in known_abbr and not overlaps(wm.start(), wm.end()):
            mentions.append(Mention("organisation", wm.start(), wm.end(), w, w, known_abbr[w], 2))
            taken.append((wm.start(), wm.end()))

    # 5. people
    people_by_last: dict[str, dict[str, Any]] = {}
    for span in per_spans:
        if overlaps(span.start, span.stop) and not any(
            mm.type == "location" and mm.start <= span.start < mm.end for mm in mentions
        ):
            continue
        span.natasha.normalize(m.morph_vocab)
        fact = _name_parts(span.natasha.normal)
        last = fact.get("last") or ""
        first = fact.get("first") or ""
        middle = fact.get("middle") or ""
        if not last:
            if first and not middle:
                last, first = first, ""  # a lone surname read as a first name
            else:
                continue
        k = token_at.get(span.start)
        role = _role_before(tokens, k, per_starts, text) if k is not None else ""
        key = fold(last)
        person = people_by_last.setdefault(key, {"first": "", "middle": "", "last": last, "role": "", "spans": []})
        if first and (not person["first"] or len(first) > len(person["first"])):
            person["first"], person["middle"] = first, middle
        if role and not person["role"]:
            person["role"] = role
        person["spans"].append((span.start, span.stop))
        mentions.append(Mention("person", span.start, span.stop, span.text, ""))
    people: list[Person] = []
    for person in people_by_last.values():
        first = person["first"]
        if first and len(first) == 1:
            name = (
                f"{first}. "
                + (f"{person['middle']}. " if person["middle"] and len(person["middle"]) == 1 else "")
                + person["last"]
            )
        else:
            name = f"{first} {person['last']}".strip()
        people.append(Person(name, person["role"], person["spans"]))
        for mm in mentions:
            if mm.type == "person" and (mm.start, mm.end) in person["spans"]:
                mm.name = name

    # dates: «9 февраля 2015 года», «21.10.2025», «в 2023 году», «2019-го»
    for dm in _DATES.finditer(text):
        if not any(mm.start < dm.end() and dm.start() < mm.end for mm in mentions):
            mentions.append(Mention("date", dm.start(), dm.end(), dm.group(), dm.group()))

    # 6. media are sources, not subjects
    for mm in mentions:
        if mm.type == "organisation" and is_media(mm.name):
            mm.type = "media"
    sources += [mm.name for mm in mentions if mm.type == "media" and mm.name not in sources]

    # 7. organisations and sites: one entity per key, linked to the registry
    organisations = _group_organisations([mm for mm in mentions if mm.type == "organisation"], linker)
    sites = _group_sites([mm for mm in mentions if mm.type == "site"], linker)

    # 8. facts
    facts = _facts(doc, text, mentions, cleaned.published)
    facts += _event_facts(doc, text, mentions, cleaned.published)
    facts.sort(key=lambda f: f.start)
    mentions.sort(key=lambda mm: mm.start)
    return Extraction(cleaned.title, cleaned.published, text, organisations, people, sites, facts, mentions, sources)


def _group_organisations(items: list[Mention], linker: Linker) -> list[Organisation]:
    groups: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for mm in sorted(items, key=lambda x: -x.quality):
        keys = {lemma_key(mm.name)} | {lemma_key(v) for v in mm.variants if v and v.isupper()}
        entry, score = linker.link("organisation", mm.name)
        if entry is None:
            for v in mm.variants:
                if v and v.isupper():
                    entry, score = linker.link("organisation", v)
                    if entry:
                        break
        if entry is not None:
            mm.registry_id, mm.score = entry.registry_id, score
            keys.add(f"#registry:{entry.registry_id}")
        found = next((index[k] for k in keys if k in index), None)
        if found is None:
            groups.append({"mentions": [], "keys": set()})
            found = len(groups) - 1
        group = groups[found]
        group["mentions"].append(mm)
        group["keys"] |= keys
        for k in keys:
            index.setdefault(k, found)
    # «ФИОП» stands for «Фонд инфраструктурных и образовательных программ» named elsewhere in the text
    for gi, group in enumerate(groups):
        short = [x.name for x in group["mentions"] if x.name.isupper() and len(x.name) >= 2]
        if not short or any(not x.name.isupper() for x in group["mentions"]):
            continue
        for gj, other in enumerate(groups):
            if gj == gi or not other["mentions"]:
                continue
            full = next((x.name for x in other["mentions"] if not x.name.isupper()), "")
            if full and abbreviation_of(short[0], words(full)) == len(words(full)):
                other["mentions"].extend(group["mentions"])
                group["mentions"] = []
                break
    groups = [g for g in groups if g["mentions"]]
    out = []
    for group in groups:
        ms: list[Mention] = group["mentions"]
        best_quality = max(x.quality for x in ms)
        names = Counter(
            x.name
            for x in ms
            if x.quality == best_quality
            and not (x.name.isupper() and len(ms) > 1 and any(not y.name.isupper() for y in ms))
        )
        name = names.most_common(1)[0][0] if names else ms[0].name
        kind = next((x.kind for x in ms if x.kind), "")
        registry = next((x for x in ms if x.registry_id), None)
        if registry is not None:
            entry = next(
                e for e in linker.entries if e.kind == "organisation" and e.registry_id == registry.registry_id
            )
            kind = entry.registry_kind or kind
        for x in ms:
            x.kind = x.kind or kind  # one kind for every mention of the organisation
        variants = sorted({x.name for x in ms} | {v for x in ms for v in x.variants if v and v.isupper()} - {name})
        out.append(
            Organisation(
                name=name,
                kind=kind or "company",
                registry_id=registry.registry_id if registry else None,
                score=registry.score if registry else 0.0,
                mentions=sorted((x.start, x.end) for x in ms),
                variants=variants,
            )
        )
    out.sort(key=lambda o: o.mentions[0])
    return out


def _group_sites(items: list[Mention], linker: Linker) -> list[SiteRef]:
    groups: dict[str, SiteRef] = {}
    for mm in items:
        entry, score = linker.link("site", mm.name)
        if entry is not None:
            mm.registry_id, mm.score = entry.registry_id, score
            key = f"#registry:{entry.registry_id}"
            name = entry.name
        else:
            key = lemma_key(mm.name)
            name = mm.name
        ref = groups.get(key)
        if ref is None:
            groups[key] = SiteRef(name, mm.registry_id, mm.score, [(mm.start, mm.end)], mm.kind)
        else:
            ref.mentions.append((mm.start, mm.end))
    return sorted(groups.values(), key=lambda s: s.mentions[0])


_VISIT = {"посетить", "посещать", "посетитель", "экскурсия", "гость", "участвовать", "участник", "турист", "побывать"}
_COMPANY_UNITS = {"компания", "предприятие", "резидент", "завод", "организация", "фирма", "производитель"}
_PEOPLE_UNITS = {"человек", "сотрудник", "работник", "специалист", "рабочее место", "инженер", "житель"}
_VISITOR_UNITS = {"москвич", "гость", "посетитель", "турист", "участник", "экскурсант", "зритель"}


def _fact_kind(unit: str | None, growth: bool, sentence: str, subject_type: str) -> str:
    lemmas = {str(parse(w).normal_form) for w in words(sentence.lower())}
    if growth:
        return "growth"
    if unit == "%":
        return "share"
    if unit == "производство":
        return (
            "new_productions" if lemmas & {"новый", "открыть", "открыться", "запустить", "открытие"} else "productions"
        )
    if unit in _COMPANY_UNITS:
        return "companies_on_site" if subject_type == "site" else "companies"
    if unit in _VISITOR_UNITS or (unit in _PEOPLE_UNITS and lemmas & _VISIT):
        return "visitors"
    if unit in _PEOPLE_UNITS:
        return "workers"
    if unit == "проект":
        return "projects"
    if unit == "рубль":
        return "investment"
    return "figure"


def _facts(doc: Any, text: str, mentions: list[Mention], published: date | None) -> list[Fact]:
    subjects = sorted((mm for mm in mentions if mm.type in ("organisation", "site")), key=lambda x: x.start)
    facts: list[Fact] = []
    previous_year: int | None = None
    for sent in doc.sents:
        stext = sent.text
        years = years_in(stext)
        year_here: int | None = None
        if RELATIVE_PAST.search(stext) and published:
            year_here = published.year - 1
        elif RELATIVE_THIS.search(stext) and published:
            year_here = published.year
        for q in find_quantities(stext):
            qs, qe = sent.start + q.start, sent.start + q.end
            year = None
            if years:
                year = min(years, key=lambda y: abs(y[1] - q.number_start))[0]
            elif year_here:
                year = year_here
            elif COMPARED.search(stext) and previous_year:
                year = previous_year
            prefer = "organisation" if q.unit in _PEOPLE_UNITS | {"рубль", "проект"} else ""
            subject = _subject_for(subjects, qs, qe, sent.start, sent.stop, text, prefer)
            confidence = 0.5 + (0.2 if q.unit else 0) + (0.15 if subject else 0) + (0.1 if year else 0)
            confidence += 0.05 if q.qualifier != "exact" else 0
            facts.append(
                Fact(
                    kind=_fact_kind(q.unit, q.growth, stext, subject.type if subject else ""),
                    subject=subject.name if subject else "",
                    value=q.display_value,
                    unit=q.unit,
                    qualifier=q.qualifier,
                    year=year,
                    quote=stext.strip(),
                    start=qs,
                    end=qe,
                    confidence=round(min(confidence, 0.95), 2),
                    subject_type=subject.type if subject else "",
                    subject_registry_id=subject.registry_id if subject else None,
                )
            )
        if years:
            previous_year = years[-1][0]
        elif year_here:
            previous_year = year_here
    return facts


_ANAPHORS = {"госкорпорация": "state_corporation", "корпорация": "state_corporation", "компания": "",
             "холдинг": "", "концерн": "", "предприятие": "", "группа": "", "фонд": "fund"}  # fmt: skip


def _subject_for(
    subjects: list[Mention], qs: int, qe: int, ss: int, se: int, text: str, prefer: str = ""
) -> Mention | None:
    # «более 200 компаний "Росатома"»: a name right after the counted noun is whose they are
    after = [mm for mm in subjects if qe <= mm.start <= qe + 3]
    if after:
        return after[0]
    earlier = [mm for mm in subjects if mm.end <= qs and ss - mm.end < 600]
    # «24 предприятия госкорпорации»: a kind word after the counted noun points back to the last one of its kind
    follow = re.match(r"\s+([а-яё\-]+)", text[qe : qe + 40])
    if follow and earlier:
        lemma = str(parse(follow.group(1)).normal_form)
        if lemma in _ANAPHORS:
            wanted = _ANAPHORS[lemma]
            same = [mm for mm in earlier if mm.type == "organisation" and (not wanted or mm.kind == wanted)]
            if same:
                return same[-1]
    before = [mm for mm in subjects if ss <= mm.start and mm.end <= qs]
    if before:
        return before[-1]
    # a body named as the speaker («…, сообщил руководитель Департамента …») is rarely what a figure is about
    later = [mm for mm in subjects if qe <= mm.start and mm.end <= se and mm.kind != "government"]
    if later:
        return later[0]
    others = [mm for mm in earlier if mm.kind != "government"]
    if prefer:
        preferred = [mm for mm in others if mm.type == prefer]
        # only the last sentence or so: further back, the nearest name is the better guess
        if preferred and ss - preferred[-1].end < 300:
            return preferred[-1]
    if others:
        return others[-1]
    return earlier[-1] if earlier else None


_GRANT = {"получить", "присвоить", "присвоение", "присваивать", "получение", "предоставить", "выдать", "подтвердить"}
_STATUS = re.compile(r"\bстатус[а-я]*\s+((?:[а-яё\-]+\s+){0,3}[а-яё\-]+?)(?=[\s,.;:()«»\"]|$)", re.IGNORECASE)
_SIGN = {"подписать", "подписание", "заключить", "заключение", "подписывать"}
_AGREEMENT = {"соглашение", "контракт", "меморандум", "договор"}


_OPEN = {"открыть", "открыться", "запустить", "запуститься", "открытие", "запуск", "заработать"}
_PRODUCT = re.compile(
    r"\bпроизводств[оауе]\s+([а-яё\-]+(?:\s+[а-яё\-]+){0,5}?)"
    r"(?=\s*[,.;:()«»\"]|\s+(?:на|в|во|с|со|для|по|к|и|а|который|которое)\s|\s*$)"
)


def _event_facts(doc: Any, text: str, mentions: list[Mention], published: date | None) -> list[Fact]:
    facts: list[Fact] = []
    orgs = [mm for mm in mentions if mm.type == "organisation"]
    sites = [mm for mm in mentions if mm.type == "site"]
    for sent in doc.sents:
        lemmas = {str(parse(w).normal_form) for w in words(sent.text.lower())}
        product = _PRODUCT.search(sent.text)
        if lemmas & _OPEN and product:
            makers = [mm for mm in orgs if sent.start <= mm.start < sent.stop and mm.kind != "government"]
            if makers:
                where = next((mm for mm in sites if sent.start <= mm.start < sent.stop), None)
                years = years_in(sent.text)
                facts.append(
                    Fact(
                        kind="production_opened",
                        subject=makers[0].name,
                        value=None,
                        unit=None,
                        qualifier="exact",
                        year=years[0][0] if years else (published.year if published else None),
                        quote=sent.text.strip(),
                        start=sent.start,
                        end=sent.stop,
                        confidence=0.6,
                        subject_type="organisation",
                        subject_registry_id=makers[0].registry_id,
                        detail=product.group(1).strip(),
                        site=where.name if where else "",
                    )
                )
        if lemmas & _SIGN and lemmas & _AGREEMENT:
            parties = []
            for mm in orgs:
                if sent.start <= mm.start < sent.stop and mm.name not in parties:
                    parties.append(mm.name)
            if not parties:
                continue
            years = years_in(sent.text)
            year = years[0][0] if years else (published.year if published else None)
            facts.append(
                Fact(
                    kind="agreement_signed",
                    subject=", ".join(parties),
                    value=None,
                    unit=None,
                    qualifier="exact",
                    year=year,
                    quote=sent.text.strip(),
                    start=sent.start,
                    end=sent.stop,
                    confidence=0.7 if len(parties) >= 2 else 0.55,
                    subject_type="organisation",
                )
            )
        status = _STATUS.search(sent.text)
        if status and lemmas & _GRANT:
            holder = next((mm for mm in orgs if sent.start <= mm.start < sent.stop and mm.kind != "government"), None)
            where = next((mm for mm in sites if sent.start <= mm.start < sent.stop), None)
            if holder is None and where is None:
                continue
            years = years_in(sent.text)
            subject = holder or where
            assert subject is not None
            facts.append(
                Fact(
                    kind="status_granted",
                    subject=subject.name,
                    value=None,
                    unit=None,
                    qualifier="exact",
                    year=years[0][0] if years else (published.year if published else None),
                    quote=sent.text.strip(),
                    start=sent.start,
                    end=sent.stop,
                    confidence=0.6,
                    subject_type=subject.type,
                    subject_registry_id=subject.registry_id,
                    detail=nominative_phrase(status.group(1)),
                    site=where.name if where else "",
                )
            )
    return facts


__all__ = ["QUALIFIERS", "Extraction", "Fact", "Linker", "Mention", "Organisation", "Person", "SiteRef", "extract"]
