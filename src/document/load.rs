//! Finding and decoding inputs: files, folders (recursive, sorted), JSON/JSONL records and stdin.
//!
//! [`articles`] streams: a folder is walked one entry at a time and a JSONL file is read one line at
//! a time, so memory holds one article (plus the folder listing being walked), never the batch.
//! Every failure is one [`LoadError`] item naming the input; the stream then goes on.

use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::clean::{
    clean_line, clean_paragraphs, html_title, html_to_text, normalize, strip_lead_dateline,
};
use super::sentences::split_sentences;
use super::Document;
use crate::Error;

/// File extensions picked up when walking a folder (compared case-insensitively).
pub const EXTENSIONS: &[&str] = &["txt", "md", "html", "htm", "json", "jsonl"];

/// One input that could not be loaded, with the `id` and `path` an error record needs.
#[derive(Debug)]
pub struct LoadError {
    /// Best available identifier: the record's `id`, else `<stem>-<line>`, else the file stem.
    pub id: String,
    /// The input as found (`<stdin>`, `file.jsonl:LINE`, `file.json#N`).
    pub path: String,
    /// What went wrong, as an [`Error::Input`] naming `path`.
    pub error: Error,
}

impl LoadError {
    fn new(id: String, path: &str, message: impl Into<String>) -> Self {
        let error = Error::Input {
            input: path.to_string(),
            message: message.into(),
        };
        LoadError {
            id,
            path: path.to_string(),
            error,
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}

impl From<LoadError> for Error {
    fn from(e: LoadError) -> Self {
        e.error
    }
}

/// Identifier for an input path: its file stem (`stdin` for `-` or `<stdin>`), so callers can name
/// error records for inputs that never became documents.
pub fn input_id(path: &str) -> String {
    if path == "-" || path == "<stdin>" {
        return "stdin".to_string();
    }
    Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| path.to_string())
}

/// Streams the articles in `inputs` (files, folders, `-` for stdin), in order, one item per article
/// or per failure.
pub fn articles(inputs: &[String]) -> Articles {
    let stack = inputs
        .iter()
        .rev()
        .map(|s| Pending::Input(s.clone()))
        .collect();
    Articles {
        stack,
        visited: HashSet::new(),
        files: 0,
    }
}

/// Iterator returned by [`articles`]; holds only the work still pending, not loaded articles.
pub struct Articles {
    stack: Vec<Pending>,
    visited: HashSet<PathBuf>,
    files: usize,
}

enum Pending {
    Input(String),
    File(PathBuf, String),
    Dir(PathBuf, String),
    DirEnd(String, usize),
    Lines(JsonLines),
    Records(std::vec::IntoIter<Value>, usize, String),
    Failed(LoadError),
}

impl Iterator for Articles {
    type Item = Result<Document, LoadError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.stack.pop()? {
                Pending::Input(s) if s == "-" => match stdin() {
                    Opened::Doc(item) => return Some(item),
                    Opened::Stream(next) => self.stack.push(next),
                },
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
                    let msg = format!(
                        "folder has no article files (looked for .{})",
                        EXTENSIONS.join(", .")
                    );
                    return Some(Err(LoadError::new(input_id(&shown), &shown, msg)));
                }
                Pending::DirEnd(..) => {}
                Pending::File(path, shown) => {
                    self.files += 1;
                    match open(&path, &shown) {
                        Opened::Doc(item) => return Some(item),
                        Opened::Stream(next) => self.stack.push(next),
                    }
                }
                Pending::Lines(mut lines) => {
                    if let Some(item) = lines.next() {
                        self.stack.push(Pending::Lines(lines));
                        return Some(item);
                    }
                }
                Pending::Records(mut items, index, shown) => {
                    if let Some(value) = items.next() {
                        let path = format!("{shown}#{}", index + 1);
                        let fallback = format!("{}-{}", input_id(&shown), index + 1);
                        self.stack.push(Pending::Records(items, index + 1, shown));
                        return Some(record(value, fallback, &path));
                    }
                }
                Pending::Failed(e) => return Some(Err(e)),
            }
        }
    }
}

impl Articles {
    /// Pushes a folder's entries (sorted; hidden files and other extensions skipped), first on top.
    fn walk(&mut self, dir: &Path, shown: &str) {
        let key = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if !self.visited.insert(key) {
            return; // a symlink loop, or the same folder given twice
        }
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => return self.stack.push(Pending::Failed(io_error(shown, &e))),
        };
        let mut found = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) if !entry.file_name().to_string_lossy().starts_with('.') => {
                    found.push(entry.path())
                }
                Ok(_) => {}
                Err(e) => self.stack.push(Pending::Failed(io_error(shown, &e))),
            }
        }
        found.sort();
        for path in found.into_iter().rev() {
            let shown = path.display().to_string();
            match fs::metadata(&path) {
                Ok(meta) if meta.is_dir() => self.stack.push(Pending::Dir(path, shown)),
                Ok(_) if has_article_extension(&path) => {
                    self.stack.push(Pending::File(path, shown))
                }
                Ok(_) => {}
                Err(e) => self.stack.push(Pending::Failed(io_error(&shown, &e))),
            }
        }
    }
}

