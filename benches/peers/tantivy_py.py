"""The best peer of the performance issue, tantivy through its Python bindings, measured here.

The issue's peer figures come from another machine; this runs the same peer on the machine at
hand, beside Vigie's own benches, so both are read on one machine in one hour. French analysis
as the issue's peers: simple tokenizer, lower case, French stop words, Snowball, ASCII folding.

For each size (the first N articles of the scale corpus): indexing end to end (JSON parse,
analysis, write, commit) with 2 threads, in MB/s of article text (the `text` fields, as Vigie's
indexing bench counts); index size over that text; then the 50 dev queries, p50 of top 100
(no snippets) and of top 10 with a snippet per hit.

    python3 -m venv /tmp/peer && /tmp/peer/bin/pip install tantivy
    /tmp/peer/bin/python benches/peers/tantivy_py.py ../shared [10000,90078]
"""

import gzip
import json
import os
import statistics
import sys
import tempfile
import time

import tantivy

PASSES = 5


def analyzer():
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stopword("french"))
        .filter(tantivy.Filter.stemmer("french"))
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


def schema():
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name="fr")
    builder.add_text_field("text", stored=True, tokenizer_name="fr", index_option="position")
    return builder.build()


def folder_size(path):
    return sum(os.path.getsize(os.path.join(path, name)) for name in os.listdir(path))


def index_articles(lines, folder):
    index = tantivy.Index(schema(), path=folder)
    index.register_tokenizer("fr", analyzer())
    start = time.perf_counter()
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    for line in lines:
        article = json.loads(line)
        writer.add_document(
            tantivy.Document(id=article["id"], title=article["title"], text=article["text"])
        )
    writer.commit()
    writer.wait_merging_threads()
    seconds = time.perf_counter() - start
    index.reload()
    return index, seconds


def timed(run, queries):
    times = []
    for _ in range(PASSES):
        for query in queries:
            start = time.perf_counter()
            run(query)
            times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def main():
    shared = sys.argv[1] if len(sys.argv) > 1 else "../shared"
    sizes = [int(n) for n in (sys.argv[2] if len(sys.argv) > 2 else "10000,90078").split(",")]
    with gzip.open(os.path.join(shared, "scale/codes-en-vigueur.jsonl.gz"), "rt") as file:
        all_lines = file.read().splitlines()
    with open(os.path.join(shared, "eval/security-queries.dev.jsonl")) as file:
        texts = [json.loads(line)["query"] for line in file if line.strip()]
    for size in sizes:
        lines = all_lines[:size]
        text_bytes = sum(len(json.loads(line)["text"].encode()) for line in lines)
        with tempfile.TemporaryDirectory() as folder:
            index, seconds = index_articles(lines, folder)
            size_bytes = folder_size(folder)
            searcher = index.searcher()
            queries = [
                index.parse_query_lenient(text, ["title", "text"])[0] for text in texts
            ]

            def top100(query):
                return searcher.search(query, 100).hits

            def top10_snippets(query):
                generator = tantivy.SnippetGenerator.create(
                    searcher, query, index.schema, "text"
                )
                for _, address in searcher.search(query, 10).hits:
                    generator.snippet_from_doc(searcher.doc(address)).to_html()

            for query in queries:
                top10_snippets(query)
            print(
                f"tantivy-py {size} articles: {text_bytes / 1e6:.1f} MB text in {seconds:.2f} s"
                f" = {text_bytes / 1e6 / seconds:.1f} MB/s | index {size_bytes / 1e6:.1f} MB"
                f" = {size_bytes / text_bytes:.2f} x text | p50 top 100 {timed(top100, queries):.3f}"
                f" ms | p50 top 10 + snippets {timed(top10_snippets, queries):.3f} ms"
            )


if __name__ == "__main__":
    main()
