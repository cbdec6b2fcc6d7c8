//! [`JsonStore`]: the shop's records as JSON in one data folder.
//!
//! - `snapshot.json` ([`snapshot`](super::snapshot)): the festival and every
//!   record kept, as of a record number;
//! - `journal-<n>.jsonl` ([`segment`](super::segment)): the records after
//!   it, one checksummed line each, in segment files of about
//!   `segment_bytes`; each append is flushed to disk before it returns;
//! - `tiket.lock`: held while the store is open, so a second server is refused.
//!
//! When a segment is full the writer starts the next at once and hands the
//! closed ones to the [`Compactor`](super::compactor): on a thread of its
//! own it folds them into a new snapshot and removes them. No append ever
//! waits for a snapshot. Loading reads the newest snapshot and the segments
//! after it ([`folder`](super::folder)), repairs a torn last line, and
//! upgrades a folder of the format before segments (`journal.jsonl`).

use super::compactor::Compactor;
use super::folder::{self, Folder};
use super::segment::{self, LEGACY_JOURNAL};
use super::snapshot;
use super::{Appended, Position, Record, Saved, Store, StoreError};
use crate::clock::{self, SharedClock};
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

const LOCK_FILE: &str = "tiket.lock";

/// Tuning of a [`JsonStore`].
#[derive(Clone, Debug)]
pub struct JsonStoreOptions {
    /// A segment is closed, and a snapshot folded in the background, once
    /// it holds this many bytes.
    pub segment_bytes: u64,
    /// Decides which sessions have ended when folding a snapshot.
    pub clock: SharedClock,
}

impl Default for JsonStoreOptions {
    fn default() -> Self {
        JsonStoreOptions {
            segment_bytes: 8 << 20,
            clock: clock::system(),
        }
    }
}

/// The segment being appended to.
#[derive(Debug)]
struct Open {
    file: File,
    path: PathBuf,
    bytes: u64,
}

/// A data folder, held exclusively for as long as this value lives.
#[derive(Debug)]
pub struct JsonStore {
    dir: PathBuf,
    options: JsonStoreOptions,
    /// Holds the folder's advisory lock; released when dropped.
    _lock: File,
    /// Set once the store is loaded or created.
    open: Option<Open>,
    /// Number of the last record saved.
    last_seq: u64,
    /// Set when a write failed: the journal's end is then unknown, so nothing
    /// more is appended until a restart has recovered it.
    failed: bool,
    compactor: Option<Compactor>,
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
            open: None,
            last_seq: 0,
            failed: false,
            compactor: None,
        })
    }

    /// Starts a new segment for the records from `first` on.
    fn start_segment(&mut self, first: u64) -> Result<(), StoreError> {
        let path = self.dir.join(segment::file_name(first));
        self.open_segment(path, 0)
    }

    /// Opens a segment for appending, cut to `bytes` first.
    fn open_segment(&mut self, path: PathBuf, bytes: u64) -> Result<(), StoreError> {
        let write_error = |source| StoreError::Write {
            path: path.clone(),
            source,
        };
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(write_error)?;
        if file.metadata().map_err(write_error)?.len() != bytes {
            file.set_len(bytes).map_err(write_error)?;
            file.sync_all().map_err(write_error)?;
        }
        snapshot::sync_dir(&self.dir).map_err(write_error)?;
        self.open = Some(Open { file, path, bytes });
        Ok(())
    }

    /// Folds every record up to the last into a snapshot now, on this
    /// thread, and removes the segments it covers.
    fn fold_now(&mut self) -> Result<(), StoreError> {
        if let Some(compactor) = self.compactor.take() {
            compactor.stop();
        }
        super::compactor::fold(&self.dir, self.last_seq, &self.options.clock)
    }

    fn start_compactor(&mut self) {
        self.compactor = Some(Compactor::start(
            self.dir.clone(),
            self.options.clock.clone(),
        ));
    }
}

impl Store for JsonStore {
    fn location(&self) -> &Path {
        &self.dir
    }

