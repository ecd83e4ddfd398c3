"""Analyzers that understand Korean: Hangul bigrams, Kiwi morphemes, and plain words for "did you mean".

Whoosh's StandardAnalyzer keeps a Korean word and its particles as one token ("환불받고"), so "환불" never finds it.
Two remedies, measured in docs/search-analyzer.md:
- `bigram`: every run of Hangul becomes overlapping two-syllable pieces (환불받고 → 환불 불받 받고), so any word
  matches inside a longer one, spacing does not matter ("비밀 번호" ~ "비밀번호") and one wrong syllable still
  leaves most pieces matching; irregular verb forms share no piece with their dictionary form.
- `kiwi`: Kiwi's morphological analysis keeps nouns, verb and adjective stems (by lemma) and foreign words, so
  "끊겨요" and "끊길" are both 끊기; an unknown or misspelt word stays whole and matches nothing.
Latin words are lower-cased and stemmed (Porter) in both, so English keeps working.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer
from whoosh.analysis.analyzers import STOP_WORDS
from whoosh.lang.porter import stem

ANALYZERS = ("bigram", "kiwi")
_RUNS = re.compile(r"[가-힣]+|[A-Za-z0-9]+(?:[-.'][A-Za-z0-9]+)*|[\u3040-\u30ff\u4e00-\u9fff]+")
_HANGUL = re.compile(r"[가-힣]")
KIWI_TAGS = ("NNG", "NNP", "NR", "XR", "SL", "SN", "SH", "VV", "VA", "VV-R", "VA-R", "VV-I", "VA-I")
# Particles stripped from the end of a Korean word for the spelling dictionary (longest first).
_PARTICLES = sorted(
    [
        "을",
        "를",
        "이",
        "가",
        "은",
        "는",
        "에",
        "에서",
        "에게",
        "으로",
        "로",
        "와",
        "과",
        "의",
        "도",
        "만",
        "까지",
        "부터",
        "이나",
        "나",
        "이랑",
        "랑",
        "요",
        "이요",
    ],
    key=len,
    reverse=True,
)
# Syllable pairs that are only verb endings, particles or question words ("…었어요", "어떻게"): they match
# nearly every sentence, so they would rank "잠겼어요" above the answer to "비번 까먹었어요".
ENDING_BIGRAMS = frozenset(
    [
        "어요",
        "아요",
        "해요",
        "세요",
        "에요",
        "예요",
        "니다",
        "습니",
        "었어",
        "았어",
        "였어",
        "겠어",
        "싶어",
        "싶습",
        "는데",
        "은데",
        "인데",
        "해서",
        "어서",
        "아서",
        "하고",
        "하는",
        "하면",
        "으면",
        "려면",
        "나요",
        "까요",
        "가요",
        "는지",
        "을까",
        "할까",
        "돼요",
        "되요",
        "어떻",
        "떻게",
        "이렇",
        "렇게",
        "그런",
        "있나",
        "없나",
        "할게",
        "할래",
        "래요",
        "네요",
        "군요",
        "거든",
        "는요",
        "어야",
        "아야",
        "해야",
        "했어",
        "됐어",
        "했는",
        "었는",
        "았는",
        "하죠",
        "나죠",
        "었죠",
        "왔죠",
    ]
)
Span = tuple[str, int, int]  # term, start char, end char

_kiwi = None
_kiwi_lock = threading.Lock()


def kiwi():  # type: ignore[no-untyped-def]
    """The one Kiwi instance of this process (about 300 MB): load it before workers fork (preload)."""
    global _kiwi
    if _kiwi is None:
        with _kiwi_lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                _kiwi = Kiwi(num_workers=-1)  # no thread pool of its own: callers' threads share it
    return _kiwi


def preload() -> None:
    """Load Kiwi now when a configured index uses it (call before forking workers)."""
    from flask import current_app, has_app_context

    modes = {"mix"}
    if has_app_context():
        config = current_app.config
        modes = {config.get("SEARCH_ANALYZER", "mix"), *dict(config.get("SEARCH_ANALYZERS") or {}).values()}
    if modes & {"kiwi", "mix"}:
        kiwi()


def kiwi_ready() -> bool:
    """Whether queries may use Kiwi now. Never loads it: loading takes ~10 s and holds the interpreter, which
    would stall every request of the process; gunicorn (when_ready) and the worker (on_startup) load it before
    serving, and until then queries of mix indexes use their bigram fields alone."""
    return _kiwi is not None


def kiwi_loaded() -> bool:
    """Whether this process already holds the Kiwi model."""
    return _kiwi is not None


@lru_cache(maxsize=50_000)
def _english(word: str) -> str | None:
    lowered = word.lower()
    if lowered in STOP_WORDS:
        return None
    return stem(lowered)


def _latin(word: str, start: int) -> Iterator[Span]:
    term = _english(word)
    if term:
        yield term, start, start + len(word)
    if any(c in word for c in "-.'"):  # "Wi-Fi" is also "wifi"
        joined = _english(re.sub(r"[-.']", "", word))
        if joined and joined != term:
            yield joined, start, start + len(word)


def bigram_spans(text: str) -> Iterator[Span]:
    """Hangul runs as overlapping syllable pairs (a lone syllable as itself); other words whole."""
    for match in _RUNS.finditer(text):
        run, start = match.group(), match.start()
        if _HANGUL.match(run) or not run.isascii():
            if len(run) == 1:
                yield run, start, start + 1
            for i in range(len(run) - 1):
                pair = run[i : i + 2]
                if pair not in ENDING_BIGRAMS:
                    yield pair, start + i, start + i + 2
        else:
            yield from _latin(run, start)


def kiwi_spans(text: str) -> Iterator[Span]:
    """Content morphemes by Kiwi: nouns and roots as written, verbs and adjectives by their stem."""
    for token in kiwi().tokenize(text):
        tag = token.tag
        if tag not in KIWI_TAGS:
            continue
        start, end = token.start, token.start + token.len
        if tag == "SL":
            yield from _latin(token.form, start)
        elif tag.startswith(("VV", "VA")):
            lemma = token.lemma[:-1] if token.lemma.endswith("다") else token.lemma
            if len(lemma) > 1 or tag.startswith("VA"):  # one-syllable verbs (하, 되, 받) say little alone
                yield lemma, start, end
        else:
            yield token.form.lower(), start, end


def word_spans(text: str) -> Iterator[Span]:
    """Whole words, Korean ones without a trailing particle: the dictionary of "did you mean"."""
    for match in _RUNS.finditer(text):
        word, start = match.group().lower(), match.start()
        if _HANGUL.match(word):
            for particle in _PARTICLES:
                if word.endswith(particle) and len(word) - len(particle) >= 2:
                    word = word[: -len(particle)]
                    break
            if len(word) >= 2:
                yield word, start, start + len(word)
        elif len(word) >= 3 and word.isalpha():
            yield word, start, start + len(word)


SPANS = {"bigram": bigram_spans, "kiwi": kiwi_spans, "words": word_spans}


def spans(kind: str, text: str) -> Iterator[Span]:
    """The terms of `text` under one analyzer, with their character positions."""
    return SPANS[kind](text or "")


def terms(kind: str, text: str) -> list[str]:
    """The distinct terms of `text` under one analyzer, in order of first appearance."""
    return list(dict.fromkeys(term for term, _s, _e in spans(kind, text)))


class KoreanTokenizer(Tokenizer):
    """A Whoosh tokenizer over one of the analyzers above (pickled into the index schema by name only)."""

    def __init__(self, kind: str = "bigram") -> None:
        self.kind = kind

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KoreanTokenizer) and other.kind == self.kind

    def __hash__(self) -> int:
        return hash(("KoreanTokenizer", self.kind))

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, (term, start, end) in enumerate(spans(self.kind, value)):
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


def analyzer(kind: str) -> KoreanTokenizer:
    """A Whoosh analyzer for a field."""
    return KoreanTokenizer(kind)
