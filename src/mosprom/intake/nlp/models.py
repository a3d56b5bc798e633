"""The language models, loaded once per process on first use (natasha's ship inside the package)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_lock = threading.Lock()
_models: Models | None = None


@dataclass(frozen=True)
class Models:
    segmenter: Any
    embedding: Any
    morph_tagger: Any
    ner_tagger: Any
    morph_vocab: Any
    names_extractor: Any


def models() -> Models:
    global _models
    if _models is None:
        with _lock:
            if _models is None:
                from natasha import (
                    MorphVocab,
                    NamesExtractor,
                    NewsEmbedding,
                    NewsMorphTagger,
                    NewsNERTagger,
                    Segmenter,
                )

                embedding = NewsEmbedding()
                vocab = MorphVocab()
                _models = Models(
                    segmenter=Segmenter(),
                    embedding=embedding,
                    morph_tagger=NewsMorphTagger(embedding),
                    ner_tagger=NewsNERTagger(embedding),
                    morph_vocab=vocab,
                    names_extractor=NamesExtractor(vocab),
                )
    return _models


@lru_cache(maxsize=1)
def analyzer() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def parse(word: str) -> Any:
    """pymorphy3's most likely analysis of a word (lower-cased), cached."""
    return analyzer().parse(word.lower())[0]


@lru_cache(maxsize=200_000)
def parses(word: str) -> tuple[Any, ...]:
    return tuple(analyzer().parse(word.lower()))


def lemma(word: str) -> str:
    return str(parse(word).normal_form)
