//! [`JsonStore`]: the shop's state as JSON files in one data folder.
//!
//! Every file is replaced atomically (write a temporary file, fsync it, rename
//! it over the old one, fsync the folder), so a crash leaves the old version or
//! the new one, never half of either. A lock file keeps a second server out.

use super::{Store, StoreError};
use crate::domain::Festival;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

const LOCK_FILE: &str = "tiket.lock";
const FESTIVAL_FILE: &str = "festival.json";
/// Bumped when the file layout changes, so old files are recognised.
const FORMAT_VERSION: u32 = 1;

/// A data folder, held exclusively for as long as this value lives.
#[derive(Debug)]
pub struct JsonStore {
    dir: PathBuf,
    /// Holds the folder's advisory lock; released when dropped.
    _lock: File,
}

#[derive(Serialize, Deserialize)]
struct Versioned<T> {
    format: u32,
    #[serde(flatten)]
    content: T,
}

#[derive(Serialize, Deserialize)]
struct FestivalFile {
    festival: Festival,
}

impl JsonStore {
    /// Opens (creating if needed) a data folder and locks it. Fails when the
    /// folder cannot be created or written, or another server holds it.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Self, StoreError> {
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
        Ok(JsonStore { dir, _lock: lock })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn read<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, StoreError> {
        let path = self.dir.join(name);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(StoreError::Read { path, source }),
        };
        let file: Versioned<T> =
            serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
                path: path.clone(),
                message: e.to_string(),
            })?;
        if file.format != FORMAT_VERSION {
            return Err(StoreError::Corrupt {
                path,
                message: format!(
                    "format {} is not the supported format {FORMAT_VERSION}",
                    file.format
                ),
            });
        }
        Ok(Some(file.content))
    }

    fn write_atomically<T: Serialize>(&self, name: &str, content: T) -> Result<(), StoreError> {
        let path = self.dir.join(name);
        let temp = self.dir.join(format!(".{name}.tmp"));
        let write_error = |source| StoreError::Write {
            path: path.clone(),
            source,
        };
        let mut json = serde_json::to_vec_pretty(&Versioned {
            format: FORMAT_VERSION,
            content,
        })
        .map_err(|e| write_error(std::io::Error::other(e)))?;
        json.push(b'\n');
        let mut file = File::create(&temp).map_err(write_error)?;
        file.write_all(&json).map_err(write_error)?;
        file.sync_all().map_err(write_error)?;
        drop(file);
        fs::rename(&temp, &path).map_err(write_error)?;
        File::open(&self.dir)
            .and_then(|dir| dir.sync_all())
            .map_err(write_error)
    }
}

impl Store for JsonStore {
    fn load_festival(&self) -> Result<Option<Festival>, StoreError> {
        let Some(file) = self.read::<FestivalFile>(FESTIVAL_FILE)? else {
            return Ok(None);
        };
        let path = self.dir.join(FESTIVAL_FILE);
        file.festival.validate().map_err(|e| StoreError::Corrupt {
            path,
            message: e.to_string(),
        })?;
        Ok(Some(file.festival))
    }

    fn save_festival(&self, festival: &Festival) -> Result<(), StoreError> {
        self.write_atomically(
            FESTIVAL_FILE,
            FestivalFile {
                festival: festival.clone(),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_folder_has_no_festival_and_saves_one_durably() {
        let dir = tempfile::tempdir().unwrap();
        let store = JsonStore::open(dir.path().join("data")).unwrap();
        assert_eq!(store.load_festival().unwrap(), None);

        store.save_festival(&Festival::reference()).unwrap();
        assert_eq!(store.load_festival().unwrap(), Some(Festival::reference()));
        let names: Vec<_> = fs::read_dir(store.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(
            !names.iter().any(|n| n.ends_with(".tmp")),
            "temporary file left: {names:?}"
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
    fn corrupt_or_foreign_files_are_reported_with_their_path() {
        let dir = tempfile::tempdir().unwrap();
        let store = JsonStore::open(dir.path()).unwrap();
        let path = dir.path().join(FESTIVAL_FILE);
        let future_format =
            serde_json::json!({ "format": 99, "festival": Festival::reference() }).to_string();
        for (content, expected) in [
            ("{ not json".to_string(), "key must be a string"),
            (future_format, "format 99 is not the supported format 1"),
        ] {
            fs::write(&path, content).unwrap();
            let err = store.load_festival().unwrap_err().to_string();
            assert!(
                err.contains(expected) && err.contains("festival.json"),
                "{err}"
            );
        }
        let mut festival = Festival::reference();
        festival.stages[0].name = String::new();
        store.save_festival(&festival).unwrap();
        let err = store.load_festival().unwrap_err().to_string();
        assert!(err.contains("the name is empty"), "{err}");
    }
}
