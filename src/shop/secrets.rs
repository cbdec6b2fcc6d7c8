//! The server's secret keys (such as the one that signs browsers' device
//! cookies), kept as journal records so that a restart, a backup or another
//! instance signs and checks with the same key. A key is made once, on
//! first need, and never changes; no page or answer ever shows one.

use super::write::{lock, Change};
use super::{Shop, ShopError};
use crate::store::Record;
use std::collections::HashMap;

/// Secret keys by purpose.
#[derive(Debug, Default)]
pub(super) struct Secrets(HashMap<String, String>);

impl Secrets {
    /// The key kept for `purpose`, if one was made.
    pub(super) fn get(&self, purpose: &str) -> Option<&String> {
        self.0.get(purpose)
    }

    /// The keys the saved records hold (the first made for a purpose wins).
    pub(super) fn restore(records: &[Record]) -> Self {
        let mut secrets = Secrets::default();
        for record in records {
            if let Record::SecretMade { purpose, secret } = record {
                secrets
                    .0
                    .entry(purpose.clone())
                    .or_insert_with(|| secret.clone());
            }
        }
        secrets
    }
}

impl Shop {
    /// The secret kept for `purpose`, made with `make` and saved first if
    /// there is none yet.
    pub async fn secret(
        &self,
        purpose: &str,
        make: impl FnOnce() -> String,
    ) -> Result<String, ShopError> {
        if let Some(secret) = lock(&self.secrets).0.get(purpose) {
            return Ok(secret.clone());
        }
        self.write(&self.secrets, |secrets| {
            Ok::<_, ShopError>(match secrets.0.get(purpose) {
                Some(secret) => Change::nothing_to_save(secret.clone()),
                None => {
                    let secret = make();
                    secrets.0.insert(purpose.to_owned(), secret.clone());
                    let record = Record::SecretMade {
                        purpose: purpose.to_owned(),
                        secret: secret.clone(),
                    };
                    let purpose = purpose.to_owned();
                    let undo = move |secrets: &mut Secrets| {
                        secrets.0.remove(&purpose);
                    };
                    Change::saving(secret, record, undo)
                }
            })
        })
        .await
    }
}
