//! Finding and decoding inputs: files, folders (recursive, sorted), JSON/JSONL records and stdin.
//!
//! [`articles`] streams: a folder is listed one level at a time and a JSONL file (or JSONL on
//! stdin) is read one line at a time, so memory holds one article (plus folder listings), never the
//! batch. Only regular files are read (a FIFO or device would block or never end), and no article
//! may exceed [`LoadLimits::max_article_bytes`]. Every failure is one [`LoadError`] item naming the
//! input, and the stream goes on; even a panic while cleaning one article becomes its error.

use std::collections::HashSet;
use std::fs;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::clean::{clean_line, clean_paragraphs, continues_sentence, html_title, html_to_text, normalize, words};
use super::dateline::{after_date_stamp, strip_lead_dateline, PROSE_WORDS};
use super::sentences::{bullet_len, split_sentences_within, DEFAULT_MAX_SENTENCE_CHARS};
use super::{input_id, Document, LoadError};
use crate::error::panic_message;
use crate::Error;

/// File extensions picked up when walking a folder (compared case-insensitively).
pub const EXTENSIONS: &[&str] = &["txt", "md", "html", "htm", "json", "jsonl"];

/// Annotation files of a labelled folder (see `eval::dataset`): skipped when walking a folder, so
/// `stance classify` on a labelled corpus reads only its articles. Named explicitly, they are read.
pub const ANNOTATION_FILES: &[&str] = &["labels.jsonl", "summaries.jsonl"];

type Loaded = Result<Document, LoadError>;

/// Limits on one article, which users see and change (`--max-article-bytes`, `--max-sentence-chars`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadLimits {
    /// Largest input per article in bytes (a file, a JSONL line, stdin text); larger is an error.
    pub max_article_bytes: u64,
    /// Longest sentence in characters; a longer run-on is cut into pieces.
    pub max_sentence_chars: usize,
}

/// The default article size limit: 5 MB, some hundred times a long analysis.
pub const DEFAULT_MAX_ARTICLE_BYTES: u64 = 5_000_000;

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits { max_article_bytes: DEFAULT_MAX_ARTICLE_BYTES, max_sentence_chars: DEFAULT_MAX_SENTENCE_CHARS }
    }
}

impl LoadLimits {
    /// The error message for an input of `size` bytes (`None`: a stream known only to be larger).
    fn too_large(&self, size: Option<u64>) -> String {
        let size = size.map_or_else(|| "larger than".to_string(), |s| format!("{:.1} MB, over", s as f64 / 1e6));
        format!(
            "is {size} the limit of {:.1} MB per article; raise it with --max-article-bytes (or STANCE_MAX_ARTICLE_BYTES) if this really is one article",
            self.max_article_bytes as f64 / 1e6
        )
    }
}

/// Streams the articles in `inputs` (files, folders, `-` for stdin) in order: one item per article
/// or per failure. Explicitly named files are read whatever their extension.
pub fn articles(inputs: &[String]) -> Articles {
    articles_within(inputs, LoadLimits::default())
}

/// [`articles`] with explicit limits.
pub fn articles_within(inputs: &[String], limits: LoadLimits) -> Articles {
    let stack = inputs.iter().rev().map(|s| Pending::Input(s.clone())).collect();
    Articles { stack, visited: HashSet::new(), files: 0, limits }
}

/// Iterator returned by [`articles`]; holds only the work still pending, never loaded articles.
pub struct Articles {
    stack: Vec<Pending>,
    visited: HashSet<PathBuf>,
    files: usize,
    limits: LoadLimits,
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
    /// An input with nothing in it that is not an error (empty stdin: an empty partition).
    Nothing,
}

impl Iterator for Articles {
    type Item = Loaded;

