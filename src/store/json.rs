//! [`JsonStore`]: the shop's state as JSON in one data folder.
//!
//! - `snapshot.json`: the festival and every record up to a sequence number,
//!   replaced atomically (temporary file, fsync, rename, fsync of the folder),
//!   so a crash leaves the old snapshot or the new one, never half of either.
//! - `journal.jsonl`: one record per line, each numbered, appended and flushed
//!   to disk before the append returns.
//! - `tiket.lock`: held while the store is open, so a second server is refused.
//!
//! On start the snapshot is read and the journal replayed over it. A crash can
//! only leave the journal's last line half-written (that record was never
//! acknowledged): it is dropped with a warning. Anything else out of place
//! stops start-up with the file and line named; nothing is ever skipped.
//! Compaction writes a new snapshot and then empties the journal; lines the
//! snapshot already holds are recognised by their numbers and skipped, so a
//! crash between the two steps is harmless.

use super::{Record, Saved, Store, StoreError};
use crate::clock::{self, SharedClock};
use crate::domain::Festival;
use serde::{Deserialize, Serialize};
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{BufWriter, ErrorKind, Write};
use std::path::{Path, PathBuf};

const LOCK_FILE: &str = "tiket.lock";
const SNAPSHOT_FILE: &str = "snapshot.json";
const JOURNAL_FILE: &str = "journal.jsonl";
/// Bumped when the file layout changes, so old files are recognised.
const FORMAT_VERSION: u32 = 1;

/// Tuning of a [`JsonStore`].
#[derive(Clone, Debug)]
pub struct JsonStoreOptions {
    /// Compact once the journal is larger than this and than the snapshot
    /// (so compaction costs stay proportional to what was appended).
    pub compact_after_bytes: u64,
    /// Decides which sessions have ended when compacting.
    pub clock: SharedClock,
}

impl Default for JsonStoreOptions {
    fn default() -> Self {
        JsonStoreOptions {
            compact_after_bytes: 4 << 20,
            clock: clock::system(),
        }
    }
}

/// A data folder, held exclusively for as long as this value lives.
#[derive(Debug)]
pub struct JsonStore {
    dir: PathBuf,
    options: JsonStoreOptions,
    /// Holds the folder's advisory lock; released when dropped.
    _lock: File,
    /// Open for appending once the store is loaded or created.
    journal: Option<File>,
    /// Number of the last record saved.
    last_seq: u64,
    journal_bytes: u64,
    snapshot_bytes: u64,
    /// Set when a write failed: the journal's end is then unknown, so nothing
    /// more is appended until a restart has recovered it.
    failed: bool,
}

#[derive(Serialize, Deserialize)]
struct Snapshot {
    format: u32,
    /// Number of the last record this snapshot holds.
    seq: u64,
    festival: Festival,
    records: Vec<Record>,
}

#[derive(Serialize)]
struct JournalLineOut<'a> {
    seq: u64,
    #[serde(flatten)]
    record: &'a Record,
}

#[derive(Deserialize)]
struct JournalLine {
    seq: u64,
    #[serde(flatten)]
    record: Record,
}

/// The snapshot and journal as found on disk.
struct OnDisk {
    saved: Saved,
    last_seq: u64,
    snapshot_bytes: u64,
    /// Bytes of the journal made of whole lines.
    journal_bytes: u64,
    /// Bytes after the last whole line: a record torn by a crash.
    torn_bytes: u64,
}

