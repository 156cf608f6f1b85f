//! A JSON Lines file read line by line: each document is handed over as soon as its line is
//! read, so indexing starts at once and a file of any size needs no more memory than its
//! longest line.
//!
//! The file's head decides how it is read. A head the whole-file decoder reads as UTF-8 text
//! needing no conversion, as JSON Lines files are, is streamed; one that is not (a byte-order mark of UTF-16, NUL bytes, invalid UTF-8,
//! mostly control characters) sends the file to the whole-file reader, which recognises
//! UTF-16 and refuses the rest with the file's error. A line found broken later (invalid
//! UTF-8, too long) is a bad line: reported with its number, and the other lines kept.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::Path;

use super::jsonl::{self, FileContext};
use super::{encoding, fallback_source, file_name, metadata, Document, DocumentKind, SourceFile};
use crate::error::IngestError;

/// Bytes read first, to decide how to read the file.
const HEAD_BYTES: usize = 64 * 1024;

/// Read buffer of a streamed file.
const BUFFER_BYTES: usize = 256 * 1024;

/// Longest line read: a document of more than 64 MiB of JSON is reported, not held.
pub(super) const MAX_LINE_BYTES: usize = 64 * 1024 * 1024;

/// Reads the JSON Lines `file`, handing each document to `on_document` with the number of the
/// file's bytes read so far; returns the bad lines. `on_document` returns `false` to stop.
pub(super) fn read(
    file: &SourceFile,
    max_line_bytes: usize,
    on_document: &mut dyn FnMut(Document, u64) -> bool,
) -> Result<Vec<IngestError>, IngestError> {
    let io_error = |cause| IngestError::Io {
        path: file.path.clone(),
        cause,
    };
    let mut handle = File::open(&file.path).map_err(io_error)?;
    let mut head = Vec::with_capacity(HEAD_BYTES);
    (&mut handle)
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(io_error)?;
    if !streamable(&file.path, &head) {
        handle.read_to_end(&mut head).map_err(io_error)?;
        let whole = head.len() as u64;
        return super::read_source(file, DocumentKind::Jsonl, &head, &mut |document| {
            on_document(document, whole)
        });
    }
    let source = fallback_source(file);
    let language = metadata::language_from_file_name(&file_name(file));
    let mut lines = Lines::new(FileContext {
        path: &file.path,
        fallback_source: &source,
        fallback_language: language.as_deref(),
    });
    let mut reader = Cursor::new(head).chain(BufReader::with_capacity(BUFFER_BYTES, handle));
    let mut line = Vec::new();
    let mut read: u64 = 0;
    loop {
        line.clear();
        let length = read_line(&mut reader, &mut line, max_line_bytes).map_err(io_error)?;
        if length == 0 {
            break;
        }
        read += length as u64;
        let number = lines.next_number();
        if line.len() > max_line_bytes {
            lines.refuse(
                number,
                format!(
                    "line longer than {}: split the document, or index it as a text file",
                    byte_size(max_line_bytes)
                ),
            );
            // Not kept for the lines after it.
            line = Vec::new();
            continue;
        }
        let mut bytes = line.strip_suffix(b"\n").unwrap_or(&line);
        bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        if number == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        let text = match simdutf8::basic::from_utf8(bytes) {
            Ok(text) => text,
            Err(_) => {
                lines.refuse(number, not_utf8(bytes));
                continue;
            }
        };
        if !lines.read(number, text, &mut |document| on_document(document, read)) {
            break;
        }
    }
    lines.finish()
}

/// Reads the documents of the JSON Lines `text`, already decoded, handing each to
/// `on_document`; returns the bad lines.
pub(super) fn read_text(
    file: &SourceFile,
    text: &str,
    name_language: Option<&str>,
    on_document: &mut dyn FnMut(Document) -> bool,
) -> Vec<IngestError> {
    let source = fallback_source(file);
    let mut lines = Lines::new(FileContext {
        path: &file.path,
        fallback_source: &source,
        fallback_language: name_language,
    });
    for line in text.split('\n') {
        let number = lines.next_number();
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !lines.read(number, line, on_document) {
            break;
        }
    }
    lines.line_errors
}

