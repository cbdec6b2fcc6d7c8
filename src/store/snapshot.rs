//! `snapshot.json`: the festival and every record kept, as of a record
//! number. Replaced atomically — written to a temporary file, flushed,
//! renamed over the old one, the folder flushed — so a crash leaves the old
//! snapshot or the new one, never half of either. A temporary file a crash
//! or a full disk left behind is removed, never read.

use super::{Record, Saved, StoreError};
use crate::domain::Festival;
use serde::{Deserialize, Serialize};
use std::fs::{self, File};
use std::io::{BufWriter, ErrorKind, Write};
use std::path::{Path, PathBuf};

pub const SNAPSHOT_FILE: &str = "snapshot.json";
const TEMP_FILE: &str = ".snapshot.json.tmp";

/// Format 1: one journal file without checksums; format 2: segments with
/// checksums. The snapshot itself is the same in both.
pub const FORMAT_VERSION: u32 = 2;
const OLDEST_FORMAT: u32 = 1;

#[derive(Serialize)]
struct SnapshotOut<'a> {
    format: u32,
    seq: u64,
    festival: &'a Festival,
    records: &'a [Record],
}

#[derive(Deserialize)]
struct SnapshotIn {
    format: u32,
    seq: u64,
    festival: Festival,
    records: Vec<Record>,
}

/// A snapshot as read: what it holds, the number of its last record, and its size.
pub struct Snapshot {
    pub saved: Saved,
    pub seq: u64,
    pub bytes: u64,
}

pub fn path(dir: &Path) -> PathBuf {
    dir.join(SNAPSHOT_FILE)
}

/// Reads the snapshot in `dir`, if there is one.
pub fn read(dir: &Path) -> Result<Option<Snapshot>, StoreError> {
    let path = path(dir);
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(StoreError::Read { path, source }),
    };
    let corrupt = |message: String| StoreError::Corrupt {
        path: path.clone(),
        message,
    };
    let snapshot: SnapshotIn =
        serde_json::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))?;
    if !(OLDEST_FORMAT..=FORMAT_VERSION).contains(&snapshot.format) {
        return Err(corrupt(format!(
            "format {} is not one this tiket reads ({OLDEST_FORMAT} to {FORMAT_VERSION})",
            snapshot.format
        )));
    }
    snapshot
        .festival
        .validate()
        .map_err(|e| corrupt(e.to_string()))?;
    Ok(Some(Snapshot {
        saved: Saved {
            festival: snapshot.festival,
            records: snapshot.records,
        },
        seq: snapshot.seq,
        bytes: bytes.len() as u64,
    }))
}

/// Replaces the snapshot in `dir` with `saved` as of record `seq`; returns
/// its size. On failure the temporary file is removed and the old snapshot
/// stands.
pub fn write(dir: &Path, saved: &Saved, seq: u64) -> Result<u64, StoreError> {
    let temp = dir.join(TEMP_FILE);
    let result = write_via(dir, &temp, saved, seq);
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

fn write_via(dir: &Path, temp: &Path, saved: &Saved, seq: u64) -> Result<u64, StoreError> {
    let path = path(dir);
    let write_error = |source| StoreError::Write {
        path: path.clone(),
        source,
    };
    let snapshot = SnapshotOut {
        format: FORMAT_VERSION,
        seq,
        festival: &saved.festival,
        records: &saved.records,
    };
    let file = File::create(temp).map_err(write_error)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    serde_json::to_writer(&mut out, &snapshot)
        .map_err(|e| write_error(std::io::Error::other(e)))?;
    out.write_all(b"\n").map_err(write_error)?;
    let file = out.into_inner().map_err(|e| write_error(e.into_error()))?;
    file.sync_all().map_err(write_error)?;
    let bytes = file.metadata().map_err(write_error)?.len();
    drop(file);
    fs::rename(temp, &path).map_err(write_error)?;
    sync_dir(dir).map_err(write_error)?;
    Ok(bytes)
}

/// Removes a temporary snapshot a crash or a full disk left in `dir`.
pub fn remove_leftovers(dir: &Path) -> Result<(), StoreError> {
    match fs::remove_file(dir.join(TEMP_FILE)) {
        Ok(()) => {
            tracing::warn!(folder = %dir.display(), "removed a half-written snapshot left by a crash or a full disk");
            Ok(())
        }
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(source) => Err(StoreError::Write {
            path: dir.join(TEMP_FILE),
            source,
        }),
    }
}

/// Makes a rename, a new file or a removal in `dir` durable.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}
