"""Generate a mixed folder of documents (.txt/.md/.docx/.pdf) from the corpus, for batch screening.

    python bench/make_corpus_folder.py [--out bench/out] [--documents 200] [--seed 7]

Writes OUT/mixed/ (the documents, a few of them broken on purpose) and OUT/txt/ (the same
statements as plain .txt, one file per readable document) so that bench_batch.py can compare the
two in one run. Statements come from data/test.jsonl and data/dev.jsonl, several per document;
.docx files get a header, a footer and sometimes a table, .pdf files are wrapped into pages.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the document builders the tests use

import docbuild  # noqa: E402

FORMATS = (".txt", ".md", ".docx", ".pdf")


def statements() -> list[str]:
    """Every statement text of the test and dev splits."""
    out = []
    for name in ("test.jsonl", "dev.jsonl"):
        with open(ROOT / "data" / name, encoding="utf-8") as fh:
            out.extend(json.loads(line)["text"] for line in fh if line.strip())
    return out


def _pdf_pages(paragraphs: list[str], width: int = 90, lines_per_page: int = 48) -> list[list[str]]:
    lines: list[str] = []
    for p in paragraphs:
        lines.extend(textwrap.wrap(p, width) + [""])
    return [lines[i:i + lines_per_page] for i in range(0, len(lines), lines_per_page)] or [[]]


def write_document(path: Path, title: str, paragraphs: list[str], rng: random.Random) -> None:
    """One document of `paragraphs` in the format of `path`'s suffix."""
    if path.suffix == ".txt":
        path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    elif path.suffix == ".md":
        path.write_text(f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    elif path.suffix == ".docx":
        table = ()
        body, after = paragraphs, []
        if len(paragraphs) > 3 and rng.random() < 0.5:  # some submissions put points in a table
            body, rows, after = paragraphs[:1], paragraphs[1:3], paragraphs[3:]
            table = [["Point", "Statement"]] + [[str(i), r] for i, r in enumerate(rows, 1)]
        path.write_bytes(docbuild.docx_bytes(
            [title, *body], table=table, after_table=after, header="Written contribution",
            footer="Constructive Dialogue, Vienna"))
    else:
        path.write_bytes(docbuild.pdf_bytes(_pdf_pages([title, *paragraphs])))


BROKEN = {
    "broken-corrupt.docx": lambda: docbuild.corrupt_docx_bytes(),
    "broken-zip-bomb.docx": lambda: docbuild.zip_bomb_docx(),
    "broken-encrypted.pdf": lambda: docbuild.encrypted_pdf_bytes([["A confidential draft."]]),
    "broken-scanned.pdf": lambda: docbuild.pdf_bytes([["scan"]], text_layer=False),
    "broken-empty.txt": lambda: b"",
    "broken-binary.md": lambda: bytes(range(256)) * 8,
}


def make(out: Path, documents: int = 200, seed: int = 7) -> tuple[Path, Path]:
    """(mixed folder, txt folder) with `documents` files in the mixed one, broken ones included."""
    rng = random.Random(seed)
    texts = statements()
    rng.shuffle(texts)
    mixed, plain = out / "mixed", out / "txt"
    for folder in (mixed, plain):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    pos = 0
    good = documents - len(BROKEN)
    for n in range(good):
        k = rng.randint(3, 6)
        paragraphs = [texts[(pos + i) % len(texts)] for i in range(k)]
        pos += k
        suffix = FORMATS[n % len(FORMATS)]
        sub = mixed / f"session-{n % 5 + 1}"
        sub.mkdir(exist_ok=True)
        title = f"Statement {n + 1:03d}"
        write_document(sub / f"statement-{n + 1:03d}{suffix}", title, paragraphs, rng)
        (plain / f"statement-{n + 1:03d}.txt").write_text(
            title + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    for name, build in BROKEN.items():
        (mixed / name).write_bytes(build())
    return mixed, plain


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "bench" / "out"))
    ap.add_argument("--documents", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    mixed, plain = make(Path(args.out), args.documents, args.seed)
    counts = {s: len(list(mixed.rglob(f"*{s}"))) for s in (*FORMATS,)}
    print(f"wrote {sum(counts.values())} documents to {mixed} ({counts}, "
          f"{len(BROKEN)} of them broken) and {len(list(plain.iterdir()))} .txt to {plain}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
