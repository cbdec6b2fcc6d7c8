//! [`Record`]: one change of the shop's state, as the journal keeps it, and
//! [`Saved`], everything a store holds. Every change that must survive a
//! restart is one of these records, applied to the state in memory and
//! saved before it is acknowledged.

use crate::domain::{
    Account, BuyLimits, CheckIn, FanName, Festival, FestivalEdit, Inventory, OrderKey, Role,
    SecondFactor, Session, Ticket, TokenHash,
};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use time::OffsetDateTime;

/// One thing that happened to the shop, saved as it happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    /// One order's tickets, sold together (all or none survive a crash),
    /// with the client's idempotency key when it sent one.
    Sold {
        tickets: Vec<Ticket>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<OrderKey>,
    },
    /// A fan signed up.
    Registered { account: Account },
    /// A fan signed in.
    SignedIn { session: Session },
    /// A fan signed out.
    SignedOut { token_hash: TokenHash },
    /// The server made a secret key for `purpose` (such as signing the
    /// browsers' device cookies), so every restart, backup and instance
    /// uses the same one. Never shown to anyone.
    SecretMade { purpose: String, secret: String },
    /// An organiser changed the catalogue (`by` is `None` for the server
    /// machine's own commands, such as `tiket import`).
    FestivalEdited {
        edit: Box<FestivalEdit>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<FanName>,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    /// A festival and its tickets brought in from the replaced system's
    /// files (`tiket import` into a running shop's folder, or the console's
    /// upload): both or neither.
    FestivalImported {
        festival: Box<Festival>,
        tickets: Vec<Ticket>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<FanName>,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    /// Someone was given a role (`by`: `None` for `tiket staff add`).
    RoleGranted {
        name: FanName,
        role: Role,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<FanName>,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    /// Someone's role was taken away.
    RoleRevoked {
        name: FanName,
        role: Role,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<FanName>,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    /// A staff member set up their second factor (`None`: it was reset and
    /// is set up again at the next sign-in).
    SecondFactorSet {
        name: FanName,
        factor: Option<SecondFactor>,
        #[serde(with = "time::serde::rfc3339")]
        at: OffsetDateTime,
    },
    /// A session passed the second factor.
    SecondFactorPassed { token_hash: TokenHash },
    /// A recovery code was used (each works once).
    RecoveryCodeUsed { name: FanName, code_hash: String },
    /// A ticket's holder was let in at a door.
    CheckedIn { check_in: CheckIn },
}

/// What replaying the records gives: see [`Saved::inventory`].
pub struct Replayed {
    pub inventory: Inventory,
    pub keyed: Vec<(OrderKey, Vec<Ticket>)>,
}

/// Everything a store holds: the festival it was set up with and every
/// record since (later festivals are records too).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    pub festival: Festival,
    pub records: Vec<Record>,
}

impl Saved {
    /// The same history without sessions that have ended by `now` (signed
    /// out or expired): they sign no one in, and a busy festival would
    /// otherwise keep every sign-in forever. Compaction applies this.
    pub fn without_ended_sessions(mut self, now: OffsetDateTime) -> Saved {
        let signed_out: HashSet<TokenHash> = self
            .records
            .iter()
            .filter_map(|record| match record {
                Record::SignedOut { token_hash } => Some(token_hash.clone()),
                _ => None,
            })
            .collect();
        self.records.retain(|record| match record {
            Record::SignedIn { session } => {
                session.expires_at > now && !signed_out.contains(&session.token_hash)
            }
            Record::SignedOut { .. } => false,
            Record::SecondFactorPassed { token_hash } => !signed_out.contains(token_hash),
            Record::Sold { .. }
            | Record::Registered { .. }
            | Record::SecretMade { .. }
            | Record::FestivalEdited { .. }
            | Record::FestivalImported { .. }
            | Record::RoleGranted { .. }
            | Record::RoleRevoked { .. }
            | Record::SecondFactorSet { .. }
            | Record::RecoveryCodeUsed { .. }
            | Record::CheckedIn { .. } => true,
        });
        self
    }

    /// The catalogue and every ticket, as the records in order make them:
    /// each sale taken back into the inventory, each festival edit made
    /// again. Also the saved order keys, each with its tickets as kept.
    /// An error says what does not add up.
    pub fn inventory(&self, limits: BuyLimits) -> Result<Replayed, String> {
        let mut inventory = Inventory::new(self.festival.clone(), limits);
        let mut keyed = Vec::new();
        for record in &self.records {
            match record {
                Record::Sold { tickets, key } => {
                    let kept = inventory.restore(tickets).map_err(|e| e.to_string())?;
                    if let Some(key) = key {
                        keyed.push((key.clone(), kept));
                    }
                }
                // Accepted when made; the zone database is not asked again.
                Record::FestivalEdited { edit, .. } => {
                    inventory
                        .edit(edit, |_| true)
                        .map_err(|e| format!("a saved festival edit no longer applies: {e}"))?;
                }
                Record::FestivalImported {
                    festival, tickets, ..
                } => {
                    let create = FestivalEdit::Create {
                        festival: (**festival).clone(),
                    };
                    inventory
                        .edit(&create, |_| true)
                        .map_err(|e| format!("a saved import no longer applies: {e}"))?;
                    inventory.restore(tickets).map_err(|e| e.to_string())?;
                }
                _ => {}
            }
        }
        Ok(Replayed { inventory, keyed })
    }

    /// Every ticket sold, in the order the records were saved.
    pub fn tickets(&self) -> impl Iterator<Item = &Ticket> {
        self.records.iter().flat_map(|record| match record {
            Record::Sold { tickets, .. } | Record::FestivalImported { tickets, .. } => {
                tickets.as_slice()
            }
            _ => &[],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FanName;
    use time::macros::datetime;

    fn signed_in(token: &str, expires_at: OffsetDateTime) -> Record {
        Record::SignedIn {
            session: Session {
                token_hash: TokenHash(token.into()),
                fan: FanName::new("suisei").unwrap(),
                created_at: datetime!(2026-11-01 0:00 UTC),
                expires_at,
                second_factor: false,
            },
        }
    }

    #[test]
    fn compaction_forgets_only_sessions_that_ended() {
        let registered = Record::Registered {
            account: Account {
                name: FanName::new("suisei").unwrap(),
                password_hash: "$argon2id$…".into(),
                registered_at: datetime!(2026-11-01 0:00 UTC),
            },
        };
        let records = vec![
            registered.clone(),
            signed_in("expired", datetime!(2026-11-20 0:00 UTC)),
            signed_in("signed-out", datetime!(2026-12-31 0:00 UTC)),
            signed_in("open", datetime!(2026-12-31 0:00 UTC)),
            Record::SignedOut {
                token_hash: TokenHash("signed-out".into()),
            },
            Record::Sold {
                tickets: Vec::new(),
                key: None,
            },
        ];
        let saved = Saved {
            festival: Festival::reference(),
            records,
        };
        let kept = saved.without_ended_sessions(datetime!(2026-11-25 0:00 UTC));
        assert_eq!(
            kept.records,
            [
                registered,
                signed_in("open", datetime!(2026-12-31 0:00 UTC)),
                Record::Sold {
                    tickets: Vec::new(),
                    key: None
                },
            ]
        );
    }
}
