"""Automatic claims: every quantity of a report linked to an indicator, a place and a date.

For a text with no hand-made register. Each quantity the extractor finds becomes a claim; the
linker reads its sentence and the sentences before it in the same paragraph:
- the indicator: terms of the `indicator_terms` seed near the figure (the noun right after it,
  then its clause, then its sentence), kept only when the figure's kind and measure word fit the
  indicator (`measure_words` seed); a change (增长5%, 提高1.3个百分点, 增加208万人) is linked to
  the change indicator of the measure named, through `indicator_relations`;
- the place: the nearest place named before it (`ingest.place_words`); a district, county,
  street, community or city is a local case, which official statistics do not cover;
- the date: the nearest time expression before it (`ingest.time_expressions`), else the year
  after a comparison's base (较2022年), else the paragraph's earlier dates, else the present
  tense, read at the report's reference date;
- the claim type: level, share, change_pp, change_pct, change, from_to or target.

Each link carries a confidence in [0, 1] and the evidence it rests on; links below
`LINK_THRESHOLD` are proposed for review but not used.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path

import polars as pl

from ingest.claim_register import CLAIM_SCHEMA
from ingest.place_words import Gazetteer, Place, home_place, places_in
from ingest.quantity_extraction import Quantity, extract_quantities, normalise_keeping_offsets
from ingest.report_structure import paragraphs
from ingest.script_forms import to_simplified
from ingest.time_expressions import Dating, datings, implied_by_baseline
from ingest.written_quantity import CHANGE_VERBS

# A link below this confidence is a proposal for review, not a claim's indicator.
LINK_THRESHOLD = 0.5
# A link below this confidence is listed in the review queue.
REVIEW_BELOW = 0.8

AUTO_CLAIM_SCHEMA: dict[str, type[pl.DataType]] = {
    **{k: v for k, v in CLAIM_SCHEMA.items() if not k.startswith("_")},
    "start_offset": pl.Int64,
    "end_offset": pl.Int64,
    "confidence": pl.Float64,
    "candidate_indicator_code": pl.String,
    "link_evidence": pl.String,
    "review_decision": pl.String,
    "reference_date": pl.Date,
    "reference_date_basis": pl.String,
    "_source_file": pl.String,
    "_source_line": pl.Int64,
}

_SENTENCE_END = "。！？；!?;"
_HEADING = re.compile(
    r"^([一二三四五六七八九十]+[、\s]|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.．、]\s?\D)"
)
_CLAUSE_END = _SENTENCE_END + "，,：:"
_ITEM_END = _CLAUSE_END + "、"
_CHANGE_BEFORE = re.compile(rf"({CHANGE_VERBS}|净增|净减|增幅为?|降幅为?|增速为?)了?\s?$")
_TO_BEFORE = re.compile(r"(到|至|为|达到|达)\s?$")
_FROM_BEFORE = re.compile(r"(从|由)[^，,；;。]{0,24}$")
# 从2020年的68%提高到94%, 由3.8万个增加到2024年的4.0万个: a figure's move from one value to another.
_MOVES = f"{CHANGE_VERBS}|跃升|升|增至|降至"
_FROM_TO_AFTER = re.compile(rf"^[^，,；;。]{{0,12}}?({_MOVES})(到|至)")
_FROM_TO_BEFORE = re.compile(
    rf"(从|由)[^，,；;。]{{0,24}}({_MOVES})(到|至)?\s?(?:(?:19|20)\d{{2}}\s?年(?:底|末)?\s?的)?\s?$"
)
_SHARE_WORDS = re.compile(r"占|比重|比例|占比|覆盖率|比率")
_TARGET_WORDS = re.compile(r"力争|目标|计划|预计|将(?!近)|要达到|确保")
# The scope of a claim by the level of its place. Only the nation, provinces (全省 of a province
# not named too) and seed cities are linked to indicators: a district or a community, Hong Kong,
# Macao or Taiwan is not a place of the official series.
_SCOPES = {
    "province": "province",
    "province_unknown": "province",
    "prefecture": "city",
    "local": "local_case",
    "outside_mainland": "other",
}
_LINKED_SCOPES = frozenset(["national", "province", "city"])
# Figures that go on speaking of the sentence's subject: 比上年末减少139万人, 占总人口的21.1%.
_CONTINUING = frozenset(["change", "change_pct", "change_pp", "share", "from_to"])
# 为2013年以来增幅最快, 创1990年以来最大增幅: a change ranked against the series since a year.
_RANKED = re.compile(r"(?P<since>(?:19|20)\d{2})\s?年以来[^，,。；;]{0,8}?最(?:快|大|高|多)")
_ADDED_BEFORE = re.compile(r"(新增|净增|新建|增加|新招募|新发展)[^，,；;。、\d]{0,12}$")
# 占全省常住人口的22.79%: the measure after 占 is the share's denominator, not its subject.
_DENOMINATOR = re.compile(r"占[^，,；;。、\d]{0,6}$")
_OF_YEAR = re.compile(r"(?P<y>(?:19|20)\d{2})\s?年(?P<end>底|末)?\s?的\s?$")


@dataclass(frozen=True)
class Term:
    indicator_code: str
    term: str
    requires: tuple[str, ...]


@dataclass(frozen=True)
class Indicator:
    code: str
    name_en: str
    kind: str
    unit: str
    stock_or_flow: str


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per seeds folder
class Lexicon:
    """What the linker knows, all read from the dbt seeds."""

    terms: tuple[Term, ...]
    indicators: dict[str, Indicator]
    measure_words: dict[str, frozenset[str]]  # indicator unit -> measure words
    changes: dict[tuple[str, str], str]  # (measure, relation) -> change indicator
    gazetteer: Gazetteer

    @classmethod
    def from_seeds(cls, seeds_dir: Path) -> Lexicon:
        return _lexicon(seeds_dir.resolve())


@cache
def _lexicon(seeds_dir: Path) -> Lexicon:
    def read(name: str) -> list[dict]:
        return pl.read_csv(seeds_dir / name, infer_schema_length=0).to_dicts()

    terms = tuple(
        Term(
            row["indicator_code"],
            to_simplified(row["term"]),
            tuple(w for w in (row.get("requires") or "").split("|") if w),
        )
        for row in read("indicator_terms.csv")
    )
    indicators = {
        row["indicator_code"]: Indicator(
            row["indicator_code"], row["name_en"], row["kind"], row["unit"], row["stock_or_flow"]
        )
        for row in read("indicators.csv")
    }
    words: dict[str, set[str]] = {}
    for row in read("measure_words.csv"):
        words.setdefault(row["unit"], set()).add(row["measure_word"])
    changes = {
        (row["related_indicator_code"], row["relation"]): row["indicator_code"]
        for row in read("indicator_relations.csv")
        if row["relation"] in ("change_of", "change_pct_of", "change_pp_of")
    }
    return Lexicon(
        terms=terms,
        indicators=indicators,
        measure_words={unit: frozenset(w) for unit, w in words.items()},
        changes=changes,
        gazetteer=Gazetteer.from_seed(seeds_dir),
    )


@dataclass(frozen=True)
class _Span:
    start: int
    end: int


def _sentences(text: str) -> tuple[list[_Span], list[int]]:
    """Sentence spans and, for each, the index of its logical paragraph. A line that stops
    mid-sentence (a page break in a PDF copy) continues on the next non-empty line."""
    spans: list[_Span] = []
    paragraph_of: list[int] = []
    paragraph, start = 0, 0
    length = len(text)
    i = 0
    while i < length:
        char = text[i]
        if char in _SENTENCE_END:
            spans.append(_Span(start, i + 1))
            paragraph_of.append(paragraph)
            start = i + 1
        elif char == "\n":
            line_start = text.rfind("\n", 0, i) + 1
            line = text[line_start:i].strip()
            broken = (
                len(line) > 12
                and line[-1] not in _SENTENCE_END + "”」』）)"
                and not _HEADING.match(line)
            )
            if line and not broken:  # blank lines decide nothing
                if text[start:i].strip():
                    spans.append(_Span(start, i))
                    paragraph_of.append(paragraph)
                start = i + 1
                paragraph += 1
        i += 1
    if text[start:].strip():
        spans.append(_Span(start, length))
        paragraph_of.append(paragraph)
    return spans, paragraph_of


def _boundary_before(text: str, position: int, stops: str, floor: int) -> int:
    return max([text.rfind(c, floor, position) + 1 for c in stops] + [floor])


def _boundary_after(text: str, position: int, stops: str, ceiling: int) -> int:
    found = [i for c in stops if (i := text.find(c, position, ceiling)) >= 0]
    return min(found, default=ceiling)


@dataclass
class _Candidate:
    indicator_code: str
    term: str
    score: float
    why: str


@dataclass(frozen=True)
class AutoClaim:
    """One quantity as an automatic claim: what it speaks of, where, when, and how sure."""

    quantity: Quantity
    section: str
    paragraph: int
    line: int
    claim_type: str
    group_id: str | None
    indicator_code: str | None
    candidate_indicator_code: str | None
    scope: str
    geo_code: str | None
    geo_name: str | None
    dating: Dating
    baseline_period: str | None
    confidence: float
    evidence: str
    subject_en: str
    review_decision: str | None = None
    notes: list[str] = field(default_factory=list)


@lru_cache(maxsize=64)
def _term_hits(sentence: str, offset: int, lexicon: Lexicon) -> list[tuple[int, int, Term]]:
    """Every lexicon term in the sentence, longest first where two overlap (社区社会组织 holds
    社会组织), with offsets in the text. White space inside a term (a line break of a PDF copy)
    does not stop it matching."""
    positions = [i for i, char in enumerate(sentence) if not char.isspace()]
    compact = "".join(sentence[i] for i in positions)
    hits = []
    for term in lexicon.terms:
        if term.requires and not any(word in compact for word in term.requires):
            continue
        found = compact.find(term.term)
        while found >= 0:
            start = offset + positions[found]
            end = offset + positions[found + len(term.term) - 1] + 1
            hits.append((start, end, term))
            found = compact.find(term.term, found + 1)
    hits.sort(key=lambda hit: (-(hit[1] - hit[0]), -len(hit[2].requires)))
    kept: list[tuple[int, int, Term]] = []
    for start, end, term in hits:
        inside = any(a <= start and end <= b and (a, b) != (start, end) for a, b, _ in kept)
        if not inside:
            kept.append((start, end, term))
    return kept


def _claim_type(
    text: str, quantity: Quantity, sentence: _Span, clause_start: int, dating: Dating
) -> str:
    before = text[clause_start : quantity.start]
    after = text[quantity.end : _boundary_after(text, quantity.end, _CLAUSE_END, sentence.end)]
    if dating.target or _TARGET_WORDS.search(text[sentence.start : quantity.start]):
        return "target"
    if _FROM_BEFORE.search(before) and _FROM_TO_AFTER.search(after):
        return "from_to"
    if _FROM_TO_BEFORE.search(before):
        return "from_to"
    if quantity.kind == "percentage_point":
        return "change_pp"
    bare = re.sub(r"(超过|超|逾|近|约|达到|达|了|为)\s?$", "", before.rstrip())
    if _CHANGE_BEFORE.search(bare) and not _TO_BEFORE.search(before):
        return "change_pct" if quantity.kind == "percent" else "change"
    if quantity.kind == "percent" and _SHARE_WORDS.search(before):
        return "share"
    return "level"


def _measure_for(code: str, claim_type: str, added: bool, lexicon: Lexicon) -> str | None:
    """The indicator a figure of this type states when `code` names the measure: a change
    (提高1.3个百分点, 增长5%, 新增注册志愿者1200万人 of a stock) is the measure's change
    indicator; a target only a plan's indicator."""
    indicator = lexicon.indicators.get(code)
    if indicator is None:
        return None
    if code.endswith(("_target", "_forecast")) and claim_type != "target":
        return None
    if claim_type in ("level", "target") and added and indicator.stock_or_flow == "stock":
        claim_type = "change"  # 新增床位5000张: an increment of a stock, planned or done
    relation = {
        "change_pp": "change_pp_of",
        "change_pct": "change_pct_of",
        "change": "change_of",
    }.get(claim_type)
    if relation is not None and not code.endswith(("_change", "_change_pct", "_change_pp")):
        return lexicon.changes.get((code, relation))
    return code


