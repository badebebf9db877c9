//! Finding and decoding inputs: files, folders (recursive, sorted), JSON/JSONL records and stdin.
//!
//! [`articles`] streams: a folder is listed one level at a time and a JSONL file is read one line
//! at a time, so memory holds one article (plus folder listings), never the batch. Every failure is
//! one [`LoadError`] item naming the input, and the stream goes on.

use std::collections::HashSet;
use std::fs;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::clean::{clean_line, clean_paragraphs, html_title, html_to_text, normalize, strip_lead_dateline};
use super::sentences::{bullet_len, split_sentences};
use super::{input_id, Document, LoadError};
use crate::Error;

/// File extensions picked up when walking a folder (compared case-insensitively).
pub const EXTENSIONS: &[&str] = &["txt", "md", "html", "htm", "json", "jsonl"];

/// Annotation files of a labelled folder (see `eval::dataset`): skipped when walking a folder, so
/// `stance classify` on a labelled corpus reads only its articles. Named explicitly, they are read.
pub const ANNOTATION_FILES: &[&str] = &["labels.jsonl", "summaries.jsonl"];

type Loaded = Result<Document, LoadError>;

/// Streams the articles in `inputs` (files, folders, `-` for stdin) in order: one item per article
/// or per failure. Explicitly named files are read whatever their extension.
pub fn articles(inputs: &[String]) -> Articles {
    let stack = inputs.iter().rev().map(|s| Pending::Input(s.clone())).collect();
    Articles { stack, visited: HashSet::new(), files: 0 }
}

/// Iterator returned by [`articles`]; holds only the work still pending, never loaded articles.
pub struct Articles {
    stack: Vec<Pending>,
    visited: HashSet<PathBuf>,
    files: usize,
}

/// Work still to do, on a stack whose top is next.
enum Pending {
    Input(String),
    File(PathBuf, String),
    Dir(PathBuf, String),
    /// End of a folder named on the command line; the count of files seen before it began.
    DirEnd(String, usize),
    Lines(JsonLines),
    /// Records of a JSON array: the rest, the index of the next (from 0), the file as shown.
    Records(std::vec::IntoIter<Value>, usize, String),
    Ready(Loaded),
}

impl Iterator for Articles {
    type Item = Loaded;

    fn next(&mut self) -> Option<Loaded> {
        loop {
            match self.stack.pop()? {
                Pending::Input(s) if s == "-" => self.stack.push(stdin()),
                Pending::Input(s) => match fs::metadata(&s) {
                    Ok(meta) if meta.is_dir() => {
                        self.stack.push(Pending::DirEnd(s.clone(), self.files));
                        self.stack.push(Pending::Dir(PathBuf::from(&s), s));
                    }
                    Ok(_) => self.stack.push(Pending::File(PathBuf::from(&s), s)),
                    Err(e) => return Some(Err(io_error(&s, &e))),
                },
                Pending::Dir(path, shown) => self.walk(&path, &shown),
                Pending::DirEnd(shown, before) if self.files == before => {
                    let msg = format!("folder has no article files (looked for .{})", EXTENSIONS.join(", ."));
                    return Some(Err(LoadError::new(input_id(&shown), &shown, msg)));
                }
                Pending::DirEnd(..) => {}
                Pending::File(path, shown) => {
                    self.files += 1;
                    self.stack.push(open(&path, &shown));
                }
                Pending::Lines(mut lines) => {
                    if let Some(item) = lines.next() {
                        self.stack.push(Pending::Lines(lines));
                        return Some(item);
                    }
                }
                Pending::Records(mut items, index, shown) => {
                    if let Some(value) = items.next() {
                        let (path, id) =
                            (format!("{shown}#{}", index + 1), format!("{}-{}", input_id(&shown), index + 1));
                        self.stack.push(Pending::Records(items, index + 1, shown));
                        return Some(record(value, id, &path));
                    }
                }
                Pending::Ready(item) => return Some(item),
            }
        }
    }
}

