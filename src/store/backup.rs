//! `tiket backup` and `tiket verify`: copying a data folder while a server
//! holds it, and checking one without serving it. Neither takes the
//! folder's lock or changes it.
//!
//! A backup is consistent: it copies the snapshot and then the journal
//! segments after it, whole lines only, each line's checksum checked. A
//! background snapshot may remove segments meanwhile; the copy then finds a
//! gap and starts again. What it holds is a prefix of the log: every sale
//! acknowledged before it began, and perhaps some after. Restoring is
//! starting a server on the copy.

use super::folder::{self, Folder};
use super::segment;
use super::snapshot::{self, SNAPSHOT_FILE};
use super::StoreError;
use crate::domain::{Accounts, BuyLimits};
use crate::store::Record;
use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// How often a backup starts again when a snapshot moved under it.
const ATTEMPTS: usize = 20;

/// Why a backup or a check failed.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0} holds no festival: nothing to back up or check")]
    Empty(PathBuf),
    #[error("{0} is not empty: back up into a new or empty folder")]
    NotEmpty(PathBuf),
    #[error("cannot write the backup in {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the folder kept changing under the backup ({ATTEMPTS} tries); try again")]
    Busy,
    #[error("{path}: {message}")]
    Inconsistent { path: PathBuf, message: String },
}

/// What a checked folder holds.
#[derive(Debug)]
pub struct Summary {
    pub festival: String,
    pub records: u64,
    pub snapshot_seq: u64,
    pub segments: usize,
    pub tickets: usize,
    /// Tickets sold and stock, per stage id.
    pub stages: BTreeMap<u32, (u32, u32)>,
    pub accounts: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "festival: {}", self.festival)?;
        writeln!(
            f,
            "records: {} (snapshot as of record {}, then {} journal segment(s))",
            self.records, self.snapshot_seq, self.segments
        )?;
        writeln!(f, "accounts: {}", self.accounts)?;
        writeln!(f, "tickets sold: {}", self.tickets)?;
        for (stage, (sold, stock)) in &self.stages {
            writeln!(f, "  stage {stage}: {sold} of {stock}")?;
        }
        write!(f, "every checksum matches, records are in order, no ticket is sold twice and every stage's sales fit its stock")
    }
}

/// Checks the folder `dir` without serving it: checksums, records in
/// order, counts that add up, no ticket twice.
pub fn verify(dir: &Path) -> Result<Summary, BackupError> {
    let folder = read_steady(dir)?.ok_or_else(|| BackupError::Empty(dir.to_path_buf()))?;
    summarise(dir, &folder)
}

fn summarise(dir: &Path, folder: &Folder) -> Result<Summary, BackupError> {
    let inconsistent = |message: String| BackupError::Inconsistent {
        path: dir.to_path_buf(),
        message,
    };
    let inventory = folder
        .saved
        .inventory(BuyLimits::default())
        .map_err(inconsistent)?
        .inventory;
    let festival = inventory.festival();
    let mut accounts = Accounts::default();
    for record in &folder.saved.records {
        if let Record::Registered { account } = record {
            accounts
                .restore(account.clone())
                .map_err(|e| inconsistent(e.to_string()))?;
        }
    }
    let stages = inventory
        .catalogue()
        .stages()
        .map(|(_, stage)| (stage.id.0, (inventory.sold(stage.id), stage.total_stock)))
        .collect();
    Ok(Summary {
        festival: festival.name.clone(),
        records: folder.last_seq,
        snapshot_seq: folder.snapshot_seq,
        segments: folder.segments.len(),
        tickets: inventory.tickets().len(),
        stages,
        accounts: accounts.count(),
    })
}

/// Reads a folder a server may be compacting: a segment removed between
/// reading the snapshot and reading it means a newer snapshot; read again.
fn read_steady(dir: &Path) -> Result<Option<Folder>, BackupError> {
    if !dir.is_dir() {
        return Ok(None);
    }
    for _ in 0..ATTEMPTS {
        match folder::read(dir) {
            Err(StoreError::Read { source, .. }) if source.kind() == ErrorKind::NotFound => {
                continue
            }
            Err(StoreError::Corrupt { message, .. }) if message.contains("missing") => continue,
            other => return Ok(other?),
        }
    }
    Err(BackupError::Busy)
}

/// Copies the data folder `from` into `to` (new or empty), consistently,
/// while a server may be selling from it; checks the copy and returns what
/// it holds.
pub fn backup(from: &Path, to: &Path) -> Result<Summary, BackupError> {
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BackupError::Write { path, source }
    };
    match fs::read_dir(to).map(|mut entries| entries.next().is_some()) {
        Ok(true) => return Err(BackupError::NotEmpty(to.to_path_buf())),
        Ok(false) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(source) => return Err(write_error(to)(source)),
    }
    for _ in 0..ATTEMPTS {
        let Some(copy) = copy_once(from)? else {
            continue;
        };
        let made = !to.exists();
        let written = write_copy(to, &copy);
        let checked = written.and_then(|()| verify(to));
        if checked.is_err() {
            // Leave the destination as it was found.
            for (name, _) in &copy {
                let _ = fs::remove_file(to.join(name));
            }
            if made {
                let _ = fs::remove_dir(to);
            }
        }
        match checked {
            // A snapshot removed segments between the two reads: again.
            Err(BackupError::Store(StoreError::Corrupt { message, .. }))
                if message.contains("missing") =>
            {
                continue
            }
            other => return other,
        }
    }
    Err(BackupError::Busy)
}

/// Files of a copy: each one's name and bytes.
type Files = Vec<(String, Vec<u8>)>;

/// The snapshot's bytes and the whole lines of each segment after it;
/// `None` if a snapshot replaced them meanwhile.
fn copy_once(from: &Path) -> Result<Option<Files>, BackupError> {
    let snapshot_path = snapshot::path(from);
    let snapshot = match fs::read(&snapshot_path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(BackupError::Empty(from.to_path_buf()))
        }
        Err(source) => {
            return Err(StoreError::Read {
                path: snapshot_path,
                source,
            }
            .into())
        }
    };
    let mut files = vec![(SNAPSHOT_FILE.to_owned(), snapshot)];
    for segment in segment::list(from)? {
        let bytes = match fs::read(&segment.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(StoreError::Read {
                    path: segment.path,
                    source,
                }
                .into())
            }
        };
        let whole = bytes
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |last| last + 1);
        files.push((segment::file_name(segment.first), bytes[..whole].to_vec()));
    }
    Ok(Some(files))
}

fn write_copy(to: &Path, files: &Files) -> Result<(), BackupError> {
    let error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BackupError::Write { path, source }
    };
    fs::create_dir_all(to).map_err(error(to))?;
    for (name, bytes) in files {
        let path = to.join(name);
        fs::write(&path, bytes).map_err(error(&path))?;
        fs::File::open(&path)
            .and_then(|file| file.sync_all())
            .map_err(error(&path))?;
    }
    snapshot::sync_dir(to).map_err(error(to))
}