def _fits(code: str, quantity: Quantity, lexicon: Lexicon) -> float:
    """How well the figure's kind and measure word fit the indicator: 0 when they cannot."""
    indicator = lexicon.indicators[code]
    kinds = {
        "count": {"count"},
        "percent": {"percent"},
        "percentage_point": {"percentage_point"},
        "ratio": {"ratio", "count"},
        "amount": {"amount"},
        "duration": {"duration"},
        "score": {"score"},
    }
    if quantity.kind not in kinds.get(indicator.kind, {indicator.kind}):
        return 0.0
    words = lexicon.measure_words.get(indicator.unit)
    if quantity.unit is None:
        return 0.85 if indicator.kind in ("count", "amount") else 0.0
    if words is None:
        return 0.9
    return 1.0 if quantity.unit in words else 0.0


class _SentenceTerms:
    """A sentence's terms and figures, indexed once for all its figures (a flattened table can
    put hundreds of figures in one sentence)."""

    def __init__(self, text: str, sentence: _Span, lexicon: Lexicon, figures: _ByStart) -> None:
        self.hits = sorted(
            (
                hit
                for hit in _term_hits(text[sentence.start : sentence.end], sentence.start, lexicon)
                if not _DENOMINATOR.search(text[max(sentence.start, hit[0] - 8) : hit[0]])
            ),
            key=lambda hit: (hit[0], hit[1]),
        )
        self.hit_starts = [start for start, _, _ in self.hits]
        self.figures = figures.within(sentence.start, sentence.end)
        self.figure_starts = [f.start for f in self.figures]
        # 7.9亿城市居民在18.6万个社区中: the noun right after a figure is that figure's own.
        self.owned = {
            f.end + len(text[f.end : sentence.end]) - len(text[f.end : sentence.end].lstrip())
            for f in self.figures
        }

    def figures_between(self, low: int, high: int) -> bool:
        return bisect.bisect_left(self.figure_starts, high) > bisect.bisect_left(
            self.figure_starts, low
        )

    def near(self, quantity: Quantity, clause_start: int, clause_end: int) -> list:
        """The terms that can name the figure: those between its neighbouring figures within
        its clause, and the three nearest before (a term farther away has others between)."""
        at = bisect.bisect_left(self.figure_starts, quantity.start)
        low = max(clause_start, self.figures[at - 1].end if at > 0 else clause_start)
        follows = self.figure_starts[at + 1] if at + 1 < len(self.figures) else clause_end
        high = min(clause_end, follows)
        first = bisect.bisect_left(self.hit_starts, low)
        last = bisect.bisect_left(self.hit_starts, high)
        return self.hits[max(0, first - 3) : last]

    def terms_between(self, low: int, high: int) -> bool:
        first = bisect.bisect_left(self.hit_starts, low)
        last = bisect.bisect_left(self.hit_starts, high)
        return any(end <= high for _, end, _ in self.hits[first:last])