fn has_article_extension(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

fn io_error(shown: &str, e: &std::io::Error) -> LoadError {
    let message = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder; check the path".to_string(),
        std::io::ErrorKind::PermissionDenied => {
            "permission denied; check the file's permissions".to_string()
        }
        _ => format!("cannot read: {e}"),
    };
    LoadError::new(input_id(shown), shown, message)
}

/// What opening an input gives: one finished item, or a stream of records to pull from.
enum Opened {
    Doc(Result<Document, LoadError>),
    Stream(Pending),
}

/// Opens one file by extension; unknown extensions given explicitly are read as text.
fn open(path: &Path, shown: &str) -> Opened {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let id = input_id(shown);
    if ext == "jsonl" {
        return match fs::File::open(path) {
            Ok(file) => Opened::Stream(Pending::Lines(JsonLines::new(
                Box::new(BufReader::new(file)),
                shown,
            ))),
            Err(e) => Opened::Doc(Err(io_error(shown, &e))),
        };
    }
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => return Opened::Doc(Err(io_error(shown, &e))),
    };
    let text = match decode(&bytes) {
        Ok(text) => text,
        Err(message) => return Opened::Doc(Err(LoadError::new(id, shown, message))),
    };
    let doc = match ext.as_str() {
        "json" => return json(text, shown),
        "html" | "htm" => build(
            &id,
            shown,
            html_title(text),
            clean_paragraphs(&html_to_text(text)),
        ),
        _ => document_from_text(&id, shown, text),
    };
    Opened::Doc(doc.map_err(|error| LoadError {
        id,
        path: shown.to_string(),
        error,
    }))
}

/// Reads stdin: JSON (an object or array), JSONL records, or else one text article `stdin`.
fn stdin() -> Opened {
    let mut bytes = Vec::new();
    match std::io::stdin().lock().read_to_end(&mut bytes) {
        Ok(_) => from_stdin_bytes(bytes),
        Err(e) => Opened::Doc(Err(io_error("<stdin>", &e))),
    }
}

fn from_stdin_bytes(bytes: Vec<u8>) -> Opened {
    let shown = "<stdin>";
    let text = match decode(&bytes) {
        Ok(text) => text,
        Err(message) => return Opened::Doc(Err(LoadError::new("stdin".into(), shown, message))),
    };
    let trimmed = text.trim_start();
    if trimmed.starts_with(['[', '{']) && serde_json::from_str::<Value>(text).is_ok() {
        return json(text, shown);
    }
    let first = trimmed.lines().next().unwrap_or("");
    if serde_json::from_str::<Value>(first).is_ok_and(|v| v.is_object()) {
        return Opened::Stream(Pending::Lines(JsonLines::new(
            Box::new(Cursor::new(bytes)),
            shown,
        )));
    }
    Opened::Doc(
        document_from_text("stdin", shown, text).map_err(|error| LoadError {
            id: "stdin".into(),
            path: shown.into(),
            error,
        }),
    )
}

/// Decodes file bytes as UTF-8 text, rejecting empty, binary and non-UTF-8 input with a message
/// that says what to do. A leading byte-order mark is dropped.
fn decode(bytes: &[u8]) -> Result<&str, String> {
    if bytes.is_empty() {
        return Err("file is empty; expected article text".into());
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err("is UTF-16 text; convert it to UTF-8 (e.g. `iconv -f UTF-16 -t UTF-8`)".into());
    }
    let head = &bytes[..bytes.len().min(8192)];
    let control = head
        .iter()
        .filter(|&&b| (b < 0x20 && !b"\t\n\r\x0c".contains(&b)) || b == 0x7f)
        .count();
    if bytes.contains(&0) || control * 10 > head.len() {
        return Err(
            "looks like a binary file, not text; pass .txt, .md, .html, .json or .jsonl articles"
                .into(),
        );
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!("not valid UTF-8 (byte offset {}); re-save it as UTF-8 (e.g. `iconv -f WINDOWS-1252 -t UTF-8`)", e.valid_up_to())
    })?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err("contains only whitespace; expected article text".into());
    }
    Ok(text)
}

/// A `.json` input: one record object, or an array of them (paths `file.json#N`, from 1).
fn json(text: &str, shown: &str) -> Opened {
    let fail = |m: String| Opened::Doc(Err(LoadError::new(input_id(shown), shown, m)));
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) if items.is_empty() => fail("JSON array has no records".into()),
        Ok(Value::Array(items)) => Opened::Stream(Pending::Records(items.into_iter(), 0, shown.to_string())),
        Ok(value) => Opened::Doc(record(value, input_id(shown), shown)),
        Err(e) => fail(format!("malformed JSON: {e}; expected an object {{\"id\", \"title\", \"text\"}} or an array of them")),
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
        JsonLines {
            reader,
            shown: shown.to_string(),
            line: 0,
            offset: 0,
            items: 0,
            done: false,
        }
    }

    fn fail(
        &mut self,
        id: String,
        path: &str,
        message: String,
    ) -> Option<Result<Document, LoadError>> {
        self.items += 1;
        Some(Err(LoadError::new(id, path, message)))
    }
}