    fn load(&mut self) -> Result<Option<Saved>, StoreError> {
        snapshot::remove_leftovers(&self.dir)?;
        let Some(disk) = folder::read(&self.dir)? else {
            return Ok(None);
        };
        let Folder {
            saved,
            last_seq,
            segments,
            covered,
            last_segment_bytes,
            torn_bytes,
            legacy_journal,
            ..
        } = disk;
        self.last_seq = last_seq;
        if torn_bytes > 0 {
            tracing::warn!(
                folder = %self.dir.display(),
                bytes = torn_bytes,
                "dropping the journal's half-written last line, left by a crash; \
                 its sale was never acknowledged"
            );
        }
        if legacy_journal {
            // The format before segments: fold everything into a snapshot of
            // the new format, then drop the old journal.
            snapshot::write(&self.dir, &saved, last_seq)?;
            let legacy = self.dir.join(LEGACY_JOURNAL);
            fs::remove_file(&legacy).map_err(|source| StoreError::Write {
                path: legacy.clone(),
                source,
            })?;
            tracing::info!(folder = %self.dir.display(), records = last_seq, "upgraded the data folder to checksummed journal segments");
            for segment in &segments {
                let _ = fs::remove_file(&segment.path);
            }
            self.start_segment(last_seq + 1)?;
        } else {
            for segment in &covered {
                let _ = fs::remove_file(&segment.path);
            }
            match segments.last() {
                Some(last) if !covered.contains(last) => {
                    self.open_segment(last.path.clone(), last_segment_bytes)?
                }
                _ => self.start_segment(last_seq + 1)?,
            }
        }
        self.start_compactor();
        Ok(Some(saved))
    }

    fn position(&self) -> Position {
        self.last_seq
    }

    fn create(&mut self, saved: &Saved) -> Result<(), StoreError> {
        snapshot::remove_leftovers(&self.dir)?;
        if folder::read(&self.dir)?.is_some() {
            return Err(StoreError::AlreadySetUp {
                path: self.dir.clone(),
            });
        }
        // Records of an import go into the snapshot itself.
        let last_seq = saved.records.len() as u64;
        snapshot::write(&self.dir, saved, last_seq)?;
        self.last_seq = last_seq;
        self.start_segment(last_seq + 1)?;
        self.start_compactor();
        Ok(())
    }

    fn append(&mut self, expected: Position, records: &[Record]) -> Result<Appended, StoreError> {
        if self.failed {
            return Err(StoreError::Write {
                path: self.dir.clone(),
                source: std::io::Error::other("an earlier write failed; restart tiket to recover"),
            });
        }
        if expected != self.last_seq {
            let since = self.read_after(expected)?;
            return Ok(Appended::Behind {
                since,
                end: self.last_seq,
            });
        }
        let Some(open) = self.open.as_mut() else {
            return Err(StoreError::NotSetUp {
                path: self.dir.clone(),
            });
        };
        let mut lines = Vec::with_capacity(records.len() * 256);
        segment::lines(self.last_seq + 1, records, &mut lines).map_err(|e| StoreError::Write {
            path: open.path.clone(),
            source: std::io::Error::other(e),
        })?;
        if let Err(source) = open
            .file
            .write_all(&lines)
            .and_then(|()| open.file.sync_data())
        {
            self.failed = true;
            return Err(StoreError::Write {
                path: open.path.clone(),
                source,
            });
        }
        self.last_seq += records.len() as u64;
        open.bytes += lines.len() as u64;
        if open.bytes >= self.options.segment_bytes {
            // The records are safe; a segment that cannot be started shows
            // at the next append, which then fails like any write.
            let closed_up_to = self.last_seq;
            if let Err(error) = self.start_segment(closed_up_to + 1) {
                tracing::error!("cannot start the next journal segment: {error}");
                self.failed = true;
            } else if let Some(compactor) = &self.compactor {
                compactor.fold_up_to(closed_up_to);
            }
        }
        Ok(Appended::Done { end: self.last_seq })
    }

    fn read_after(&mut self, position: Position) -> Result<Vec<Record>, StoreError> {
        let folder = folder::read(&self.dir)?.ok_or_else(|| StoreError::NotSetUp {
            path: self.dir.clone(),
        })?;
        if position < folder.snapshot_seq {
            return Err(StoreError::Corrupt {
                path: self.dir.clone(),
                message: format!(
                    "records after {position} were folded into the snapshot of record {}; load the snapshot instead",
                    folder.snapshot_seq
                ),
            });
        }
        let kept = folder.saved.records.len() as u64;
        let skip = (kept - (folder.last_seq - position)) as usize;
        Ok(folder.saved.records.into_iter().skip(skip).collect())
    }

