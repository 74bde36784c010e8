"""Extraction quality against ground truth: our crawler and trafilatura, side by side.

python bench/quality.py [--articles 200]

On every article page of a replica (both layouts; 200 articles by default, as `make demo`)
and on the saved pages of tests/pages/, with their ground truth (ground_truth.json): the share of pages whose
title, publication time and dateline are exactly right, and the body's token F1 (the
bags of lower-cased words of the extracted and the true body). trafilatura runs
`bare_extraction(with_metadata=True)` with its date search; it gives a day, not a time, so
for it the date counts as right when the day (Kazakhstan's) is; ours is also scored on
the full UTC time. trafilatura does not split off the dateline, and keeps it in its text.

Then the generic extractor (crawler/site/layouts/generic.py, trafilatura) on the replica's pages
with their design's markup renamed (class and id names, no structured data): the share it
stores and its fields' accuracy, where without it the crawl stores none of them.

Then the topic rule (crawler/topic.py) on the held-out part of the labelled articles of
tests/data/topic_labelled.jsonl, per language, with 95% intervals: recall and precision,
beside a naive rule (any electoral word of the language anywhere) as the baseline.
"""

import argparse
import json
import math
import re
import zlib
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import trafilatura
from scrapy.http import HtmlResponse

from crawler import topic
from crawler.clock import REAL
from crawler.site.layouts import load_article
from crawler.validation import invalid_reason
from replica import pages
from replica.content import generate

BASE = "http://replica.test"
ALMATY = ZoneInfo("Asia/Almaty")

# The saved pages of tests/pages/ and their ground truth, written by hand (ground_truth.json).
PAGES = Path(__file__).resolve().parents[1] / "tests" / "pages"
SAVED = {  # the replica's own pages saved there are scored with the replica's, below
    name: truth
    for name, truth in json.loads((PAGES / "ground_truth.json").read_text()).items()
    if "_from_replica_" not in name
}


def tokens(text: str | None) -> Counter:
    return Counter(re.findall(r"\w+", (text or "").lower()))


def f1(extracted: str | None, truth: str) -> float:
    got, want = tokens(extracted), tokens(truth)
    common = sum((got & want).values())
    if not common:
        return 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def local_day(iso: str | None) -> str | None:
    return datetime.fromisoformat(iso).astimezone(ALMATY).date().isoformat() if iso else None


def cases() -> list[tuple[str, bytes, dict]]:
    articles = generate(ARGS.articles, seed=1)
    found = [(BASE + a.path, pages.article_page(a, articles, BASE).encode(), a.expected_item(BASE)) for a in articles]
    for name, truth in SAVED.items():
        found.append((truth["url"], (PAGES / name).read_bytes(), truth))
    return found


def score(extractions: list[dict], truths: list[dict]) -> dict:
    n = len(truths)
    return {
        "title": sum(e["title"] == t["title"] for e, t in zip(extractions, truths, strict=False)) / n,
        "time": sum(e.get("published_at") == t["published_at"] for e, t in zip(extractions, truths, strict=False)) / n,
        "day": sum(e["day"] == local_day(t["published_at"]) for e, t in zip(extractions, truths, strict=False)) / n,
        "dateline": sum(e.get("dateline") == t["dateline"] for e, t in zip(extractions, truths, strict=False)) / n,
        "body_f1": sum(f1(e["body"], t["body"]) for e, t in zip(extractions, truths, strict=False)) / n,
    }


def ours(url: str, body: bytes) -> dict:
    item = load_article(HtmlResponse(url=url, body=body, encoding="utf-8"))
    return {**item, "day": local_day(item.get("published_at")), "body": item.get("body"), "title": item.get("title")}


def theirs(url: str, body: bytes) -> dict:
    document = trafilatura.bare_extraction(
        body.decode("utf-8"),
        url=url,
        with_metadata=True,
        date_extraction_params={"extensive_search": True, "original_date": True},
    )
    found = document if isinstance(document, dict) else (document.as_dict() if document else {})
    return {"title": found.get("title"), "day": found.get("date"), "body": found.get("text")}


# A design nobody told the crawler about: the same page, its class and id names renamed,
# its structured data gone, <article> and <time> plain <div> and <span>.
STRUCTURED = re.compile(
    r'<script type="application/ld\+json">.*?</script>'
    r'|<meta [^>]*(?:property|name)="(?:og:|article:|author|keywords)[^>]*>',
    re.DOTALL,
)
NAMED = re.compile(r'\b(class|id)="([^"]*)"')
RETAGGED = {"<article": "<div", "</article>": "</div>", "<time": "<span", "</time>": "</span>"}


def renamed(html: str) -> str:
    html = NAMED.sub(lambda m: f'{m[1]}="{" ".join(f"k{zlib.crc32(n.encode()) % 9973}" for n in m[2].split())}"', html)
    html = STRUCTURED.sub("", html)
    for old, new in RETAGGED.items():
        html = html.replace(old, new)
    return html