impl JsonStore {
    /// Opens (creating if needed) a data folder and locks it. Fails when the
    /// folder cannot be created or written, or another server holds it.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, StoreError> {
        Self::open_with(dir, JsonStoreOptions::default())
    }

    pub fn open_with(
        dir: impl Into<PathBuf>,
        options: JsonStoreOptions,
    ) -> Result<Self, StoreError> {
        let dir = dir.into();
        let folder_error = |source| StoreError::Folder {
            path: dir.clone(),
            source,
        };
        fs::create_dir_all(&dir).map_err(folder_error)?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(LOCK_FILE))
            .map_err(folder_error)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(StoreError::Locked { path: dir }),
            Err(TryLockError::Error(source)) => return Err(folder_error(source)),
        }
        Ok(JsonStore {
            dir,
            options,
            _lock: lock,
            journal: None,
            last_seq: 0,
            journal_bytes: 0,
            snapshot_bytes: 0,
            failed: false,
        })
    }

    fn snapshot_path(&self) -> PathBuf {
        self.dir.join(SNAPSHOT_FILE)
    }

    fn journal_path(&self) -> PathBuf {
        self.dir.join(JOURNAL_FILE)
    }

    /// Reads the snapshot and journal; `None` when there is no snapshot.
    fn read_disk(&self) -> Result<Option<OnDisk>, StoreError> {
        let snapshot_path = self.snapshot_path();
        let journal_path = self.journal_path();
        let journal = read_if_present(&journal_path)?.unwrap_or_default();
        let Some(snapshot) = read_if_present(&snapshot_path)? else {
            if journal.is_empty() {
                return Ok(None);
            }
            return Err(StoreError::Corrupt {
                path: journal_path,
                message: format!(
                    "there is a journal but no {SNAPSHOT_FILE}; restore it from a backup"
                ),
            });
        };
        let corrupt = |message: String| StoreError::Corrupt {
            path: snapshot_path.clone(),
            message,
        };
        let snapshot: Snapshot =
            serde_json::from_slice(&snapshot).map_err(|e| corrupt(e.to_string()))?;
        if snapshot.format != FORMAT_VERSION {
            return Err(corrupt(format!(
                "format {} is not the supported format {FORMAT_VERSION}",
                snapshot.format
            )));
        }
        snapshot
            .festival
            .validate()
            .map_err(|e| corrupt(e.to_string()))?;

        let whole = journal
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |last_newline| last_newline + 1);
        let mut records = snapshot.records;
        let mut last_seq = snapshot.seq;
        let mut previous_line_seq = None;
        for (index, line) in journal[..whole]
            .split_inclusive(|&b| b == b'\n')
            .enumerate()
        {
            let line = &line[..line.len() - 1];
            let line_number = index + 1;
            let corrupt_line = |message: String| StoreError::CorruptLine {
                path: journal_path.clone(),
                line: line_number,
                message,
            };
            let entry: JournalLine =
                serde_json::from_slice(line).map_err(|e| corrupt_line(e.to_string()))?;
            if let Some(previous) = previous_line_seq.filter(|&previous| entry.seq <= previous) {
                return Err(corrupt_line(format!(
                    "record {} comes after record {previous}",
                    entry.seq
                )));
            }
            previous_line_seq = Some(entry.seq);
            if entry.seq <= snapshot.seq {
                continue; // Already in the snapshot: compaction stopped before emptying the journal.
            }
            if entry.seq != last_seq + 1 {
                return Err(corrupt_line(format!(
                    "record {} follows record {last_seq}: records in between are missing",
                    entry.seq
                )));
            }
            last_seq = entry.seq;
            records.push(entry.record);
        }
        Ok(Some(OnDisk {
            saved: Saved {
                festival: snapshot.festival,
                records,
            },
            last_seq,
            snapshot_bytes: file_len(&snapshot_path)?,
            journal_bytes: whole as u64,
            torn_bytes: (journal.len() - whole) as u64,
        }))
    }

    /// Opens the journal for appending, cutting it to `len` bytes first.
    fn open_journal(&mut self, len: u64) -> Result<(), StoreError> {
        let path = self.journal_path();
        let write_error = |source| StoreError::Write {
            path: path.clone(),
            source,
        };
        let journal = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(write_error)?;
        if journal.metadata().map_err(write_error)?.len() != len {
            journal.set_len(len).map_err(write_error)?;
            journal.sync_all().map_err(write_error)?;
        }
        sync_dir(&self.dir).map_err(write_error)?;
        self.journal = Some(journal);
        self.journal_bytes = len;
        Ok(())
    }

    fn write_snapshot(&mut self, saved: &Saved, seq: u64) -> Result<(), StoreError> {
        let path = self.snapshot_path();
        let temp = self.dir.join(format!(".{SNAPSHOT_FILE}.tmp"));
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
        let file = File::create(&temp).map_err(write_error)?;
        let mut out = BufWriter::new(file);
        serde_json::to_writer(&mut out, &snapshot)
            .map_err(|e| write_error(std::io::Error::other(e)))?;
        out.write_all(b"\n").map_err(write_error)?;
        let file = out.into_inner().map_err(|e| write_error(e.into_error()))?;
        file.sync_all().map_err(write_error)?;
        drop(file);
        fs::rename(&temp, &path).map_err(write_error)?;
        sync_dir(&self.dir).map_err(write_error)?;
        self.snapshot_bytes = file_len(&path)?;
        Ok(())
    }
}

