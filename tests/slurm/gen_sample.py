#!/usr/bin/env python3
"""Writes a deterministic sample for the sharded-run test: news-like documents with exact,
near and partial duplicates spread over several files (one large uncompressed JSONL and one
WARC with a gzip member per record, which a sharded run splits into byte ranges, a gzipped
JSONL, and HTML pages). Invented text only.

usage: gen_sample.py OUT_DIR [DOCS]
"""
import gzip
import json
import os
import sys

WORDS = """harbour council bridge winter market school orchard railway festival library storm
harvest museum ferry garden tower village quarry meadow lantern forest island river mill
mayor budget vote plan road tram station clinic nurse doctor farmer season rain drought
price energy grid solar wind port ship cargo union strike wage rent housing tenant court
judge ruling appeal police report witness fire crew rescue coast tide flood alarm league
match coach player goal season final crowd stadium ticket album singer concert stage film
director award novel author poet gallery painter exhibit science study data survey poll
voter minister treaty border trade tariff export import factory worker shift robot chip""".split()

state = 0x9E3779B97F4A7C15


def rnd(n):
    global state
    state ^= (state << 13) & 0xFFFFFFFFFFFFFFFF
    state ^= state >> 7
    state ^= (state << 17) & 0xFFFFFFFFFFFFFFFF
    return state % n


def sentence():
    n = 8 + rnd(14)
    words = [WORDS[rnd(len(WORDS))] for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph():
    return " ".join(sentence() for _ in range(2 + rnd(3)))


def story():
    return [paragraph() for _ in range(4 + rnd(5))]


def edit(paras):
    out = list(paras)
    i = rnd(len(out))
    words = out[i].split(" ")
    for _ in range(3):
        words[rnd(len(words))] = WORDS[rnd(len(WORDS))]
    out[i] = " ".join(words)
    return out


def main():
    out = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    os.makedirs(os.path.join(out, "pages"), exist_ok=True)
    originals = []
    docs = []
    for k in range(total):
        r = rnd(100)
        if originals and r < 12:
            paras = list(originals[rnd(len(originals))])  # exact copy
        elif originals and r < 24:
            paras = edit(originals[rnd(len(originals))])  # near copy
        elif originals and r < 30:
            paras = originals[rnd(len(originals))][:2]  # teaser
        else:
            paras = story()
            originals.append(paras)
        docs.append({"id": f"doc-{k:05d}", "url": f"https://site{k % 7}.example/{k}",
                     "title": paras[0].split(".")[0], "text": "\n\n".join(paras)})
    warc = open(os.path.join(out, "crawl.warc.gz"), "wb")
    big = open(os.path.join(out, "big.jsonl"), "w")
    small = gzip.open(os.path.join(out, "more.jsonl.gz"), "wt")
    for i, d in enumerate(docs):
        if i % 10 == 9:
            body = "".join(f"<p>{p}</p>\n" for p in d["text"].split("\n\n"))
            html = (f"<html><head><title>{d['title']}</title></head><body><nav>Home | News"
                    f"</nav><article><h1>{d['title']}</h1>\n{body}</article><footer>Contact"
                    f"</footer></body></html>")
            with open(os.path.join(out, "pages", f"{d['id']}.html"), "w") as f:
                f.write(html)
        elif i % 10 == 5:
            body = "".join(f"<p>{p}</p>\n" for p in d["text"].split("\n\n"))
            html = f"<html><head><title>{d['title']}</title></head><body><article>{body}</article></body></html>"
            payload = ("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
                       + html).encode()
            head = ("WARC/1.0\r\nWARC-Type: response\r\n"
                    f"WARC-Record-ID: <urn:uuid:{d['id']}>\r\nWARC-Target-URI: {d['url']}\r\n"
                    "Content-Type: application/http; msgtype=response\r\n"
                    f"Content-Length: {len(payload)}\r\n\r\n").encode()
            warc.write(gzip.compress(head + payload + b"\r\n\r\n", mtime=0))
        elif i % 4 == 3:
            small.write(json.dumps(d) + "\n")
        else:
            big.write(json.dumps(d) + "\n")
    big.close()
    warc.close()
    small.close()


if __name__ == "__main__":
    main()
