#!/usr/bin/env python3
"""Checks that a sharded run's parts hold exactly the documents of a single-machine run
(same ids, same text and dedupe decisions), and that every document is accounted for.

usage: compare.py SINGLE.jsonl PART_GLOB
"""
import glob
import json
import sys


def load(paths):
    docs = {}
    for p in paths:
        with open(p) as f:
            for line in f:
                d = json.loads(line)
                if d["id"] in docs:
                    sys.exit(f"duplicate id {d['id']} in {p}")
                docs[d["id"]] = (d["text"], json.dumps(d.get("dedupe"), sort_keys=True),
                                 json.dumps(d.get("sentences"), sort_keys=True))
    return docs


def main():
    single = load([sys.argv[1]])
    parts = sorted(glob.glob(sys.argv[2]))
    if not parts:
        sys.exit(f"no parts match {sys.argv[2]}")
    sharded = load(parts)
    missing = sorted(set(single) - set(sharded))
    extra = sorted(set(sharded) - set(single))
    differ = sorted(k for k in set(single) & set(sharded) if single[k] != sharded[k])
    print(f"single run: {len(single)} documents; {len(parts)} parts: {len(sharded)} documents")
    if missing or extra or differ:
        print(f"missing from the parts: {len(missing)} {missing[:5]}")
        print(f"only in the parts: {len(extra)} {extra[:5]}")
        print(f"different text, decision or sentences: {len(differ)} {differ[:5]}")
        sys.exit(1)
    print("identical kept set, texts, dedupe decisions and sentences")


if __name__ == "__main__":
    main()
