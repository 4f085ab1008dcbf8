"""Separate an article's body from web boilerplate, recording every removed span (raw → body + removed)."""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: Reasons a span can be removed, in the order the cleaner considers them.
REASONS = (
    "related-articles",  # "Voir plus" / "Read more" tails about other news
    "navigation",  # breadcrumb and link labels ("Home Politics & Law", "source")
    "timestamp",  # a line that is only a publication date/time
    "title",  # the headline, moved to the `title` column
    "caption",  # photo captions, standalone or inline ("... ảnh 1Photo : VNA")
    "duplicate-standfirst",  # a lead that repeats the first paragraphs
    "duplicate-paragraph",  # a paragraph printed twice
    "markup",  # markdown emphasis, headings and rules
    "url",  # a bare URL line
    "footer",  # masthead, copyright, print-edition or reprint-credit line at the end (a reprint credit at the top too)
    "repeated-across-articles",  # a furniture-shaped line found verbatim in many articles (load_corpus)
    "html-boilerplate",  # a block of an HTML page that trafilatura left out of the article
    "web-form",  # form labels and form notices ("Email *", "This field is for validation purposes ...")
    "poll-widget",  # an embedded poll: prompt, question and options
    "promo",  # subscription, newsletter and follow-us prompts ("Subscribe Today!", "Follow us on Twitter")
    "embed",  # the credit line of an embedded document or post ("... by Fox News on Scribd")
)

# A line that opens a block of links to other stories; everything after it goes.
_RELATED_HEADER_WORDS = (
    r"voir plus|voir aussi|lire aussi|à lire aussi|a lire aussi|sur le même sujet|"
    r"articles? (?:liés|similaires|connexes)|dans la même rubrique|autres articles|"
    r"read more|read also|see also|related(?: articles| news| stories| posts)?|"
    r"more news|more stories|you may also like|most read|plus lus")
_RELATED_HEADER = re.compile(r"^(?:" + _RELATED_HEADER_WORDS + r")\s*:?$", re.IGNORECASE)
# The most characters the header's words match (a regex matches one character of the text per character of the
# pattern, in any case): a longer line can hold a header only with spaces or a colon at its end.


def _max_width(pattern: str) -> int:
    """The most characters a match of ``pattern`` spans (the standard library's parser; without it, no bound)."""
    try:
        import re._parser as sre_parse

        return sre_parse.parse(pattern).getwidth()[1]
    except Exception:  # noqa: BLE001 - no bound is always safe
        return sys.maxsize


_RELATED_HEADER_CHARS = _max_width(_RELATED_HEADER_WORDS)
# "Lire aussi : <headline>" inside a body: only that line goes.
_RELATED_INLINE = re.compile(r"^(?:lire aussi|à lire aussi|voir aussi|read (?:more|also)|see also|also read|related(?: articles?| stories| content)?)\s*:\s*\S", re.I)
# A related headline a CMS drops between paragraphs (Fox-style): a line wholly in capitals of 5 to 16 words that
# does not end like a sentence. Shorter capital lines are intertitles ("POWERFUL ALLIES") and stay; a capital
# headline followed by its byline ("By Jane Doe, Star Tribune, ...") is a quoted article's headline and stays.
RELATED_CAPS_MIN_WORDS, RELATED_CAPS_MAX_WORDS = 5, 16
# A copyright or credit line ("© 2018 Creators.com", "COPYRIGHT 2018 CREATORS.COM", "© Provided by ..."):
# "Copyright" must be followed by ©, (c) or a year, so a sentence about copyright stays.
_COPYRIGHT_LINE = re.compile(r"^(?:©|\(c\)\s|copyright\s*(?:©|\(c\)|\d{4}))", re.IGNORECASE)
_COPYRIGHT_FIRST = ("©", "(", "c", "C")  # the first character of every match (a cheap test before the regex)
_NAV_LABELS = {
    "source", "sources", "partager", "share", "imprimer", "print", "tags", "mots-clés",
    "mots clés", "commentaires", "comments", "accueil", "home", "retour", "back", "top",
    "haut de page", "facebook", "twitter", "email", "e-mail", "whatsapp",
}
_BREADCRUMB_START = re.compile(r"^(?:home|accueil|inicio|trang chủ)\b", re.IGNORECASE)
# A page's navigation heading, read aloud by screen readers and kept by text extractors ("Site Mobile Navigation",
# "Site Search Navigation", "Skip to main content", "Aller au contenu principal"): a line that is only that (markdown
# marks aside), at the top or the foot of the page. "Navigation" or "Menu" alone may be an intertitle (an article on
# sailing or on a restaurant): a qualifier is needed.
_NAV_HEADING = re.compile(
    r"^(?:site(?: (?:mobile|search|index|main))? (?:navigation|menu)|(?:main|primary|mobile) navigation"
    r"|skip (?:to (?:the )?(?:main )?(?:content|navigation|article|search|menu)|navigation)"
    r"|(?:aller|passer) (?:au contenu(?: principal)?|à la navigation|au menu))$", re.IGNORECASE)
# The print-edition note under a web article ("A version of this article appears in print on October 12, 2012, on
# page A16 of the New York edition with the headline: ...", "This article appeared in print on page 4", "Cet article
# est paru dans l'édition du 12 mai"): a line of that shape, up to the date or page, is about the page, never the
# article's own text. Without "on <date or page>" ("This story appeared in print in 1963 and won ...") it stays.
_PRINT_NOTE = re.compile(
    r"^(?:(?:A version of this|This) (?:article|story|review|column|essay|editorial|op-ed|interview|obituary|"
    r"news analysis|post)s? (?:appears|appeared|was published|ran) in (?:print|the print edition) on "
    r"(?:page \w|\w+ \d|\d)"
    r"|(?:Cet article|Une version de cet article) (?:est paru|a paru|a été publié)e? dans l['’]édition "
    r"(?:\S+ ){0,4}?(?:datée? )?du \d)", re.IGNORECASE)
# A reprint or permission credit ("Reprinted with permission from The Future of Freedom Foundation.", "Article posted
# with permission from Jane Doe", "This article was originally published by Jane Doe at Example News", "Republished
# with permission.", "Article publié avec l'autorisation de l'auteur", "Cet article a d'abord été publié sur Exemple.fr"):
# the whole line is the credit, its source a name (capitalised words, "of", "de", "at" ... between them, or a domain)
# and nothing after it but a full stop or a date. A sentence that says so about something else ("The law was
# reprinted with permission from the court in 1931 and ...") has another subject or goes on after the name.
_CREDIT_NAME_WORD = r"(?:[ldLD]['’])?(?:[A-ZÀ-ÖØ-Þ][\w'’&.-]*|[a-z][\w-]*(?:\.[a-z]{2,})+)"
_CREDIT_NAME = (rf"(?:the |The )?{_CREDIT_NAME_WORD}(?: (?:(?:of|the|and|at|for|on|in|de|du|des|la|le|les|et|à|&) ){{0,2}}"
                rf"{_CREDIT_NAME_WORD}){{0,7}}")
_CREDIT_SOURCE = rf"(?:the author|l['’]auteure?|{_CREDIT_NAME})"
_CREDIT_DATE = r"(?:,? (?:on )?[A-Z][a-z]+\.? \d{1,2}, \d{4}|,? le \d{1,2}(?:er)? [a-zéû]+ \d{4})?"
_CREDIT_SUBJECT = r"(?:Article|Story|Post|Column|Essay|Report|This (?:article|story|post|piece|report|essay|column)(?: (?:is|was|has been))?)"
_REPRINT_CREDIT = re.compile(
    rf"^(?:(?:{_CREDIT_SUBJECT} (?:reprinted|republished|reposted|re-posted|posted|published|shared)|Reprinted|"
    rf"Republished|Reposted|Re-posted|Posted|Published|Shared) with (?:the )?(?:kind )?permission"
    rf"(?: (?:of|from) {_CREDIT_SOURCE})?"
    rf"|(?:{_CREDIT_SUBJECT} (?:originally|first)|Originally) (?:published|appeared|posted|ran) (?:by|on|in|at) "
    rf"{_CREDIT_NAME}{_CREDIT_DATE}"
    rf"|(?:Article|Texte|Cet article est|Ce texte est) (?:publié|reproduit|republié|repris) avec l['’](?:aimable )?"
    rf"autorisation (?:de |du |des |d['’])?{_CREDIT_SOURCE}"
    rf"|(?:Cet article|Ce texte) (?:a (?:d['’]abord |initialement |originellement )?été (?:d['’]abord |initialement "
    rf"|originellement )?publié|est (?:d['’]abord |initialement )?paru)(?: initialement| à l['’]origine| d['’]abord"
    rf"| pour la première fois)? (?:sur|dans|par) {_CREDIT_NAME}{_CREDIT_DATE})\.?$"
    rf"|^(?:This|Cet) (?:article|piece|texte) (?:is|was|est) republi(?:shed|é) (?:from|à partir de) {_CREDIT_NAME} "
    rf"(?:under a Creative Commons licen[cs]e\.(?: Read the original article\.?)?"
    rf"|sous licence Creative Commons\.(?: Lire l['’]article original\.?)?)$")
# Every match of _REPRINT_CREDIT holds one of these, in this case (its verbs are lower-case after their first letter):
# a cheap test of a line before the regex.
_CREDIT_HINTS = ("permission", "ublished", "ublié", "autorisation", "appeared", "posted", "paru ", " ran ")
# The first character of every match of _REPRINT_CREDIT, and the emphasis marks stripped before it.
_CREDIT_FIRST = "ACEOPRST*_"
#: Most characters of a reprint credit line (the longest shapes, a Creative Commons notice, are some 150).
CREDIT_MAX_CHARS = 300
#: Most kept lines after a reprint credit, each shaped like furniture, for the credit to count as the article's end.
CREDIT_MAX_LINES_AFTER = 2