impl Articles {
    /// Pushes a folder's entries, sorted by path, first on top; hidden entries and files with other
    /// extensions are skipped, and each folder is walked once (symlink loops end).
    fn walk(&mut self, dir: &Path, shown: &str) {
        if !self.visited.insert(fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())) {
            return;
        }
        let mut found = Vec::new();
        match fs::read_dir(dir) {
            Ok(entries) => {
                for entry in entries {
                    match entry {
                        Ok(e) if !e.file_name().to_string_lossy().starts_with('.') => found.push(e.path()),
                        Ok(_) => {}
                        Err(e) => self.stack.push(Pending::Ready(Err(io_error(shown, &e)))),
                    }
                }
            }
            Err(e) => self.stack.push(Pending::Ready(Err(io_error(shown, &e)))),
        }
        found.sort();
        for path in found.into_iter().rev() {
            let shown = path.display().to_string();
            let annotation = path.file_name().is_some_and(|n| ANNOTATION_FILES.iter().any(|a| n == *a));
            let article =
                !annotation && path.extension().is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)));
            match fs::metadata(&path) {
                Ok(meta) if meta.is_dir() => self.stack.push(Pending::Dir(path, shown)),
                Ok(_) if article => self.stack.push(Pending::File(path, shown)),
                Ok(_) => {}
                Err(e) => self.stack.push(Pending::Ready(Err(io_error(&shown, &e)))),
            }
        }
    }
}

fn io_error(shown: &str, e: &std::io::Error) -> LoadError {
    let message = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder; check the path".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied; check the file's permissions".into(),
        _ => format!("cannot read: {e}"),
    };
    LoadError::new(input_id(shown), shown, message)
}

/// Opens one file by extension: `.jsonl` streams, `.json` records, HTML, or text.
fn open(path: &Path, shown: &str) -> Pending {
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let id = input_id(shown);
    if ext == "jsonl" {
        return match fs::File::open(path) {
            Ok(file) => Pending::Lines(JsonLines::new(Box::new(BufReader::new(file)), shown)),
            Err(e) => Pending::Ready(Err(io_error(shown, &e))),
        };
    }
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => return Pending::Ready(Err(io_error(shown, &e))),
    };
    let text = match decode(&bytes) {
        Ok(text) => text,
        Err(message) => return Pending::Ready(Err(LoadError::new(id, shown, message))),
    };
    Pending::Ready(match ext.as_str() {
        "json" => return json(text, shown),
        "html" | "htm" => build(id, shown, html_title(text), clean_paragraphs(&html_to_text(text))),
        _ => text_document(id, shown, text),
    })
}

/// Reads stdin: JSON (an object or array), JSONL records, or else one text article `stdin`.
fn stdin() -> Pending {
    let mut bytes = Vec::new();
    match std::io::stdin().lock().read_to_end(&mut bytes) {
        Ok(_) => from_stdin_bytes(bytes),
        Err(e) => Pending::Ready(Err(io_error("<stdin>", &e))),
    }
}

fn from_stdin_bytes(bytes: Vec<u8>) -> Pending {
    let shown = "<stdin>";
    let text = match decode(&bytes) {
        Ok(text) => text,
        Err(message) => return Pending::Ready(Err(LoadError::new("stdin".into(), shown, message))),
    };
    let trimmed = text.trim_start();
    if trimmed.starts_with(['[', '{']) && serde_json::from_str::<Value>(text).is_ok() {
        return json(text, shown);
    }
    let first = trimmed.lines().next().unwrap_or("");
    if serde_json::from_str::<Value>(first).is_ok_and(|v| v.is_object()) {
        return Pending::Lines(JsonLines::new(Box::new(Cursor::new(bytes)), shown));
    }
    Pending::Ready(text_document("stdin".into(), shown, text))
}

/// Decodes bytes as UTF-8 text (a leading byte-order mark dropped), rejecting empty, binary and
/// non-UTF-8 input with a message that says what to do.
fn decode(bytes: &[u8]) -> Result<&str, String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err("is UTF-16 text; convert it to UTF-8 (e.g. `iconv -f UTF-16 -t UTF-8`)".into());
    }
    let head = &bytes[..bytes.len().min(8192)];
    let control = head.iter().filter(|&&b| (b < 0x20 && !b"\t\n\r\x0c".contains(&b)) || b == 0x7f).count();
    if bytes.contains(&0) || control * 10 > head.len() {
        return Err("looks like a binary file, not text; pass .txt, .md, .html, .json or .jsonl articles".into());
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        format!("not valid UTF-8 (byte offset {at}); re-save it as UTF-8 (e.g. `iconv -f WINDOWS-1252 -t UTF-8`)")
    })?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    match text.trim().is_empty() {
        true if bytes.is_empty() => Err("is empty; expected article text".into()),
        true => Err("contains only whitespace; expected article text".into()),
        false => Ok(text),
    }
}