def _indicator(
    text: str,
    quantity: Quantity,
    sentence: _Span,
    claim_type: str,
    lexicon: Lexicon,
    terms: _SentenceTerms,
) -> list[_Candidate]:
    clause_start = _boundary_before(text, quantity.start, _CLAUSE_END, sentence.start)
    clause_end = _boundary_after(text, quantity.end, _CLAUSE_END, sentence.end)
    item_start = _boundary_before(text, quantity.start, _ITEM_END, sentence.start)
    item_end = _boundary_after(text, quantity.end, _ITEM_END, sentence.end)
    added = bool(_ADDED_BEFORE.search(text[item_start : quantity.start]))
    hits = terms.near(quantity, clause_start, clause_end)
    neighbours = [f for f in terms.figures if f is not quantity]
    # 床位517.2万张 after 养老机构4.1万个: a figure whose item names nothing of its own goes on
    # speaking of the sentence's subject, as a change or a share does.
    bare_item = len(text[item_start : quantity.start].strip(" ，,、其中共")) <= 3
    respective = _respective(text, quantity, sentence, hits, neighbours)
    candidates: list[_Candidate] = []
    for start, end, term in hits:
        if respective is not None and (start, end) != respective:
            continue
        if start in terms.owned and not (quantity.end <= start < item_end):
            continue
        low, high = min(end, quantity.end), max(start, quantity.start)
        figures_between = terms.figures_between(low, high)
        terms_between = terms.terms_between(low, high)
        if respective is not None:
            score, why = 0.95, "is its figure's place in a 分别 list"
        elif quantity.end <= start < item_end and not figures_between:
            score, why = 1.0, "names the figure right after it"
        elif item_start <= start and end <= quantity.start and not figures_between:
            score, why = 0.95, "stands before the figure in its list item"
        elif clause_start <= start and end <= clause_end and not figures_between:
            score, why = 0.85, "is in the figure's clause"
        elif (
            end <= quantity.start and not terms_between and (claim_type in _CONTINUING or bare_item)
        ):
            # 年末全国人口140828万人，比上年末减少139万人: the sentence's one subject.
            score, why = 0.8, "is the subject of the figure's sentence"
        elif end <= quantity.start:
            score, why = 0.55, "is earlier in the sentence, before another measure"
        else:
            continue
        code = _measure_for(term.indicator_code, claim_type, added, lexicon)
        if code is None:
            continue
        fit = _fits(code, quantity, lexicon)
        if fit == 0.0:
            continue
        if term.requires:
            why += f" (with {'/'.join(term.requires)})"
        if claim_type == "target" and not code.endswith(("_target", "_forecast")):
            fit *= 0.9  # a plan's own indicator, where there is one, comes first
        candidates.append(_Candidate(code, term.term, round(score * fit, 3), why))
    candidates.sort(key=lambda c: (-c.score, -len(c.term)))
    return candidates