_BREADCRUMB_SEP = re.compile(r"\s(?:>|»|/|\||›)\s")
_RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,}|={3,})$")
_URL_LINE = re.compile(r"^<?(?:https?://|www\.)\S+>?$")
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)", re.IGNORECASE)
_MD_HEADING = re.compile(r"^#{1,6}\s+")
# Photo credits that end a caption line: "Photo: VNA", "Photo : VNA", "– VNA/VNS Photo",
# "ảnh 1Photo : VNA" (Vietnamese "ảnh" = picture, glued to the credit by the CMS), "(Photo: AFP)", and an agency's
# photo credit in brackets, "(Reuters photo: Jane Roe)", "(AP Photo/Jane Roe)": the agency's name, "photo", then a
# colon or a slash.
_CREDIT = (
    r"(?:\bảnh\s*\d*\s*Photo|\bPhoto)\s*(?:d['’]illustration\s*)?[:：]\s*[^\s.!?][^.!?]{0,60}"
    r"|[-–—]\s*[A-Z][\w]*(?:/[A-Z][\w]*)*\s+Photo"
    r"|\((?:Photo|Ảnh|Crédit|Credit)\s*:?[^)]{1,60}\)"
    r"|\((?:[A-Z][\w&.'’-]*\s){1,3}[Pp]hoto\s*[:/]\s*[^)\s][^)]{0,60}\)"
    r"|\bẢnh\s*:\s*[^.!?]{1,40}"
)
_CAPTION_END = re.compile(r"(?:" + _CREDIT + r")\s*$")
# A photo credit alone on its line, where a picture stood: a photographer's name of two to four words (or "Photo
# by" and a name) then a photo agency after a slash ("Dibyangshu Sarkar/AFP/Getty Images", "Jane Doe / Reuters",
# "Photo by Jane Doe/Getty Images"), or the agency's "Photo/" before the name ("(AP Photo/Jane Doe)"). One word
# before the slash is not enough ("Sanders/Bloomberg", "Ipsos/Reuters" in a list), nor is a byline ("By Jane
# Doe/AP"). No sentence has that shape.
_PHOTO_AGENCY = (r"(?:AFP|AP|Reuters|Getty Images|EPA(?:-EFE)?|Shutterstock|Bloomberg|Corbis|Sipa(?: Press)?|Xinhua|"
                 r"NurPhoto|Alamy|iStock(?:photo)?|ZUMA(?: Press| Wire)?|Anadolu(?: Agency)?|AAP|Pool|TASS|Redux)")
_CAPITALISED = r"[A-Z][\w.'’-]*"
_PHOTO_CREDIT_LINE = re.compile(
    rf"^\(?(?!By )(?:(?:Photo|Image|Picture)s?(?: by|:| credit:?)\s*{_CAPITALISED}(?: {_CAPITALISED}){{0,3}}"
    rf"|{_CAPITALISED}(?: {_CAPITALISED}){{1,3}})(?:\s?/\s?{_CAPITALISED}(?: {_CAPITALISED}){{0,3}})*\s?/\s?"
    rf"{_PHOTO_AGENCY}(?: via Getty Images| Images| Photo)?\)?$"
    rf"|^\(?(?:AP|AFP|Reuters|EPA) Photo\s?/\s?{_CAPITALISED}(?: {_CAPITALISED}){{0,3}}\)?$")
_CAPTION_START = re.compile(r"^(?:Photo|Ảnh)\s*(?:d['’]illustration\s*)?[:：]", re.IGNORECASE)
# The same marker glued into the middle of a line; only the marker goes.
_INLINE_MARKER = re.compile(r"\s*\bảnh\s*\d+\s*Photo\s*[:：]\s*[A-Z]{2,8}(?:/[A-Z]{2,8})*")
# Emphasis markers only in pairs around words: never inside a word ("p***"), never from a run of
# markers ("***" used to censor), never around spaces.
_EMPHASIS = re.compile(r"(?<![\w*_])(\*\*|__|\*)(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![\w*_])")
_TERMINAL_CHARS = ".!?…»\"”)]:;"
_TERMINAL = re.compile(r"[.!?…»\"”)\]:;]$")  # (a line ends with one of _TERMINAL_CHARS)
_SPACE = re.compile(r"[\s\u00a0\u200b\ufeff]+")


#: Fewest words of a lead removed as a standfirst repeating a later paragraph.
STANDFIRST_MIN_WORDS = 15
#: Most words of a line removed for repeating inside one article (when it is also furniture-shaped).
DUPLICATE_MAX_WORDS = 4


@dataclass
class CleanedText:
    """What :func:`clean_text` returns: the body and the audit of what was removed."""

    title: str
    text: str
    paragraphs: list[str]
    removed: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, reason) into raw


class _Line:
    """One non-blank line of the raw text, as the stages of :func:`clean_text` mark it (a plain class with slots: a
    dataclass's generated ``__init__`` with two list factories costs more, once per line of every article)."""

    __slots__ = ("start", "end", "block", "text", "keep", "reason", "cuts")

    def __init__(self, start: int, end: int, block: int, text: str = "") -> None:
        self.start = start  # offsets of the stripped content in raw
        self.end = end
        self.block = block  # lines in the same block are not separated by a blank line
        self.text = text  # raw[start:end]
        # Kept sub-spans, set by _cut_inline: None when the whole line is kept (most lines: no list to make).
        self.keep: list[tuple[int, int]] | None = None
        self.reason: str | None = None  # set when the whole line is removed
        # Pattern spans inside the line (relative): a shared empty tuple until the first cut makes it a list.
        self.cuts: list[tuple[int, int, str]] | tuple = ()

    def __repr__(self) -> str:
        return (f"_Line(start={self.start!r}, end={self.end!r}, block={self.block!r}, text={self.text!r}, "
                f"keep={self.keep!r}, reason={self.reason!r}, cuts={self.cuts!r})")


def _is_blank(s: str) -> bool:
    return not s.strip() or not s.replace("\u200b", "").replace("\ufeff", "").strip()


_EDGE_SPACE = " \t\u00a0\u200b\ufeff"  # stripped from both ends of a line
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _split_lines(raw: str) -> list[_Line]:
    """The non-blank lines of ``raw``, stripped of ``_EDGE_SPACE``; each blank line starts a new block.

    Only \\n, \\r\\n and \\r end a line: str.splitlines would also cut at U+2028/U+2029, \\x0b, \\x0c,
    \\x1c-\\x1e and \\x85, which sit inside paragraphs of web text.
    """
    if "\r" in raw:  # only a text with "\r" line ends needs the regex (its pieces keep their line ends)
        return _split_lines_with_returns(raw)
    lines, block, pos = [], 0, 0
    edge = _EDGE_SPACE
    append = lines.append
    for piece in raw.split("\n"):  # str.split runs in C
        if not piece:  # a blank line, the most common piece after a line of text
            block += 1
            pos += 1
            continue
        n = len(piece)
        if piece[0] in edge or piece[-1] in edge:
            head = piece.lstrip(edge)
            stripped = head.rstrip(edge)
            if not stripped or (stripped[0].isspace() and _is_blank(stripped)):
                block += 1
            else:
                start = pos + n - len(head)
                append(_Line(start, start + len(stripped), block, stripped))
        elif piece[0].isspace() and _is_blank(piece):  # (most lines: nothing to strip, the piece is the line)
            block += 1
        else:
            append(_Line(pos, pos + n, block, piece))
        pos += n + 1
    return lines


def _split_lines_with_returns(raw: str) -> list[_Line]:
    """:func:`_split_lines` of a text holding "\\r" (line ends \\r\\n or \\r)."""
    lines, block, pos = [], 0, 0
    for piece in _LINE.findall(raw):
        content = piece.rstrip("\r\n")
        head = content.lstrip(_EDGE_SPACE)
        stripped = head.rstrip(_EDGE_SPACE)
        if not stripped or (stripped[0].isspace() and _is_blank(stripped)):
            block += 1
        else:
            start = pos + len(content) - len(head)
            lines.append(_Line(start, start + len(stripped), block, stripped))
        pos += len(piece)
    return lines


def normalise_for_matching(s: str) -> str:
    """Case-fold, drop punctuation and collapse spaces, for duplicate detection.

    Accents are kept (unlike :func:`toolkit.text.fold_name`), and so are words joined by a
    hyphen or an apostrophe split (unlike :func:`toolkit.text.tokenize_words`): either would
    change which paragraphs count as repeats. NFC comes first, so a decomposed (NFD) "Trần"
    is one word here too.
    """
    return _normalise_folded(unicodedata.normalize("NFC", s).casefold())


_WORD_RUN = re.compile(r"\w+")


def _normalise_folded(folded: str) -> str:
    """:func:`normalise_for_matching` of a text already in NFC and case-folded (the apostrophe it unifies is not a
    word character, so the words are the same without it)."""
    return " ".join(_WORD_RUN.findall(folded))


def _words(s: str) -> int:
    return len(s.split())


_FIRST_WORDS: dict[int, re.Pattern] = {}


def _first_words(n: int) -> re.Pattern:
    """The regex :func:`_has_words` matches: ``n`` words from the start of a line."""
    pattern = _FIRST_WORDS.get(n)
    if pattern is None:
        pattern = _FIRST_WORDS[n] = re.compile(r"\s*(?:\S+\s+){%d}\S" % (n - 1))
    return pattern


def _has_words(s: str, n: int) -> bool:
    """``_words(s) >= n``, reading only the first ``n`` words of a long line."""
    pattern = _FIRST_WORDS.get(n)
    if pattern is None:
        pattern = _first_words(n)
    return pattern.match(s) is not None


# Every caption credit holds one of these (case-folded): a cheap test before the regexes.
_CAPTION_HINTS = ("photo", "ảnh", "crédit", "credit")
# Each hint with its first character outside ASCII ("" if none), looked for first: such a character is absent from
# most texts of other languages, and one character is found many times faster than a string.
_CAPTION_HINT_KEYS = tuple((h, next((c for c in h if not c.isascii()), "")) for h in _CAPTION_HINTS)


def is_caption(line: str) -> bool:
    """True when ``line`` is a photo caption (ends with or starts with a photo credit)."""
    folded = line.lower()
    if not any(h in folded for h in _CAPTION_HINTS):
        return False
    return bool(_has_credit_end(line) or _CAPTION_START.match(line))


# Every match of _CAPTION_END holds one of these words (the credits above); it is case-sensitive.
_CREDIT_WORDS = ("Photo", "photo", "Ảnh", "Crédit", "Credit")
# Every match of _CAPTION_END starts with one of these (its branches' first characters).
_CREDIT_STARTS = ("Photo", "ảnh", "Ảnh", "(", "-", "–", "—")


def _has_credit_end(line: str) -> bool:
    """``_CAPTION_END.search(line)`` as a test, tried only where a match can start: skipped without a credit word, else
    matched at each place a credit can start (``\\b`` still sees the character before it). A search would try the
    regex at every character of a long line."""
    for word in _CREDIT_WORDS:  # (a loop, not any() over a generator: called for every line holding a hint)
        if word in line:
            break
    else:
        return False
    for start in _CREDIT_STARTS:
        i = line.find(start)
        while i >= 0:
            if _CAPTION_END.match(line, i) is not None:
                return True
            i = line.find(start, i + 1)
    return False


def looks_like_title(line: str) -> bool:
    """A headline: at most 30 words, not ending like a sentence cut short (a final "?" or "!" is a headline's)."""
    text = line.strip("*_# ").strip()
    return 0 < _words(text) <= 30 and not re.search(r"[.;,:]$", text)


def _is_breadcrumb(line: str) -> bool:
    """"Home > Politics", "Accueil / Monde / Asie": a trail of short labels, not a headline with a slash."""
    if _has_words(line, 11) or _TERMINAL.search(line[-2:]):  # (reads 11 words, not a long line's all)
        return False
    if _BREADCRUMB_START.match(line):
        return True
    parts = _BREADCRUMB_SEP.split(line)
    return len(parts) >= 2 and all(0 < _words(p) <= 3 for p in parts)


