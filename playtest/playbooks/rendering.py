"""Markdown to sanitised HTML for playbook text; nh3 always has the last word."""

from __future__ import annotations

import bisect
import html
import itertools
import re
import threading

import markdown
import nh3
from markdown.blockprocessors import HRProcessor

# Everything a playbook needs for prompts and notes, and nothing that can run code or restyle
# the page: no style, no on* handlers, no images (a playbook must not phone home).
BLOCK_TAGS = frozenset(
    {
        "p",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "a",
        "code",
        "pre",
        "blockquote",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "br",
        "hr",
    }
)
INLINE_TAGS = frozenset({"strong", "em", "a", "code", "br"})
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"
# See markdown_work: about two seconds of rendering, far above any real playbook.
MAX_MARKDOWN_WORK = 2_000_000

# Python-Markdown's fenced_code pattern, so callers agree with the renderer on what is code.
FENCED_BLOCK_RE = re.compile(
    r"""
    (?P<fence>^(?:~{3,}|`{3,}))[ ]*
    ((\{(?P<attrs>[^\n]*)\})|
    (\.?(?P<lang>[\w#.+-]*)[ ]*)?
    (hl_lines=(?P<quot>"|')(?P<hl_lines>.*?)(?P=quot)[ ]*)?)
    \n
    (?P<code>.*?)(?<=\n)
    (?P=fence)[ ]*$
    """,
    re.MULTILINE | re.DOTALL | re.VERBOSE,
)
_QUOTE_PREFIX_RE = re.compile(r"(?:[ ]{0,3}>[ ]?)*")
_RULE_RE = re.compile(HRProcessor.RE)
# Characters Python-Markdown acts on inline (or strips); text without them is already plain.
_MARKUP_RE = re.compile(r"[\\`*_\[\]<>&\x02\x03]")
_INLINE_MARKUP_RE = re.compile(r"[\\`*_<&]")
_BRACKET_RE = re.compile(r"\]\(|[\[\]()]")
# Relative costs for markdown_work, measured on a 2-core box.
_COPIES_PER_STEP = 250  # characters copied in the time of one link-search step
_STEPS_PER_MARKUP = 50  # an inline match at one of "\\`*_<&"
_STEPS_PER_LINK = 250  # a link, reference or image, made and then sanitised
_STEPS_PER_BLOCK = 120  # a block, its inline pass and its serialising
_BLOCK_MOVES_PER_STEP = 1000

_BLOCK_EXTENSIONS = ["fenced_code", "tables", "attr_list", "sane_lists"]
# No attr_list inline: a title such as "Budget {draft}" keeps its braces.
_INLINE_EXTENSIONS: list[str] = []
_WHITESPACE_RE = re.compile(r"\s+")

_local = threading.local()


def _markdown(kind: str) -> markdown.Markdown:
    """This thread's "block" or "inline" converter (reusable, but not thread-safe)."""
    md = getattr(_local, kind, None)
    if md is None:
        extensions = _BLOCK_EXTENSIONS if kind == "block" else _INLINE_EXTENSIONS
        md = markdown.Markdown(extensions=extensions, output_format="html")
        # The parser never treats "Text" + "---" as a heading, so neither does the renderer:
        # that pair renders as a paragraph and a rule, as its author most likely meant.
        md.parser.blockprocessors.deregister("setextheader")
        setattr(_local, kind, md)
    md.reset()
    return md


def fenced_code_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines that Python-Markdown's fenced_code extension takes as code."""
    expanded = [line.expandtabs(4) for line in lines]
    starts = list(itertools.accumulate((len(line) + 1 for line in expanded), initial=0))
    inside: set[int] = set()
    for match in FENCED_BLOCK_RE.finditer("\n".join(expanded)):
        first = bisect.bisect_right(starts, match.start()) - 1
        last = bisect.bisect_right(starts, match.end()) - 1
        inside.update(range(first, last + 1))
    return inside


def _breaks_block(line: str) -> bool:
    """A heading or rule, possibly quoted: Python-Markdown splits its block there."""
    rest = line[len(_QUOTE_PREFIX_RE.match(line).group()) :]
    return rest.startswith("#") or bool(_RULE_RE.match(rest))