def _respective(
    text: str, quantity: Quantity, sentence: _Span, spans: list, neighbours: list[Quantity]
) -> tuple[int, int] | None:
    """社会团体、基金会、民办非企业单位分别为37.3万个、9617个、50.0万个: the span (of a term or a
    place) standing at the figure's position in the list before 分别, when the lists match."""
    before = text[sentence.start : quantity.start]
    at = before.rfind("分别")
    if at < 0:
        return None
    at += sentence.start
    # The figures of the list follow 分别 in one clause: 分别为37.3万个、9617个和50.0万个.
    list_end = _boundary_after(text, at, _CLAUSE_END, sentence.end)
    if quantity.start >= list_end:
        return None
    listed_from = _boundary_before(text, at, _CLAUSE_END, sentence.start)
    listed = sorted({(s, e) for s, e, *_ in spans if listed_from <= s and e <= at})
    figures = sorted([f.start for f in neighbours if at < f.start < list_end] + [quantity.start])
    if len(listed) != len(figures) or len(listed) < 2:
        return None
    return listed[figures.index(quantity.start)]


def _place(
    text: str,
    places: _ByStart,
    quantity: Quantity,
    sentence: _Span,
    paragraph_start: int,
    home: Place | None,
    neighbours: list[Quantity],
) -> tuple[Place | None, float, str]:
    """The place at the figure's position in a 分别 list, else the nearest place named before
    the figure in its sentence, else after it in its clause, else earlier in its paragraph,
    else the report's own place, else the nation."""
    in_sentence = places.within(sentence.start, sentence.end)
    spans = [(p.start, p.end) for p in in_sentence]
    if (span := _respective(text, quantity, sentence, spans, neighbours)) is not None:
        place = next(p for p in in_sentence if (p.start, p.end) == span)
        return place, 1.0, f"its place in a 分别 list ({place.name})"
    before = places.within(sentence.start, quantity.start)
    if before:
        return before[-1], 1.0, f"named in its sentence ({before[-1].name})"
    after = places.within(quantity.end, sentence.end)
    if after:
        return after[0], 0.9, f"named after it in its sentence ({after[0].name})"
    earlier = places.within(paragraph_start, sentence.start)
    if earlier:
        return earlier[-1], 0.9, f"named earlier in its paragraph ({earlier[-1].name})"
    if home is not None:
        return home, 0.85, f"the report's own place ({home.name})"
    return None, 0.85, "no place named: read as national"


