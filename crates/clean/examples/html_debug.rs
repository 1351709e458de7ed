//! Prints the blocks of one page with their classes and the kept ones marked `K`
//! (`M`: inside the main node): `cargo run --release -p pith-clean --example html_debug -- PAGE`.
//! With `PITH_STRIPPED=1`, prints the page as the first pass leaves it instead.

use std::io::Read;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: html_debug PAGE[.gz]");
    let raw = std::fs::read(&path).expect("readable page");
    let mut s = String::new();
    if path.ends_with(".gz") {
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_string(&mut s)
            .expect("utf-8 gzip");
    } else {
        s = String::from_utf8_lossy(&raw).into_owned();
    }
    if std::env::var_os("PITH_STRIPPED").is_some() {
        print!("{}", pith_clean::html::debug_stripped(&s));
    } else {
        print!("{}", pith_clean::html::debug_blocks(&s));
    }
}
