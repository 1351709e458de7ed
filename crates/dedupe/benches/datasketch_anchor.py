#!/usr/bin/env python3
"""The datasketch anchor for the dedupe benchmark: MinHashLSH at threshold 0.8, 128
permutations, word 5-gram shingles of the lower-cased text, streaming (query, then insert the
document when it matched nothing). Writes {id, cluster, keep} lines and prints one JSON line
with the document count and the CPU seconds spent on hashing and LSH (reading excluded).

usage: datasketch_anchor.py IN.jsonl PRED.jsonl
"""
import json
import sys
import time

from datasketch import MinHash, MinHashLSH


def shingles(text, n=5):
    words = text.lower().split()
    if len(words) < n:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i:i + n]).encode("utf-8") for i in range(len(words) - n + 1)}


def main():
    src, out = sys.argv[1], sys.argv[2]
    docs = []
    with open(src, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                docs.append((str(r["id"]), r.get("text", "")))
    start = time.process_time()
    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    cluster = {}
    rows = []
    for i, (doc_id, text) in enumerate(docs):
        m = MinHash(num_perm=128)
        m.update_batch(list(shingles(text)))
        hits = lsh.query(m)
        if hits:
            first = min(hits, key=lambda k: int(k))
            rows.append((doc_id, cluster[first], False))
        else:
            key = str(i)
            lsh.insert(key, m)
            cluster[key] = doc_id
            rows.append((doc_id, doc_id, True))
    cpu = time.process_time() - start
    with open(out, "w", encoding="utf-8") as fh:
        for doc_id, c, keep in rows:
            fh.write(json.dumps({"id": doc_id, "cluster": c, "keep": keep}) + "\n")
    print(json.dumps({"docs": len(docs), "cpu_seconds": cpu}))


if __name__ == "__main__":
    main()