class _SentenceDates:
    """The time expressions of a sentence and of its paragraph before it, read once."""

    def __init__(
        self, text: str, sentence: _Span, paragraph_start: int, reference: dt.date | None
    ) -> None:
        self.sentence = sentence
        self.found = datings(text[sentence.start : sentence.end], reference)
        self.implied = implied_by_baseline(text[sentence.start : sentence.end], reference)
        earlier = datings(text[paragraph_start : sentence.start], reference)
        self.earlier = [d for d in earlier if not d.target and d.basis == "stated"]


def _dating(
    text: str, quantity: Quantity, dates: _SentenceDates, reference: dt.date | None
) -> tuple[Dating, float]:
    """The nearest time expression before the figure in its sentence, else after it in its
    clause, else the year after a comparison's base, else earlier in the paragraph, else the
    present tense."""
    sentence = dates.sentence
    before = text[max(sentence.start, quantity.start - 40) : quantity.start]
    if own := _OF_YEAR.search(before):
        # 从2020年的68%提高到2024年的71%: each figure's own year.
        year = int(own["y"])
        return Dating(dt.date(year, 12, 31), None, None, "stated", own[0].strip(" 的")), 1.0
    stated = [d for d in dates.found if sentence.start + d.start < quantity.start]
    if stated:
        return stated[-1], 1.0
    clause_end = _boundary_after(text, quantity.end, _CLAUSE_END, sentence.end)
    after = datings(text[quantity.end : clause_end], reference)
    if after and after[0].basis == "stated" and not after[0].target:
        return after[0], 0.9
    if dates.implied is not None:
        return dates.implied, 0.9
    if dates.earlier:
        last = dates.earlier[-1]
        return replace(last, evidence=last.evidence + ", earlier in the paragraph"), 0.9
    return Dating(None, None, None, "present", "no date stated: present tense"), 0.9


