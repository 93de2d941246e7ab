"""Public event-data files as they are published: GDELT 1.0 and 2.0, ICEWS, POLECAT (PLOVER); plain or gzipped.

Each file is read as a stream of lines (memory does not grow with the file) and every row is checked; a row is
turned into an :class:`ObservedRow`, the data of one :class:`~diplosim.core.events.EventObserved`.

==========  ===========================================================================================================
``gdelt1``  GDELT 1.0 event files: tab-separated, no header; 57 columns (historical backfiles, 1979 - March 2013) or
            58 (daily files from April 2013, the last column ``SOURCEURL``).  All rows of a file have one width.
``gdelt2``  GDELT 2.0 event exports: tab-separated, no header, 61 columns (ADM2 codes in each geography block).
``icews``   ICEWS coded event data: tab-separated with a header row (``Event ID``, ``Event Date``, ``Source Country``,
            ``CAMEO Code``, ``Intensity``, ``Target Country``, ...); countries are names.
``polecat`` POLECAT/PLOVER records: JSON Lines (PLOVER's named fields: ``id``, ``date``, ``actor``, ``recipient``,
            ``event``...) or tab-separated with a header; event types in PLOVER, countries as names or codes.
==========  ===========================================================================================================

Rows whose actor or target is not a country (an ISO 3166-1 alpha-3 code, or for ICEWS and POLECAT a country name
pycountry knows) are *skipped*, and counted.  Malformed rows (a wrong number of columns, a bad date, a CAMEO code
not in the table, a score or count that is not a number) are errors naming ``file:line``.
"""
from __future__ import annotations

import datetime
import gzip
import io
import re
import zlib
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator, NamedTuple

from ..core import events as ev
from ..core.codes import table as cameo_table
from ..core.errors import InputError
from ..core.limits import MAX_DATE, MAX_FIGURE, MIN_DATE

Date = datetime.date
FORMATS = ("gdelt1", "gdelt2", "icews", "polecat")
#: GDELT column positions (0-based), the same in 1.0 and 2.0 up to AvgTone; SOURCEURL is the last column.
G_ID, G_DATE, G_ACTOR1, G_ACTOR1_COUNTRY, G_ACTOR2, G_ACTOR2_COUNTRY = 0, 1, 5, 7, 15, 17
G_CODE, G_QUAD, G_GOLDSTEIN, G_MENTIONS, G_SOURCES, G_ARTICLES = 26, 29, 30, 31, 32, 33
GDELT_WIDTHS = {"gdelt1": (57, 58), "gdelt2": (61,)}
ICEWS_NEEDS = ("Event ID", "Event Date", "Source Country", "CAMEO Code", "Target Country")
#: POLECAT tab-separated headers: the names tried for each field, compared without case, spaces or underscores.
POLECAT_COLUMNS = {
    "id": ("eventid", "id"), "date": ("eventdate", "date", "storydate"),
    "event": ("eventtype", "event", "plovertype"), "actor": ("actorcountry", "actor"),
    "recipient": ("recipientcountry", "recipient"), "quad": ("quadcode", "quadclass"),
    "score": ("eventintensity", "intensity", "eventscale", "goldstein"), "cameo": ("cameocode", "cameo"),
    "url": ("sourceurl", "url"),
}


class ObservedRow(NamedTuple):
    """One checked row: what an observed event is made of."""
    line: int
    date: Date
    actor: str
    target: str
    cameo: str | None
    plover: str | None
    goldstein: float | None
    mentions: int | None
    sources_count: int | None
    articles: int | None
    quad_class: int | None
    url: str | None
    row_id: str | None


#: A parsed line: an ObservedRow, or the reason it was skipped (its actors are not countries).
Parsed = "ObservedRow | str"


# --- opening: plain or gzip, streamed, with damage reported ---------------------------------------------------------


