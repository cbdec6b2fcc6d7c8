//! Reading a data folder as it is on disk, without changing it: the newest
//! snapshot and the journal's records after it, every rule checked. Used to
//! load a store, to verify a folder (`tiket verify`) and to back one up
//! while a server holds it (`tiket backup`).
//!
//! What a crash can leave, and how it reads:
//! - a half-written last line in the last segment: dropped (reported as torn;
//!   that record was never acknowledged);
//! - a half-written snapshot (`.snapshot.json.tmp`): never read;
//! - a new snapshot with the segments it covers still there: their records
//!   are recognised by number and skipped;
//! - segments removed after the snapshot covering them: nothing missing.
//!
//! Anything else (a checksum that fails, numbers out of order or missing, a
//! journal without a snapshot) is refused with the file and line named.

use super::segment::{self, Segment, LEGACY_JOURNAL};
use super::snapshot::{self, Snapshot};
use super::{Record, Saved, StoreError};
use std::path::Path;

/// A data folder as read.
pub struct Folder {
    /// The festival and every record, the snapshot's and the journal's.
    pub saved: Saved,
    /// The number of the snapshot's last record.
    pub snapshot_seq: u64,
    pub snapshot_bytes: u64,
    /// The number of the last record.
    pub last_seq: u64,
    /// The segments, oldest first, each with its first record's number.
    pub segments: Vec<Segment>,
    /// Segments that hold only records the snapshot has.
    pub covered: Vec<Segment>,
    /// Whole-line bytes of the last segment, and bytes torn after them.
    pub last_segment_bytes: u64,
    pub torn_bytes: u64,
    /// The journal of the format before segments, if still there.
    pub legacy_journal: bool,
}

/// Reads `dir`; `None` when it holds no festival yet.
pub fn read(dir: &Path) -> Result<Option<Folder>, StoreError> {
    let segments = segment::list(dir)?;
    let legacy_path = dir.join(LEGACY_JOURNAL);
    let legacy = legacy_path.exists();
    let Some(Snapshot {
        saved,
        seq: snapshot_seq,
        bytes: snapshot_bytes,
    }) = snapshot::read(dir)?
    else {
        let stray = segments.first().map(|s| s.path.clone());
        let stray = stray.or_else(|| legacy.then(|| legacy_path.clone()));
        return match stray {
            // An empty journal beside no snapshot is a setup cut short: fresh.
            Some(path)
                if std::fs::metadata(&path)
                    .map(|m| m.len() > 0)
                    .unwrap_or(true) =>
            {
                Err(StoreError::Corrupt {
                    path,
                    message: format!(
                        "there is a journal but no {}; restore the folder from a backup",
                        snapshot::SNAPSHOT_FILE
                    ),
                })
            }
            _ => Ok(None),
        };
    };
    let mut records = saved.records;
    let mut last_seq = snapshot_seq;
    let mut take = |path: &Path, read: Vec<(u64, Record)>| -> Result<(), StoreError> {
        for (seq, record) in read {
            if seq <= snapshot_seq {
                continue; // Already in the snapshot.
            }
            if seq != last_seq + 1 {
                return Err(StoreError::Corrupt {
                    path: path.to_path_buf(),
                    message: format!(
                        "record {seq} follows record {last_seq}: records in between are missing"
                    ),
                });
            }
            last_seq = seq;
            records.push(record);
        }
        Ok(())
    };
    let (mut last_segment_bytes, mut torn_bytes) = (0, 0);
    if legacy {
        let read = segment::read(&legacy_path, true)?;
        torn_bytes = read.torn_bytes;
        take(&legacy_path, read.records)?;
    }
    let mut covered = Vec::new();
    for (index, segment) in segments.iter().enumerate() {
        let read = segment::read(&segment.path, false)?;
        let last = index + 1 == segments.len();
        if read.torn_bytes > 0 && !last {
            return Err(StoreError::Corrupt {
                path: segment.path.clone(),
                message: "the file ends in the middle of a line, yet a later segment follows"
                    .into(),
            });
        }
        if let Some((first, _)) = read.records.first() {
            if *first != segment.first {
                return Err(StoreError::CorruptLine {
                    path: segment.path.clone(),
                    line: 1,
                    message: format!(
                        "the segment should start at record {}, not {first}",
                        segment.first
                    ),
                });
            }
        }
        let next_first = segments.get(index + 1).map(|next| next.first);
        if next_first.is_some_and(|next| next <= snapshot_seq + 1) {
            covered.push(segment.clone());
        }
        if last {
            last_segment_bytes = read.whole_bytes;
            torn_bytes = read.torn_bytes;
        }
        take(&segment.path, read.records)?;
    }
    Ok(Some(Folder {
        saved: Saved {
            festival: saved.festival,
            records,
        },
        snapshot_seq,
        snapshot_bytes,
        last_seq,
        segments,
        covered,
        last_segment_bytes,
        torn_bytes,
        legacy_journal: legacy,
    }))
}