def _baseline_period(quantity: Quantity, dating: Dating) -> str | None:
    baseline = quantity.baseline
    if baseline is None or baseline in ("同比", "环比"):
        return None
    if baseline.startswith("上年"):
        day = dating.as_of or dating.period_end
        return None if day is None else str(day.year - 1)
    return baseline


def link_claims(text: str, lexicon: Lexicon, reference: dt.date | None) -> list[AutoClaim]:
    """Every quantity in `text` as an automatic claim, in order. The report's own place (for
    全省, 全市) is the first province or city its opening words name."""
    located = paragraphs(text)
    # Footnotes (citations) sit between the two halves of a sentence broken by a page: blank
    # them out, keeping offsets, so that the sentence reads on.
    simplified = list(normalise_keeping_offsets(to_simplified(text)))
    for paragraph in located:
        if paragraph.kind == "footnote":
            simplified[paragraph.start : paragraph.end] = " " * (paragraph.end - paragraph.start)
    simplified = "".join(simplified)
    quantities = extract_quantities(text)
    sentences, paragraph_of = _sentences(simplified)
    home = home_place(simplified[:80], lexicon.gazetteer)
    places = _ByStart(places_in(simplified, lexicon.gazetteer, home))
    figures = _ByStart(quantities)
    paragraph_starts: dict[int, int] = {}
    for span, paragraph in zip(sentences, paragraph_of, strict=True):
        paragraph_starts.setdefault(paragraph, span.start)
    starts = [span.start for span in sentences]
    located_starts = [paragraph.start for paragraph in located]
    newlines = [i for i, char in enumerate(text) if char == "\n"]

    claims: list[AutoClaim] = []
    read_sentence = -1  # the sentence whose terms and dates are read (figures come in order)
    group = 0
    for quantity in quantities:
        index = max(0, _bisect(starts, quantity.start))
        sentence = sentences[index] if sentences else _Span(0, len(text))
        paragraph_start = (
            paragraph_starts.get(paragraph_of[index], sentence.start) if sentences else 0
        )
        clause_start = _boundary_before(simplified, quantity.start, _CLAUSE_END, sentence.start)
        if index != read_sentence:
            dates = _SentenceDates(simplified, sentence, paragraph_start, reference)
            terms = _SentenceTerms(simplified, sentence, lexicon, figures)
            read_sentence = index
        dating, date_weight = _dating(simplified, quantity, dates, reference)
        claim_type = _claim_type(simplified, quantity, sentence, clause_start, dating)
        if claim_type == "from_to" and not (
            claims
            and claims[-1].claim_type == "from_to"
            and claims[-1].group_id
            and _FROM_BEFORE.search(simplified[clause_start : quantity.start])
        ):
            group += 1
        candidates = _indicator(simplified, quantity, sentence, claim_type, lexicon, terms)
        neighbours = [f for f in terms.figures if f is not quantity]
        place, place_weight, place_why = _place(
            simplified, places, quantity, sentence, paragraph_start, home, neighbours
        )
        located_at = located[max(0, _bisect(located_starts, quantity.start))] if located else None
        notes: list[str] = []
        best = candidates[0] if candidates else None
        confidence = 0.0
        if best is not None:
            confidence = best.score * place_weight * date_weight
            rivals = [c for c in candidates[1:] if c.indicator_code != best.indicator_code]
            if rivals and rivals[0].score >= best.score - 0.1:
                confidence *= 0.7
                notes.append(f"also possible: {rivals[0].indicator_code} ('{rivals[0].term}')")
        scope, geo_code, geo_name = "national", "000000", "全国"
        if place is not None and place.level != "nation":
            scope = _SCOPES[place.level]
            geo_code, geo_name = place.geo_code, place.name
        linked = best is not None and confidence >= LINK_THRESHOLD and scope in _LINKED_SCOPES
        if best is not None and scope == "local_case":
            notes.append(f"a local case ({geo_name}): official statistics have no figure for it")
        elif best is not None and scope == "other":
            notes.append(f"{geo_name}: outside the places this warehouse holds official series for")
        elif best is not None and not linked:
            notes.append(f"confidence {confidence:.2f} is below {LINK_THRESHOLD}: not linked")
        evidence = "; ".join(
            [
                f"'{best.term}' {best.why}" if best else "no indicator term fits the figure",
                f"place {place_why}",
                f"date: {dating.evidence}",
                *notes,
            ]
        )
        indicator = lexicon.indicators.get(best.indicator_code) if best else None
        claims.append(
            AutoClaim(
                quantity=quantity,
                section=located_at.section if located_at else "front",
                paragraph=located_at.index if located_at else 0,
                line=bisect.bisect_right(newlines, quantity.start) + 1,
                claim_type=claim_type,
                group_id=f"g{group:03d}" if claim_type == "from_to" else None,
                indicator_code=best.indicator_code if linked else None,
                candidate_indicator_code=best.indicator_code if best else None,
                scope=scope,
                geo_code=geo_code,
                geo_name=geo_name,
                dating=dating,
                baseline_period=_baseline_period(quantity, dating),
                confidence=round(min(confidence, 1.0), 2) if best else 0.0,
                evidence=evidence,
                subject_en=indicator.name_en if indicator else (quantity.subject or ""),
                notes=notes,
            )
        )
        ranked = _superlative(text, simplified, claims[-1], sentence)
        if ranked is not None:
            claims.append(ranked)
    return sorted(claims, key=lambda claim: claim.quantity.start)


