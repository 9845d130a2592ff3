"""Import throughput: `manage.py import_articles` into a site that already holds the corpus.

    .venv/bin/python bench/import_bench.py [--corpus ../shared/dev-corpus] [--lines N]

Copies the search benchmark's SQLite database (bench/search_bench.py builds it: 12,928
articles, their search index on the embedded default) twice, and imports the same N new lines
(corpus lines under new ids, without keywords) into each copy with the search index kept up to
date as it is by default (SEARCH_AUTO_UPDATE on, the database backend):
- baseline: every save indexes its article, as modelsearch does (the import saves an article
  three times: the page, its revision, the publish);
- ours: the import's batches are indexed once each (search.indexing).
Each import runs in a process of its own. Prints articles per second for both, and checks that
both copies' indexes find the same articles for a few of the imported titles.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def child(mode: str, database: Path, lines: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["SEARCH_AUTO_UPDATE"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ["DEBUG"] = "false"
    import contextlib

    import django

    django.setup()
    from modelsearch.backends import get_search_backend

    from articles import importer
    from articles.models import ArticlePage

    if mode == "baseline":  # indexing on each save, as before search.indexing
        importer.saves_not_indexed = lambda model: contextlib.nullcontext()
        importer._index_batch = lambda page_ids: None
    started = time.perf_counter()
    report = importer.import_file(lines)
    elapsed = time.perf_counter() - started
    created = report.count("created")
    titles = [json.loads(line)["title"] for line in lines.open(encoding="utf-8")][::25]
    backend = get_search_backend()
    found = {t: sorted(p.pk for p in backend.search(t, ArticlePage)[:5]) for t in titles}
    print(json.dumps({"created": created, "seconds": elapsed, "found": found}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "dev-corpus")
    parser.add_argument("--lines", type=int, default=300)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return

    source = REPO / "var" / "bench" / "dev-corpus.sqlite3"
    if not source.exists():  # built (once) by the search benchmark's import
        subprocess.run([sys.executable, str(REPO / "bench" / "search_bench.py"), "--engines",
                        "ours-db", "--queries", "1"], check=True)  # fmt: skip
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        lines = work / "new.jsonl"
        with (args.corpus / "corpus.jsonl").open(encoding="utf-8") as src, lines.open("w") as out:
            for n, line in enumerate(src):
                if n >= args.lines:
                    break
                doc = json.loads(line)
                doc.pop("keywords", None)
                doc["id"] = f"imp-{doc['id']}"
                out.write(json.dumps(doc, ensure_ascii=False) + "\n")
        results = {}
        for mode in ("baseline", "ours"):
            database = work / f"{mode}.sqlite3"
            shutil.copyfile(source, database)
            run = subprocess.run(
                [sys.executable, __file__, "--child", mode, str(database), str(lines)],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            results[mode] = json.loads(run.stdout.strip().splitlines()[-1])
    same = results["baseline"]["found"] == results["ours"]["found"]
    print(f"\nimport of {args.lines} new lines into the search benchmark's site (SQLite, "
          "database search backend, index kept up to date)")  # fmt: skip
    print(f"{'':28}{'articles':>10}{'seconds':>10}{'articles/s':>12}")
    for mode, label in (("baseline", "baseline: index on each save"),
                        ("ours", "ours: index each batch")):  # fmt: skip
        r = results[mode]
        print(f"{label:28}{r['created']:>10}{r['seconds']:>10.1f}"
              f"{r['created'] / r['seconds']:>12.1f}")  # fmt: skip
    print(f"same search results for {len(results['ours']['found'])} sampled titles: {same}")


if __name__ == "__main__":
    main()