def is_tag_list(line: str) -> bool:
    """A page's category or tag trail ("Catholic Church, Family, Marriage"): three or more comma-separated labels of
    one to three capitalised words each, at least one of two words or more, at most 10 words in all, no sentence end.
    Only read above the body once the headline is known (a headline may have this shape).

    A byline ("By Jane Doe, John Roe, Ann Lee", "Par ...", "De ...") is not a trail, nor a list of single names
    ("Washington, Paris, Moscow": a dateline or a list of places is as likely); a trail of single words that recurs
    across the corpus is removed as a repeated line (:func:`find_repeated_lines`)."""
    if _has_words(line, 11) or _TERMINAL.search(line[-2:]) or _BYLINE_START.match(line):
        return False
    labels = line.split(", ")
    return len(labels) >= 3 and any(_has_words(label, 2) for label in labels) and all(
        0 < _words(label) <= 3 and all(word[:1].isupper() for word in label.split()) for label in labels)


_BYLINE_START = re.compile(r"(?:By|BY|Par|PAR|De|DE)\s")
# A section label glued by the page to the category trail after it, without a space: "NewsCatholic Church",
# "NewsFaith, Politics - World", "OpinionMedia, Culture". The trail is labels of one to three capitalised words
# separated by commas or spaced dashes, at most 8 words.
_GLUED_SECTION = re.compile(
    r"^(?:News|Opinions?|Blogs?|Analysis|Commentary|Features?|Actualités?)(?=[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ])"
    r"[A-ZÀ-ÖØ-Þ][\w'’&-]*(?: [A-ZÀ-ÖØ-Þ&][\w'’&-]*){0,2}(?:(?:, | [-–—] )[A-ZÀ-ÖØ-Þ][\w'’&-]*"
    r"(?: [A-ZÀ-ÖØ-Þ&][\w'’&-]*){0,2})*$")
# A dateline opening a paragraph: a place in capitals, then a comma or a spaced dash ("ROME, February 2, 2018 ...",
# "BUDAPEST, Hungary, ...", "NEW YORK (Reuters) - ...").
_DATELINE_START = re.compile(r"^[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ.'’-]+(?: [A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ.'’-]+){0,3}"
                             r"(?: \([^)\n]{1,30}\))?(?:,| [-–—] )")


def _is_glued_section(line: str, next_line: str) -> bool:
    """A section label glued to a category trail (:data:`_GLUED_SECTION`) right above a dateline (``next_line`` opens
    with a place in capitals and a comma or a dash). Read above the body only, once the headline is known. The glue
    is the page's (a trail of one label after "News" has no other sign); a deck of one to three capitalised words
    opening with a brand glued the same way ("NewsGuard Flags Sites") right above the dateline would match too, and
    no dev text has one."""
    return (not _has_words(line, 9) and _GLUED_SECTION.match(line) is not None
            and _DATELINE_START.match(next_line) is not None)


_LINK_LIKE = re.compile(r"(?:https?://|www\.|\S+@\S+\.\w+|\b\w+\.(?:com|org|net|fr|co\.uk)\b|^@\w+)", re.I)
_SENTENCE_END = re.compile(r"[.!?…»\"”]$")
# _SENTENCE_END and _TERMINAL are searched in a string's last two characters (``s[-2:]``): "$" matches at the end or
# before a final newline, so a match sits there, and a search of a whole line would try every character.


def is_furniture(line: str, *, max_words: int = 10) -> bool:
    """True when ``line`` has the shape of page furniture rather than of article text.

    Furniture is short (at most ``max_words`` words) and does not end like a sentence (no final
    ``. ! ? … » "``), or is link-like (a URL, an e-mail address, a bare domain or @handle).
    A sentence, however often it repeats, is never furniture. The rule follows the block
    classes of jusText (short blocks and link-dense blocks are boilerplate candidates; blocks
    with sentence shape are kept).
    """
    text = line.strip("*_#> ").strip()
    if not text:
        return True
    if _has_words(text, max_words + 1):  # both kinds of furniture are short
        return False
    return bool(_LINK_LIKE.search(text)) or not _SENTENCE_END.search(text[-2:])


def clean_text(raw: str, *, find_title: bool = True, title: str | None = None,
               timestamp_pattern: re.Pattern | None = None,
               masthead_names: frozenset[str] = frozenset(), first_line_title: bool = False,
               patterns: Sequence[tuple[re.Pattern, str]] = (),
               repeated_lines: Container[str] = frozenset(),
               spans: Sequence[tuple[int, int, str]] = ()) -> CleanedText:
    """Split ``raw`` into title, cleaned body and the removed spans.

    The body is made only of characters of ``raw``: removed spans are cut out, whole lines
    are stripped of surrounding spaces, lines hard-wrapped mid-sentence are rejoined with a
    space, and paragraphs are joined by a blank line. Nothing else changes (no spelling fixes).

    Args:
        raw: The article as read from its file, unchanged.
        find_title: Take the first title-like line as the headline (files); False when the
            title comes from elsewhere (a JSONL/CSV column).
        title: A known title; a first line equal to it is removed with reason ``title``.
        timestamp_pattern: Regex matching a line that is only a date/time.
        masthead_names: Case-folded outlet names; a short last line equal to one is a footer.
        first_line_title: Take the first line as the headline whatever its shape (when
            ``find_title`` and no ``title`` is given).
        patterns: ``(compiled regex, reason)`` pairs (:func:`load_patterns`); every match in
            ``raw`` is removed with its reason (a line wholly covered is removed as a line).
        repeated_lines: Lines (stripped of surrounding spaces) known to recur across many
            articles of the corpus (:func:`find_repeated_lines`); each is removed with reason
            ``repeated-across-articles``. When it is a :class:`RepeatedLines`, a line equal to one
            of its ``poll_questions`` is removed with reason ``poll-widget`` if the line just
            before or after it was removed as ``poll-widget`` or ``web-form``.
        spans: ``(start, end, reason)`` spans of ``raw`` known to be boilerplate (the blocks of
            a web page that trafilatura left out), removed like pattern matches.

    Returns:
        A :class:`CleanedText`; ``removed`` holds ``(start_char, end_char, reason)`` into
        ``raw``, sorted by ``start_char``.
    """
    lines = _split_lines(raw)
    folded = raw.casefold()  # read by the pattern hints and the caption test
    live = _mark_patterns(raw, lines, patterns, repeated_lines, spans, folded=folded)
    live = _mark_related_tail(raw, live)
    live = _mark_footer(raw, live, masthead_names)
    title_text, live = _mark_top_matter(raw, live, find_title=find_title, title=title,
                                        timestamp_pattern=timestamp_pattern, first_line_title=first_line_title)
    live = _mark_captions(raw, live, folded=folded)
    live = _mark_tail_links(live, raw)
    live = _mark_reprint_credit(live)
    live = _mark_duplicates(raw, live, title_text or title or "", folded=folded)
    removed = _cut_inline(raw, live)
    paragraphs = _paragraphs(raw, live)
    removed += [(ln.start, ln.end, ln.reason) for ln in lines if ln.reason]
    removed.sort()
    return CleanedText(title=title_text or (title or ""), text="\n\n".join(paragraphs),
                       paragraphs=paragraphs, removed=removed)


# --- the stages of clean_text, in order; each marks whole lines and returns those still kept ---


def _text(raw: str, ln: _Line) -> str:
    return ln.text


def _kept(lines: list[_Line]) -> list[_Line]:
    return [ln for ln in lines if ln.reason is None]


def _literal_hint(pattern: re.Pattern) -> tuple[str, bool]:
    """The longest literal every match of ``pattern`` contains ("" when none of 2+ characters), and
    whether to look for it case-insensitively: a cheap ``in`` test that skips the regex on most texts."""
    try:  # the standard library's own regex parser: private, so any failure means "no hint", never an error
        import re._parser as sre_parse

        tree = sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - no hint is always safe
        return "", False
    runs, run = [], []

    def walk(items) -> None:
        for op, arg in items:
            name = str(op)
            if name == "LITERAL":
                run.append(chr(arg))
            elif name == "SUBPATTERN":
                walk(arg[-1])
            elif name in ("MAX_REPEAT", "MIN_REPEAT") and arg[0] >= 1:
                flush()
                walk(arg[2])
                flush()
            elif name == "AT":
                continue
            else:
                flush()

    def flush() -> None:
        if run:
            runs.append("".join(run))
            run.clear()

    walk(tree)
    flush()
    best = max(runs, key=len, default="")
    fold = bool(pattern.flags & re.IGNORECASE) or "(?i" in pattern.pattern
    return (best.casefold() if fold else best, fold) if len(best) >= 2 else ("", False)


def _line_form(pattern: re.Pattern) -> re.Pattern | None:
    """``pattern`` as ``\\n(?:...)``, to search in ``"\\n" + raw``, when that finds exactly the same matches, else None.

    A multiline pattern that opens with ``^`` (and matches no empty string) can only match from a line start;
    searching for it after a newline lets the regex engine jump from newline to newline (a literal prefix) instead
    of trying every character of the text. Patterns with a look-behind or ``\\A`` are left alone (the added newline
    could change what they see). A match that ends with a newline lets the next one start right after it, at a
    newline the line form has already read: :func:`_line_matches` searches again from there.
    """
    if not pattern.flags & re.MULTILINE or "(?<" in pattern.pattern or "\\A" in pattern.pattern:
        return None
    try:  # private modules of the standard library: if they move, the pattern is searched as it is
        import re._constants as sre_constants
        import re._parser as sre_parse

        tree = sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - the pattern is searched as it is
        return None
    at = sre_constants.AT
    if len(tree) < 2 or tree[0] != (at, sre_constants.AT_BEGINNING) or tree.getwidth()[0] == 0:
        return None
    flags = re.match(r"\(\?[aiLmsux]+\)", pattern.pattern)
    head = flags.group(0) if flags else ""
    try:
        # The escape, not a newline character: a verbose pattern ((?x)) would ignore the character.
        return re.compile(head + r"\n(?:" + pattern.pattern[len(head):] + ")", pattern.flags)
    except re.error:
        return None


def _required_literals(pattern: re.Pattern) -> tuple[tuple[str, ...], ...]:
    """What every match of a case-sensitive ``pattern`` holds besides its literal hint: conditions, each a tuple of
    literals of 3+ characters one of which the match contains (a run of literals, or one per branch of an
    alternation: "on (?:Scribd|Vimeo)" holds "Scribd" or "Vimeo"). Cheap ``in`` tests that skip the regex on texts
    that hold the hint (a common word) but not the rest. () for a case-insensitive pattern or one that does not parse.
    """
    if pattern.flags & re.IGNORECASE or "(?i" in pattern.pattern:
        return ()
    try:  # the standard library's own regex parser: private, so any failure means "no condition", never an error
        import re._parser as sre_parse

        tree = sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - no condition is always safe
        return ()

    def conditions(items) -> list[tuple[str, ...]]:
        found, run = [], []

        def flush() -> None:
            if run:
                found.append(("".join(run),))
                run.clear()

        def walk(items) -> None:
            for op, arg in items:
                name = str(op)
                if name == "LITERAL":
                    run.append(chr(arg))
                elif name == "AT":  # zero-width: the literals on either side are contiguous
                    continue
                elif name == "SUBPATTERN":
                    walk(arg[-1])
                elif name in ("MAX_REPEAT", "MIN_REPEAT") and arg[0] >= 1:
                    flush()
                    found.extend(conditions(arg[2]))
                elif name == "BRANCH":
                    flush()
                    options = [conditions(branch) for branch in arg[1]]
                    if all(options):  # each branch's most selective condition; the match holds one of them
                        found.append(tuple(dict.fromkeys(
                            a for o in options for a in min(o, key=lambda c: (len(c), -min(map(len, c)))))))
                else:
                    flush()

        walk(items)
        flush()
        return found

    try:
        found = conditions(tree)
    except Exception:  # noqa: BLE001 - an unexpected tree: no condition
        return ()
    hint = _literal_hint(pattern)[0]
    return tuple(dict.fromkeys(c for c in found if min(map(len, c)) >= 3 and len(c) <= 8 and c != (hint,)))


