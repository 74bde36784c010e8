"""A period's coverage as one self-contained HTML file, for a mission's analyst to attach:
per edition, the subjects' weekly shares as a stacked chart (inline SVG: no script, no
network), the period's table with the names-only figures beside the names-and-titles ones,
the incumbents' shares of the campaigns in the period, and the tone people coded, with the
sample's size and the coders' agreement. `scrapy coverage --report FILE --from --to`."""

import html
from collections import defaultdict
from dataclasses import dataclass

# Distinct colours, in the order subjects take them (by their space over the period).
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173",
)  # fmt: skip
OTHERS = "#cccccc"
WIDTH, HEIGHT, LEFT, BOTTOM = 900, 260, 48, 40


@dataclass(frozen=True)
class CoverageReport:
    start: str  # YYYY-MM-DD, Kazakhstan's days
    end: str
    period: list[dict]  # Archive.coverage_period's rows
    weeks: list[dict]  # Archive.coverage_weeks'
    incumbents: list[dict]  # Archive.coverage_incumbents'
    tones: list[dict]  # Archive.tone_summary's
    agreement: float | None  # Krippendorff's alpha between the coders; None with fewer than two
    coded_twice: int  # pairs two coders coded


def render(report: CoverageReport) -> str:
    editions = sorted({row["edition"] for row in report.period})
    colours = subject_colours(report.period)
    sections = [edition_section(report, edition, colours) for edition in editions] or [
        "<p>No article of the period refers to a subject.</p>"
    ]
    return PAGE.format(
        start=report.start,
        end=report.end,
        sections="\n".join(sections),
        incumbents=incumbent_table(report.incumbents),
        tones=tone_section(report),
    )


def subject_colours(period: list[dict]) -> dict[str, str]:
    space: dict[str, int] = defaultdict(int)
    for row in period:
        space[row["subject"]] += row["words"] or 0
    ranked = sorted(space, key=lambda subject: (-space[subject], subject))
    return {subject: PALETTE[n] for n, subject in enumerate(ranked[: len(PALETTE)])}


def edition_section(report: CoverageReport, edition: str, colours: dict[str, str]) -> str:
    rows = [row for row in report.period if row["edition"] == edition]
    weeks = [row for row in report.weeks if row["edition"] == edition]
    return (
        f'<section class="edition"><h2>Edition <code>{html.escape(edition)}</code></h2>'
        f"{weekly_chart(weeks, colours, edition)}{legend(rows, colours)}{period_table(rows)}</section>"
    )