#[derive(Serialize)]
struct SnapshotOut<'a> {
    format: u32,
    seq: u64,
    festival: &'a Festival,
    records: &'a [Record],
}

impl Store for JsonStore {
    fn location(&self) -> &Path {
        &self.dir
    }

    fn load(&mut self) -> Result<Option<Saved>, StoreError> {
        let Some(disk) = self.read_disk()? else {
            return Ok(None);
        };
        if disk.torn_bytes > 0 {
            tracing::warn!(
                journal = %self.journal_path().display(),
                bytes = disk.torn_bytes,
                "dropping the journal's half-written last line, left by a crash; \
                 its sale was never acknowledged"
            );
        }
        self.open_journal(disk.journal_bytes)?;
        self.last_seq = disk.last_seq;
        self.snapshot_bytes = disk.snapshot_bytes;
        Ok(Some(disk.saved))
    }

    fn create(&mut self, saved: &Saved) -> Result<(), StoreError> {
        if self.read_disk()?.is_some() {
            return Err(StoreError::AlreadySetUp {
                path: self.dir.clone(),
            });
        }
        self.write_snapshot(saved, 0)?;
        self.open_journal(0)?;
        self.last_seq = 0;
        Ok(())
    }

    fn append(&mut self, records: &[Record]) -> Result<(), StoreError> {
        let path = self.journal_path();
        if self.failed {
            return Err(StoreError::Write {
                path,
                source: std::io::Error::other("an earlier write failed; restart tiket to recover"),
            });
        }
        let Some(journal) = self.journal.as_mut() else {
            return Err(StoreError::NotSetUp {
                path: self.dir.clone(),
            });
        };
        let mut lines = Vec::with_capacity(records.len() * 256);
        for (seq, record) in (self.last_seq + 1..).zip(records) {
            serde_json::to_writer(&mut lines, &JournalLineOut { seq, record }).map_err(|e| {
                StoreError::Write {
                    path: path.clone(),
                    source: std::io::Error::other(e),
                }
            })?;
            lines.push(b'\n');
        }
        if let Err(source) = journal.write_all(&lines).and_then(|()| journal.sync_data()) {
            self.failed = true;
            return Err(StoreError::Write { path, source });
        }
        self.last_seq += records.len() as u64;
        self.journal_bytes += lines.len() as u64;
        if self.journal_bytes > self.options.compact_after_bytes.max(self.snapshot_bytes) {
            // The records are already safe in the journal; a failed compaction
            // only means a longer replay at the next start.
            if let Err(error) = self.compact() {
                tracing::warn!("compaction failed, the journal keeps growing: {error}");
            }
        }
        Ok(())
    }

