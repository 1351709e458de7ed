#![no_main]
//! zstd framing over arbitrary bytes after the zstd magic; the payload is read as JSONL.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pith_fuzz::read_bytes(b"\x28\xb5\x2f\xfd", data, Some(pith_read::Format::Jsonl));
});