def _superlative(
    text: str, simplified: str, change: AutoClaim, sentence: _Span
) -> AutoClaim | None:
    """为2013年以来增幅最快 after a change: a second claim, that the change is the largest of
    the series since that year (checked by ranking the official yearly changes)."""
    if change.claim_type not in ("change_pp", "change_pct", "change"):
        return None
    end = _boundary_after(simplified, change.quantity.end, _SENTENCE_END, sentence.end)
    match = _RANKED.search(simplified, change.quantity.end, end)
    if match is None or change.dating.basis != "stated":
        return None
    words = replace(
        change.quantity,
        text=text[match.start() : match.end()],
        start=match.start(),
        end=match.end(),
    )
    return replace(
        change,
        quantity=words,
        claim_type="superlative",
        baseline_period=match["since"],
        evidence=f"ranks the change {change.quantity.text} since {match['since']}; "
        + change.evidence,
        notes=[*change.notes, f"the change {change.quantity.text} ranked against the series"],
    )


class _ByStart:
    """Items sorted by `.start`, looked up by the span they start in."""

    def __init__(self, items: list) -> None:
        self.items = sorted(items, key=lambda item: item.start)
        self.starts = [item.start for item in self.items]

    def within(self, start: int, end: int) -> list:
        return self.items[
            bisect.bisect_left(self.starts, start) : bisect.bisect_left(self.starts, end)
        ]