def _prepare(text: str) -> str:
    """Space out headings and rules so Python-Markdown renders runs of them quickly.

    Python-Markdown peels headings and rules off a block one at a time, re-scanning the rest
    of the block after each, so long runs of them without blank lines take quadratic time (a
    256 KiB playbook of "---" lines took minutes): blank lines around them (an empty ">"
    inside quotes) keep blocks short. The one visible change: a heading or rule right under a
    table no longer becomes a row of it.
    """
    lines = text.split("\n")
    code = fenced_code_lines(lines)
    spaced: list[str] = []
    for index, line in enumerate(lines):
        expanded = line.expandtabs(4)
        if index not in code and _breaks_block(expanded):
            gap = _QUOTE_PREFIX_RE.match(expanded).group().rstrip()
            spaced += [gap, line, gap]
        else:
            spaced.append(line)
    return "\n".join(spaced)


def markdown_work(lines: list[str]) -> tuple[int, int | None]:
    """Estimated cost of rendering `lines`, and the index where its costliest paragraph starts.

    Python-Markdown is slow in places (measured on a 2-core box): each "[" and each "(" after
    "]" starts a character-by-character search for its partner, about a microsecond per
    character; each inline match costs some microseconds and rebuilds its paragraph's text;
    each block costs a few hundred microseconds, and taking one off the front of the list of
    blocks costs in proportion to how many are left.
    256 KiB of "[x](" took hours. The units are search steps; MAX_MARKDOWN_WORK of them take
    about two seconds.
    """
    code = fenced_code_lines(lines)
    total, costliest, costliest_start = 0, 0, None
    blocks = start = 0
    for index in range(len(lines) + 1):
        if index < len(lines) and lines[index].strip() and index not in code:
            blocks += _breaks_block(lines[index].expandtabs(4))
            continue
        if index > start:
            blocks += 1
            block = "\n".join(lines[start:index])
            links = block.count("[")
            markup = len(_INLINE_MARKUP_RE.findall(block))
            work = (
                _search_steps(block)
                + links * _STEPS_PER_LINK
                + markup * _STEPS_PER_MARKUP
                + (links + markup) * len(block) // _COPIES_PER_STEP
            )
            total += work
            if work > costliest:
                costliest, costliest_start = work, start
        start = index + 1
    # fenced_code looks for each code block from the top of the text again.
    fences = len(FENCED_BLOCK_RE.findall("\n".join(lines)))
    total += fences * sum(len(line) + 1 for line in lines) // _COPIES_PER_STEP
    total += blocks * _STEPS_PER_BLOCK + blocks * blocks // _BLOCK_MOVES_PER_STEP
    return total, costliest_start


def _search_steps(block: str) -> int:
    """Characters Python-Markdown's link search walks in one paragraph, roughly."""
    steps = 0
    squares: list[int] = []
    rounds: list[int] = []
    for match in _BRACKET_RE.finditer(block):
        token, at = match.group(), match.start()
        if token == "[":
            squares.append(at)
        elif token.startswith("]") and squares:
            steps += at - squares.pop()
            if token == "](":
                rounds.append(at)
        elif token == "(" and rounds:
            rounds.append(at)
        elif token == ")" and rounds:
            steps += at - rounds.pop()
    return steps + sum(len(block) - at for at in squares + rounds)


def _sanitise(fragment: str, tags: frozenset[str]) -> str:
    return nh3.clean(
        fragment,
        tags=set(tags),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items() if tag in tags},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def _inline_html(text: str) -> str:
    """Unsanitised HTML for one line of inline markdown, wrapped in an <h6>."""
    line = _WHITESPACE_RE.sub(" ", text).strip()
    # A heading's text only gets inline markup, so "1. Intro" or "- x" stay literal; the
    # closing hashes keep a trailing "#" (as in "C#") from being eaten as heading syntax.
    return _markdown("inline").convert(f"###### {line} ######")


def render_markdown(text: str) -> str:
    """Render block markdown (prompts, notes, intro) to sanitised HTML."""
    if not text.strip():
        return ""
    try:
        converted = _markdown("block").convert(_prepare(text))
    except RecursionError:
        # Python-Markdown recurses per nesting level; hundreds of nested list markers
        # exhaust the stack. Show such text as it was typed rather than fail the import.
        _local.block = None
        converted = f"<pre>{html.escape(text)}</pre>"
    return _sanitise(converted, BLOCK_TAGS).strip()


def render_inline(text: str) -> str:
    """Render one line of inline markdown (emphasis, code, links) to sanitised HTML."""
    return _sanitise(_inline_html(text), INLINE_TAGS).strip()


def plain_text(markdown_inline: str) -> str:
    """Strip inline markdown and HTML from one line of text, leaving plain characters."""
    if not _MARKUP_RE.search(markdown_inline):
        return _WHITESPACE_RE.sub(" ", markdown_inline).strip()
    stripped = nh3.clean(_inline_html(markdown_inline), tags=set(), strip_comments=True)
    return _WHITESPACE_RE.sub(" ", html.unescape(stripped)).strip()