    fn next(&mut self) -> Option<Loaded> {
        loop {
            match self.stack.pop()? {
                Pending::Input(s) if s == "-" => self.stack.push(stdin(self.limits)),
                Pending::Input(s) => match fs::metadata(&s) {
                    Ok(meta) if meta.is_dir() => {
                        self.stack.push(Pending::DirEnd(s.clone(), self.files));
                        self.stack.push(Pending::Dir(PathBuf::from(&s), s));
                    }
                    Ok(meta) if meta.is_file() => self.stack.push(Pending::File(PathBuf::from(&s), s)),
                    Ok(meta) => return Some(Err(not_regular(&s, &meta))),
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
                    self.stack.push(open(&path, &shown, self.limits));
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
                        return Some(record(value, id, &path, self.limits));
                    }
                }
                Pending::Ready(item) => return Some(item),
                Pending::Nothing => {}
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
                Ok(meta) if article && meta.is_file() => self.stack.push(Pending::File(path, shown)),
                Ok(meta) if article => self.stack.push(Pending::Ready(Err(not_regular(&shown, &meta)))),
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

/// The error for a path that is neither a folder nor a regular file (reading a FIFO blocks).
fn not_regular(shown: &str, meta: &fs::Metadata) -> LoadError {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    let what = if kind.is_fifo() {
        "a named pipe (FIFO)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    };
    let message = format!("is {what}; only regular files are read (pipe text through `-` to read stdin)");
    LoadError::new(input_id(shown), shown, message)
}

/// Runs the cleaning and splitting of one article so that even a panic (a bug) becomes that
/// article's error and the batch goes on.
fn guarded(id: &str, shown: &str, work: impl FnOnce() -> Loaded) -> Loaded {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| {
        let message = format!("internal error while reading it (please report this): {}", panic_message(&*payload));
        Err(LoadError::new(id.to_string(), shown, message))
    })
}

/// Opens one file by extension: `.jsonl` streams, `.json` records, HTML, or text.
fn open(path: &Path, shown: &str, limits: LoadLimits) -> Pending {
    let ext = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let id = input_id(shown);
    let file = match fs::File::open(path) {
        Ok(file) => file,
        Err(e) => return Pending::Ready(Err(io_error(shown, &e))),
    };
    if ext == "jsonl" {
        return Pending::Lines(JsonLines::new(Box::new(BufReader::new(file)), shown, limits));
    }
    let bytes = match read_at_most(file, limits.max_article_bytes) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            let size = fs::metadata(path).ok().map(|m| m.len());
            return Pending::Ready(Err(LoadError::new(id, shown, limits.too_large(size))));
        }
        Err(e) => return Pending::Ready(Err(io_error(shown, &e))),
    };
    let text = match decode(&bytes) {
        Ok(text) => text,
        Err(message) => return Pending::Ready(Err(LoadError::new(id, shown, message))),
    };
    Pending::Ready(match ext.as_str() {
        "json" => return json(text, shown, limits),
        "html" | "htm" => guarded(&id, shown, || {
            build(id.clone(), shown, html_title(text), clean_paragraphs(&html_to_text(text)), limits)
        }),
        _ => guarded(&id, shown, || text_document(id.clone(), shown, text, limits)),
    })
}

/// Reads all of `reader` if it holds at most `max` bytes; `None` when it holds more.
fn read_at_most(reader: impl Read, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    reader.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= max).then_some(bytes))
}

/// Reads stdin: JSONL records (streamed line by line as they arrive), JSON (an object or array),
/// or else one text article `stdin`.
fn stdin(limits: LoadLimits) -> Pending {
    from_stdin(Box::new(std::io::stdin().lock()), limits)
}