def _bisect(starts: list[int], position: int) -> int:
    return bisect.bisect_right(starts, position) - 1


def infer_reference_date(claims: list[AutoClaim]) -> dt.date | None:
    """The day after the latest date that at least two figures of the text are stated for in
    their own sentence (targets, spans over a year and dates carried from earlier sentences
    aside): a report speaks from after the last period it reports on."""
    days: Counter[dt.date] = Counter()
    for claim in claims:
        d = claim.dating
        day = d.as_of or d.period_end
        own = d.basis == "stated" and "earlier in the paragraph" not in d.evidence
        short = d.period_start is None or (d.period_end - d.period_start).days <= 366
        if day is not None and own and short and claim.claim_type != "target":
            days[day] += 1
    supported = [day for day, count in days.items() if count >= 2] or list(days)
    return max(supported) + dt.timedelta(days=1) if supported else None


def claims_frame(
    report_id: str,
    claims: list[AutoClaim],
    source_name: str,
    reference: dt.date | None,
    reference_basis: str,
) -> pl.DataFrame:
    """Automatic claims as rows of the register's shape, plus offsets, confidence and evidence."""
    rows = []
    for number, claim in enumerate(claims, start=1):
        q, d = claim.quantity, claim.dating
        rows.append(
            (
                report_id,
                f"{report_id}-a{number:03d}",
                claim.section,
                claim.paragraph,
                q.text,
                q.value,
                q.unit or "",
                q.kind,
                q.lower,
                q.upper,
                q.qualifier,
                claim.claim_type,
                claim.group_id,
                claim.indicator_code,
                claim.scope,
                claim.geo_code,
                claim.geo_name,
                d.as_of,
                d.period_start,
                d.period_end,
                d.basis,
                claim.baseline_period,
                claim.subject_en,
                "; ".join(claim.notes) or None,
                q.start,
                q.end,
                claim.confidence,
                claim.candidate_indicator_code,
                claim.evidence,
                claim.review_decision,
                reference,
                reference_basis,
                source_name,
                claim.line,
            )
        )
    return pl.DataFrame(rows, schema=AUTO_CLAIM_SCHEMA, orient="row")
