"""The Kazakh stemmer's cost as a word grows, and a page holding one word of 1.5 million
letters indexed (issue 29): today's linear stemmer and its bound, against the stemmer as it
was (a copy of the word at each ending taken off), in the same run.

python bench/stemmer_scaling.py

Ratio: the time for a word four times as long over the time for the word. A linear stemmer
gives about 4x, a quadratic one about 16x. The page: the time Stems.text takes to give the
index a page of ordinary Kazakh words and one 1.5-million-letter word, against a page of as
many letters in ordinary words alone: about 1x once no stemmer sees the long word.
"""

import time

from crawler.archive.search import KAZAKH_ENDINGS, MIN_STEM, STEMS, kazakh_stem

SHORT, LONG = 100_000, 400_000  # letters: past the caches, where each copy costs; the old one takes seconds


def quadratic_kazakh_stem(word: str) -> str:
    """The stemmer before issue 29."""
    stripped = True
    while stripped:
        stripped = False
        for ending in KAZAKH_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
                word, stripped = word[: -len(ending)], True
                break
    return word


def seconds(stem, word: str, rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        stem(word)
        best = min(best, time.perf_counter() - started)
    return best


def word_of(letters: int) -> str:
    return "сайлау" + "лар" * ((letters - 6) // 3)  # every ending taken off, one at a time


def main() -> None:
    ratios = {}
    for name, stem in (("linear (today)", kazakh_stem), ("quadratic (before)", quadratic_kazakh_stem)):
        short, long = seconds(stem, word_of(SHORT)), seconds(stem, word_of(LONG))
        ratios[name] = long / short
        times = f"{SHORT:,} letters {short * 1000:8.2f} ms, {LONG:,} letters {long * 1000:9.2f} ms"
        print(f"{name:<20} {times}: {long / short:5.1f}x")
    words = ["сайлауына", "Құрылтайға", "кандидаттар", "тіркелді", "байқаушылар"]
    huge = " ".join(words * 400) + " " + word_of(1_500_000)
    ordinary = " ".join(words * (len(huge) // len(" ".join(words)) + 1))[: len(huge)]
    STEMS["kk"].clear()
    plain, with_huge = seconds(STEMS["kk"].text, ordinary), seconds(STEMS["kk"].text, huge)
    print(
        f"a Kazakh page of {len(huge):,} characters indexed: {with_huge * 1000:.1f} ms with one 1,500,000-letter word, "
        f"{plain * 1000:.1f} ms in ordinary words alone"
    )
    print(
        f"summary: 4x the letters cost {ratios['linear (today)']:.1f}x (before: {ratios['quadratic (before)']:.1f}x); "
        f"the page with the long word {with_huge / plain:.2f}x a page of ordinary words as long"
    )


if __name__ == "__main__":
    main()