impl Iterator for JsonLines {
    type Item = Result<Document, LoadError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut buf = Vec::new();
        while !self.done {
            buf.clear();
            let read = match self.reader.read_until(b'\n', &mut buf) {
                Ok(n) => n,
                Err(e) => {
                    self.done = true;
                    let shown = self.shown.clone();
                    return self.fail(
                        input_id(&shown),
                        &shown,
                        format!("read failed after line {}: {e}", self.line),
                    );
                }
            };
            if read == 0 {
                self.done = true;
                if self.items == 0 {
                    let shown = self.shown.clone();
                    return self.fail(
                        input_id(&shown),
                        &shown,
                        "file is empty; expected one JSON object per line".into(),
                    );
                }
                break;
            }
            self.line += 1;
            let (line, offset) = (self.line, self.offset);
            self.offset += read;
            let path = format!("{}:{line}", self.shown);
            let fallback = format!("{}-{line}", input_id(&self.shown));
            if buf.contains(&0) {
                self.done = true;
                return self.fail(
                    fallback,
                    &path,
                    "looks like a binary file, not JSON lines".into(),
                );
            }
            let text = match std::str::from_utf8(&buf) {
                Ok(text) => text,
                Err(e) => {
                    return self.fail(
                        fallback,
                        &path,
                        format!("not valid UTF-8 (byte offset {})", offset + e.valid_up_to()),
                    )
                }
            };
            if text.trim().is_empty() {
                continue;
            }
            self.items += 1;
            return Some(match serde_json::from_str::<Value>(text) {
                Ok(value) => record(value, fallback, &path),
                Err(e) => Err(LoadError::new(fallback, &path, format!("malformed JSON: {e}; each line must be one object like {{\"id\": \"a1\", \"text\": \"...\"}}"))),
            });
        }
        None
    }
}

/// Turns one JSON record into a document. `text` may also be called `body` or `content`.
fn record(value: Value, fallback_id: String, path: &str) -> Result<Document, LoadError> {
    let Value::Object(map) = value else {
        return Err(LoadError::new(
            fallback_id,
            path,
            "expected a JSON object with \"id\" and \"text\" fields",
        ));
    };
    let id = match map.get("id") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => fallback_id,
    };
    let title = map
        .get("title")
        .and_then(Value::as_str)
        .map(|t| normalize(t).replace('\n', " "));
    let Some(text) = ["text", "body", "content"]
        .iter()
        .find_map(|k| map.get(*k).and_then(Value::as_str))
    else {
        return Err(LoadError::new(
            id,
            path,
            "record has no \"text\" string (also accepted: \"body\", \"content\")",
        ));
    };
    if text.trim().is_empty() {
        return Err(LoadError::new(id, path, "record's text is empty"));
    }
    build(
        &id,
        path,
        title.filter(|t| !t.is_empty()),
        clean_paragraphs(text),
    )
    .map_err(|error| LoadError {
        id,
        path: path.to_string(),
        error,
    })
}

/// Builds a document from raw text: the first non-clutter line is the title when it reads like a
/// headline (short, no final full stop) and text follows; the rest is cleaned and split.
pub fn document_from_text(id: &str, path: &str, raw: &str) -> Result<Document, Error> {
    let normalized = normalize(raw);
    let mut offset = 0;
    for line in normalized.split('\n') {
        offset += line.len() + 1;
        let Some(first) = clean_line(line) else {
            continue;
        };
        let rest = normalized.get(offset.min(normalized.len())..).unwrap_or("");
        let body = clean_paragraphs(rest);
        let continues = body
            .first()
            .is_some_and(|p| p.starts_with(char::is_lowercase));
        if looks_like_title(first) && !body.is_empty() && !continues {
            return build(id, path, Some(first.to_string()), body);
        }
        break;
    }
    build(id, path, None, clean_paragraphs(&normalized))
}

fn looks_like_title(line: &str) -> bool {
    let words = line.split_whitespace().count();
    line.chars().count() <= 150
        && words <= 25
        && !line.ends_with(['.', ',', ';', ':'])
        && super::sentences::bullet_len(line) == 0
}

/// Assembles a document from cleaned paragraphs: drops a repeat of the title, strips the dateline,
/// splits sentences; fails when no text is left.
fn build(
    id: &str,
    path: &str,
    title: Option<String>,
    mut paragraphs: Vec<String>,
) -> Result<Document, Error> {
    if let (Some(t), Some(first)) = (&title, paragraphs.first()) {
        if first.trim().eq_ignore_ascii_case(t.trim()) {
            paragraphs.remove(0);
        }
    }
    strip_lead_dateline(&mut paragraphs);
    let text = paragraphs.join("\n\n");
    let sentences = split_sentences(&text);
    if sentences.is_empty() {
        let message = "no article text left after cleaning (only a title or page clutter such as menus, share buttons, copyright lines)";
        return Err(Error::Input {
            input: path.to_string(),
            message: message.into(),
        });
    }
    Ok(Document {
        id: id.to_string(),
        path: path.to_string(),
        title,
        text,
        sentences,
    })
}