/// A `.json` input: one record object, or an array of them (paths `file.json#N`, from 1).
fn json(text: &str, shown: &str) -> Pending {
    let fail = |m: String| Pending::Ready(Err(LoadError::new(input_id(shown), shown, m)));
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) if items.is_empty() => fail("JSON array has no records".into()),
        Ok(Value::Array(items)) => Pending::Records(items.into_iter(), 0, shown.to_string()),
        Ok(value) => Pending::Ready(record(value, input_id(shown), shown)),
        Err(e) => {
            fail(format!("malformed JSON: {e}; expected an object {{\"id\", \"title\", \"text\"}} or an array of them"))
        }
    }
}

/// A JSONL stream read one line at a time; blank lines skipped, bad lines reported and passed over.
struct JsonLines {
    reader: Box<dyn BufRead>,
    shown: String,
    line: usize,
    offset: usize,
    items: usize,
    done: bool,
}

impl JsonLines {
    fn new(reader: Box<dyn BufRead>, shown: &str) -> Self {
        JsonLines { reader, shown: shown.to_string(), line: 0, offset: 0, items: 0, done: false }
    }

    /// The next record or error; `None` at the end (after one error if there were no records).
    fn step(&mut self) -> Option<Loaded> {
        let mut buf = Vec::new();
        while !self.done {
            buf.clear();
            let shown = self.shown.as_str();
            let read = match self.reader.read_until(b'\n', &mut buf) {
                Ok(0) if self.items == 0 => 0,
                Ok(0) => return None,
                Ok(n) => n,
                Err(e) => {
                    self.done = true;
                    let msg = format!("read failed after line {}: {e}", self.line);
                    return Some(Err(LoadError::new(input_id(shown), shown, msg)));
                }
            };
            if read == 0 {
                self.done = true;
                let msg = "has no records; expected one JSON object per line";
                return Some(Err(LoadError::new(input_id(shown), shown, msg)));
            }
            self.line += 1;
            let (path, id) = (format!("{shown}:{}", self.line), format!("{}-{}", input_id(shown), self.line));
            let offset = self.offset;
            self.offset += read;
            if buf.contains(&0) {
                self.done = true;
                return Some(Err(LoadError::new(id, &path, "looks like a binary file, not JSON lines")));
            }
            let text = match std::str::from_utf8(&buf) {
                Ok(text) if text.trim().is_empty() => continue,
                Ok(text) => text,
                Err(e) => {
                    let msg = format!("not valid UTF-8 (byte offset {})", offset + e.valid_up_to());
                    return Some(Err(LoadError::new(id, &path, msg)));
                }
            };
            return Some(match serde_json::from_str::<Value>(text) {
                Ok(value) => record(value, id, &path),
                Err(e) => Err(LoadError::new(
                    id,
                    &path,
                    format!(
                        "malformed JSON: {e}; each line must be one object like {{\"id\": \"a1\", \"text\": \"...\"}}"
                    ),
                )),
            });
        }
        None
    }
}

impl Iterator for JsonLines {
    type Item = Loaded;

    fn next(&mut self) -> Option<Loaded> {
        let item = self.step();
        self.items += usize::from(item.is_some());
        item
    }
}

/// Turns one JSON record into a document. `text` may also be called `body` or `content`; a
/// missing `id` falls back to `fallback_id`.
fn record(value: Value, fallback_id: String, path: &str) -> Loaded {
    let Value::Object(map) = value else {
        return Err(LoadError::new(fallback_id, path, "expected a JSON object with \"id\" and \"text\""));
    };
    let id = match map.get("id") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => fallback_id,
    };
    let title = map.get("title").and_then(Value::as_str).map(|t| normalize(t).replace('\n', " "));
    let text = ["text", "body", "content"].iter().find_map(|k| map.get(*k).and_then(Value::as_str));
    match text {
        None => Err(LoadError::new(id, path, "record has no \"text\" string (also accepted: \"body\", \"content\")")),
        Some(t) if t.trim().is_empty() => Err(LoadError::new(id, path, "record's text is empty")),
        Some(t) => build(id, path, title.filter(|t| !t.is_empty()), clean_paragraphs(t)),
    }
}

/// Builds a document from raw text: the first line left after clutter removal is the title when it
/// reads like a headline (short, no final full stop, text follows); the rest is cleaned and split.
pub fn document_from_text(id: &str, path: &str, raw: &str) -> Result<Document, Error> {
    text_document(id.to_string(), path, raw).map_err(Error::from)
}

