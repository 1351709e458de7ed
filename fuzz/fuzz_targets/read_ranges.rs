#![no_main]
//! The byte-range readers of sharded runs (JSONL, WARC, gzipped WARC) over arbitrary bytes.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pith_fuzz::read_ranges(data);
});
