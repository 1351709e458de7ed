#![no_main]
//! The clean stage over arbitrary pages and text dumps.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pith_fuzz::clean(data);
});