class Source:
    """An open event-data file: its lines (text, UTF-8, ends stripped) and how far into the file reading is."""

    def __init__(self, path: str):
        from ..core.files import check_readable

        self.path = path
        # a regular file within the limit, checked before it is opened (a pipe or /dev/zero would never end)
        self.size = check_readable(path, "event-data file", cap="MAX_DATA_BYTES")
        try:
            self.raw = open(path, "rb")
        except OSError as exc:
            raise InputError(exc.strerror or str(exc), path) from None
        self.gzipped = self.raw.read(2) == b"\x1f\x8b"
        self.raw.seek(0)
        binary = gzip.GzipFile(fileobj=self.raw, mode="rb") if self.gzipped else self.raw
        self.text = io.TextIOWrapper(binary, encoding="utf-8", newline="\n")
        self.line = 0

    def position(self) -> int:
        """Bytes of the file (compressed, for a gzip) read so far."""
        return self.raw.tell()

    def lines(self) -> Iterator[tuple[int, str]]:
        """(line number, text) for each line, line ends removed; damage is an InputError naming the file."""
        from ..core.limits import env_hint, limit

        longest, most = limit("MAX_LINE_CHARS"), limit("MAX_DATA_BYTES")
        readline, total = self.text.readline, 0
        while True:
            try:
                raw = readline(longest + 1)
                if not raw:
                    return
                total += len(raw)
                if len(raw) > longest and not raw.endswith("\n"):
                    raise InputError(f"line {self.line + 1} is longer than {longest:,} characters: is this an "
                                     f"event-data file? {env_hint('MAX_LINE_CHARS')}", self.path)
                if total > most:  # a gzip that unpacks to more than any real file
                    raise InputError(f"more than {most:,} characters of text (after line {self.line}) "
                                     f"{env_hint('MAX_DATA_BYTES')}", self.path)
            except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
                raise InputError(f"truncated or damaged gzip (after line {self.line}): {_one_line(exc)}",
                                 self.path) from None
            except UnicodeDecodeError:
                raise InputError(f"not UTF-8 text (after line {self.line})", self.path) from None
            except OSError as exc:
                raise InputError(f"cannot read (after line {self.line}): {_one_line(exc)}", self.path) from None
            self.line += 1
            yield self.line, raw.rstrip("\n").rstrip("\r")

    def close(self) -> None:
        self.raw.close()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


@contextmanager
def opened(path: str):
    src = Source(path)
    try:
        yield src
    finally:
        src.close()


# --- cells ------------------------------------------------------------------------------------------------------------


def _date(text: str, what: str) -> Date:
    t = text.strip()
    try:
        if len(t) == 8 and t.isdigit():
            d = Date(int(t[:4]), int(t[4:6]), int(t[6:]))
        else:
            d = Date.fromisoformat(t[:10])
            if len(t) > 10 and t[10] not in "T ":
                raise ValueError
    except ValueError:
        raise InputError(f"bad {what} {t!r}: want a real date (YYYYMMDD or YYYY-MM-DD)") from None
    if not MIN_DATE <= d <= MAX_DATE:
        raise InputError(f"bad {what} {t!r}: outside {MIN_DATE.year}-{MAX_DATE.year}")
    return d


def _cameo(text: str, what: str) -> str:
    code = text.strip()
    if code not in cameo_table():
        raise InputError(f"unknown CAMEO code {code!r} in {what} (not in the CAMEO table; codes are strings like "
                         f"'174' or '0842')")
    return code


def _float(text: str, what: str) -> float | None:
    t = text.strip()
    if not t:
        return None
    try:
        x = float(t)
    except ValueError:
        raise InputError(f"bad {what} {t!r}: want a number") from None
    if not -10.0 <= x <= 10.0:
        raise InputError(f"bad {what} {t!r}: want a score from -10 to 10")
    return x


def _int(text: str, what: str) -> int | None:
    t = text.strip()
    if not t:
        return None
    if not t.isdigit() or int(t) > MAX_FIGURE:
        raise InputError(f"bad {what} {t!r}: want a whole number from 0 to {MAX_FIGURE:,}")
    return int(t)


def _quad(text: str, what: str) -> int | None:
    q = _int(text, what)
    if q is not None and q not in (1, 2, 3, 4):
        raise InputError(f"bad {what} {text.strip()!r}: want 1, 2, 3 or 4")
    return q


def _plover(text: str, what: str) -> str:
    t = text.strip().upper()
    if not t or not t.replace("_", "").isalpha() or not t.isascii():
        raise InputError(f"bad {what} {text.strip()!r}: want a PLOVER event type such as SANCTION or COERCE")
    return t


@lru_cache(maxsize=4096)
def country_code(text: str) -> str | None:
    """An ISO 3166-1 alpha-3 code for a code or a country name (pycountry), or None.

    >>> country_code("USA"), country_code("Russian Federation"), country_code("russia"), country_code("Europe")
    ('USA', 'RUS', 'RUS', None)
    """
    t = text.strip()
    if not t:
        return None
    import pycountry

    if len(t) == 3 and t.isalpha() and t.isupper():
        c = pycountry.countries.get(alpha_3=t)
        return c.alpha_3 if c is not None else None
    try:
        return pycountry.countries.lookup(t).alpha_3
    except LookupError:
        pass
    try:
        found = pycountry.countries.search_fuzzy(t)
    except LookupError:
        return None
    # only an unambiguous match on the name itself ("Russia" -> Russian Federation), never a guess among several
    return found[0].alpha_3 if len(found) == 1 and t.lower() in found[0].name.lower() else None


def _url(text: str | None) -> str | None:
    t = (text or "").strip()
    return t or None


