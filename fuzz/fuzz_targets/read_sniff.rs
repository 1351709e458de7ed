#![no_main]
//! Compression and format detection from content, then whichever reader it picks.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pith_fuzz::read_bytes(b"", data, None);
});