    fn compact(&mut self) -> Result<(), StoreError> {
        if self.journal.is_none() || self.failed {
            return Ok(());
        }
        let Some(disk) = self.read_disk()? else {
            return Err(StoreError::NotSetUp {
                path: self.dir.clone(),
            });
        };
        if disk.last_seq != self.last_seq || disk.torn_bytes > 0 {
            return Err(StoreError::Corrupt {
                path: self.journal_path(),
                message: format!(
                    "the journal ends at record {} but {} were written",
                    disk.last_seq, self.last_seq
                ),
            });
        }
        let kept = disk.saved.without_ended_sessions(self.options.clock.now());
        self.write_snapshot(&kept, disk.last_seq)?;
        self.open_journal(0)
    }
}

fn read_if_present(path: &Path) -> Result<Option<Vec<u8>>, StoreError> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(source) => Err(StoreError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn file_len(path: &Path) -> Result<u64, StoreError> {
    fs::metadata(path)
        .map(|m| m.len())
        .map_err(|source| StoreError::Read {
            path: path.to_path_buf(),
            source,
        })
}

/// Makes a rename or a new file in `dir` durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{FanName, StageId, Ticket, TicketCode, TicketId};
    use rand::{rngs::StdRng, SeedableRng};

    fn festival() -> Festival {
        Festival::reference()
    }

    /// Records of one ticket each, distinct, in a repeatable order.
    fn records(count: usize, seed: u64) -> Vec<Record> {
        let mut rng = StdRng::seed_from_u64(seed);
        (0..count)
            .map(|i| Record::Sold {
                tickets: vec![Ticket {
                    id: TicketId::random(&mut rng),
                    stage: StageId(1 + (i % 4) as u32),
                    owner: FanName::new(format!("fan{i}")).unwrap(),
                    bought_at: time::macros::datetime!(2026-11-25 12:00 UTC),
                    code: TicketCode::random(&mut rng),
                }],
                key: None,
            })
            .collect()
    }

    fn fresh(dir: &Path) -> JsonStore {
        fresh_with(dir, festival(), JsonStoreOptions::default())
    }

    fn fresh_with(dir: &Path, festival: Festival, options: JsonStoreOptions) -> JsonStore {
        let mut store = JsonStore::open_with(dir, options).unwrap();
        assert_eq!(store.load().unwrap(), None);
        store
            .create(&Saved {
                festival,
                records: Vec::new(),
            })
            .unwrap();
        store
    }

    fn reload(dir: &Path) -> Result<Option<Saved>, StoreError> {
        JsonStore::open(dir).unwrap().load()
    }

    fn journal_line(seq: u64, record: &Record) -> String {
        serde_json::to_string(&JournalLineOut { seq, record }).unwrap() + "\n"
    }

    #[test]
    fn appended_records_come_back_in_order_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let all = records(5, 1);
        let mut store = fresh(dir.path());
        store.append(&all[..2]).unwrap();
        store.append(&all[2..]).unwrap();
        drop(store);
        let saved = reload(dir.path()).unwrap().unwrap();
        assert_eq!(saved.festival, festival());
        assert_eq!(saved.records, all);
        let lines = fs::read_to_string(dir.path().join(JOURNAL_FILE)).unwrap();
        assert_eq!(lines.lines().count(), 5, "one line per record");
        assert!(
            lines.starts_with(r#"{"seq":1,"kind":"sold","tickets":[{"#),
            "{lines}"
        );
    }

    #[test]
    fn a_second_store_cannot_open_a_locked_folder() {
        let dir = tempfile::tempdir().unwrap();
        let first = JsonStore::open(dir.path()).unwrap();
        assert!(matches!(
            JsonStore::open(dir.path()),
            Err(StoreError::Locked { .. })
        ));
        drop(first);
        JsonStore::open(dir.path()).expect("the lock is released with the store");
    }

    #[test]
    fn a_folder_that_is_a_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-folder");
        fs::write(&file, "x").unwrap();
        let err = JsonStore::open(&file).unwrap_err();
        assert!(matches!(err, StoreError::Folder { .. }), "{err}");
    }

    #[test]
    fn a_set_up_folder_is_not_set_up_twice_and_a_fresh_one_takes_no_appends() {
        let dir = tempfile::tempdir().unwrap();
        let mut untouched = JsonStore::open(dir.path().join("fresh")).unwrap();
        assert!(matches!(
            untouched.append(&records(1, 1)),
            Err(StoreError::NotSetUp { .. })
        ));
        let mut store = fresh(dir.path());
        let again = store.create(&Saved {
            festival: festival(),
            records: records(1, 2),
        });
        assert!(matches!(again, Err(StoreError::AlreadySetUp { .. })));
        drop(store);
        assert_eq!(reload(dir.path()).unwrap().unwrap().records, []);
    }

    #[test]
    fn a_torn_last_line_is_dropped_and_appending_goes_on_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let all = records(4, 3);
        let mut store = fresh(dir.path());
        store.append(&all[..2]).unwrap();
        drop(store);
        let journal = dir.path().join(JOURNAL_FILE);
        let torn = journal_line(3, &all[2]);
        let mut file = OpenOptions::new().append(true).open(&journal).unwrap();
        file.write_all(&torn.as_bytes()[..torn.len() / 2]).unwrap();
        drop(file);

        let mut store = JsonStore::open(dir.path()).unwrap();
        assert_eq!(store.load().unwrap().unwrap().records, all[..2]);
        store.append(&all[3..]).unwrap();
        drop(store);
        let saved = reload(dir.path()).unwrap().unwrap();
        assert_eq!(saved.records, [&all[..2], &all[3..]].concat());
    }

    #[test]
    fn a_bad_line_before_the_end_stops_loading_and_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let all = records(3, 4);
        drop(fresh(dir.path()));
        let journal = dir.path().join(JOURNAL_FILE);
        let cases = [
            (
                format!(
                    "{}not json\n{}",
                    journal_line(1, &all[0]),
                    journal_line(2, &all[1])
                ),
                2,
                "expected ident",
            ),
            (
                format!("{}{}", journal_line(1, &all[0]), journal_line(3, &all[1])),
                2,
                "record 3 follows record 1: records in between are missing",
            ),
            (
                format!("{}{}", journal_line(2, &all[0]), journal_line(1, &all[1])),
                1,
                "record 2 follows record 0",
            ),
            (
                format!("{}{}", journal_line(1, &all[0]), journal_line(1, &all[1])),
                2,
                "record 1 comes after record 1",
            ),
            (
                format!("{}\n{}", journal_line(1, &all[0]), journal_line(2, &all[1])),
                2,
                "EOF while parsing",
            ),
            // A complete last line that is damaged is corruption, not a torn write.
            (
                format!("{}{{\"seq\":2}}\n", journal_line(1, &all[0])),
                2,
                "missing field `kind`",
            ),
        ];
        for (content, line, message) in cases {
            fs::write(&journal, &content).unwrap();
            let err = reload(dir.path()).unwrap_err();
            let text = err.to_string();
            assert!(
                matches!(err, StoreError::CorruptLine { line: l, .. } if l == line)
                    && text.contains(message)
                    && text.contains(JOURNAL_FILE),
                "expected line {line} and {message:?}, got: {text}"
            );
            assert_eq!(
                fs::read_to_string(&journal).unwrap(),
                content,
                "left untouched"
            );
        }
    }

    #[test]
    fn a_journal_without_a_snapshot_or_a_foreign_snapshot_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join(JOURNAL_FILE),
            journal_line(1, &records(1, 5)[0]),
        )
        .unwrap();
        let err = reload(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("there is a journal but no snapshot.json"),
            "{err}"
        );

        let snapshot = dir.path().join(SNAPSHOT_FILE);
        for (content, expected) in [
            ("{ not json".to_string(), "key must be a string"),
            (
                serde_json::json!({"format": 99, "seq": 0, "festival": festival(), "records": []})
                    .to_string(),
                "format 99 is not the supported format 1",
            ),
        ] {
            fs::write(&snapshot, content).unwrap();
            let err = reload(dir.path()).unwrap_err().to_string();
            assert!(
                err.contains(expected) && err.contains(SNAPSHOT_FILE),
                "{err}"
            );
        }
    }

    #[test]
    fn a_snapshot_with_an_invalid_festival_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut bad = festival();
        bad.stages[0].name = String::new();
        drop(fresh_with(dir.path(), bad, JsonStoreOptions::default()));
        let err = reload(dir.path()).unwrap_err().to_string();
        assert!(err.contains("the name is empty"), "{err}");
    }

    #[test]
    fn compaction_folds_the_journal_into_the_snapshot_and_loses_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let all = records(200, 6);
        let options = JsonStoreOptions {
            compact_after_bytes: 2_000,
            ..JsonStoreOptions::default()
        };
        let mut store = fresh_with(dir.path(), festival(), options);
        for chunk in all.chunks(7) {
            store.append(chunk).unwrap();
        }
        let journal_len = fs::metadata(dir.path().join(JOURNAL_FILE)).unwrap().len();
        let snapshot_len = fs::metadata(dir.path().join(SNAPSHOT_FILE)).unwrap().len();
        assert!(
            journal_len <= snapshot_len.max(2_000) + 7 * 300,
            "compacted: journal {journal_len} bytes, snapshot {snapshot_len}"
        );
        drop(store);
        assert_eq!(reload(dir.path()).unwrap().unwrap().records, all);
    }

    #[test]
    fn a_crash_between_snapshot_and_emptying_the_journal_duplicates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let all = records(5, 7);
        let mut store = fresh(dir.path());
        store.append(&all[..3]).unwrap();
        let journal = dir.path().join(JOURNAL_FILE);
        let before_compaction = fs::read(&journal).unwrap();
        store.compact().unwrap();
        store.append(&all[3..]).unwrap();
        drop(store);
        // Put back the journal as it was before it was emptied, then the later lines.
        let after = fs::read(&journal).unwrap();
        fs::write(&journal, [before_compaction, after].concat()).unwrap();
        assert_eq!(reload(dir.path()).unwrap().unwrap().records, all);
    }

    #[test]
    fn a_crash_at_any_byte_of_the_journal_keeps_exactly_the_whole_lines() {
        let dir = tempfile::tempdir().unwrap();
        let all = records(4, 8);
        let mut store = fresh(dir.path());
        store.append(&all[..1]).unwrap();
        store.append(&all[1..]).unwrap();
        drop(store);
        let journal = dir.path().join(JOURNAL_FILE);
        let full = fs::read(&journal).unwrap();
        for cut in 0..=full.len() {
            fs::write(&journal, &full[..cut]).unwrap();
            let whole_lines = full[..cut].iter().filter(|&&b| b == b'\n').count();
            let saved = reload(dir.path())
                .unwrap_or_else(|e| panic!("cut at byte {cut}: {e}"))
                .unwrap();
            assert_eq!(saved.records, all[..whole_lines], "cut at byte {cut}");
        }
    }

    #[test]
    fn a_snapshot_left_half_written_by_a_crash_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let all = records(2, 9);
        let mut store = fresh(dir.path());
        store.append(&all).unwrap();
        drop(store);
        let temp = dir.path().join(format!(".{SNAPSHOT_FILE}.tmp"));
        fs::write(&temp, "{\"format\":1,\"seq\":2,\"fest").unwrap();
        let mut store = JsonStore::open(dir.path()).unwrap();
        assert_eq!(store.load().unwrap().unwrap().records, all);
        store.compact().unwrap();
        drop(store);
        assert_eq!(reload(dir.path()).unwrap().unwrap().records, all);
        assert!(!temp.exists(), "the next compaction replaces it");
    }
}
