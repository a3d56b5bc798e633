"""The language models, loaded once per process on first use (natasha's ship inside the package)."""

from __future__ import annotations

import ctypes
import os
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


_BLAS_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def single_threaded_blas() -> None:
    """natasha's networks multiply small matrices: OpenBLAS threads only spin against each other and against the
    web workers (3× slower on a shared 2-core machine). Before numpy loads, the environment says so; after, the
    loaded OpenBLAS is told directly (what threadpoolctl does)."""
    import sys

    if "numpy" not in sys.modules:
        for name in _BLAS_ENV:
            os.environ.setdefault(name, "1")
        return
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower() and line.rstrip().endswith(".so")}
    except OSError:
        return
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for symbol in ("scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_", "openblas_set_num_threads"):
            setter = getattr(lib, symbol, None)
            if setter is not None:
                setter(1)
                break


def models() -> Models:
    global _models
    if _models is None:
        with _lock:
            if _models is None:
                single_threaded_blas()
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
