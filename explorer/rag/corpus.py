"""Documents to search: Python's own reference topics, or the user's .txt / .md files.

The built-in corpus is `pydoc_data.topics` (the text `help("assert")` shows),
which ships with every Python, so nothing is copied into this repository.
Each document is split into sections at its headings; chunking happens later.

Example:
    >>> sections = python_topics("basics")
    >>> sections[0].heading, sections[0].source
    ('The "assert" statement', 'assert')
    >>> parse_upload("notes.md", b"# Intro\\nHello")[0].heading
    'Intro'
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Built-in corpora: a few short topics (default: builds in seconds on a CPU),
# every statement, or the whole reference (minutes of MiniLM on a small CPU).
BASICS = ("assert", "pass", "break", "continue", "del", "return", "yield", "global", "nonlocal",
          "if", "while", "for", "truth", "booleans", "power", "bltin-ellipsis-object",
          "bltin-null-object", "context-managers", "lambda")
STATEMENTS = ("assert", "assignment", "augassign", "pass", "del", "return", "yield", "raise",
              "break", "continue", "import", "global", "nonlocal", "if", "while", "for", "try",
              "with", "function", "class", "async", "lambda")
CORPORA = {"basics": BASICS, "statements": STATEMENTS, "reference": None}
UPLOAD_TYPES = (".txt", ".md", ".markdown")
MAX_FILES = 5
MAX_FILE_BYTES = 200_000  # per file; about 30,000 words, a minute of MiniLM on one CPU thread
MAX_TOTAL_BYTES = 500_000
UNDERLINE = re.compile(r"^([*=\-~^])\1{2,}\s*$")  # reST heading underline: *****, =====, -----
MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")


class CorpusError(ValueError):
    """A file that cannot be searched; the message names the file and what to do."""


class EmptyFile(CorpusError):
    """The file has no text."""


class FileTooLarge(CorpusError):
    """The file (or all files together) is above the size cap."""


class NotText(CorpusError):
    """The file is binary or not UTF-8 text."""


class UnsupportedType(CorpusError):
    """The file name does not end in .txt, .md or .markdown."""


class TooManyFiles(CorpusError):
    """More files than MAX_FILES were given; the first MAX_FILES are used."""


@dataclass(frozen=True)
class Section:
    """One heading's text: where it came from, its heading path and its body."""

    source: str  # topic key ("assert") or file name
    heading: str  # 'The "try" statement › "except" clause'
    text: str  # body under the heading, without the heading lines


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")


def _sections(source: str, parts: list[tuple[list[str], list[str]]]) -> list[Section]:
    """Sections from (heading path, body lines) pairs; bodies with no words are dropped."""
    out = []
    for path, lines in parts:
        body = _clean("\n".join(lines))
        if body.strip():
            out.append(Section(source, " › ".join(path) or source, body))
    return out


def split_rst(source: str, text: str) -> list[Section]:
    """Split text at reST-style headings (a line underlined with *, =, -, ~ or ^)."""
    lines = _clean(text).split("\n")
    levels: list[str] = []  # underline characters in order of first use = heading depth
    path: list[str] = []
    parts: list[tuple[list[str], list[str]]] = [([], [])]
    i = 0
    while i < len(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        mark = UNDERLINE.match(nxt)
        if lines[i].strip() and mark and len(nxt.rstrip()) >= len(lines[i].rstrip()):
            char = mark.group(1)
            if char not in levels:
                levels.append(char)
            depth = levels.index(char)
            path = path[:depth] + [lines[i].strip()]
            parts.append((list(path), []))
            i += 2
            continue
        parts[-1][1].append(lines[i])
        i += 1
    return _sections(source, parts)


def split_markdown(source: str, text: str) -> list[Section]:
    """Split Markdown at ATX headings (# to ######), ignoring '#' lines inside code fences."""
    path: list[str] = []
    parts: list[tuple[list[str], list[str]]] = [([], [])]
    fenced = False
    for line in _clean(text).split("\n"):
        if FENCE.match(line):
            fenced = not fenced
        match = None if fenced else MD_HEADING.match(line)
        if match:
            depth = len(match.group(1)) - 1
            path = (path + [""] * depth)[:depth] + [match.group(2)]
            parts.append(([p for p in path if p], []))
        else:
            parts[-1][1].append(line)
    return _sections(source, parts)


def python_topics(name: str) -> tuple[Section, ...]:
    """Sections of a built-in corpus: "basics", "statements" or "reference" (every topic)."""
    if name not in CORPORA:
        raise ValueError(f"corpus must be one of {tuple(CORPORA)}, got {name!r}")
    from pydoc_data.topics import topics  # stdlib; imported here so a missing copy is a clear error

    # Shortest topics first, so a section that an aggregate topic repeats ("compound"
    # holds if, while, for, try...) keeps the heading of its own topic.
    keys = CORPORA[name] or tuple(sorted(topics, key=lambda k: (len(topics[k]), k)))
    seen: set[str] = set()
    out: list[Section] = []
    for key in keys:
        for section in split_rst(key, topics.get(key, "")):
            if section.text not in seen:  # "if" and "else" share one text, "compound" repeats many
                seen.add(section.text)
                out.append(section)
    return tuple(out)


def decode_text(name: str, data: bytes) -> str:
    """Upload bytes as text, or a named CorpusError saying what is wrong with it."""
    if not name.lower().endswith(UPLOAD_TYPES):
        raise UnsupportedType(f"{name}: only {', '.join(UPLOAD_TYPES)} files can be searched")
    if len(data) > MAX_FILE_BYTES:
        raise FileTooLarge(f"{name}: {len(data):,} bytes is above the {MAX_FILE_BYTES:,}-byte "
                           "limit per file; split it or keep the part you need")
    if b"\x00" in data:
        raise NotText(f"{name}: looks binary (it contains NUL bytes); upload plain text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise NotText(f"{name}: is not UTF-8 text (bad byte at {err.start}); "
                      "save it as UTF-8 and upload again") from None
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f")
    if controls > max(8, len(text) // 100):
        raise NotText(f"{name}: {controls:,} control characters; this is not a text document")
    if not text.strip():
        raise EmptyFile(f"{name}: the file is empty; nothing to search")
    return text


def parse_upload(name: str, data: bytes) -> tuple[Section, ...]:
    """Sections of one uploaded file (Markdown headings for .md, reST underlines for .txt)."""
    text = decode_text(name, data)
    split = split_markdown if name.lower().endswith((".md", ".markdown")) else split_rst
    sections = split(name, text)
    if not sections:
        raise EmptyFile(f"{name}: has headings but no text under them")
    return tuple(sections)


def parse_uploads(files: list[tuple[str, bytes]], given: int | None = None
                  ) -> tuple[tuple[Section, ...], tuple[CorpusError, ...]]:
    """Sections of every usable file, and one named error per file that was refused.

    given: how many files the user gave, when the caller passes only the first
    MAX_FILES of them (so the rest are never read); defaults to len(files).
    """
    errors: list[CorpusError] = []
    given = len(files) if given is None else max(given, len(files))
    if given > MAX_FILES:
        errors.append(TooManyFiles(f"{given} files: only the first {MAX_FILES} are used"))
        files = files[:MAX_FILES]
    sections: list[Section] = []
    total = 0
    for name, data in files:
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            errors.append(FileTooLarge(f"{name}: the files together pass {MAX_TOTAL_BYTES:,} "
                                       "bytes; this one was left out"))
            continue
        try:
            sections += parse_upload(name, data)
        except CorpusError as err:
            errors.append(err)
    return tuple(sections), tuple(errors)
