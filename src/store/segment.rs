//! The journal's segment files and their lines.
//!
//! The journal is a sequence of files `journal-<first record>.jsonl`, each
//! holding the records numbered from that one on, one per line:
//!
//! ```text
//! 1c2b3a4d {"seq":41,"kind":"sold",...}
//! ```
//!
//! The first 8 characters are the CRC32C of the JSON after the space, so a
//! flipped bit anywhere is found and named, never taken for a torn write.
//! Only the last segment's unfinished last line (no newline: the writer was
//! stopped mid-write, and that record was never acknowledged) is a torn
//! write. Lines of the format before checksums (`{"seq":…}`, in
//! `journal.jsonl`) are read too.

use super::{Record, StoreError};
use serde::{Deserialize, Serialize};
use std::fs;
use std::path::{Path, PathBuf};

/// The journal of the format before segments: one file, no checksums.
pub const LEGACY_JOURNAL: &str = "journal.jsonl";

const PREFIX: &str = "journal-";
const SUFFIX: &str = ".jsonl";

/// A record with its number, as a line holds it.
#[derive(Serialize)]
struct LineOut<'a> {
    seq: u64,
    #[serde(flatten)]
    record: &'a Record,
}

#[derive(Deserialize)]
struct LineIn {
    seq: u64,
    #[serde(flatten)]
    record: Record,
}

/// One segment file of the journal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// The number of its first record.
    pub first: u64,
    pub path: PathBuf,
}

/// The name of the segment whose first record is `first`.
pub fn file_name(first: u64) -> String {
    format!("{PREFIX}{first:020}{SUFFIX}")
}

/// The segments in `dir`, oldest first.
pub fn list(dir: &Path) -> Result<Vec<Segment>, StoreError> {
    let read_error = |source| StoreError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut segments = Vec::new();
    for entry in fs::read_dir(dir).map_err(read_error)? {
        let entry = entry.map_err(read_error)?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(number) = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.strip_suffix(SUFFIX))
        else {
            continue;
        };
        let Ok(first) = number.parse() else { continue };
        segments.push(Segment {
            first,
            path: entry.path(),
        });
    }
    segments.sort_by_key(|segment| segment.first);
    Ok(segments)
}

/// Writes `records`, numbered from `first`, as lines with checksums.
pub fn lines(first: u64, records: &[Record], out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
    for (seq, record) in (first..).zip(records) {
        let json = serde_json::to_vec(&LineOut { seq, record })?;
        let crc = crc32c::crc32c(&json);
        out.extend_from_slice(format!("{crc:08x} ").as_bytes());
        out.extend_from_slice(&json);
        out.push(b'\n');
    }
    Ok(())
}

/// What a journal file holds.
pub struct Read {
    /// Its records with their numbers, in file order.
    pub records: Vec<(u64, Record)>,
    /// Bytes of whole lines.
    pub whole_bytes: u64,
    /// Bytes after the last whole line (a record torn by a crash).
    pub torn_bytes: u64,
}

/// Reads a journal file's whole lines, checking each one's checksum (a line
/// without one is accepted only when `legacy`), that numbers increase, and
/// nothing else. The torn tail is reported, not judged: whether it may be
/// dropped depends on where the file is.
pub fn read(path: &Path, legacy: bool) -> Result<Read, StoreError> {
    let bytes = fs::read(path).map_err(|source| StoreError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    read_bytes(path, &bytes, legacy)
}

/// [`read`] on bytes already read.
pub fn read_bytes(path: &Path, bytes: &[u8], legacy: bool) -> Result<Read, StoreError> {
    let whole = bytes
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |last_newline| last_newline + 1);
    let mut records: Vec<(u64, Record)> = Vec::new();
    for (index, line) in bytes[..whole].split_inclusive(|&b| b == b'\n').enumerate() {
        let line = &line[..line.len() - 1];
        let corrupt = |message: String| StoreError::CorruptLine {
            path: path.to_path_buf(),
            line: index + 1,
            message,
        };
        let json = match line.first() {
            Some(b'{') if legacy => line,
            _ => checked(line).map_err(corrupt)?,
        };
        let entry: LineIn = serde_json::from_slice(json).map_err(|e| corrupt(e.to_string()))?;
        if let Some((previous, _)) = records
            .last()
            .filter(|(previous, _)| entry.seq <= *previous)
        {
            return Err(corrupt(format!(
                "record {} comes after record {previous}",
                entry.seq
            )));
        }
        records.push((entry.seq, entry.record));
    }
    Ok(Read {
        records,
        whole_bytes: whole as u64,
        torn_bytes: (bytes.len() - whole) as u64,
    })
}

