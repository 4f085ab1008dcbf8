"""The outlet registry, and the outlet of an article inferred from its own text (masthead, dateline, URL, sign-off, credit)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from toolkit.corpus.dates import parse_dateline
from toolkit.corpus.problems import CorpusError
from toolkit.corpus.reading import read_csv_rows
from toolkit.paths import DATA

#: Columns of the outlet registry (:func:`load_outlets`).
OUTLET_COLUMNS = ["code", "name", "country", "language", "domains", "aliases"]


def load_outlets(*extra: str | Path) -> pd.DataFrame:
    """Read the outlet registry, with user files of the same columns overriding it by code.

    Args:
        *extra: CSV files with columns ``code, name, country`` (and optionally ``language,
            domains, aliases``, lists separated by ``|``); ``#`` lines are comments.

    Returns:
        One row per outlet: ``code, name, country, language, domains, aliases`` (str).

    Raises:
        CorpusError: a file lacks ``code`` or ``name``.
    """
    tables = []
    for path in (DATA / "outlets.csv", *extra):
        table = read_csv_rows(path, what="outlet registry", columns=OUTLET_COLUMNS).drop(columns="_line")
        if not {"code", "name"} <= set(table.columns):
            raise CorpusError(f"{path}: an outlet registry needs columns code and name, got {list(table.columns)}")
        tables.append(table.reindex(columns=OUTLET_COLUMNS, fill_value=""))
    outlets = pd.concat(tables, ignore_index=True)
    outlets["code"] = outlets["code"].str.strip().str.upper()
    return outlets.drop_duplicates("code", keep="last").sort_values("code", ignore_index=True)


class OutletIndex:
    """Look-ups from codes, names, aliases and web domains to registry codes."""

    def __init__(self, outlets: pd.DataFrame):
        self.rows = {r.code: r for r in outlets.itertuples(index=False)}
        self.by_name: dict[str, str] = {}
        self.by_domain: dict[str, str] = {}
        for r in outlets.itertuples(index=False):
            for name in [r.name, *str(r.aliases).split("|")]:
                if name.strip():
                    self.by_name[name.strip().casefold()] = r.code
            for domain in str(r.domains).split("|"):
                if domain.strip():
                    self.by_domain[domain.strip().lower()] = r.code

    def resolve(self, value: str) -> str:
        """The registry code for an outlet as a source writes it: a code ("FOX"), a name or alias
        ("Fox News"), a domain or URL ("insider.foxnews.com"); else ``value`` upper-cased."""
        value = (value or "").strip()
        if not value:
            return ""
        upper = value.upper()
        if upper in self.rows:
            return upper
        code = self.by_name.get(value.casefold())
        if code:
            return code
        if "." in value and " " not in value:
            code = self.code_for_domain(value)
            if code:
                return code
        return upper

    def code_for_domain(self, url: str) -> str | None:
        """The code of the outlet whose domain (or a parent domain) serves ``url``, or None."""
        m = re.match(r"<?(?:https?://)?(?:www\.)?([^/\s>]+)", url or "")
        host = m.group(1).lower() if m else ""
        while host:
            if host in self.by_domain:
                return self.by_domain[host]
            host = host.partition(".")[2]
        return None


#: An agency sign-off ending the last paragraph ("... – VNS"); ``code`` is the agency (read by infer_outlet and
#: toolkit.compare_versions). Below, "Photo: VNA" or "– VNA/VNS Photo" in a caption.
SIGNOFF = re.compile(r"[.!?\"”»]\s*(?P<dash>[-–—])\s*(?P<code>[A-Z]{2,8}(?:/[A-Z]{2,8})*)\s*$")
_CREDIT_CODE = re.compile(r"\bPhoto\s*:\s*(?P<code>[A-Z]{2,8})\b|[-–—]\s*(?P<code2>[A-Z]{2,8})(?:/[A-Z]{2,8})*\s+Photo")


def infer_outlet(raw: str, text: str, removed: Sequence[tuple[int, int, str]], index: OutletIndex,
                 *, url: str = "", dateline: dict | None = None) -> tuple[str, str]:
    """Guess the outlet from the text itself, most specific evidence first.

    Order: a masthead footer naming a known outlet; the dateline code ("Hanoï (VNA) -");
    the URL's domain (the file's own URL line, else ``url``); a sign-off ending the body
    ("... – VNS"); a photo credit ("Photo: VNA").

    ``dateline``: :func:`~toolkit.corpus.dates.parse_dateline` of the text's first paragraph, when
    the caller has read it already (it is read here otherwise).

    Returns:
        ``(code, evidence)``: the outlet code (may be unknown to the registry) and a short
        description of what it came from; ``("", "")`` when the text names no outlet.
    """
    text = text or ""  # None reads as no text, as before
    # A removed span is copied out of the raw text when its kind of evidence is asked for.
    for a, b, reason in removed:
        if reason == "footer":
            piece = raw[a:b]
            code = index.by_name.get(piece.strip("*_ ").strip().casefold())
            if code:
                return code, f"masthead footer ({piece.strip('*_ ').strip()})"
    if dateline is None:
        end = text.find("\n\n")
        dateline = parse_dateline(text[:end] if end >= 0 else text)
    if dateline["code"] and (dateline["code"] in index.rows or dateline["dash"]):
        return dateline["code"], f"dateline ({dateline['code']})"
    for a, b, reason in removed:
        if reason == "url":
            piece = raw[a:b]
            code = index.code_for_domain(piece)
            if code:
                return code, f"URL line ({piece.strip('<>')})"
    if url and index.code_for_domain(url):
        return index.code_for_domain(url), f"url ({url})"
    m = find_signoff(text)
    # Only a registered code counts after a sign-off dash: editors' initials ("- JB") take the same place.
    if m and m.group("code").split("/")[-1] in index.rows:
        return m.group("code").split("/")[-1], f"sign-off ({m.group(0).strip(' .')})"
    for a, b, reason in removed:
        if reason == "caption":
            m = _CREDIT_CODE.search(raw[a:b])  # a slice: \b at its start must not see the character before
            if m:
                code = m.group("code") or m.group("code2")
                return code, f"photo credit ({code})"
    return "", ""


def find_signoff(text: str) -> re.Match | None:
    """:data:`SIGNOFF` in the last paragraph of ``text`` (offsets into ``text``), whatever its code: a caller
    decides which codes count (an agency's, not an editor's initials)."""
    return SIGNOFF.search(text, _last_paragraph_start(text))


def _last_paragraph_start(text: str) -> int:
    """Where ``text.split("\\n\\n")[-1]`` starts, without splitting the whole text: after the last blank line,
    unless that blank line is part of a longer run of line ends (then the split itself says where the piece starts)."""
    end = text.rfind("\n\n")
    if end < 0:
        return 0
    if end and text[end - 1] == "\n":
        return len(text) - len(text.split("\n\n")[-1])
    return end + 2