_PLANS: dict[re.Pattern, tuple[str, bool, re.Pattern | None]] = {}


def _plan(pattern: re.Pattern) -> tuple[str, bool, re.Pattern | None]:
    plan = _PLANS.get(pattern)
    if plan is None:
        plan = _PLANS[pattern] = (*_literal_hint(pattern), _line_form(pattern))
    return plan


_GATES: dict[tuple[re.Pattern, ...], tuple[re.Pattern, re.Pattern] | None] = {}


def _gate(patterns: tuple[re.Pattern, ...]) -> tuple[re.Pattern, re.Pattern] | None:
    """One regex that finds a match wherever any of the line ``patterns`` (their line forms) would: when it finds
    none in a text, none of them is searched. None when they cannot be joined (back-references, clashing names).

    It comes as two regexes, so the text is searched as it is (no ``"\\n" + text`` copy): the joined line forms
    (``\\n(?:...)``), searched in the text, find the matches at the start of every line but the first, and the joined
    patterns themselves, matched at position 0, those at the start of the first. The patterns open with ``^`` and
    look at nothing before it (:func:`_line_form`: no look-behind or ``\\A``), so they see the same text there as
    after the newline of ``"\\n" + text``. (A ``\\b`` or ``\\B`` after the ``^`` looks one character back, but a
    newline and the start of the text are both not word characters: the same answer.)
    """
    if patterns in _GATES:
        return _GATES[patterns]
    branches = []
    for pattern in patterns:
        source = pattern.pattern
        if re.search(r"\\[1-9]|\(\?P=", source):
            branches = []
            break
        flags = re.match(r"\(\?([aiLmsux]+)\)", source)
        branches.append(f"(?{flags.group(1)}:{source[flags.end():]})" if flags else f"(?:{source})")
    # The first characters the patterns' matches may open with (one class of those matched as they are, one of those
    # matched in any case), tested right after each newline: most lines open with none of them, and are passed over
    # before each pattern is tried there.
    firsts = [_first_chars(pattern) for pattern in patterns] if branches else [None]
    ahead = ""
    if None not in firsts:
        exact, folded = ("".join(dict.fromkeys(i for f in firsts for i in f[k])) for k in (0, 1))
        ahead = "(?=" + "|".join(filter(None, [exact and f"[{exact}]", folded and f"(?i:[{folded}])"])) + ")"
    try:
        joined = "(?:" + "|".join(branches) + ")"
        gate = ((re.compile("\n" + ahead + joined, re.MULTILINE), re.compile(joined, re.MULTILINE))
                if len(branches) > 1 else None)
    except re.error:
        gate = None
    _GATES[patterns] = gate
    return gate