/// Whether the file at `path`, starting with `head`, can be read line by line: its head reads
/// as the whole file would be read (`encoding::decode`), as UTF-8 text needing no conversion.
/// A character cut by the head's end is left out of the check.
fn streamable(path: &Path, head: &[u8]) -> bool {
    let checked = match std::str::from_utf8(head) {
        Err(error) if error.error_len().is_none() && head.len() == HEAD_BYTES => {
            &head[..error.valid_up_to()]
        }
        _ => head,
    };
    matches!(
        encoding::decode(path, DocumentKind::Jsonl, checked),
        Ok(Cow::Borrowed(_))
    )
}

/// Appends the next line of `reader` (with its `\n`) to `line`, at most `max_bytes` of it:
/// the rest of a longer line is read and dropped, and `line` is left one byte longer than
/// `max_bytes` to say so. Returns the bytes read, 0 at the end of the file.
fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>, max_bytes: usize) -> io::Result<usize> {
    let mut read = 0;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if available.is_empty() {
            return Ok(read);
        }
        let (taken, done) = match memchr::memchr(b'\n', available) {
            Some(end) => (end + 1, true),
            None => (available.len(), false),
        };
        let room = (max_bytes + 1).saturating_sub(line.len());
        line.extend_from_slice(&available[..taken.min(room)]);
        reader.consume(taken);
        read += taken;
        if done {
            return Ok(read);
        }
    }
}

/// `bytes` in words: MiB from one MiB.
fn byte_size(bytes: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Why a line is not UTF-8, and what to do about it.
fn not_utf8(line: &[u8]) -> String {
    let column = std::str::from_utf8(line)
        .err()
        .map_or(0, |error| error.valid_up_to());
    format!(
        "not valid UTF-8 text (first bad byte at byte {} of the line); convert the file to \
         UTF-8 (from Windows-1252: iconv -f WINDOWS-1252 -t UTF-8)",
        column + 1
    )
}

/// The lines of one file as they are read: numbered, parsed, each id kept for its first line.
struct Lines<'a> {
    context: FileContext<'a>,
    /// The line each id was first read on: a later line with the same id would silently
    /// replace it, so it is reported instead and the first one kept.
    first_lines: HashMap<String, usize>,
    line_errors: Vec<IngestError>,
    numbered: usize,
    /// Whether any line held more than white space.
    held_text: bool,
}

impl<'a> Lines<'a> {
    fn new(context: FileContext<'a>) -> Self {
        Lines {
            context,
            first_lines: HashMap::new(),
            line_errors: Vec::new(),
            numbered: 0,
            held_text: false,
        }
    }

    /// The number of the line about to be read (1-based).
    fn next_number(&mut self) -> usize {
        self.numbered += 1;
        self.numbered
    }

    /// Reads line `number`: a document goes to `on_document`, a bad line to the errors.
    /// Returns `false` when `on_document` asks to stop.
    fn read(
        &mut self,
        number: usize,
        line: &str,
        on_document: &mut dyn FnMut(Document) -> bool,
    ) -> bool {
        if line.trim().is_empty() {
            return true;
        }
        self.held_text = true;
        match jsonl::read_line(&self.context, number, line) {
            Ok(document) => match self.first_lines.entry(document.id.clone()) {
                Entry::Occupied(first) => {
                    let reason = format!(
                        "document {:?} is already given by line {}",
                        document.id,
                        first.get()
                    );
                    self.refuse(number, reason);
                    true
                }
                Entry::Vacant(slot) => {
                    slot.insert(number);
                    on_document(document)
                }
            },
            Err(error) => {
                self.line_errors.push(error);
                true
            }
        }
    }

    /// Reports line `number` as bad, for `reason`.
    fn refuse(&mut self, number: usize, reason: String) {
        self.held_text = true;
        self.line_errors.push(IngestError::BadLine {
            path: self.context.path.to_path_buf(),
            line: number,
            reason,
        });
    }

    /// The bad lines; a file of blank lines only holds no readable text.
    fn finish(self) -> Result<Vec<IngestError>, IngestError> {
        if self.held_text {
            Ok(self.line_errors)
        } else {
            Err(IngestError::Empty {
                path: self.context.path.to_path_buf(),
            })
        }
    }
}