# --- the formats ------------------------------------------------------------------------------------------------------


def gdelt_row(cells: list[str], line: int, width: int) -> ObservedRow | str:
    """A GDELT (1.0 or 2.0) row whose width was already checked."""
    date = _date(cells[G_DATE], "SQLDATE")
    code = _cameo(cells[G_CODE], "EventCode")
    goldstein = _float(cells[G_GOLDSTEIN], "GoldsteinScale")
    mentions = _int(cells[G_MENTIONS], "NumMentions")
    sources = _int(cells[G_SOURCES], "NumSources")
    articles = _int(cells[G_ARTICLES], "NumArticles")
    quad = _quad(cells[G_QUAD], "QuadClass")
    actor, target = country_code_iso(cells[G_ACTOR1_COUNTRY]), country_code_iso(cells[G_ACTOR2_COUNTRY])
    if actor is None or target is None:
        return "actors not countries"
    url = cells[-1] if width != 57 else None
    return ObservedRow(line, date, actor, target, code, None, goldstein, mentions, sources, articles, quad,
                       _url(url), cells[G_ID].strip() or None)


@lru_cache(maxsize=4096)
def country_code_iso(text: str) -> str | None:
    """GDELT's actor country codes: CAMEO country codes, taken only where they are ISO 3166-1 alpha-3 codes."""
    t = text.strip()
    return country_code(t) if len(t) == 3 else None


class Reader:
    """Reads one file of one format, row by row: :meth:`rows` yields (line, ObservedRow or skip reason)."""

    def __init__(self, src: Source, fmt: str):
        self.src, self.fmt = src, fmt
        self.width: int | None = None
        self.header: list[str] | None = None
        self.cols: dict[str, int] = {}

    def rows(self) -> Iterator[tuple[int, "ObservedRow | str"]]:
        parse: Callable[[str, int], "ObservedRow | str | None"] = {
            "gdelt1": self._gdelt, "gdelt2": self._gdelt, "icews": self._icews, "polecat": self._polecat,
        }[self.fmt]
        for n, text in self.src.lines():
            if not text.strip():
                continue
            try:
                got = parse(text, n)
            except InputError as exc:
                raise InputError(exc.message, f"{self.src.path}:{n}") from None
            if got is not None:
                yield n, got

    def _gdelt(self, text: str, n: int) -> "ObservedRow | str":
        cells = text.split("\t")
        k = len(cells)
        if self.width is None:
            allowed = GDELT_WIDTHS[self.fmt]
            if k not in allowed:
                want = " or ".join(map(str, allowed))
                raise InputError(f"{k} columns: a {self.fmt} event file has {want} tab-separated columns")
            self.width = k
        elif k != self.width:
            raise InputError(f"{k} columns where the file's first row has {self.width}")
        return gdelt_row(cells, n, k)

    def _header(self, text: str, needs: tuple[str, ...] = ()) -> None:
        self.header = [h.strip() for h in text.split("\t")]
        self.cols = {h: i for i, h in enumerate(self.header)}
        missing = [h for h in needs if h not in self.cols]
        if missing:
            raise InputError(f"no {missing[0]!r} column in the header (an {self.fmt} file starts with a header row "
                             f"naming its columns)")

    def _cells(self, text: str) -> list[str]:
        cells = text.split("\t")
        if len(cells) != len(self.header or ()):
            raise InputError(f"{len(cells)} columns where the header has {len(self.header or ())}")
        return cells

    def _icews(self, text: str, n: int) -> "ObservedRow | str | None":
        if self.header is None:
            self._header(text, ICEWS_NEEDS)
            return None
        cells = self._cells(text)
        get = lambda name: cells[self.cols[name]] if name in self.cols else ""  # noqa: E731
        date = _date(get("Event Date"), "Event Date")
        code = _cameo(get("CAMEO Code"), "CAMEO Code")
        goldstein = _float(get("Intensity"), "Intensity")
        actor, target = country_code(get("Source Country")), country_code(get("Target Country"))
        if actor is None or target is None:
            return "actors not countries"
        ident = get("Event ID").strip()
        return ObservedRow(n, date, actor, target, code, None, goldstein, None, None, None, None, None,
                           f"{ident}-{date.isoformat()}" if ident else None)  # ICEWS ids repeat across dates

    def _polecat(self, text: str, n: int) -> "ObservedRow | str | None":
        if self.header is None and text.lstrip().startswith("{"):
            self.header = []  # JSON Lines: no header
        if self.header == []:
            return self._polecat_json(text, n)
        if self.header is None:
            self._header(text)
            norm = {re.sub(r"[^a-z0-9]", "", h.lower()): i for i, h in enumerate(self.header or [])}
            for field, names in POLECAT_COLUMNS.items():
                found = next((norm[x] for x in names if x in norm), None)
                if found is not None:
                    self.cols[field] = found
            for need, label in (("date", "Event Date"), ("event", "Event Type"), ("actor", "Actor Country"),
                                ("recipient", "Recipient Country")):
                if need not in self.cols:
                    raise InputError(f"no {label!r} column in the header of this POLECAT file")
            return None
        cells = self._cells(text)
        get = lambda field: cells[self.cols[field]] if field in self.cols else ""  # noqa: E731
        return self._polecat_row(n, get("id"), get("date"), get("event"), get("actor"), get("recipient"),
                                 get("quad"), get("score"), get("cameo"), get("url"))

    def _polecat_json(self, text: str, n: int) -> "ObservedRow | str":
        from ..core.files import loads_json
        item = loads_json(text)
        if not isinstance(item, dict):
            raise InputError("malformed record: want a JSON object")
        event = item.get("event", item.get("event_type"))
        if isinstance(event, list):
            event = event[0] if event else ""
        return self._polecat_row(n, item.get("id"), item.get("date", item.get("story_date")), event,
                                 _entity_country(item.get("actor", item.get("actor_country"))),
                                 _entity_country(item.get("recipient", item.get("recipient_country"))),
                                 item.get("quad_code"), item.get("event_scale", item.get("goldstein")),
                                 item.get("cameo"), item.get("url", item.get("source_url")))

    def _polecat_row(self, n: int, ident: Any, date: Any, event: Any, actor: Any, recipient: Any, quad: Any,
                     score: Any, cameo: Any, url: Any) -> "ObservedRow | str":
        if date in (None, ""):
            raise InputError("no date")
        d = _date(str(date), "date")
        plover = _plover(str(event or ""), "event type")
        code = _cameo(str(cameo), "cameo") if cameo not in (None, "") else None
        goldstein = _float(str(score), "event scale") if score not in (None, "") else None
        q = _quad(str(quad), "quad code") if quad not in (None, "") else None
        a, r = country_code(str(actor or "")), country_code(str(recipient or ""))
        if a is None or r is None:
            return "actors not countries"
        return ObservedRow(n, d, a, r, code, plover, goldstein, None, None, None, q,
                           _url(None if url is None else str(url)), None if ident in (None, "") else str(ident))