/// Decides what a stream holds by its first non-blank line: a JSON object there means JSONL, which
/// is streamed; anything else is read whole (up to the article limit) as JSON or text. An empty or
/// blank stream holds no article and is no error (a pipeline's empty partition).
fn from_stdin(mut reader: Box<dyn BufRead>, limits: LoadLimits) -> Pending {
    let shown = "<stdin>";
    let mut head = Vec::new();
    let first = loop {
        let start = head.len();
        match read_line_at_most(&mut reader, &mut head, limits.max_article_bytes) {
            Ok((0, _)) => break None,
            Ok((_, false)) => {
                return Pending::Ready(Err(LoadError::new("stdin".into(), shown, limits.too_large(None))))
            }
            Ok(_) if head[start..].iter().all(u8::is_ascii_whitespace) => continue,
            Ok(_) => break Some(start),
            Err(e) => return Pending::Ready(Err(io_error(shown, &e))),
        }
    };
    if first.is_none() {
        return Pending::Nothing;
    }
    // A first line that is an object, or opens one with a key (`{"id": …` cut short), means JSON
    // lines: a damaged first line then costs only its own record, not the whole stream.
    let jsonl = first.is_some_and(|start| {
        let line = &head[start..];
        serde_json::from_slice::<Value>(line).is_ok_and(|v| v.is_object())
            || String::from_utf8_lossy(line)
                .trim_start()
                .strip_prefix('{')
                .is_some_and(|r| r.trim_start().starts_with('"'))
    });
    if jsonl {
        let rest: Box<dyn BufRead> = Box::new(Cursor::new(head).chain(reader));
        return Pending::Lines(JsonLines::new(rest, shown, limits));
    }
    let budget = limits.max_article_bytes.saturating_sub(head.len() as u64);
    let bytes = match read_at_most(reader, budget) {
        Ok(Some(rest)) => [head, rest].concat(),
        Ok(None) => return Pending::Ready(Err(LoadError::new("stdin".into(), shown, limits.too_large(None)))),
        Err(e) => return Pending::Ready(Err(io_error(shown, &e))),
    };
    let text = match decode(&bytes) {
        Ok(text) => text,
        Err(message) => return Pending::Ready(Err(LoadError::new("stdin".into(), shown, message))),
    };
    let trimmed = text.trim_start();
    if trimmed.starts_with(['[', '{']) && serde_json::from_str::<Value>(text).is_ok() {
        return json(text, shown, limits);
    }
    Pending::Ready(guarded("stdin", shown, || text_document("stdin".into(), shown, text, limits)))
}

/// Appends one line (with its `\n`) to `buf`, keeping at most `max` bytes of it; the rest of an
/// overlong line is read and dropped. Returns the bytes read and whether the line fit.
fn read_line_at_most(reader: &mut dyn BufRead, buf: &mut Vec<u8>, max: u64) -> std::io::Result<(usize, bool)> {
    let start = buf.len();
    let mut read = 0;
    let mut fits = true;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok((read, fits));
        }
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if fits && ((buf.len() - start + take) as u64) <= max.saturating_add(1) {
            buf.extend_from_slice(&chunk[..take]);
        } else if fits {
            fits = false;
            buf.truncate(start);
        }
        reader.consume(take);
        read += take;
        if done {
            return Ok((read, fits));
        }
    }
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
fn json(text: &str, shown: &str, limits: LoadLimits) -> Pending {
    let fail = |m: String| Pending::Ready(Err(LoadError::new(input_id(shown), shown, m)));
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) if items.is_empty() => fail("JSON array has no records".into()),
        Ok(Value::Array(items)) => Pending::Records(items.into_iter(), 0, shown.to_string()),
        Ok(value) => Pending::Ready(record(value, input_id(shown), shown, limits)),
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
    limits: LoadLimits,
}

impl JsonLines {
    fn new(reader: Box<dyn BufRead>, shown: &str, limits: LoadLimits) -> Self {
        JsonLines { reader, shown: shown.to_string(), line: 0, offset: 0, items: 0, done: false, limits }
    }

