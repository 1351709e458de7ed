#![no_main]
//! gzip framing (multi-member, resync) over arbitrary bytes after the gzip magic; the
//! payload is read as JSONL.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pith_fuzz::read_bytes(b"\x1f\x8b", data, Some(pith_read::Format::Jsonl));
});