def generic_extractor() -> None:
    """The replica's pages of every design with their markup renamed: what the generic
    extractor (crawler/site/layouts/generic.py) stores of them; without it, nothing (pending)."""
    articles = generate(ARGS.articles, seed=1)
    truths = [a.expected_item(BASE) for a in articles]
    items = [ours(BASE + a.path, renamed(pages.article_page(a, articles, BASE)).encode()) for a in articles]
    generic = [n for n, item in enumerate(items) if item["layout"] == "generic"]
    now = REAL.now()
    stored = sum(invalid_reason(item, now) is None for item in items) / len(items)
    without = sum(invalid_reason(items[n], now) is None for n in range(len(items)) if n not in generic) / len(items)
    read, truth = [items[n] for n in generic], [truths[n] for n in generic]  # the generic extractor's own
    s = score(read, truth)
    exact = {
        field: sum(item.get(field) == true[field] for item, true in zip(read, truth, strict=True)) / len(read)
        for field in ("author", "tags")
    }
    print(f"\ngeneric extractor, on {len(items)} replica pages of four designs with their markup renamed")
    print(
        f"{len(generic)} read by it ({len(generic) / len(items):.1%}; the others still by their design's structure); "
        f"stored: {stored:.1%}, without it {without:.1%}"
    )
    print(f"{'on its pages':<14} {'title':>7} {'time':>7} {'day':>7} {'author':>7} {'tags':>7} {'body F1':>8}")
    print(
        f"{'generic':<14} {s['title']:>7.1%} {s['time']:>7.1%} {s['day']:>7.1%} "
        f"{exact['author']:>7.1%} {exact['tags']:>7.1%} {s['body_f1']:>8.3f}"
    )
    print(
        f"summary: renamed markup: {stored:.1%} stored, {without:.1%} without the generic extractor "
        f"({stored / without:.2f}x); on its pages title exact {s['title']:.1%}, time exact {s['time']:.1%}, "
        f"body F1 {s['body_f1']:.3f}"
    )


LABELLED = Path(__file__).resolve().parents[1] / "tests" / "data" / "topic_labelled.jsonl"


def naive(row: dict) -> bool:
    """The baseline: any electoral word of the article's language, anywhere, in any sense."""
    _, vocabulary = topic.vocabulary_of(row)
    text = " ".join([row["title"], row.get("lead") or "", " ".join(row["tags"]), row["body"]]).casefold()
    return any(pattern.search(text) for pattern, _, _ in vocabulary.patterns.values())


def wilson(hits: int, total: int) -> tuple[float, float]:
    """The 95% Wilson score interval of a share: honest at the ends, where a few dozen
    articles leave much unknown."""
    if not total:
        return 0.0, 1.0
    z, share = 1.96, hits / total
    centre = (share + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def recall_precision(rows: list[dict], rule) -> tuple[tuple[int, int], tuple[int, int]]:
    """(hits, of) for recall and for precision."""
    chosen = [row for row in rows if rule(row)]
    true = sum(row["label"] for row in chosen)
    return (true, sum(row["label"] for row in rows)), (true, len(chosen))


def shown(hits: int, total: int) -> str:
    low, high = wilson(hits, total)
    return f"{hits / max(1, total):.3f} [{low:.2f}, {high:.2f}]"


def topic_rule() -> None:
    """The held-out part alone: the rule was tuned on the rest, and never on it."""
    labelled = [json.loads(line) for line in LABELLED.read_text().splitlines()]
    rule = f"topic rule, version {topic.RULE_VERSION} (threshold {topic.THRESHOLD:g})"
    print(f"\n{rule}, on the held-out part of {len(labelled)} labelled articles (95% Wilson intervals)")
    print(f"{'':<4} {'articles':>8} {'real':>5} {'recall':>20} {'precision':>20} {'naive precision':>20}")
    for lang in topic.VOCABULARIES:
        rows = [row for row in labelled if row["lang"] == lang and row["split"] == "held_out"]
        recall, precision = recall_precision(rows, lambda row: topic.judge(row).selected)
        _, naive_precision = recall_precision(rows, naive)
        real = sum(row["source"] != "written" for row in rows)
        figures = "".join(f" {shown(*share):>20}" for share in (recall, precision, naive_precision))
        print(f"{lang:<4} {len(rows):>8} {real:>5}{figures}")
        print(
            f"summary: topic rule ({lang}) on held-out articles: recall {shown(*recall)}, "
            f"precision {shown(*precision)} (naive rule's precision {shown(*naive_precision)})"
        )


def main() -> None:
    found = cases()
    truths = [truth for _, _, truth in found]
    saved_urls = {truth["url"] for truth in SAVED.values()}
    rows = {
        "ours": score([ours(u, b) for u, b, _ in found], truths),
        "trafilatura": score([theirs(u, b) for u, b, _ in found], truths),
    }
    layouts = Counter("saved" if t["url"] in saved_urls else t["layout"] for t in truths)
    print(f"{len(found)} pages: " + ", ".join(f"{n} {layout}" for layout, n in layouts.most_common()))
    print(f"{'':<12} {'title':>7} {'time':>7} {'day':>7} {'dateline':>9} {'body F1':>8}")
    for name, s in rows.items():
        time_ = f"{s['time']:.1%}" if name == "ours" else "n/a"
        dateline = f"{s['dateline']:.1%}" if name == "ours" else "n/a"
        print(f"{name:<12} {s['title']:>7.1%} {time_:>7} {s['day']:>7.1%} {dateline:>9} {s['body_f1']:>8.3f}")
    a, b = rows["ours"], rows["trafilatura"]
    print(
        f"summary: title exact {a['title']:.1%} vs {b['title']:.1%}, publication day {a['day']:.1%} vs {b['day']:.1%}, "
        f"body F1 {a['body_f1']:.3f} vs {b['body_f1']:.3f} (ours vs trafilatura)"
    )
    generic_extractor()
    topic_rule()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    ARGS = parser.parse_args()
    main()