def _first_chars(pattern: re.Pattern) -> tuple[list[str], list[str]] | None:
    """The first characters of the matches of ``pattern``, as items of a regex class: those matched as they are, and
    those matched in any case (in ``(?i:[...])``), read from the parse; None when unsure (a match may be empty, or
    open with something other than a literal or a class of literals and ranges). A superset is safe: the zero-width
    parts (``^``, ``\\b``) are passed over, and an optional part adds what may follow it."""
    try:  # private modules of the standard library: if they move, no first characters
        import re._constants as c
        import re._parser as sre_parse

        tree = sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001
        return None
    items: dict[bool, list[str]] = {False: [], True: []}  # class items, by "in any case"
    repeats = (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None))

    class Unsure(Exception):
        pass

    def first(sequence, fold: bool) -> bool:
        """Adds the first characters of ``sequence``'s matches; whether it can match the empty string."""
        for op, av in sequence:
            if op is c.AT:
                continue
            if op is c.LITERAL:
                items[fold].append(re.escape(chr(av)))
                return False
            if op is c.IN:
                for item_op, item in av:
                    if item_op is c.LITERAL:
                        items[fold].append(re.escape(chr(item)))
                    elif item_op is c.RANGE:
                        items[fold].append(re.escape(chr(item[0])) + "-" + re.escape(chr(item[1])))
                    else:  # a negated class, a category
                        raise Unsure
                return False
            if op is c.SUBPATTERN:
                _, add, remove, sub = av
                if not first(sub, (fold or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE):
                    return False
            elif op is c.BRANCH:
                empty = [first(branch, fold) for branch in av[1]]  # (every branch's characters)
                if not any(empty):
                    return False
            elif op in repeats:
                if not first(av[2], fold) and av[0] >= 1:
                    return False
            else:  # anything else: any character, a look-around, a back-reference
                raise Unsure
        return True

    try:
        if first(tree, bool(tree.state.flags & re.IGNORECASE)):
            return None
    except Unsure:
        return None
    except Exception:  # noqa: BLE001 - an unexpected tree: no first characters
        return None
    return (items[False], items[True]) if items[False] or items[True] else None


_MATCH_PLANS: dict[int, tuple[tuple, tuple[re.Pattern, re.Pattern] | None, tuple]] = {}


def _match_plan(patterns: Sequence[tuple[re.Pattern, str]]) -> tuple[tuple[re.Pattern, re.Pattern] | None, tuple]:
    """What :func:`_matches` does with ``patterns``, worked out once per list of patterns: the gate of the line
    patterns without a literal hint (:func:`_gate`), and per pattern ``(pattern, reason, hint, fold, line form,
    gated)``. Kept by the list's id and checked against its items, so a changed or new list is planned again."""
    key = tuple(patterns)
    cached = _MATCH_PLANS.get(id(patterns))
    if cached is not None and cached[0] == key:
        return cached[1], cached[2]
    # Line patterns without a literal to look for first are tried together once: most texts hold none of them.
    unhinted = tuple(p for p, _ in patterns if p.flags == re.MULTILINE | re.UNICODE and not _plan(p)[0]
                     and _plan(p)[2] is not None)
    gate = _gate(unhinted) if unhinted else None
    steps = [(pattern, reason, *_plan(pattern), pattern in unhinted, _key_char(_plan(pattern)[0]),
              _required_literals(pattern)) for pattern, reason in patterns]
    # Hints looked for in every text (no key character, not gated): each is looked for once per text, so looking for
    # it before a step that needs it costs nothing, and its absence skips that step (a probe).
    always = {(fold, hint) for _, _, hint, fold, _, gated, key, _ in steps if hint and not key and not gated}
    steps = tuple((*step, (step[3], step[2]), _probes(step[2], step[3], step[7], always),
                   bool(step[2]) and _within_a_line(step[0])) for step in steps)
    if len(_MATCH_PLANS) > 64:
        _MATCH_PLANS.clear()
    _MATCH_PLANS[id(patterns)] = (key, gate, steps)
    return gate, steps


def _within_a_line(pattern: re.Pattern) -> bool:
    """Whether no match of ``pattern`` holds a line end ("\\n"), and a search limited to one line (``pos`` and
    ``endpos`` at its ends) finds the matches a search of the whole text finds there: a multiline pattern (``^`` and
    ``$`` at line ends), with no look-around, ``\\A`` or ``\\Z``, whose every part matches only characters other
    than "\\n" (literals, classes without it, ``.`` without DOTALL, back-references to such groups). False when
    unsure (the pattern is then searched in the whole text)."""
    if not pattern.flags & re.MULTILINE or pattern.flags & re.DOTALL:
        return False
    try:  # private modules of the standard library: if they move, the pattern is searched in the whole text
        import re._constants as c
        import re._parser as sre_parse

        tree = sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001
        return False
    if tree.state.flags & re.DOTALL:  # an inline (?s)
        return False
    newline = ord("\n")
    no_newline_categories = {c.CATEGORY_DIGIT, c.CATEGORY_WORD, c.CATEGORY_NOT_SPACE, c.CATEGORY_UNI_DIGIT,
                             c.CATEGORY_UNI_WORD, c.CATEGORY_UNI_NOT_SPACE}
    safe_at = {c.AT_BEGINNING, c.AT_BEGINNING_LINE, c.AT_END, c.AT_END_LINE, c.AT_BOUNDARY, c.AT_NON_BOUNDARY,
               c.AT_UNI_BOUNDARY, c.AT_UNI_NON_BOUNDARY}

    def charset_safe(items) -> bool:
        if items and items[0][0] is c.NEGATE:
            return any(op is c.LITERAL and arg == newline for op, arg in items[1:])
        for op, arg in items:
            if op is c.LITERAL and arg == newline or op is c.RANGE and arg[0] <= newline <= arg[1]:
                return False
            if op is c.CATEGORY and arg not in no_newline_categories:
                return False
            if op not in (c.LITERAL, c.RANGE, c.CATEGORY):
                return False
        return True

    def safe(items) -> bool:
        for op, arg in items:
            if op is c.LITERAL:
                ok = arg != newline
            elif op is c.NOT_LITERAL:
                ok = arg == newline
            elif op is c.ANY:
                ok = True  # without DOTALL (tested above)
            elif op is c.IN:
                ok = charset_safe(arg)
            elif op is c.AT:
                ok = arg in safe_at
            elif op is c.SUBPATTERN:
                # (?s:...) adds DOTALL; (?-m:...) takes MULTILINE away, so its $ and ^ are the text's ends
                ok = arg[1] & re.DOTALL == 0 and arg[2] & re.MULTILINE == 0 and safe(arg[-1])
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
                ok = safe(arg[2])
            elif op is getattr(c, "ATOMIC_GROUP", None):
                ok = safe(arg)
            elif op is c.BRANCH:
                ok = all(safe(branch) for branch in arg[1])
            elif op is c.GROUPREF:
                ok = True  # a group of safe parts
            else:  # look-arounds, conditionals, anything else
                ok = False
            if not ok:
                return False
        return True

    try:
        return safe(tree)
    except Exception:  # noqa: BLE001 - an unexpected tree: searched in the whole text
        return False


def _probes(hint: str, fold: bool, required: tuple[tuple[str, ...], ...],
            always: set[tuple[bool, str]]) -> tuple[tuple[bool, str], ...]:
    """The hints of ``always`` (``(fold, literal)``: a literal of the case-folded text when ``fold``, else of the raw
    text) that every match of a step holds, besides the step's own hint: those inside its hint or inside one of its
    required literals. A match holds its hint (case-folded when ``fold``) and each one-literal condition of
    ``required`` (raw); the case folding of a raw string found in the text is in the text's case folding."""
    raw_parts = ([] if fold or not hint else [hint]) + [c[0] for c in required if len(c) == 1]
    folded_parts = ([hint] if fold and hint else []) + [part.casefold() for part in raw_parts]
    return tuple(sorted(probe for probe in always if probe != (fold, hint) and any(
        probe[1] in part for part in (folded_parts if probe[0] else raw_parts))))


# Characters rare in running text, rarest first: a hint holding one is looked for only when the text holds that
# character (one character is found several times faster than a string, and once for every hint holding it).
# Each case-folds to itself and is in no other character's case folding (tests/test_cleaning.py checks every code
# point), so the case folding of a text holds one exactly when the text does: it is looked for in the raw text, for
# a case-folded hint too.
_RARE_CHARS = "$@#|^~<>{}[]=+%&*!?"


def _key_char(hint: str) -> str:
    """The rarest character of ``hint`` (:data:`_RARE_CHARS`), or "" when it has none (looked for in the raw text,
    whether the hint is looked for there or in its case folding)."""
    return next((c for c in _RARE_CHARS if c in hint), "")


def _matches(raw: str, patterns: Sequence[tuple[re.Pattern, str]],
             spans: Sequence[tuple[int, int, str]], folded: str | None = None) -> Iterable[tuple[int, int, str]]:
    """The spans, then every match of the patterns: ``(start, end, reason)`` in ``raw`` (``folded``: ``raw.casefold()``
    when already made)."""
    yield from spans
    if not patterns:
        return
    prefixed = None
    gate, steps = _match_plan(patterns)
    skip_gated = False
    if gate is not None:  # (no match at the first line's start, nor after a newline)
        skip_gated = gate[1].match(raw) is None and gate[0].search(raw) is None
    present: dict[str, bool] = {}
    known: dict[tuple[bool, str], bool] = {}  # (fold, hint) → whether the text (its case folding when fold) holds it
    for pattern, reason, hint, fold, line_form, gated, key, required, hint_key, probes, one_line in steps:
        if gated and skip_gated:
            continue
        if key:
            found = present.get(key)
            if found is None:
                found = present[key] = key in raw
            if not found:
                continue
        if probes:
            missing = False
            for probe in probes:
                found = known.get(probe)
                if found is None:
                    if probe[0] and folded is None:
                        folded = raw.casefold()
                    found = known[probe] = probe[1] in (folded if probe[0] else raw)
                if not found:
                    missing = True
                    break
            if missing:
                continue
        if hint:
            found = known.get(hint_key)
            if found is None:
                if fold and folded is None:
                    folded = raw.casefold()
                found = known[hint_key] = (_holds(folded if fold else raw, hint, key) if key
                                           else hint in (folded if fold else raw))
            if not found:
                continue
        if required and not all(any(a in raw for a in c) for c in required):
            continue
        if one_line and (not fold or len(folded) == len(raw)):
            if line_form is not None and prefixed is None:
                prefixed = "\n" + raw
            yield from _matches_in_lines(raw, folded if fold else raw, hint, pattern, line_form, prefixed, reason)
        elif line_form is not None:
            prefixed = "\n" + raw if prefixed is None else prefixed
            yield from _line_matches(line_form, prefixed, reason)
        else:
            for m in pattern.finditer(raw):
                yield m.start(), m.end(), reason


#: Most places of a hint's key character at which :func:`_holds` looks for the hint before it searches the text.
_KEY_PLACES = 8


def _holds(text: str, hint: str, key: str) -> bool:
    """``hint in text``, looked for at the first places of its key character (:func:`_key_char`, found in ``text``
    as it is in its case folding): a hint such as "? " or "?\\n" is searched character by character, where a rare
    character is found many times faster, and then the hint at each of its few places."""
    offset = hint.index(key)
    i = text.find(key, offset)  # (from offset: the hint would start before the text)
    for _ in range(_KEY_PLACES):
        if i < 0:
            return False
        if text.startswith(hint, i - offset):
            return True
        i = text.find(key, i + 1)
    return i >= 0 and hint in text


def _line_matches(line_form: re.Pattern, prefixed: str, reason: str) -> Iterable[tuple[int, int, str]]:
    """The matches of a pattern in ``raw``, found by its :func:`_line_form` in ``prefixed`` (``"\\n" + raw``), as
    ``finditer`` finds them in ``raw``: ``(start, end, reason)`` in ``raw``. A match starts in ``raw`` where its
    line form's newline sits in ``prefixed``; the next is looked for from the end of the last in ``raw`` (the line
    form's end less one in ``prefixed``: the newline before a line starting there, when the last match ended with
    one)."""
    search = line_form.search
    m = search(prefixed)
    while m is not None:
        end = m.end() - 1
        yield m.start(), end, reason
        m = search(prefixed, end)


def _matches_in_lines(raw: str, text: str, hint: str, pattern: re.Pattern, line_form: re.Pattern | None,
                      prefixed: str | None, reason: str) -> Iterable[tuple[int, int, str]]:
    """The matches of a pattern no match of which spans a line end and every match of which holds ``hint`` (looked for
    in ``text``: ``raw`` or its case folding, of the same length): only the lines holding the hint are searched (in
    order, each once), with the text around them in view (pos and endpos, not a slice). ``prefixed`` is
    ``"\n" + raw`` when the pattern is searched in its ``line_form``."""
    end = -1
    i = text.find(hint)
    while i >= 0:
        if i >= end:  # a line not searched yet
            start = raw.rfind("\n", 0, i) + 1
            end = raw.find("\n", i)
            end = len(raw) if end < 0 else end
            if line_form is not None:
                for m in line_form.finditer(prefixed, start, end + 1):  # the line's "\n" is prefixed[start]
                    yield m.start(), m.end() - 1, reason
            else:
                for m in pattern.finditer(raw, start, end):
                    yield m.start(), m.end(), reason
            i = end
        i = text.find(hint, i + 1)


def _mark_patterns(raw: str, lines: list[_Line], patterns: Sequence[tuple[re.Pattern, str]],
                   repeated_lines: Container[str], spans: Sequence[tuple[int, int, str]] = (), *,
                   folded: str | None = None) -> list[_Line]:
    """0. Given spans (HTML boilerplate), corpus-level furniture (lines recurring across articles) and pattern matches."""
    questions = getattr(repeated_lines, "poll_questions", None)
    asked = []  # indices of lines equal to a poll question of the corpus (RepeatedLines.poll_questions)
    if questions:
        for k, ln in enumerate(lines):
            if ln.text in repeated_lines:
                ln.reason = "repeated-across-articles"
            elif ln.text in questions:
                asked.append(k)
    elif repeated_lines:
        longest = _longest(repeated_lines)
        for ln in lines:
            # (A line longer than every one of the set is not in it, and is not hashed: most lines of an article.)
            if ln.end - ln.start <= longest and ln.text in repeated_lines:
                ln.reason = "repeated-across-articles"
    cut_lines = False
    for a, b, reason in _matches(raw, patterns, spans, folded):
        if a == b:
            continue
        for ln in lines:
            if ln.reason is not None or ln.end <= a or ln.start >= b:
                continue
            if a <= ln.start and ln.end <= b:
                ln.reason = reason
            else:
                cut = (max(a, ln.start) - ln.start, min(b, ln.end) - ln.start, reason)
                if ln.cuts:
                    ln.cuts.append(cut)
                else:
                    ln.cuts = [cut]
                cut_lines = True
    for ln in lines if cut_lines else ():
        if ln.cuts and ln.reason is None:
            rest = _text(raw, ln)
            for a, b, _ in ln.cuts:
                rest = rest[:a] + " " * (b - a) + rest[b:]
            if not rest.strip(" -–—|:"):  # nothing but separators left: the line is the widget's
                ln.reason, ln.cuts = ln.cuts[0][2], []
    # A poll's question alone on a line, next to a line of the poll or its form: the widget's third printing.
    for k in asked:
        ln = lines[k]
        if ln.reason is None and not ln.cuts and any(
                0 <= j < len(lines) and lines[j].reason in _POLL_NEIGHBOURS for j in (k - 1, k + 1)):
            ln.reason = "poll-widget"
    return _kept(lines)


_POLL_NEIGHBOURS = frozenset({"poll-widget", "web-form"})
_LONGEST: dict[int, tuple[frozenset, int]] = {}


def _longest(lines: Container[str]) -> int | float:
    """The length of the longest string in ``lines`` when it is a frozenset (worked out once per set: it cannot
    change), else infinity (a set or other container may change between calls)."""
    if not isinstance(lines, frozenset):
        return float("inf")
    found = _LONGEST.get(id(lines))
    if found is None or found[0] is not lines:
        _LONGEST.clear()  # the last set only (a corpus's): no set is held after its corpus is gone but that one
        found = _LONGEST[id(lines)] = (lines, max((len(x) for x in lines if isinstance(x, str)), default=0))
    return found[1]


def _mark_related_tail(raw: str, lines: list[_Line]) -> list[_Line]:
    """1. Related-article tails: from the header line to the end of the file (a header after the first line of 8
    words or more, the body's first)."""
    eight = _first_words(8).match
    for i, ln in enumerate(lines):
        if eight(ln.text) is not None:
            break
    else:
        return lines
    edge, ends, most = "*_#", ":*_#", _RELATED_HEADER_CHARS  # (ends: a colon or an edge)
    for k in range(i + 1, len(lines)):
        s = lines[k].text
        # A header's words are at most _RELATED_HEADER_CHARS characters, then only spaces and a colon may follow;
        # a line (never starting or ending with " ") that strip("*_# ") leaves alone is its own stripped text.
        if ((len(s) <= most or s[-1] in ends or s[0] in edge or s[-1].isspace())
                and _RELATED_HEADER.match(s.strip("*_# "))):
            for rest in lines[k:]:
                rest.reason = "related-articles"
            return _kept(lines)
    return lines  # nothing marked: the lines kept are those given


def _mark_footer(raw: str, live: list[_Line], masthead_names: frozenset[str]) -> list[_Line]:
    """2. Footer zone: walk back from the end over rules, URLs, mastheads, print-edition notes and link labels."""
    for ln in reversed(live):
        s = _text(raw, ln)
        bare = s.strip("*_ ").strip()
        if _RULE.match(s):
            ln.reason = "markup"
        elif _URL_LINE.match(s):
            ln.reason = "url"
        elif _COPYRIGHT.match(bare) or (
            _words(bare) <= 8 and (bare.casefold() in masthead_names or (s.startswith("**") and s.endswith("**")))
        ):
            ln.reason = "footer"
        elif _PRINT_NOTE.match(bare) and not _has_words(bare, 61):
            ln.reason = "footer"
        elif bare.casefold().rstrip(" :") in _NAV_LABELS or _NAV_HEADING.match(s.strip("*_#> ").strip()):
            ln.reason = "navigation"
        else:
            break
    return _kept(live) if live and live[-1].reason is not None else live  # the last line is the first one marked


def _mark_top_matter(raw: str, live: list[_Line], *, find_title: bool, title: str | None,
                     timestamp_pattern: re.Pattern | None, first_line_title: bool = False) -> tuple[str, list[_Line]]:
    """3. Top matter: breadcrumbs and navigation headings, timestamps, rules, then the title block; returns the title
    found."""
    title_text, i = "", 0
    # A line equals the title once normalised only if it has no more word pieces than the title has normalised words
    # (:func:`_has_word_pieces`): a longer line (the first paragraph, most often) is not normalised.
    title_norm = normalise_for_matching(title) if title else ""
    more_pieces = _word_pieces(len(title_norm.split()) + 1).match
    while i < len(live):
        ln, s = live[i], _text(raw, live[i])
        if _RULE.match(s):
            ln.reason = "markup"
        elif _is_breadcrumb(s) or ((title or title_text) and (is_tag_list(s) or (
                i + 1 < len(live) and _is_glued_section(s, live[i + 1].text)))) or _NAV_HEADING.match(
                s.strip("*_#> ").strip()):
            ln.reason = "navigation"
        elif timestamp_pattern is not None and timestamp_pattern.match(s):
            ln.reason = "timestamp"
        elif not title_text and title and more_pieces(s) is None and normalise_for_matching(s) == title_norm:
            ln.reason, title_text = "title", title
        elif not title_text and find_title and not title:
            block = _title_block(raw, live, i)
            joined = " ".join(_SPACE.sub(" ", _text(raw, b)).strip() for b in block)
            if not (first_line_title or looks_like_title(joined)) or len(live) == len(block):
                break
            for b in block:
                b.reason = "title"
            title_text = _MD_HEADING.sub("", joined).strip("*_ ").strip()
            i += len(block)
            continue
        else:
            break
        i += 1
    # A timestamp line may also follow the title.
    marked = i > 0  # every line before i was marked
    # Where the walk stopped (a break), live[i] failed the timestamp test already: the test starts after it.
    for ln in live[i + 1 if i < len(live) else i:i + 3] if timestamp_pattern is not None else ():
        if ln.reason is None and timestamp_pattern.match(_text(raw, ln)):
            ln.reason, marked = "timestamp", True
    return title_text, _kept(live) if marked else live


def _title_block(raw: str, live: list[_Line], i: int) -> list[_Line]:
    """The line ``live[i]``, with the lines that continue it when it opens a hard-wrapped markdown-emphasised title."""
    ln, s = live[i], _text(raw, live[i])
    block = [ln]
    if s.startswith(("*", "_")) and not s.rstrip().endswith(s[0]):
        j = i + 1
        while j < len(live) and live[j].block == ln.block:
            block.append(live[j])
            if _text(raw, live[j]).rstrip().endswith(s[0]):
                break
            j += 1
    return block


def _caption_candidates(raw: str, live: list[_Line], folded: str) -> set[int] | None:
    """The starts of the lines that may be captions (None: any line may be), read from ``folded`` (``raw.casefold()``).

    A caption holds a caption hint in its lower-cased text (:func:`is_caption`). Every character whose lower case
    is a letter of a hint has the same case folding, and lower() and casefold() map each character on its own, so
    the hint is in ``folded`` too: an article without one has no caption. When ``folded`` is as long as ``raw``,
    each character folded to one, so a line's hint sits at the line's own offsets in ``folded``.
    """
    found = []
    for h, key in _CAPTION_HINT_KEYS:  # every place of every hint (str.find in a loop: no generator per hint)
        if key and key not in folded:  # (a hint's character outside ASCII, absent: so is the hint)
            continue
        i = folded.find(h)
        while i >= 0:
            found.append((i, h))
            i = folded.find(h, i + 1)
    if not found:
        return set()
    if len(folded) != len(raw):
        return None
    starts = [ln.start for ln in live]
    tested = set()
    for i, h in found:
        k = bisect.bisect_right(starts, i) - 1
        if k >= 0 and i + len(h) <= live[k].end:
            tested.add(live[k].start)
    return tested


_ASCII_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")  # upper() changes each of them
# The first character of a line whose copyright test can hold: one of _COPYRIGHT_FIRST, or emphasis stripped first.
_COPYRIGHT_OR_EMPHASIS_FIRST = "".join(_COPYRIGHT_FIRST) + "*_"


def _mark_captions(raw: str, live: list[_Line], *, folded: str | None = None) -> list[_Line]:
    """4. Captions, anywhere; inline caption markers, "Lire aussi :" / "RELATED:" lines, copyright lines and
    capital-letter related headlines (:func:`is_related_caps`)."""
    tested = _caption_candidates(raw, live, raw.casefold() if folded is None else folded)
    marked = False
    copyright_first = _COPYRIGHT_OR_EMPHASIS_FIRST
    for ln in live:
        s = ln.text
        # A line of ``tested`` holds a caption hint in its case folding, so in its lower case too (a character that
        # case-folds to a hint's letter lower-cases to it: tests/test_cleaning.py checks every code point), and
        # is_caption's first test holds: only the credit tests are left.
        if tested is None:
            caption = is_caption(s)
        else:
            caption = ln.start in tested and (_has_credit_end(s) or _CAPTION_START.match(s))
        if caption and not _INLINE_MARKER.fullmatch(" " + s):
            ln.reason, marked = "caption", True
        elif "/" in s and _PHOTO_CREDIT_LINE.match(s) and not _has_words(s, 13):
            ln.reason, marked = "caption", True
        elif ":" in s and _RELATED_INLINE.match(s):
            ln.reason, marked = "related-articles", True
        # (A line never starts with a space: s.lstrip("*_ ") starts as s does unless s starts with "*" or "_".)
        elif (s[0] in copyright_first and s.lstrip("*_ ")[:1] in _COPYRIGHT_FIRST
              and _COPYRIGHT_LINE.match(s.strip("*_ ")) and not _has_words(s, 41)):
            ln.reason, marked = "footer", True
    lower = _ASCII_LOWER
    for k in range(1, len(live)):
        ln = live[k]
        s = ln.text
        if s[1:2] in lower:  # a lower-case second letter: not all capitals (most lines, tested in one step)
            continue
        head = s[:16]  # is_related_caps's own first test, here to skip the call for more lines
        if head == head.upper() and ln.reason is None and is_related_caps(s):
            nxt = next((_text(raw, b) for b in live[k + 1:] if b.reason is None), "")
            if not nxt.startswith("By "):
                ln.reason, marked = "related-articles", True
    return _kept(live) if marked else live


#: Most words of a link's text (:func:`_is_link_text`): a cross-reference or a related headline.
WIDGET_LINE_MAX_WORDS = 25
# A cross-reference to another article: "See, earlier <headline> by <author>, May 3, 2016", "See also <headline>",
# "See Jane Doe's review: <headline>". "See" alone opens a subheading as well ("See You Again Tonight"): without
# "also", "earlier" or "more" a colon must follow a few words.
_SEE_LINE = re.compile(r"^See(?:,? (?:also|earlier|more)[,:]?|:| [^:]{1,60}:) [A-Z“\"‘']")
# A link to the author's archive: "The Best of Jane Doe", "More from Jane Doe", "Older articles by Jane Doe",
# "Du même auteur".
_AUTHOR_ARCHIVE = re.compile(r"^(?:The Best of|More (?:from|by)|(?:Other|More|Recent|Older|Previous|Latest) "
                             r"(?:articles|columns|stories|posts) by|"
                             r"(?:Plus d['’]a|A)rticles? de|Tous les articles de|Du même auteur) \S")
# A blog post's time stamp at its foot, a time of day and a date alone on the line: "1:33 pm on June 6, 2018",
# "June 6, 2018 at 1:33 pm", "6 juin 2018 à 13h33". The time of day is required: a date alone may be a letter's.
_POST_STAMP_DATE = (r"(?:(?:[A-Z][a-z]+day|[a-z]+di|dimanche),? )?"
                    r"(?:[A-Z][a-z]{2,8}\.? \d{1,2}(?:st|nd|rd|th)?,? |\d{1,2}(?:er)? [a-zéû]{3,9}\.? )\d{4}")
_POST_STAMP_TIME = r"\d{1,2}(?::\d{2}\s*(?:[ap]\.?m\.?|[AP]\.?M\.?)?|\s?h\s?\d{2})"
_POST_STAMP = re.compile(rf"^(?:{_POST_STAMP_TIME}(?: on|,| -| –| —| \|)? {_POST_STAMP_DATE}"
                         rf"|{_POST_STAMP_DATE}(?:,| at| à| -| –| —| \|)? {_POST_STAMP_TIME})$")
_LIST_MARK = re.compile(r"^(?:[-*•–—]|\d+[.)])\s")
# A headline glued without a space to the last sentence of the article ("... à des fins militaires.Al Jazeera: ..."):
# a sentence end right after a lower-case letter, then a capital.
_GLUED_TAIL = re.compile(r"(?<=[^\W\d_])(?<![A-Z])[.!?](?=[A-ZÀ-ÖØ-Þ])")
# The glued headline must open with the label of an outlet or a section ("Al Jazeera: ", "Opinion: "): one to four
# capitalised words and a colon. Without it the tail may be the article's own last sentence, cut short by a paywall.
_GLUED_LABEL = re.compile(r"[A-ZÀ-ÖØ-Þ][\w'’&.-]*(?: [A-ZÀ-ÖØ-Þ][\w'’&.-]*){0,3}: \S")
_ANY_SENTENCE_END = re.compile(r"[.!?…]")


def _is_link_text(line: str) -> bool:
    """The shape of a link to another article: 3 to ``WIDGET_LINE_MAX_WORDS`` words, not a list item, no final
    punctuation at all (a sentence, even one cut short, ends with some)."""
    return (_has_words(line, 3) and not _has_words(line, WIDGET_LINE_MAX_WORDS + 1) and not _LIST_MARK.match(line)
            and (line[-1].isalnum() or line[-1] in ")]") and not line.endswith(("etc)", "etc.)")))


def _mark_tail_links(live: list[_Line], raw: str | None = None) -> list[_Line]:
    """4c. Links to other articles: cross-references, author-archive links and a related headline glued to the end.

    - A line opening with "See also", "See earlier", "See more" or "See ...:" ("See, earlier ...", "See Jane Doe's
      review: ...") with the shape of a link (:func:`_is_link_text`) is a cross-reference.
    - Among the last three lines, after a line that ends like a sentence (or after the post's time stamp, below),
      a link to the author's other articles ("The Best of Jane Doe", "More from Jane Doe", "Older articles by Jane
      Doe", "Plus d'articles de ...") with the shape of a link.
    - A headline glued without a space to the end of the last sentence ("... militaires.Al Jazeera: le chef ...")
      with the shape of a link, an outlet or section label and a colon first, and no sentence end of its own is cut
      from that line.

    All are removed with reason ``related-articles``. Then the post's time stamp, a time of day and a date alone on
    the last line after a line that ends like a sentence ("1:33 pm on June 6, 2018", :data:`_POST_STAMP`), goes with
    reason ``timestamp``. Other short lines after the last sentence stay: on the dev articles they are as often a
    credit, a hat tip or a quoted post as a related headline.
    """
    marked = False
    # (Each line's start is read, not the whole text searched for "See": a line is some 200 characters on average,
    # and str.find reads a character in about the time a loop takes over a line's first three.)
    for ln in live:
        if ln.text.startswith("See") and _SEE_LINE.match(ln.text) and _is_link_text(ln.text):
            ln.reason, marked = "related-articles", True
    if marked:
        live = _kept(live)
    marked = False
    for k in range(max(1, len(live) - 3), len(live)):
        ln = live[k]
        if (_AUTHOR_ARCHIVE.match(ln.text) and _is_link_text(ln.text) and not _has_words(ln.text, 9)
                and (_SENTENCE_END.search(live[k - 1].text[-2:]) or (
                    k > 1 and _POST_STAMP.match(live[k - 1].text) and _SENTENCE_END.search(live[k - 2].text[-2:])))):
            ln.reason, marked = "related-articles", True
    if marked:
        live = _kept(live)
    if len(live) > 1 and _POST_STAMP.match(live[-1].text) and _SENTENCE_END.search(live[-2].text[-2:]):
        live[-1].reason = "timestamp"
        live = _kept(live)
    last = live[-1] if len(live) > 1 else None
    if last is not None and not last.cuts and not _SENTENCE_END.search(last.text[-2:]):
        for m in reversed(list(_GLUED_TAIL.finditer(last.text))):
            tail = last.text[m.end():]
            if (_GLUED_LABEL.match(tail) and _is_link_text(tail) and _has_words(tail, 4)
                    and not _ANY_SENTENCE_END.search(tail)):
                last.cuts = [(m.end(), len(last.text), "related-articles")]  # none before (tested above)
            break
    return live


def _mark_reprint_credit(live: list[_Line]) -> list[_Line]:
    """4d. A reprint or permission credit (:data:`_REPRINT_CREDIT`) alone on its line at the end of the article: among
    the last lines, after the first, followed by at most ``CREDIT_MAX_LINES_AFTER`` lines, each with the shape of
    furniture (:func:`is_furniture`, or a link's: :func:`_is_link_text`; a promotion for the author's books, a link
    left over), never by a sentence. Removed with reason ``footer``: the credit is about the page, not the article's
    text. The same credit as the first line of the body, above its first paragraph ("This article was originally
    published by Jane Doe at Example News", then the article), is removed too; between paragraphs it stays."""
    if len(live) > 1:
        top = live[0]
        if not top.cuts and _may_be_credit(top.text) and _REPRINT_CREDIT.match(top.text.strip("*_ ")):
            top.reason = "footer"
            live = _kept(live)
    first = max(1, len(live) - 1 - CREDIT_MAX_LINES_AFTER)  # (the first line is the article's, never a credit)
    # Most articles hold no line that may be a credit among their last: nothing else is read (the first tests of
    # _may_be_credit inline, over a slice of the last lines: this runs for every article).
    for ln in live[-1:-2 - CREDIT_MAX_LINES_AFTER:-1]:
        s = ln.text
        if s[0] in _CREDIT_FIRST and len(s) <= CREDIT_MAX_CHARS and _may_be_credit(s):
            break
    else:
        return live
    for k in range(len(live) - 1, first - 1, -1):
        ln = live[k]
        if not ln.cuts and _may_be_credit(ln.text) and _REPRINT_CREDIT.match(ln.text.strip("*_ ")):
            ln.reason = "footer"
            return _kept(live)
        if not (is_furniture(ln.text) or _is_link_text(ln.text)):  # a sentence: the article's text goes on to here
            break
    return live


def _may_be_credit(line: str) -> bool:
    """A cheap test a line that matches :data:`_REPRINT_CREDIT` passes (once stripped of emphasis): short enough, its
    first character one a match or emphasis opens with, and one of the words every match holds, in its case."""
    if len(line) > CREDIT_MAX_CHARS or line[0] not in _CREDIT_FIRST:
        return False
    for hint in _CREDIT_HINTS:  # (a loop, not any() over a generator)
        if hint in line:
            return True
    return False


def is_related_caps(line: str) -> bool:
    """True when ``line`` has the shape of an inline related headline: wholly in capitals, 5 to 16 words,
    no final sentence punctuation (short capital lines are intertitles and stay)."""
    head = line[:16]
    # A cheap test first: upper() maps each character on its own and the stripped edges have no case, so a line
    # whose text is all capitals starts with capitals.
    if head != head.upper():
        return False
    text = line.strip("*_# ").strip()
    return (text == text.upper() and not _has_words(text, RELATED_CAPS_MAX_WORDS + 1)
            and _has_words(text, RELATED_CAPS_MIN_WORDS) and sum(c.isalpha() for c in text) >= 10 and not _SENTENCE_END.search(text[-2:]))


def _mark_duplicates(raw: str, live: list[_Line], title: str = "", *, folded: str | None = None) -> list[_Line]:
    """5. Standfirsts that repeat a later paragraph, and furniture lines printed twice.

    A standfirst is a lead of at least ``STANDFIRST_MIN_WORDS`` words that ends like a sentence
    and is repeated inside one of the next paragraphs; a shorter line that recurs is an
    intertitle or a headline quoted again, and stays. A later repeat of an earlier line is
    removed only when it is furniture of at most ``DUPLICATE_MAX_WORDS`` words (:func:`is_furniture`:
    "Share", "Advertisement", a link), not the headline and not a label ending with a colon that introduces a
    paragraph ("UPDATE:" before each of a story's updates; "Share this:" before share buttons is furniture): a
    sentence, an intertitle or a refrain an author repeats (the headline included) is article text.
    """
    texts = [ln.text for ln in live]
    # A line's NFC case folding, as normalise_for_matching makes it. When the article is in NFC (so is each of its
    # lines: a line starts and ends at a space or a line end, which no mark composes with) and its case folding
    # (``folded``) folded each character to one, that is the line's own slice of ``folded``.
    # Only the first ten lines (the three that may be standfirsts and the seven after each, read by repeated_later
    # and may_repeat) are read in ``folded``, so only the text from their start to their end must be in NFC: so is
    # each of its lines, for the same reason. Other lines (short candidates) are folded on their own.
    read = min(len(live), 3 + 7)
    sliced = (folded is not None and len(folded) == len(raw) and read > 0
              and (raw.isascii() or unicodedata.is_normalized("NFC", raw[live[0].start:live[read - 1].end])))

    def fold(k: int) -> str:
        ln = live[k]
        return folded[ln.start:ln.end] if sliced and k < read else unicodedata.normalize("NFC", texts[k]).casefold()

    # Normalising is the costly step (a \w scan of every character), so a line is normalised only when a
    # cheap necessary condition leaves a match possible; the decisions are those of comparing every line.
    norms: dict[int, str] = {}

    def norm(k: int) -> str:
        found = norms.get(k)
        if found is None:
            found = norms[k] = _normalise_folded(fold(k))
        return found

    folds: dict[int, str] = {}

    def repeated_later(k: int) -> bool:
        words = norm(k).split()
        # A word inside the lead (not its first or last, which may be cut) is a whole word of any paragraph
        # repeating it, so it is found in that paragraph's folded text.
        # A normalised line is never longer than its folded text, so a shorter paragraph cannot hold the lead.
        probes = sorted(words[1:-1], key=len, reverse=True)[:3]
        last = min(k + 8, len(texts)) - 1
        if sliced and last > k:  # each next line's folding is a slice of this span: a word missing here is everywhere
            a, b = live[k + 1].start, live[last].end
            if not all(folded.find(w, a, b) >= 0 for w in probes):  # (find in the span: no copy of it)
                return False
        lead = norm(k)
        for j in range(k + 1, last + 1):
            if sliced:  # the line's folding is its slice of ``folded``: its length and words read there, not copied
                a, b = live[j].start, live[j].end
                if b - a < len(lead) or not all(folded.find(w, a, b) >= 0 for w in probes):
                    continue
            else:
                line_folded = folds.get(j)
                if line_folded is None:
                    line_folded = folds[j] = fold(j)
                if len(line_folded) < len(lead) or not all(w in line_folded for w in probes):
                    continue
            if lead in norm(j):
                return True
        return False

    def may_repeat(k: int) -> bool:
        """A necessary condition of ``repeated_later(k)`` that does not normalise the lead (a \\w scan of all of it):
        the words of one piece from the middle of its folding are inner words of the lead, so a paragraph repeating
        it holds them, and they are found in the next lines' folding."""
        last = min(k + 8, len(texts)) - 1
        if last <= k:
            return False
        if not sliced:
            return True
        lead = fold(k)
        # Four pieces from the first space after the middle (one of them has a rare word): i is that space, j the
        # fourth space after it (one regex search, not five str.find calls).
        four = _FOUR_PIECES.search(lead, len(lead) // 2)
        if four is None:
            return True
        i, j = four.start(), four.end() - 1
        if not _WORD_RUN.search(lead, 0, i) or not _WORD_RUN.search(lead, j):
            return True
        a, b = live[k + 1].start, live[last].end
        return all(folded.find(w, a, b) >= 0 for w in sorted(_WORD_RUN.findall(lead, i + 1, j), key=len, reverse=True)[:2])

    title_norm = normalise_for_matching(title) if title else ""
    # The furniture lines that may repeat an earlier line, decided first (a removal never changes which lines count
    # as earlier ones: every earlier line does).
    # (A furniture line has at most DUPLICATE_MAX_WORDS words once stripped as is_furniture strips it: the regex of
    # _has_words, matched here, skips the call for the lines of more words, most of an article.)
    more = _first_words(DUPLICATE_MAX_WORDS + 1).match
    # A label ending with a colon that introduces a paragraph ("UPDATE:" then the update) introduces another one when
    # printed again, and stays; a label before furniture ("Share this:" then "Facebook") is furniture itself.
    def introduces(k: int) -> bool:
        return (texts[k].rstrip("*_# ").endswith(":") and k + 1 < len(texts)
                and not is_furniture(texts[k + 1], max_words=DUPLICATE_MAX_WORDS))

    candidates = [k for k, s in enumerate(texts) if more(s.strip("*_#> ").strip()) is None
                  and is_furniture(s, max_words=DUPLICATE_MAX_WORDS) and not introduces(k)
                  and norm(k) and norm(k) != title_norm]
    marked = False
    for k in range(min(3, len(live))):  # the standfirsts
        if (_SENTENCE_END.search(texts[k].rstrip("*_ ")[-2:]) and may_repeat(k)
                and _words(norm(k)) >= STANDFIRST_MIN_WORDS and repeated_later(k)):
            live[k].reason, marked = "duplicate-standfirst", True
    if not candidates:
        return _kept(live) if marked else live
    # A line equals a candidate only if it has no more word pieces than the longest candidate has normalised words
    # (:func:`_has_word_pieces`), so only such lines are compared.
    most = max(len(norm(k).split()) for k in candidates)
    few = _word_pieces(most + 1).match
    last = candidates[-1]
    # One set of the earlier lines' normalised texts, every line looked at once (linear). A line after the last
    # candidate is never looked for in it.
    is_candidate = set(candidates)
    seen: set[str] = set()
    for k in range(last + 1):
        ln = live[k]
        if k in is_candidate and ln.reason is None and norm(k) in seen:
            ln.reason, marked = "duplicate-paragraph", True
        if few(texts[k]) is None:
            seen.add(norm(k))
    return _kept(live) if marked else live


# A space and the next four space-ended pieces (a piece holds no space, so they are the four after it).
_FOUR_PIECES = re.compile(r" (?:[^ ]* ){4}")
_WORD_PIECES: dict[int, re.Pattern] = {}


def _word_pieces(n: int) -> re.Pattern:
    """The regex :func:`_has_word_pieces` matches."""
    pattern = _WORD_PIECES.get(n)
    if pattern is None:
        pattern = _WORD_PIECES[n] = re.compile(r"(?:\s*+(?:[^\w\s]++\s++)*+[^\w\s]*+\w\S*+){%d}" % n)
    return pattern


def _has_word_pieces(s: str, n: int) -> bool:
    """Whether ``s`` has at least ``n`` space-separated pieces holding a word character, in one regex match.

    A line's normalised words (:func:`normalise_for_matching`) are at least as many as these pieces, so a line with
    ``n`` such pieces cannot normalise to a line of fewer words. The quantifiers are possessive, so a piece is never
    counted as two.
    """
    return _word_pieces(n).match(s) is not None


def _cut_inline(raw: str, live: list[_Line]) -> list[tuple[int, int, str]]:
    """6. Inline removals inside kept lines: caption markers, markdown headings and emphasis.

    Sets each line's ``keep`` spans and returns the removed ``(start, end, reason)`` spans.
    """
    removed: list[tuple[int, int, str]] = []
    # What a line must hold for a test below to find something, looked for once in the whole text: a line can hold
    # it only if the text does.
    emphasis = "*" in raw or "_" in raw
    heading = "#" in raw
    # ("ả" first: one character is found many times faster than a string.)
    marker = "ả" in raw and "ảnh" in raw and "Photo" in raw
    for ln in live:
        s = ln.text
        if not ln.cuts and not (emphasis and ("*" in s or "_" in s)) and not (heading and s.startswith("#")) \
                and not (marker and "Photo" in s and "ảnh" in s):
            continue  # nothing to cut (the tests below would find nothing): the whole line is kept (keep None)
        cuts: list[tuple[int, int, str]] = list(ln.cuts)
        for m in _INLINE_MARKER.finditer(s) if "Photo" in s and "ảnh" in s else ():
            if not any(a < m.end() and m.start() < b for a, b, _ in cuts):
                cuts.append((m.start(), m.end(), "caption"))
        h = _MD_HEADING.match(s) if s.startswith("#") else None
        if h and not any(a < h.end() for a, _, _ in cuts):
            cuts.append((0, h.end(), "markup"))
        for m in _EMPHASIS.finditer(s) if ("*" in s or "_" in s) else ():
            if not any(a < m.end() and m.start() < b for a, b, _ in cuts):
                mark = len(m.group(1))
                cuts += [(m.start(), m.start() + mark, "markup"), (m.end() - mark, m.end(), "markup")]
        cuts.sort()
        pos = 0
        ln.keep = []
        for a, b, reason in cuts:
            a = max(a, pos)
            if b <= a:
                continue
            ln.keep.append((ln.start + pos, ln.start + a))
            removed.append((ln.start + a, ln.start + b, reason))
            pos = b
        ln.keep.append((ln.start + pos, ln.end))
    return removed


def _paragraphs(raw: str, live: list[_Line]) -> list[str]:
    """7. Rejoin lines hard-wrapped mid-sentence; each remaining line is otherwise a paragraph."""
    # Each paragraph is a list of its lines, joined once at the end: appending to a growing string,
    # or searching its end with a regex, would make a long hard-wrapped paragraph quadratic.
    groups: list[list[str]] = []
    group: list[str] = []  # the last paragraph's lines (groups[-1]); its last piece is ``last``
    last = ""
    terminal = _TERMINAL_CHARS
    for ln in live:
        keep = ln.keep
        if keep is None:  # the whole line
            piece = ln.text.strip()
        elif len(keep) == 1:
            piece = (ln.text if keep[0] == (ln.start, ln.end) else raw[keep[0][0]:keep[0][1]]).strip()
        else:
            piece = "".join(raw[a:b] for a, b in keep).strip()
        if not piece:
            continue
        if last and last[-1] not in terminal and (  # (a piece is never empty: ``last`` is "" only before the first)
            piece[0].islower() or piece[0].isdigit() or last.endswith((",", "-", "–"))
        ):
            group.append(piece)
        else:
            group = [piece]
            groups.append(group)
        last = piece
    return [" ".join(group) for group in groups]


# --- corpus-level boilerplate and the pattern file ---

#: The pattern file shipped with the toolkit (web forms, poll widgets, promos); see :func:`load_patterns`.
DEFAULT_PATTERNS = Path(__file__).parent / "data" / "boilerplate-patterns.txt"
#: Fewest distinct articles a furniture-shaped line must occur in to be corpus boilerplate.
REPEATED_MIN_ARTICLES = 3


def load_patterns(*paths: str | Path, defaults: bool = True) -> list[tuple[re.Pattern, str]]:
    """Read pattern files: one ``reason regex`` per line (the reason, spaces, the regular expression).

    Blank lines and lines starting with ``#`` are skipped. Each regex is compiled with
    ``re.MULTILINE`` (``^``/``$`` match at line ends; add ``(?i)`` or ``(?s)`` inline) and
    searched in the raw text; every match is removed with the line's reason, listed in
    ``removed`` like any other span.

    Args:
        *paths: The user's pattern files.
        defaults: Also read the toolkit's own file (:data:`DEFAULT_PATTERNS`) first.

    Returns:
        ``(compiled regex, reason)`` pairs, in file order.

    Raises:
        ValueError: a line has no regex, or its regex does not compile (naming file and line).
    """
    patterns = []
    for path in ([DEFAULT_PATTERNS] if defaults else []) + [Path(p) for p in paths]:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                line = line.rstrip("\r\n")
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                reason, _, regex = line.strip().partition(" ")
                regex = regex.strip()
                if not regex:
                    raise ValueError(f"{path}:{number}: expected `reason regex`, got {line!r}")
                try:
                    patterns.append((re.compile(regex, re.MULTILINE), reason))
                except re.error as err:
                    raise ValueError(f"{path}:{number}: bad regular expression {regex!r} ({err})") from err
    return patterns


#: The question of an embedded poll, where the widget prints it unmistakably: followed by its "* option" list on the
#: same line ("Who should ...? * A B C"), or printed twice on one line, or three times on lines of their own (the
#: shapes the shipped ``poll-widget`` patterns remove). Searched in "\n" + text + "\n", once per text, and only in
#: texts that hold a poll's "* option" list after a "?" (the regex alone would double the corpus pass's time).
_POLL_QUESTION = re.compile(r"\n[ \t\u00a0]*+([^\n?*]{10,200}+\?)(?:[ \t]+\*[ \t]|[ \t]+\1[ \t\r]*(?=\n)"
                            r"|[ \t\r]*\n[ \t]*\1[ \t\r]*\n[ \t]*\1[ \t\r]*(?=\n))")


_LINE_EDGE = _EDGE_SPACE + "\r"  # stripped from both ends of a line of a text split at "\\n"


class RepeatedLines(frozenset):
    """The lines :func:`find_repeated_lines` finds (a frozenset of str), plus ``poll_questions``: the questions of the
    embedded polls seen in the corpus (:data:`_POLL_QUESTION`), which :func:`clean_text` removes where a question
    stands alone on a line next to a poll or form line."""

    poll_questions: frozenset = frozenset()


def find_repeated_lines(texts: Iterable[str], *, min_articles: int = REPEATED_MIN_ARTICLES,
                        max_words: int = 10) -> frozenset[str]:
    """Lines that recur verbatim across at least ``min_articles`` distinct articles and are furniture.

    A line counts once per article, and identical articles count once (a reprinted article does
    not make its own lines boilerplate). Only furniture-shaped lines qualify
    (:func:`is_furniture`: at most ``max_words`` words and no sentence end, or link-like): a
    sentence is never removed for recurring, since reprints and agency copy repeat real text.

    The same pass collects the questions of embedded polls where a poll widget prints them in a
    shape no article sentence has (with its "* option" list, or repeated on one line): a widget
    often prints its question a third time alone on a line, which only this corpus evidence
    tells apart from a rhetorical question of the article.

    Returns:
        The lines, stripped of surrounding spaces, as :func:`clean_text` takes them
        (``repeated_lines=``): a :class:`RepeatedLines`, whose ``poll_questions`` attribute holds
        the poll questions seen (stripped likewise).
    """
    counts: Counter[str] = Counter()
    seen_texts: set[int] = set()
    questions: set[str] = set()
    for text in texts:
        key = hash(text)
        if key in seen_texts:
            continue
        seen_texts.add(key)
        # The set holds only the lines that may count, so the Counter adds it in C (no generator between them).
        counts.update(countable_lines(text))
        questions.update(poll_questions_of(text))
    return repeated_from_counts(counts, questions, min_articles=min_articles, max_words=max_words)


# find_repeated_lines in parts, for a pass split between processes (toolkit.corpus.loading counts chunks of a
# corpus in worker processes and adds their counts up): the same lines and questions, text by text.

def countable_lines(text: str) -> set[str]:
    """The lines of ``text`` that :func:`find_repeated_lines` counts: stripped, non-empty, at most 200 characters."""
    return {line for piece in text.split("\n") if (line := piece.strip(_LINE_EDGE)) and len(line) <= 200}


def poll_questions_of(text: str) -> set[str]:
    """The poll questions :func:`find_repeated_lines` collects from ``text`` (stripped)."""
    # Only a text holding a poll's option list ("? * A" or "?" then a "* A" line) is searched (a cheap test)
    # ("*" first: a one-character search runs at memory speed; "? * " alone costs more than the line split.)
    if "*" in text and ("? *" in text or "?\n*" in text or "?\r\n*" in text):
        return {m.group(1).strip(_LINE_EDGE) for m in _POLL_QUESTION.finditer("\n" + text + "\n")}
    return set()


def text_key(text: str) -> bytes:
    """A digest of ``text`` that is the same in every process (``hash()`` of a str is salted per process), to tell
    identical texts apart from different ones across processes (128 bits: a collision is not a practical risk)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def repeated_from_counts(counts: Counter, questions: Iterable[str], *, min_articles: int = REPEATED_MIN_ARTICLES,
                         max_words: int = 10) -> RepeatedLines:
    """:func:`find_repeated_lines`'s answer from its counts (line → distinct texts holding it) and poll questions."""
    found = RepeatedLines(line for line, n in counts.items()
                          if n >= min_articles and is_furniture(line, max_words=max_words))
    found.poll_questions = frozenset(questions)
    return found
