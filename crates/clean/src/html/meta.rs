//! Page metadata from JSON-LD (schema.org), OpenGraph and plain `<meta>` tags.

use serde_json::Value;

use super::strip::HeadInfo;

/// Metadata of a page; every field optional.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct PageMeta {
    pub title: Option<String>,
    pub author: Option<String>,
    pub date: Option<String>,
    pub canonical_url: Option<String>,
    pub site_name: Option<String>,
    pub description: Option<String>,
    pub lang: Option<String>,
    /// schema.org `articleBody`, when the page gives it.
    pub article_body: Option<String>,
}

const ARTICLE_TYPES: &[&str] = &[
    "Article",
    "NewsArticle",
    "BlogPosting",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "ReviewNewsArticle",
    "BackgroundNewsArticle",
    "TechArticle",
    "ScholarlyArticle",
    "Report",
    "LiveBlogPosting",
    "SocialMediaPosting",
    "DiscussionForumPosting",
    "Review",
    "Recipe",
];

fn clean(s: &str) -> Option<String> {
    let t: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then_some(t)
}

fn str_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => clean(s),
        Value::Array(a) => a.iter().find_map(str_of),
        Value::Object(o) => o.get("name").and_then(str_of),
        _ => None,
    }
}

fn authors_of(v: &Value) -> Option<String> {
    match v {
        Value::Array(a) => {
            let names: Vec<String> = a.iter().filter_map(str_of).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        other => str_of(other),
    }
}

fn type_matches(o: &serde_json::Map<String, Value>) -> bool {
    match o.get("@type") {
        Some(Value::String(t)) => ARTICLE_TYPES.contains(&t.as_str()),
        Some(Value::Array(a)) => a
            .iter()
            .any(|t| t.as_str().is_some_and(|t| ARTICLE_TYPES.contains(&t))),
        _ => false,
    }
}

/// The first article-like object in a JSON-LD document (top level, arrays, `@graph`).
fn find_article(v: &Value) -> Option<&serde_json::Map<String, Value>> {
    let mut stack = vec![v];
    let mut seen = 0;
    while let Some(v) = stack.pop() {
        seen += 1;
        if seen > 10_000 {
            break;
        }
        match v {
            Value::Object(o) => {
                if type_matches(o) {
                    return Some(o);
                }
                if let Some(g) = o.get("@graph") {
                    stack.push(g);
                }
                if let Some(m) = o.get("mainEntity") {
                    stack.push(m);
                }
            }
            Value::Array(a) => stack.extend(a.iter().rev()),
            _ => {}
        }
    }
    None
}

/// Trims a ` | Site` or ` - Site` suffix (or prefix) from a `<title>`.
fn trim_site(title: &str, site: Option<&str>) -> String {
    let t = title.trim();
    if let Some(site) = site {
        for sep in [" | ", " - ", " – ", " — ", " :: ", " · "] {
            if let Some(rest) = t.strip_suffix(site).and_then(|r| r.strip_suffix(sep)) {
                return rest.trim().to_string();
            }
            if let Some(rest) = t.strip_prefix(site).and_then(|r| r.strip_prefix(sep)) {
                return rest.trim().to_string();
            }
        }
    }
    for sep in [" | ", " – ", " — ", " - "] {
        if let Some(pos) = t.rfind(sep) {
            let (head, tail) = t.split_at(pos);
            // A short last part is a site name; keep the headline.
            if tail.split_whitespace().count() <= 4 && head.split_whitespace().count() >= 3 {
                return head.trim().to_string();
            }
        }
    }
    t.to_string()
}

/// Builds the page metadata from what the first pass collected; `h1` is the page's first
/// top heading, a last resort for the title.
pub(crate) fn page_meta(head: &HeadInfo, h1: Option<&str>) -> PageMeta {
    let meta = |keys: &[&str]| -> Option<String> {
        keys.iter().find_map(|k| {
            head.metas
                .iter()
                .find(|(name, _)| name == k)
                .and_then(|(_, v)| clean(v))
        })
    };
    let mut ld_title = None;
    let mut ld_author = None;
    let mut ld_date = None;
    let mut ld_url = None;
    let mut ld_site = None;
    let mut ld_desc = None;
    let mut ld_body = None;
    for raw in &head.json_ld {
        let Ok(v) = serde_json::from_str::<Value>(raw.trim()) else {
            continue;
        };
        if let Some(o) = find_article(&v) {
            ld_title = ld_title.or_else(|| o.get("headline").and_then(str_of));
            ld_author = ld_author.or_else(|| o.get("author").and_then(authors_of));
            ld_date = ld_date.or_else(|| {
                o.get("datePublished")
                    .or_else(|| o.get("dateCreated"))
                    .and_then(str_of)
            });
            ld_url = ld_url.or_else(|| o.get("url").and_then(str_of));
            ld_site = ld_site.or_else(|| o.get("publisher").and_then(str_of));
            ld_desc = ld_desc.or_else(|| o.get("description").and_then(str_of));
            ld_body = ld_body.or_else(|| {
                o.get("articleBody")
                    .and_then(Value::as_str)
                    .map(|b| b.trim().to_string())
                    .filter(|b| !b.is_empty())
            });
        }
    }
    let site_name = meta(&["og:site_name", "application-name", "twitter:site"]).or(ld_site);
    let title = meta(&["og:title", "twitter:title"])
        .map(|t| trim_site(&t, site_name.as_deref()))
        .or(ld_title)
        .or_else(|| {
            head.title
                .as_deref()
                .map(|t| trim_site(t, site_name.as_deref()))
                .filter(|t| !t.is_empty())
        })
        .or_else(|| h1.and_then(clean));
    let is_url = |s: &String| s.starts_with("http://") || s.starts_with("https://");
    let author = ld_author.or_else(|| {
        meta(&[
            "author",
            "article:author",
            "dc.creator",
            "byl",
            "parsely-author",
            "sailthru.author",
        ])
        .filter(|a| !is_url(a))
    });
    let date = ld_date.or_else(|| {
        meta(&[
            "article:published_time",
            "datepublished",
            "pubdate",
            "publishdate",
            "date",
            "dc.date",
            "dc.date.issued",
            "sailthru.date",
            "parsely-pub-date",
            "og:updated_time",
        ])
    });
    let canonical_url = head
        .canonical
        .as_deref()
        .and_then(clean)
        .filter(is_url)
        .or_else(|| meta(&["og:url"]).filter(is_url))
        .or(ld_url.filter(is_url));
    let description = meta(&["og:description", "description", "twitter:description"]).or(ld_desc);
    let lang = head
        .lang
        .as_deref()
        .and_then(clean)
        .or_else(|| meta(&["og:locale", "content-language", "language"]));
    PageMeta {
        title,
        author,
        date,
        canonical_url,
        site_name,
        description,
        lang,
        article_body: ld_body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_graph_and_title_trim() {
        let head = HeadInfo {
            title: Some("Bridge vote passes | The Harbour Times".into()),
            lang: Some("en-GB".into()),
            metas: vec![
                ("og:site_name".into(), "The Harbour Times".into()),
                ("description".into(), "Council votes.".into()),
            ],
            canonical: Some("https://example.org/bridge".into()),
            json_ld: vec![r#"{"@graph":[{"@type":"WebSite","name":"x"},
                {"@type":"NewsArticle","author":[{"@type":"Person","name":"Ann Lee"},
                {"name":"Bo Chan"}],"datePublished":"2024-05-01T10:00:00Z"}]}"#
                .into()],
        };
        let m = page_meta(&head, None);
        assert_eq!(m.title.as_deref(), Some("Bridge vote passes"));
        assert_eq!(m.author.as_deref(), Some("Ann Lee, Bo Chan"));
        assert_eq!(m.date.as_deref(), Some("2024-05-01T10:00:00Z"));
        assert_eq!(m.site_name.as_deref(), Some("The Harbour Times"));
        assert_eq!(
            m.canonical_url.as_deref(),
            Some("https://example.org/bridge")
        );
        assert_eq!(m.description.as_deref(), Some("Council votes."));
        assert_eq!(m.lang.as_deref(), Some("en-GB"));
    }

    #[test]
    fn bad_json_ld_is_ignored() {
        let head = HeadInfo {
            json_ld: vec!["{not json".into()],
            ..HeadInfo::default()
        };
        assert_eq!(
            page_meta(&head, Some("Heading")).title.as_deref(),
            Some("Heading")
        );
    }
}
