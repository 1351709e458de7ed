use std::path::{Path, PathBuf};

use pith_core::Reject;

use crate::Format;

/// One input file, with the id its document(s) take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub path: PathBuf,
    /// The path relative to the input root, without format and compression extensions
    /// (`a/b` for `root/a/b.html.gz`): the id of a one-document file.
    pub id_base: String,
    /// The format its extension names, if any.
    pub format_hint: Option<Format>,
    /// Size on disk.
    pub size: u64,
}

impl InputFile {
    /// Describes a single file whose ids are relative to `root`.
    pub fn new(path: PathBuf, root: &Path) -> Self {
        let rel = path.strip_prefix(root).unwrap_or(&path);
        let rel = rel.to_string_lossy().replace('\\', "/");
        let (stem, format_hint) = split_extensions(&rel);
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        InputFile {
            id_base: stem.to_string(),
            format_hint,
            size,
            path,
        }
    }

    pub fn display(&self) -> String {
        self.path.display().to_string()
    }
}

/// Strips compression then format extensions: `a/b.html.gz` -> (`a/b`, Some(Html)).
pub(crate) fn split_extensions(name: &str) -> (&str, Option<Format>) {
    let mut stem = name;
    for ext in [".gz", ".zst", ".zstd"] {
        if let Some(s) = strip_suffix_ci(stem, ext) {
            stem = s;
            break;
        }
    }
    let formats: [(&str, Format); 7] = [
        (".html", Format::Html),
        (".htm", Format::Html),
        (".xhtml", Format::Html),
        (".txt", Format::Text),
        (".jsonl", Format::Jsonl),
        (".ndjson", Format::Jsonl),
        (".warc", Format::Warc),
    ];
    for (ext, format) in formats {
        if let Some(s) = strip_suffix_ci(stem, ext) {
            return (s, Some(format));
        }
    }
    (stem, None)
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    let tail = s.get(cut..)?;
    if tail.eq_ignore_ascii_case(suffix) {
        s.get(..cut)
    } else {
        None
    }
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

/// Expands input paths into files, in a stable order.
///
/// A directory is walked recursively and yields the files whose extension names a format
/// (`.html`, `.htm`, `.txt`, `.jsonl`, `.warc`, each optionally `.gz` or `.zst`); hidden files
/// are skipped. A file named directly is always read. A pattern with `*`, `?` or `[` is a glob.
/// A path that matches nothing becomes a reject, not an error, so the rest of the run goes on.
pub fn discover(paths: &[String]) -> (Vec<InputFile>, Vec<Reject>) {
    let mut files = Vec::new();
    let mut rejects = Vec::new();
    for spec in paths {
        if spec.contains(['*', '?', '[']) {
            match glob::glob(spec) {
                Ok(entries) => {
                    let mut found = 0;
                    for entry in entries {
                        match entry {
                            Ok(p) if p.is_file() => {
                                let root = p.parent().map(Path::to_path_buf).unwrap_or_default();
                                files.push(InputFile::new(p, &root));
                                found += 1;
                            }
                            Ok(p) if p.is_dir() => {
                                found += walk_dir(&p, &mut files, &mut rejects);
                            }
                            Ok(_) => {}
                            Err(e) => rejects.push(Reject::new(
                                e.path().display().to_string(),
                                "unreadable_path",
                                e.error().to_string(),
                            )),
                        }
                    }
                    if found == 0 {
                        rejects.push(Reject::new(
                            spec.clone(),
                            "no_match",
                            "the pattern matches no file",
                        ));
                    }
                }
                Err(e) => rejects.push(Reject::new(spec.clone(), "bad_pattern", e.to_string())),
            }
            continue;
        }
        let path = PathBuf::from(spec);
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => {
                if walk_dir(&path, &mut files, &mut rejects) == 0 {
                    rejects.push(Reject::new(
                        spec.clone(),
                        "no_input_files",
                        "the directory holds no .html, .htm, .txt, .jsonl or .warc file",
                    ));
                }
            }
            Ok(_) => {
                let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
                files.push(InputFile::new(path, &root));
            }
            Err(e) => rejects.push(Reject::new(spec.clone(), "not_found", e.to_string())),
        }
    }
    (files, rejects)
}

fn walk_dir(root: &Path, files: &mut Vec<InputFile>, rejects: &mut Vec<Reject>) -> usize {
    let mut found = 0;
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.path()));
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let name = e.file_name().to_string_lossy();
                if split_extensions(&name).1.is_some() {
                    files.push(InputFile::new(e.path().to_path_buf(), root));
                    found += 1;
                }
            }
            Ok(_) => {}
            Err(e) => {
                let where_ = e
                    .path()
                    .map_or_else(|| root.display().to_string(), |p| p.display().to_string());
                rejects.push(Reject::new(where_, "unreadable_path", e.to_string()));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_stripped_for_ids() {
        assert_eq!(split_extensions("a/b.html.gz"), ("a/b", Some(Format::Html)));
        assert_eq!(split_extensions("x.HTM"), ("x", Some(Format::Html)));
        assert_eq!(split_extensions("d.jsonl.zst"), ("d", Some(Format::Jsonl)));
        assert_eq!(split_extensions("w.warc.gz"), ("w", Some(Format::Warc)));
        assert_eq!(split_extensions("notes.md"), ("notes.md", None));
    }

    #[test]
    fn directories_are_walked_in_order_and_ids_are_relative() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
        std::fs::write(dir.path().join("sub/b.html"), "<p>x</p>").expect("write");
        std::fs::write(dir.path().join("a.txt"), "x").expect("write");
        std::fs::write(dir.path().join("README.md"), "x").expect("write");
        std::fs::write(dir.path().join(".hidden.txt"), "x").expect("write");
        let (files, rejects) = discover(&[dir.path().display().to_string()]);
        assert!(rejects.is_empty());
        let ids: Vec<_> = files.iter().map(|f| f.id_base.as_str()).collect();
        assert_eq!(ids, ["a", "sub/b"]);
    }

    #[test]
    fn missing_path_is_a_reject() {
        let (files, rejects) = discover(&["/no/such/path".to_string()]);
        assert!(files.is_empty());
        assert_eq!(rejects[0].reason, "not_found");
    }
}