    fn load_snapshot(&mut self) -> Result<Option<(Saved, Position)>, StoreError> {
        Ok(snapshot::read(&self.dir)?.map(|snapshot| (snapshot.saved, snapshot.seq)))
    }

    fn save_snapshot(&mut self, saved: &Saved, position: Position) -> Result<(), StoreError> {
        snapshot::write(&self.dir, saved, position)?;
        for segment in segment::list(&self.dir)?.windows(2) {
            if segment[1].first <= position + 1 {
                let _ = fs::remove_file(&segment[0].path);
            }
        }
        Ok(())
    }

    fn compact(&mut self) -> Result<(), StoreError> {
        if self.open.is_none() || self.failed {
            return Ok(());
        }
        self.fold_now()?;
        // What is left of the journal starts after the snapshot.
        self.start_segment(self.last_seq + 1)?;
        for segment in segment::list(&self.dir)? {
            if segment.first <= self.last_seq {
                let _ = fs::remove_file(&segment.path);
            }
        }
        self.start_compactor();
        Ok(())
    }
}

impl Drop for JsonStore {
    fn drop(&mut self) {
        if let Some(compactor) = self.compactor.take() {
            compactor.stop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{FanName, Festival, StageId, Ticket, TicketCode, TicketId};
    use rand::{rngs::StdRng, SeedableRng};
    use std::time::{Duration, Instant};

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
                    price: None,
                }],
                key: None,
            })
            .collect()
    }

    fn options(segment_bytes: u64) -> JsonStoreOptions {
        JsonStoreOptions {
            segment_bytes,
            ..JsonStoreOptions::default()
        }
    }

    fn fresh_with(dir: &Path, options: JsonStoreOptions) -> JsonStore {
        let mut store = JsonStore::open_with(dir, options).unwrap();
        assert_eq!(store.load().unwrap(), None);
        store
            .create(&Saved {
                festival: Festival::reference(),
                records: Vec::new(),
            })
            .unwrap();
        store
    }

    fn fresh(dir: &Path) -> JsonStore {
        fresh_with(dir, JsonStoreOptions::default())
    }

    fn append_all(store: &mut JsonStore, records: &[Record], chunk: usize) {
        for part in records.chunks(chunk) {
            let at = store.position();
            assert_eq!(
                store.append(at, part).unwrap(),
                Appended::Done {
                    end: at + part.len() as u64
                }
            );
        }
    }

    fn reload(dir: &Path) -> Result<Option<Saved>, StoreError> {
        JsonStore::open(dir).unwrap().load()
    }

    fn segments(dir: &Path) -> Vec<PathBuf> {
        segment::list(dir)
            .unwrap()
            .into_iter()
            .map(|s| s.path)
            .collect()
    }

    fn last_segment(dir: &Path) -> PathBuf {
        segments(dir).pop().unwrap()
    }

    /// Waits for the background snapshot to reach `seq`.
    fn snapshot_reaches(dir: &Path, seq: u64) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while snapshot::read(dir).unwrap().unwrap().seq < seq {
            assert!(Instant::now() < deadline, "no snapshot of record {seq}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn appended_records_come_back_in_order_across_segments_and_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let all = records(300, 1);
        let mut store = fresh_with(dir.path(), options(4_000));
        append_all(&mut store, &all, 7);
        assert!(
            segments(dir.path()).len() > 1 || snapshot::read(dir.path()).unwrap().unwrap().seq > 0
        );
        drop(store);
        assert_eq!(reload(dir.path()).unwrap().unwrap().records, all);
    }

    #[test]
    fn a_second_store_cannot_open_a_locked_folder() {
        let dir = tempfile::tempdir().unwrap();
        let _held = fresh(dir.path());
        assert!(matches!(
            JsonStore::open(dir.path()),
            Err(StoreError::Locked { .. })
        ));
    }

    #[test]
    fn a_set_up_folder_is_not_set_up_twice_and_a_fresh_one_takes_no_appends() {
        let dir = tempfile::tempdir().unwrap();
        let mut unset = JsonStore::open(dir.path().join("unset")).unwrap();
        assert!(matches!(
            unset.append(0, &records(1, 2)),
            Err(StoreError::NotSetUp { .. })
        ));
        let mut store = fresh(dir.path());
        let again = store.create(&Saved {
            festival: Festival::reference(),
            records: Vec::new(),
        });
        assert!(matches!(again, Err(StoreError::AlreadySetUp { .. })));
    }

    /// With one writer the condition always holds; a writer that expects an
    /// older end gets the records appended since, and nothing is written.
    #[test]
    fn an_append_at_a_stale_position_writes_nothing_and_answers_what_came_since() {
        let dir = tempfile::tempdir().unwrap();
        let all = records(5, 3);
        let mut store = fresh(dir.path());
        append_all(&mut store, &all[..3], 3);
        assert_eq!(
            store.append(1, &all[3..]).unwrap(),
            Appended::Behind {
                since: all[1..3].to_vec(),
                end: 3
            }
        );
        assert_eq!(store.read_after(0).unwrap(), all[..3]);
        drop(store);
        assert_eq!(reload(dir.path()).unwrap().unwrap().records, all[..3]);
    }

    #[test]
    fn segments_are_folded_into_snapshots_in_the_background() {
        let dir = tempfile::tempdir().unwrap();
        let all = records(400, 4);
        let mut store = fresh_with(dir.path(), options(2_000));
        append_all(&mut store, &all, 10);
        let closed = segment::list(dir.path()).unwrap().last().unwrap().first - 1;
        snapshot_reaches(dir.path(), closed);
        let (saved, position) = store.load_snapshot().unwrap().unwrap();
        assert_eq!(position, closed);
        assert_eq!(saved.records, all[..closed as usize]);
        // Only segments after the snapshot are left (removed just after it).
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = segment::list(dir.path()).unwrap();
            if left.iter().all(|s| s.first > closed) {
                break;
            }
            assert!(Instant::now() < deadline, "{left:?}");
            std::thread::sleep(Duration::from_millis(10));
        }
        drop(store);
        assert_eq!(reload(dir.path()).unwrap().unwrap().records, all);
    }

    #[test]
    fn a_crash_at_any_byte_of_the_last_segment_keeps_exactly_the_whole_lines() {
        let dir = tempfile::tempdir().unwrap();
        let all = records(4, 5);
        let mut store = fresh(dir.path());
        append_all(&mut store, &all, 2);
        drop(store);
        let journal = last_segment(dir.path());
        let full = fs::read(&journal).unwrap();
        for cut in (0..=full.len())
            .step_by(7)
            .chain([full.len() - 1, full.len()])
        {
            fs::write(&journal, &full[..cut]).unwrap();
            let whole_lines = full[..cut].iter().filter(|&&b| b == b'\n').count();
            let saved = reload(dir.path())
                .unwrap_or_else(|e| panic!("cut at byte {cut}: {e}"))
                .unwrap();
            assert_eq!(saved.records, all[..whole_lines], "cut at byte {cut}");
        }
    }

    #[test]
    fn a_damaged_line_stops_loading_naming_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = fresh(dir.path());
        append_all(&mut store, &records(3, 6), 3);
        drop(store);
        let journal = last_segment(dir.path());
        let mut bytes = fs::read(&journal).unwrap();
        let second = bytes.iter().position(|&b| b == b'\n').unwrap() + 20;
        bytes[second] ^= 0x01;
        fs::write(&journal, &bytes).unwrap();
        match reload(dir.path()) {
            Err(error @ StoreError::CorruptLine { line: 2, .. }) => {
                let text = error.to_string();
                assert!(
                    text.contains("journal-") && text.contains("checksum"),
                    "{text}"
                );
            }
            other => panic!("{:?}", other.map(|saved| saved.map(|s| s.records.len()))),
        }
        assert_eq!(fs::read(&journal).unwrap(), bytes, "nothing changed");
    }

    #[test]
    fn a_half_written_snapshot_is_ignored_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let all = records(2, 7);
        let mut store = fresh(dir.path());
        append_all(&mut store, &all, 2);
        drop(store);
        let temp = dir.path().join(".snapshot.json.tmp");
        fs::write(&temp, "{\"format\":2,\"seq\":2,\"fest").unwrap();
        assert_eq!(reload(dir.path()).unwrap().unwrap().records, all);
        assert!(!temp.exists(), "removed at start");
    }

    /// The crash between writing a snapshot and removing the segments it
    /// covers: the covered records are recognised and skipped, once.
    #[test]
    fn a_snapshot_beside_the_segments_it_covers_duplicates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let all = records(200, 8);
        let mut store = fresh_with(dir.path(), options(1_500));
        // Fold by hand below, so no background fold races the copies.
        if let Some(compactor) = store.compactor.take() {
            compactor.stop();
        }
        append_all(&mut store, &all[..100], 5);
        let kept: Vec<(PathBuf, Vec<u8>)> = segments(dir.path())
            .into_iter()
            .map(|path| (path.clone(), fs::read(&path).unwrap()))
            .collect();
        assert!(kept.len() > 1, "several segments");
        let closed = segment::list(dir.path()).unwrap().last().unwrap().first - 1;
        super::super::compactor::fold(dir.path(), closed, &crate::clock::system()).unwrap();
        assert!(
            segments(dir.path()).len() < kept.len(),
            "the fold removed what it covers"
        );
        append_all(&mut store, &all[100..], 5);
        drop(store);
        for (path, bytes) in &kept[..kept.len() - 1] {
            fs::write(path, bytes).unwrap();
        }
        assert_eq!(reload(dir.path()).unwrap().unwrap().records, all);
    }

    #[test]
    fn a_missing_segment_in_the_middle_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = fresh_with(dir.path(), options(1_000));
        // Stop the background folding, so every segment stays.
        if let Some(compactor) = store.compactor.take() {
            compactor.stop();
        }
        append_all(&mut store, &records(60, 9), 3);
        drop(store);
        let all = segments(dir.path());
        assert!(all.len() >= 3, "{all:?}");
        fs::remove_file(&all[1]).unwrap();
        let error = reload(dir.path()).unwrap_err().to_string();
        assert!(error.contains("missing"), "{error}");
    }

    /// A folder of the format before segments (one `journal.jsonl` without
    /// checksums) loads whole and is upgraded: snapshot of everything, old
    /// journal removed, appends go on in segments.
    #[test]
    fn a_folder_of_the_format_before_segments_is_upgraded_without_loss() {
        let dir = tempfile::tempdir().unwrap();
        let all = records(6, 10);
        let old_snapshot = serde_json::json!({
            "format": 1, "seq": 2, "festival": Festival::reference(), "records": &all[..2],
        });
        fs::write(dir.path().join("snapshot.json"), old_snapshot.to_string()).unwrap();
        let mut journal = String::new();
        for (seq, record) in (1u64..).zip(&all[..4]) {
            let mut line = serde_json::to_value(record).unwrap();
            line["seq"] = seq.into();
            journal.push_str(&format!("{line}\n"));
        }
        fs::write(dir.path().join(LEGACY_JOURNAL), journal).unwrap();

        let mut store = JsonStore::open(dir.path()).unwrap();
        assert_eq!(store.load().unwrap().unwrap().records, all[..4]);
        assert!(!dir.path().join(LEGACY_JOURNAL).exists());
        append_all(&mut store, &all[4..], 2);
        drop(store);
        assert_eq!(reload(dir.path()).unwrap().unwrap().records, all);
        let upgraded = snapshot::read(dir.path()).unwrap().unwrap();
        assert_eq!(upgraded.seq, 4);
    }

    #[test]
    fn compacting_at_close_leaves_only_the_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let all = records(50, 11);
        let mut store = fresh_with(dir.path(), options(1_000));
        append_all(&mut store, &all, 4);
        store.compact().unwrap();
        assert_eq!(snapshot::read(dir.path()).unwrap().unwrap().seq, 50);
        for path in segments(dir.path()) {
            assert_eq!(fs::metadata(&path).unwrap().len(), 0, "{path:?}");
        }
        drop(store);
        assert_eq!(reload(dir.path()).unwrap().unwrap().records, all);
    }
}