    /// The next record or error; `None` at the end (after one error if there were no records).
    fn step(&mut self) -> Option<Loaded> {
        let mut buf = Vec::new();
        while !self.done {
            buf.clear();
            let shown = self.shown.as_str();
            let (read, fits) = match read_line_at_most(&mut self.reader, &mut buf, self.limits.max_article_bytes) {
                Ok((0, _)) if self.items == 0 => (0, true),
                Ok((0, _)) => return None,
                Ok(read) => read,
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
            if !fits {
                return Some(Err(LoadError::new(id, &path, self.limits.too_large(Some(read as u64)))));
            }
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
                Ok(value) => record(value, id, &path, self.limits),
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
/// missing `id` is made from the text's hash (stable across runs, partitions and machines), or is
/// `fallback_id` when there is no text.
fn record(value: Value, fallback_id: String, path: &str, limits: LoadLimits) -> Loaded {
    let Value::Object(map) = value else {
        return Err(LoadError::new(fallback_id, path, "expected a JSON object with \"id\" and \"text\""));
    };
    let text = ["text", "body", "content"].iter().find_map(|k| map.get(*k).and_then(Value::as_str));
    let id = match map.get("id") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => text.filter(|t| !t.trim().is_empty()).map_or(fallback_id, content_id),
    };
    let title = map.get("title").and_then(Value::as_str).map(|t| normalize(t).replace('\n', " "));
    match text {
        None => Err(LoadError::new(id, path, "record has no \"text\" string (also accepted: \"body\", \"content\")")),
        Some(t) if t.trim().is_empty() => Err(LoadError::new(id, path, "record's text is empty")),
        Some(t) => {
            guarded(&id.clone(), path, || build(id, path, title.filter(|t| !t.is_empty()), clean_paragraphs(t), limits))
        }
    }
}

/// The id of a record that has none: `sha256-` and the first 16 hex digits of its text's digest.
pub fn content_id(text: &str) -> String {
    use sha2::{Digest, Sha256};
    format!("sha256-{}", &crate::hub::verify::hex(&Sha256::digest(text.as_bytes()))[..16])
}

/// Builds a document from raw text: the first line left after clutter removal is the title when it
/// reads like a headline (short, no final full stop, text follows); the rest is cleaned and split.
pub fn document_from_text(id: &str, path: &str, raw: &str) -> Result<Document, Error> {
    text_document(id.to_string(), path, raw, LoadLimits::default()).map_err(Error::from)
}

fn text_document(id: String, path: &str, raw: &str, limits: LoadLimits) -> Loaded {
    let normalized = normalize(raw);
    let mut offset = 0;
    for line in normalized.split('\n') {
        offset += line.len() + 1;
        let Some(first) = clean_line(line) else {
            continue;
        };
        let body = clean_paragraphs(normalized.get(offset..).unwrap_or(""));
        // A body that continues the line's sentence makes it no headline; a machine date stamp
        // (`date 2026-03-03 KABUL: …`) opening the body does not.
        let continues = body.first().is_some_and(|p| after_date_stamp(p).is_none() && continues_sentence(p));
        let headline = first.chars().count() <= 150
            && first.split_whitespace().count() <= 25
            && !first.ends_with(['.', ',', ';', ':'])
            && bullet_len(first) == 0;
        if headline && !body.is_empty() && !continues {
            return build(id, path, Some(first.to_string()), body, limits);
        }
        break;
    }
    build(id, path, None, clean_paragraphs(&normalized), limits)
}

/// Assembles a document from cleaned paragraphs: drops a repeat of the title (with the short lines a
/// page puts above it), strips the dateline, splits sentences; fails when no text is left.
fn build(id: String, path: &str, title: Option<String>, mut paragraphs: Vec<String>, limits: LoadLimits) -> Loaded {
    if let Some(t) = &title {
        drop_repeated_headline(&mut paragraphs, t);
    }
    strip_lead_dateline(&mut paragraphs);
    let text = paragraphs.join("\n\n");
    let sentences = split_sentences_within(&text, limits.max_sentence_chars);
    if sentences.is_empty() {
        let msg = "no article text left after cleaning (only a title, or page clutter such as menus, share buttons and copyright lines)";
        return Err(LoadError::new(id, path, msg));
    }
    Ok(Document { id, path: path.to_string(), title, text, sentences })
}

/// How far into the text a repeat of the headline is looked for.
const HEADLINE_SCAN: usize = 4;

/// Drops a repeat of the headline among the first paragraphs, with everything above it when that is
/// only short lines (fewer than [`PROSE_WORDS`] words each: an outlet's name or motto, a section, a
/// date), which a page puts between its title and the story.
fn drop_repeated_headline(paragraphs: &mut Vec<String>, title: &str) {
    let Some(repeat) = paragraphs.iter().take(HEADLINE_SCAN).position(|p| p.eq_ignore_ascii_case(title)) else {
        return;
    };
    if paragraphs[..repeat].iter().all(|p| words(p) < PROSE_WORDS) {
        paragraphs.drain(..=repeat);
    }
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
            format!("ok {} {}:4 None 1", content_id("No id here."), p("e.jsonl")),
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
            let limits = LoadLimits::default();
            let stack = vec![from_stdin(Box::new(Cursor::new(bytes.to_vec())), limits)];
            let mut a = Articles { stack, visited: HashSet::new(), files: 0, limits };
            std::iter::from_fn(|| a.next()).map(outcome).collect::<Vec<_>>()
        };
        assert_eq!(run(b"Plain text piped in. It has two sentences."), ["ok stdin <stdin> None 2"]);
        assert_eq!(run(b"{\"id\":\"x\",\"text\":\"A.\"}\nnot json\n"), ["ok x <stdin>:1 None 1", "err stdin-2 <stdin>:2 <stdin>:2: malformed JSON: expected ident at line 1 column 2; each line must be one object like {\"id\": \"a1\", \"text\": \"...\"}"]);
        assert_eq!(run(b"[{\"text\":\"B.\"}]"), [format!("ok {} <stdin>#1 None 1", content_id("B."))]);
        assert!(run(b"").is_empty() && run(b" \n\n").is_empty(), "an empty partition is no error");
        let torn_first = run(b"{\"id\": \"a\", \"te\n{\"id\":\"b\",\"text\":\"Fine.\"}\n");
        assert!(torn_first[0].starts_with("err stdin-1 <stdin>:1") && torn_first[1] == "ok b <stdin>:2 None 1");
        assert_eq!(content_id("B."), content_id("B."));
        assert_ne!(content_id("B."), content_id("B!"));
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
        // A machine date stamp opening the body is no continuation of the headline, whatever follows it.
        let stamped = [
            (
                "UN: Civilians Hurt in Border Clashes\n\ndate 2026-03-03 KABUL – The mission counted the wounded.",
                "UN: Civilians Hurt in Border Clashes",
                "The mission counted the wounded.",
            ),
            (
                "Border Posts Shelled\n\ndate 2024-03-19 Advertisement\n\nKabul – Forces fired on the posts.",
                "Border Posts Shelled",
                "Forces fired on the posts.",
            ),
        ];
        for (raw, title, text) in stamped {
            let doc = document_from_text("s", "s.txt", raw).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!((doc.title.as_deref(), doc.text.as_str()), (Some(title), text), "{raw}");
        }
        assert_eq!(input_id("dir/x.y.jsonl"), "x.y");
        assert_eq!(input_id("-"), "stdin");
    }

    #[test]
    fn a_repeated_headline_takes_the_page_furniture_above_it() {
        let title = "Envoys Meet Again on Border Trade";
        let body = "The two delegations met in Kabul on Sunday to discuss the crossings.";
        let furnished = format!("{title}\n\nThe Example Herald, the valley's own voice.\n\n{title}\n\n{body}");
        let doc = document_from_text("a", "a.txt", &furnished).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((doc.title.as_deref(), doc.text.as_str()), (Some(title), body));
        // Prose above the repeat is the story's own: nothing is dropped.
        let lead = "Traders on both sides of the frontier have waited three weeks for the talks.";
        let quoted = format!("{title}\n\n{lead}\n\n{title}\n\n{body}");
        let doc = document_from_text("b", "b.txt", &quoted).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(doc.text, format!("{lead}\n\n{title}\n\n{body}"));
    }
}
