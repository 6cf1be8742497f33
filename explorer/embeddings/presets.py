"""Presets and input parsing for the Embedding space page (pure Python).

Typed lines may carry a label before a bar: `river | I sat on the bank.`
Uploaded CSVs need a `text` (or `sentence`) column and may have `label`.

Example:
    >>> parse_labelled("river | I sat on the bank.\\nHello")
    (('I sat on the bank.', 'Hello'), ('river', ''))
"""
from __future__ import annotations

import csv
import io
import re

import numpy as np

WORD_SETS = {
    "royalty": ("king", "queen", "man", "woman", "prince", "princess", "boy", "girl", "uncle", "aunt"),
    "countries and capitals": ("france", "paris", "italy", "rome", "germany", "berlin", "japan",
                               "tokyo", "spain", "madrid", "russia", "moscow"),
    "animals": ("cat", "dog", "puppy", "kitten", "horse", "cow", "lion", "tiger", "eagle",
                "sparrow", "salmon", "shark"),
    "verbs and tenses": ("walk", "walked", "walking", "swim", "swam", "swimming", "run", "ran",
                         "running", "eat", "ate", "eating"),
}
# Colour for the preset words, so the regular offsets (male -> female, country ->
# capital, walk -> walked) show up as parallel shifts between two colours.
WORD_GROUPS = {
    **dict.fromkeys(("king", "man", "prince", "boy", "uncle"), "male"),
    **dict.fromkeys(("queen", "woman", "princess", "girl", "aunt"), "female"),
    **dict.fromkeys(("france", "italy", "germany", "japan", "spain", "russia"), "country"),
    **dict.fromkeys(("paris", "rome", "berlin", "tokyo", "madrid", "moscow"), "capital"),
    **dict.fromkeys(("cat", "dog", "puppy", "kitten"), "pet"),
    **dict.fromkeys(("horse", "cow"), "farm"), **dict.fromkeys(("lion", "tiger"), "wild cat"),
    **dict.fromkeys(("eagle", "sparrow"), "bird"), **dict.fromkeys(("salmon", "shark"), "fish"),
    **dict.fromkeys(("walk", "swim", "run", "eat"), "present"),
    **dict.fromkeys(("walked", "swam", "ran", "ate"), "past"),
    **dict.fromkeys(("walking", "swimming", "running", "eating"), "-ing"),
}
ANALOGIES = {
    "king - man + woman": ("king", "man", "woman"),
    "paris - france + italy": ("paris", "france", "italy"),
    "walked - walk + swim": ("walked", "walk", "swim"),
    "bigger - big + small": ("bigger", "big", "small"),
}
DEFAULT_SENTENCES = "\n".join([
    "animals | The cat curled up on the warm windowsill.",
    "animals | A puppy chased the ball across the garden.",
    "animals | Horses graze in the field at dawn.",
    "animals | The parrot repeated every word it heard.",
    "finance | The bank raised interest rates again.",
    "finance | She moved her savings into an index fund.",
    "finance | Stock prices fell sharply on Monday.",
    "finance | He paid off the mortgage ten years early.",
    "sport | The striker scored twice in the final.",
    "sport | She won the marathon in record time.",
    "sport | The team trained hard before the match.",
    "sport | A late goal decided the championship.",
    "cooking | Simmer the sauce for twenty minutes.",
    "cooking | Knead the dough until it is smooth.",
    "cooking | Roast the vegetables with olive oil.",
    "cooking | Whisk the eggs and sugar together.",
])
DEFAULT_CONTEXT = "\n".join([
    "river | We had a picnic on the bank of the river.",
    "river | The boat drifted toward the muddy bank.",
    "river | Fish hide near the grassy bank of the stream.",
    "money | I opened a savings account at the bank.",
    "money | The bank approved her loan yesterday.",
    "money | He withdrew cash from the bank on Friday.",
])
MAX_LINES = 1_000  # typed or uploaded sentences embedded at once
MAX_UPLOAD_BYTES = 1_000_000
TEXT_COLUMNS = ("text", "sentence")


def parse_words(raw: str, limit: int = 200) -> list[str]:
    """Split typed words on commas, semicolons and whitespace; keep order."""
    return [w for w in re.split(r"[,;\s]+", raw or "") if w][:limit]


def parse_labelled(raw: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """One sentence per non-empty line, optionally `label | sentence`."""
    texts, labels = [], []
    for line in (raw or "").splitlines():
        label, bar, sentence = line.partition("|")
        if not bar:
            label, sentence = "", label
        if sentence.strip():
            texts.append(sentence.strip())
            labels.append(label.strip())
    return tuple(texts), tuple(labels)


def parse_csv(data: bytes) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Sentences (and labels) from an uploaded CSV; ValueError says what to fix."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValueError(f"the file is {len(data) / 1e6:.1f} MB; the limit is "
                         f"{MAX_UPLOAD_BYTES / 1e6:.0f} MB ({MAX_LINES:,} rows)")
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("the file is not UTF-8 text; save it as CSV UTF-8") from None
    if not content.strip():
        raise ValueError("the file is empty: it needs a header row with a 'text' column")
    reader = csv.DictReader(io.StringIO(content))
    columns = {(c or "").strip().lower(): c for c in reader.fieldnames or []}
    text_col = next((columns[c] for c in TEXT_COLUMNS if c in columns), None)
    if text_col is None:
        found = ", ".join(repr(c) for c in columns) or "none"
        raise ValueError(f"no 'text' column (found {found}); name the sentence column 'text' "
                         "and optionally add a 'label' column")
    return _csv_rows(content, text_col, columns.get("label"))


def _csv_rows(content: str, text_col: str,
              label_col: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Non-empty rows of the text column, with labels ('' when absent)."""
    texts, labels = [], []
    for row in csv.DictReader(io.StringIO(content)):
        sentence = (row.get(text_col) or "").strip()
        if sentence:
            texts.append(sentence)
            labels.append((row.get(label_col) or "").strip() if label_col else "")
    if not texts:
        raise ValueError("the 'text' column has no sentences")
    if len(texts) > MAX_LINES:
        raise ValueError(f"{len(texts):,} rows; the limit is {MAX_LINES:,}. Split the file.")
    return tuple(texts), tuple(labels)


def coords_csv(labels: tuple[str, ...], coords: np.ndarray, groups: tuple[str, ...] = ()) -> str:
    """CSV text of labelled coordinates ([point, dims]) for download."""
    out = io.StringIO()
    writer = csv.writer(out)
    axes = ["x", "y", "z"][: coords.shape[1]]
    writer.writerow(["label", "group", *axes])
    for i, label in enumerate(labels):
        group = groups[i] if i < len(groups) else ""
        writer.writerow([label, group, *(f"{v:.6g}" for v in coords[i])])
    return out.getvalue()