/// The JSON of a line whose checksum matches.
fn checked(line: &[u8]) -> Result<&[u8], String> {
    let (crc, json) = match (line.get(..8), line.get(8), line.get(9..)) {
        (Some(crc), Some(b' '), Some(json)) => (crc, json),
        _ => return Err("the line has no checksum".into()),
    };
    // Written in lower case, so a flipped case bit is damage too.
    let lower_hex = crc.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let crc = std::str::from_utf8(crc)
        .ok()
        .filter(|_| lower_hex)
        .and_then(|crc| u32::from_str_radix(crc, 16).ok())
        .ok_or(
            "the line's checksum is unreadable: the file is damaged (restore it from a backup)",
        )?;
    if crc32c::crc32c(json) != crc {
        return Err(
            "the line's checksum does not match: the file is damaged (restore it from a backup)"
                .into(),
        );
    }
    Ok(json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TokenHash;

    fn record(n: u8) -> Record {
        Record::SignedOut {
            token_hash: TokenHash(format!("{n:064x}")),
        }
    }

    #[test]
    fn lines_carry_checksums_and_read_back() {
        let mut out = Vec::new();
        lines(7, &[record(1), record(2)], &mut out).unwrap();
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(
            text.lines().all(|line| line.as_bytes()[8] == b' '),
            "{text}"
        );
        let read = read_bytes(Path::new("j"), &out, false).unwrap();
        assert_eq!(read.records, [(7, record(1)), (8, record(2))]);
        assert_eq!((read.whole_bytes, read.torn_bytes), (out.len() as u64, 0));
    }

    /// Any flipped bit in a whole line is named with its line; it is never
    /// taken for a torn write.
    #[test]
    fn a_flipped_bit_anywhere_in_a_line_is_found() {
        let mut out = Vec::new();
        lines(1, &[record(1), record(2), record(3)], &mut out).unwrap();
        let second_line = out.iter().position(|&b| b == b'\n').unwrap() + 1;
        let third_line =
            second_line + out[second_line..].iter().position(|&b| b == b'\n').unwrap() + 1;
        for at in second_line..third_line - 1 {
            for bit in 0..8 {
                let mut damaged = out.clone();
                damaged[at] ^= 1 << bit;
                if damaged[at] == b'\n' {
                    continue; // splits the line: a different damage, still refused below
                }
                match read_bytes(Path::new("j"), &damaged, false) {
                    Err(StoreError::CorruptLine { line: 2, .. }) => {}
                    other => panic!("byte {at} bit {bit}: {:?}", other.map(|r| r.records.len())),
                }
            }
        }
    }

    #[test]
    fn the_old_format_reads_only_where_allowed_and_names_its_files() {
        let old = format!(
            "{}\n",
            serde_json::to_string(&LineOut {
                seq: 1,
                record: &record(1)
            })
            .unwrap()
        );
        assert_eq!(
            read_bytes(Path::new("j"), old.as_bytes(), true)
                .unwrap()
                .records
                .len(),
            1
        );
        assert!(matches!(
            read_bytes(Path::new("j"), old.as_bytes(), false),
            Err(StoreError::CorruptLine { line: 1, .. })
        ));
        let dir = tempfile::tempdir().unwrap();
        for first in [31, 1, 4] {
            fs::write(dir.path().join(file_name(first)), "").unwrap();
        }
        fs::write(dir.path().join("journal.jsonl"), "").unwrap();
        fs::write(dir.path().join("journal-x.jsonl"), "").unwrap();
        let firsts: Vec<u64> = list(dir.path()).unwrap().iter().map(|s| s.first).collect();
        assert_eq!(firsts, [1, 4, 31]);
    }
}
