//! Bytes to UTF-8: BOM, then the HTTP `Content-Type` charset, then `<meta charset>`, then
//! detection (chardetng, the detector Firefox uses). Invalid sequences become U+FFFD.

use encoding_rs::{Encoding, UTF_8};

/// Decodes `bytes`, returning the text and the name of the encoding used.
pub fn decode(bytes: &[u8], content_type: Option<&str>, is_html: bool) -> (String, &'static str) {
    let encoding = choose(bytes, content_type, is_html);
    // decode() strips a BOM that matches, and sniffs one that overrides the label.
    let (text, used, _had_errors) = encoding.decode(bytes);
    (text.into_owned(), used.name())
}

fn choose(bytes: &[u8], content_type: Option<&str>, is_html: bool) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return enc;
    }
    if let Some(enc) = content_type.and_then(charset_param).and_then(label) {
        return enc;
    }
    if is_html {
        if let Some(enc) = meta_charset(bytes) {
            return enc;
        }
    }
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(&bytes[..bytes.len().min(64 << 10)], bytes.len() <= 64 << 10);
    detector.guess(None, true)
}

fn label(name: &str) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(name.trim().trim_matches(['"', '\'']).as_bytes())?;
    // A page that declares UTF-16 but reached us as bytes of an ASCII-compatible stream is
    // mislabelled in practice (the HTML standard says the same); read it as UTF-8.
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        return Some(UTF_8);
    }
    Some(enc.output_encoding())
}

/// The `charset=` parameter of a `Content-Type` value.
fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case("charset").then_some(v)
    })
}

/// Looks for `<meta charset=...>` or `<meta http-equiv content="...charset=...">` in the first
/// 4 KiB, a simplified form of the HTML standard's prescan.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(pos) = rest.find("<meta") {
        rest = rest.get(pos + 5..)?;
        let tag_end = rest.find('>').unwrap_or(rest.len());
        let tag = rest.get(..tag_end)?;
        if let Some(cpos) = tag.find("charset") {
            let after = tag.get(cpos + 7..)?.trim_start();
            if let Some(value) = after.strip_prefix('=') {
                let value = value.trim_start().trim_start_matches(['"', '\'']);
                let end = value
                    .find(|c: char| {
                        c == '"' || c == '\'' || c == ';' || c == '/' || c.is_whitespace()
                    })
                    .unwrap_or(value.len());
                if let Some(enc) = value.get(..end).and_then(label) {
                    return Some(enc);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_wins() {
        let (t, e) = decode(b"\xEF\xBB\xBFhi", Some("text/html; charset=latin1"), true);
        assert_eq!((t.as_str(), e), ("hi", "UTF-8"));
    }

    #[test]
    fn content_type_then_meta() {
        let (t, e) = decode(b"caf\xE9", Some("text/html; charset=ISO-8859-1"), true);
        assert_eq!((t.as_str(), e), ("caf\u{e9}", "windows-1252"));
        let html = b"<html><head><meta charset=\"windows-1251\"></head>\xcf\xf0\xe8";
        let (t, e) = decode(html, None, true);
        assert!(t.ends_with("\u{41f}\u{440}\u{438}"));
        assert_eq!(e, "windows-1251");
        let html = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\">";
        assert_eq!(decode(html, None, true).1, "KOI8-R");
    }

    #[test]
    fn invalid_utf8_is_replaced_not_fatal() {
        let (t, _) = decode(
            b"ok \xff\xfe\xfa done",
            Some("text/plain; charset=utf-8"),
            false,
        );
        assert!(t.starts_with("ok ") && t.ends_with(" done"));
        assert!(t.contains('\u{FFFD}'));
    }

    #[test]
    fn undeclared_legacy_text_is_detected() {
        let bytes = "Größe und Übermaß, schöne Grüße aus Köln".as_bytes();
        let latin1: Vec<u8> = encoding_rs::WINDOWS_1252
            .encode(std::str::from_utf8(bytes).expect("utf8"))
            .0
            .into_owned();
        let (t, e) = decode(&latin1, None, false);
        assert_eq!(e, "windows-1252");
        assert!(t.contains("Grüße"));
    }
}