def weekly_chart(weeks: list[dict], colours: dict[str, str], edition: str) -> str:
    """Each week a bar of 100%, split into the subjects' shares of its space, stacked."""
    starts = sorted({row["week_starting"] for row in weeks})
    if not starts:
        return "<p>No week of the period has a reference.</p>"
    step = (WIDTH - LEFT) / len(starts)
    bars = []
    for n, week in enumerate(starts):
        x, top = LEFT + n * step, 0.0
        for row in sorted((r for r in weeks if r["week_starting"] == week), key=lambda r: -(r["share"] or 0)):
            height = (row["share"] or 0) * (HEIGHT - BOTTOM)
            colour = colours.get(row["subject"], OTHERS)
            title = f"{row['subject']}, week of {week}: {percent(row['share'])} of {row['words']} words"
            bars.append(
                f'<rect x="{x + 1:.1f}" y="{top:.1f}" width="{max(step - 2, 1):.1f}" height="{height:.1f}" '
                f'fill="{colour}" data-subject="{html.escape(row["subject"])}">'
                f"<title>{html.escape(title)}</title></rect>"
            )
            top += height
    labels = [
        f'<text x="{LEFT + n * step + step / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{week[5:]}</text>'
        for n, week in enumerate(starts)
        if len(starts) <= 26 or n % (len(starts) // 13 + 1) == 0
    ]
    axis = "".join(
        f'<text x="{LEFT - 6}" y="{(HEIGHT - BOTTOM) * (1 - share) + 4:.1f}" text-anchor="end">{share:.0%}</text>'
        for share in (0, 0.25, 0.5, 0.75, 1)
    )
    return (
        f'<svg class="weekly" data-edition="{html.escape(edition)}" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" '
        f'aria-label="Weekly shares of the subjects\' space, edition {html.escape(edition)}">'
        f"{axis}{''.join(bars)}{''.join(labels)}</svg>"
    )


def legend(rows: list[dict], colours: dict[str, str]) -> str:
    items = "".join(
        f'<li><span class="swatch" style="background:{colours.get(row["subject"], OTHERS)}"></span>'
        f"{html.escape(row['subject'])}</li>"
        for row in rows
    )
    return f'<ul class="legend">{items}</ul>'


def percent(value) -> str:
    return "–" if value is None else f"{value:.1%}"


def period_table(rows: list[dict]) -> str:
    body = "".join(
        f"<tr><td>{html.escape(row['subject'])}</td><td>{row['kind']}</td><td>{row['articles']}</td>"
        f"<td>{row['mentions']}</td><td>{row['by_title']}</td><td>{row['headlines']}</td><td>{row['words']}</td>"
        f"<td>{percent(row['share'])}</td><td>{row['words_by_name']}</td><td>{percent(row['share_by_name'])}</td></tr>"
        for row in rows
    )
    return (
        '<table class="period"><thead><tr><th>subject</th><th>kind</th><th>articles</th><th>mentions</th>'
        "<th>of them by title</th><th>headlines</th><th>words</th><th>share</th><th>words, by name</th>"
        f"<th>share, by name</th></tr></thead><tbody>{body}</tbody></table>"
    )


def incumbent_table(rows: list[dict]) -> str:
    if not rows:
        return "<p>No campaign falls in the period.</p>"
    body = "".join(
        f"<tr><td>{html.escape(row['name'])}</td><td>{row['edition']}</td>"
        f"<td>{html.escape(row['incumbent'] or '')}</td>"
        f"<td>{row['incumbent_words']}</td><td>{row['others_words']}</td><td>{percent(row['incumbent_share'])}</td>"
        f"<td>{percent(row['incumbent_share_by_name'])}</td></tr>"
        for row in rows
    )
    return (
        '<table class="incumbents"><thead><tr><th>campaign</th><th>edition</th><th>incumbent</th>'
        "<th>incumbent's words</th><th>all the others' words</th><th>incumbent's share</th>"
        f"<th>by name</th></tr></thead><tbody>{body}</tbody></table>"
    )


def tone_section(report: CoverageReport) -> str:
    if not report.tones:
        return "<p>No tone has been coded (scrapy coverage --sample, then --import).</p>"
    body = "".join(
        f"<tr><td>{html.escape(row['subject'])}</td><td>{row['pairs_coded']}</td><td>{row['agreed']}</td>"
        f"<td>{row['positive']}</td><td>{row['neutral']}</td><td>{row['negative']}</td></tr>"
        for row in report.tones
    )
    alpha = "not measured (fewer than two coders)" if report.agreement is None else f"{report.agreement:.3f}"
    return (
        f"<p>Sample: {sum(row['pairs_coded'] for row in report.tones)} (article, subject) pairs coded, "
        f'{report.coded_twice} by two coders; Krippendorff\'s alpha (ordinal): <b class="alpha">{alpha}</b>.</p>'
        '<table class="tones"><thead><tr><th>subject</th><th>pairs coded</th><th>agreed</th><th>positive</th>'
        f"<th>neutral</th><th>negative</th></tr></thead><tbody>{body}</tbody></table>"
    )


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Who got the coverage, {start} to {end}</title>
<style>
body {{ font: 14px/1.4 sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
th, td {{ border: 1px solid #ccc; padding: 3px 8px; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }}
svg text {{ font-size: 11px; fill: #444; }}
.legend {{ list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 14px; }}
.swatch {{ display: inline-block; width: 12px; height: 12px; margin-right: 5px; vertical-align: middle; }}
</style></head><body>
<h1>Who got the coverage, {start} to {end}</h1>
<p>Kazinform's Elections section, as the archive holds it. Each subject's space is the words of the
paragraphs that refer to it, by name or by title (a title is whoever held the office that day);
its share is its part of all subjects' space in the edition. "By name" counts the paragraphs
that name it, as a reader without the title rule would. Weeks run Monday to Sunday, in Kazakhstan.</p>
{sections}
<h2>The incumbent against all the others</h2>
{incumbents}
<h2>Tone, as people coded it</h2>
{tones}
</body></html>
"""
