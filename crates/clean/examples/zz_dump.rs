// Temporary: dumps line features and explanations of every dump given, for refactor checks.
use pith_clean::text;
fn main() {
    for path in std::env::args().skip(1) {
        let d = std::fs::read_to_string(&path).unwrap();
        for (no, t, x) in text::line_features(&d) {
            println!("{path}\t{no}\t{t}\t{x:?}");
        }
        for dec in text::explain(&d) {
            println!("{path}\t{dec:?}");
        }
    }
}
