#![no_main]
//! The html reader over arbitrary bytes.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pith_fuzz::read_bytes(b"", data, Some(pith_read::Format::Html));
});