fn text_document(id: String, path: &str, raw: &str) -> Loaded {
    let normalized = normalize(raw);
    let mut offset = 0;
    for line in normalized.split('\n') {
        offset += line.len() + 1;
        let Some(first) = clean_line(line) else {
            continue;
        };
        let body = clean_paragraphs(normalized.get(offset..).unwrap_or(""));
        let continues = body.first().is_some_and(|p| p.starts_with(char::is_lowercase));
        let headline = first.chars().count() <= 150
            && first.split_whitespace().count() <= 25
            && !first.ends_with(['.', ',', ';', ':'])
            && bullet_len(first) == 0;
        if headline && !body.is_empty() && !continues {
            return build(id, path, Some(first.to_string()), body);
        }
        break;
    }
    build(id, path, None, clean_paragraphs(&normalized))
}

/// Assembles a document from cleaned paragraphs: drops a repeat of the title, strips the dateline,
/// splits sentences; fails when no text is left.
fn build(id: String, path: &str, title: Option<String>, mut paragraphs: Vec<String>) -> Loaded {
    if let (Some(t), Some(first)) = (&title, paragraphs.first()) {
        if first.eq_ignore_ascii_case(t) {
            paragraphs.remove(0);
        }
    }
    strip_lead_dateline(&mut paragraphs);
    let text = paragraphs.join("\n\n");
    let sentences = split_sentences(&text);
    if sentences.is_empty() {
        let msg = "no article text left after cleaning (only a title, or page clutter such as menus, share buttons and copyright lines)";
        return Err(LoadError::new(id, path, msg));
    }
    Ok(Document { id, path: path.to_string(), title, text, sentences })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn outcome(item: Loaded) -> String {
        match item {
            Ok(d) => format!("ok {} {} {:?} {}", d.id, d.path, d.title, d.sentences.len()),
            Err(e) => format!("err {} {} {}", e.id, e.path, e),
        }
    }

    #[test]
    fn folder_walk_formats_and_errors() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path();
        let write = |name: &str, bytes: &[u8]| {
            let path = root.join(name);
            fs::create_dir_all(path.parent().unwrap_or(root))
                .and_then(|_| fs::write(path, bytes))
                .unwrap_or_else(|e| panic!("{e}"));
        };
        write("a.txt", b"Border Reopens\n\nTrucks crossed at dawn. Traders cheered.");
        write("b/c.md", b"# Talks stall\n\nKABUL: Envoys left Doha without a deal.");
        write("b/.hidden.txt", b"Skipped.");
        write("b/notes.pdf", b"%PDF skipped");
        write(
            "d.html",
            b"<html><title>T | Site</title><body><h1>Aid arrives</h1><p>Convoys reached Kunar.</p></body></html>",
        );
        write("e.jsonl", b"{\"id\":\"r1\",\"title\":\"One\",\"text\":\"First record.\"}\n{broken\n\n{\"body\":\"No id here.\"}\n[1]\n");
        write("f.json", b"[{\"id\":7,\"content\":\"Array item.\"},{\"text\":\"\"}]");
        write("g.txt", b" \n\t\n");
        write("h.txt", b"text\0with NUL");
        write("i.txt", b"caf\xe9 au lait");
        write("j.txt", b"Advertisement\n\nShare this article\n");
        let inputs = [root.display().to_string(), "missing.txt".into(), root.join("a.txt").display().to_string()];
        let got: Vec<String> = articles(&inputs).map(outcome).collect();
        let p = |name: &str| root.join(name).display().to_string();
        let want = [
            format!("ok a {} Some(\"Border Reopens\") 2", p("a.txt")),
            format!("ok c {} Some(\"Talks stall\") 1", p("b/c.md")),
            format!("ok d {} Some(\"Aid arrives\") 1", p("d.html")),
            format!("ok r1 {}:1 Some(\"One\") 1", p("e.jsonl")),
            format!("err e-2 {0}:2 {0}:2: malformed JSON: key must be a string at line 1 column 2; each line must be one object like {{\"id\": \"a1\", \"text\": \"...\"}}", p("e.jsonl")),
            format!("ok e-4 {}:4 None 1", p("e.jsonl")),
            format!("err e-5 {0}:5 {0}:5: expected a JSON object with \"id\" and \"text\"", p("e.jsonl")),
            format!("ok 7 {}#1 None 1", p("f.json")),
            format!("err f-2 {0}#2 {0}#2: record's text is empty", p("f.json")),
            format!("err g {0} {0}: contains only whitespace; expected article text", p("g.txt")),
            format!("err h {0} {0}: looks like a binary file, not text; pass .txt, .md, .html, .json or .jsonl articles", p("h.txt")),
            format!("err i {0} {0}: not valid UTF-8 (byte offset 3); re-save it as UTF-8 (e.g. `iconv -f WINDOWS-1252 -t UTF-8`)", p("i.txt")),
            format!("err j {0} {0}: no article text left after cleaning (only a title, or page clutter such as menus, share buttons and copyright lines)", p("j.txt")),
            "err missing missing.txt missing.txt: no such file or folder; check the path".to_string(),
            format!("ok a {} Some(\"Border Reopens\") 2", p("a.txt")),
        ];
        assert_eq!(got, want);
        let empty = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let shown = empty.path().display().to_string();
        let got: Vec<String> = articles(&[shown]).map(outcome).collect();
        assert!(got.len() == 1 && got[0].contains("folder has no article files"), "{got:?}");
    }

    #[test]
    fn streams_lazily() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let (jsonl, late) = (dir.path().join("s.jsonl"), dir.path().join("late.txt"));
        fs::write(&jsonl, "{\"id\":\"1\",\"text\":\"One.\"}\n").unwrap_or_else(|e| panic!("{e}"));
        let inputs = [jsonl.display().to_string(), late.display().to_string()];
        let mut items = articles(&inputs);
        assert!(items.next().is_some_and(|d| d.is_ok()));
        let mut file = fs::OpenOptions::new().append(true).open(&jsonl).unwrap_or_else(|e| panic!("{e}"));
        file.write_all(b"{\"id\":\"2\",\"text\":\"Two.\"}\n").unwrap_or_else(|e| panic!("{e}"));
        fs::write(&late, "Written after the stream began.").unwrap_or_else(|e| panic!("{e}"));
        let rest: Vec<String> = items.map(|i| i.map(|d| d.id).unwrap_or_else(|e| e.to_string())).collect();
        assert_eq!(rest, ["2", "late"]);
    }

    #[test]
    fn stdin_kinds() {
        let run = |bytes: &[u8]| {
            let mut a = Articles { stack: vec![from_stdin_bytes(bytes.to_vec())], visited: HashSet::new(), files: 0 };
            std::iter::from_fn(|| a.next()).map(outcome).collect::<Vec<_>>()
        };
        assert_eq!(run(b"Plain text piped in. It has two sentences."), ["ok stdin <stdin> None 2"]);
        assert_eq!(run(b"{\"id\":\"x\",\"text\":\"A.\"}\nnot json\n"), ["ok x <stdin>:1 None 1", "err stdin-2 <stdin>:2 <stdin>:2: malformed JSON: expected ident at line 1 column 2; each line must be one object like {\"id\": \"a1\", \"text\": \"...\"}"]);
        assert_eq!(run(b"[{\"text\":\"B.\"}]"), ["ok stdin-1 <stdin>#1 None 1"]);
        assert_eq!(run(b""), ["err stdin <stdin> <stdin>: is empty; expected article text"]);
        assert_eq!(
            run(b"\xff\xfeA\0"),
            ["err stdin <stdin> <stdin>: is UTF-16 text; convert it to UTF-8 (e.g. `iconv -f UTF-16 -t UTF-8`)"]
        );
    }

    #[test]
    fn titles_and_bodies() {
        let doc = document_from_text("a", "a.txt", "Connect with us\n\nTalks Resume in Doha\nBy Staff Reporter\nOctober 14, 2025\n\nDOHA: Delegations met on Monday.\n\nRead more: Other news\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(doc.title.as_deref(), Some("Talks Resume in Doha"));
        assert_eq!(doc.text, "Delegations met on Monday.");
        let doc = document_from_text("b", "b.txt", "The first line is a sentence.\nThe second too.")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((doc.title, doc.sentences.len()), (None, 2));
        let doc = document_from_text("c", "c.txt", "Only a headline").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((doc.title, doc.text.as_str()), (None, "Only a headline"));
        assert!(document_from_text("d", "d.txt", "© 2025 Example").is_err());
        assert_eq!(input_id("dir/x.y.jsonl"), "x.y");
        assert_eq!(input_id("-"), "stdin");
    }
}