def _entity_country(value: Any) -> str:
    """The country of PLOVER's actor/recipient: a list of entity objects (``country`` or ``code``), or text."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("country") or value.get("code") or ""
    return "" if value is None else str(value)


# --- which format -----------------------------------------------------------------------------------------------------


def detect(path: str) -> str:
    """The format of a file from its first non-empty line (columns, header names, JSON)."""
    with opened(path) as src:
        for _n, text in src.lines():
            if text.strip():
                break
        else:
            raise InputError("empty file: no event rows", path)
    if text.lstrip().startswith("{"):
        return "polecat"
    cells = text.split("\t")
    names = {c.strip() for c in cells}
    if all(h in names for h in ICEWS_NEEDS):
        return "icews"
    norm = {re.sub(r"[^a-z0-9]", "", c.lower()) for c in cells}
    if {"eventtype", "actorcountry"} <= norm or {"event", "actor", "recipient"} <= norm:
        return "polecat"
    if len(cells) in GDELT_WIDTHS["gdelt1"]:
        return "gdelt1"
    if len(cells) in GDELT_WIDTHS["gdelt2"]:
        return "gdelt2"
    raise InputError(f"cannot tell the format from the first line ({len(cells)} tab-separated columns, no known "
                     f"header): name it with --format gdelt1|gdelt2|icews|polecat", f"{path}:1")


# --- rows -> events ---------------------------------------------------------------------------------------------------


def event_id(fmt: str, row: ObservedRow, stem: str) -> str:
    dataset = "gdelt" if fmt.startswith("gdelt") else fmt
    return f"{dataset}-{row.row_id}" if row.row_id else f"{dataset}-{stem}-{row.line}"


def to_event(fmt: str, row: ObservedRow, path: str) -> ev.EventObserved:
    """The observed event of a row: its own id, ``import: FILE:LINE`` and the row's URL as sources."""
    sources = (f"import: {path}:{row.line}",)
    if row.url and row.url.startswith(("http://", "https://")) and len(row.url) > 9:
        sources += (row.url,)
    return ev.EventObserved(
        id=event_id(fmt, row, Path(path).name), date=row.date, actor=row.actor, target=row.target,
        sources=sources, cameo=row.cameo, plover=row.plover, goldstein=row.goldstein, mentions=row.mentions,
        sources_count=row.sources_count, articles=row.articles, quad_class=row.quad_class, source_url=row.url,
        dataset=fmt, row_id=row.row_id)
