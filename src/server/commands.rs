//! The commands an operator runs on the server machine against a data
//! folder no server holds: `tiket staff add` (the first organiser, and any
//! staff account), `tiket staff reset-second-factor` (a lost phone) and `tiket import` into a folder that already holds a
//! shop (a new festival beside the others). Each opens the shop on the
//! folder as the server would (setting up a missing one with the reference
//! festival), makes its change through the shop's one write path, and
//! closes it. A running server holds the folder's lock: then the command
//! says to use the console instead, or to stop the server.

use crate::domain::{Account, FanName, Festival, Password, Role};
use crate::import::{self, ImportSummary, SeedOptions};
use crate::server::auth::hash_password;
use crate::shop::{Shop, ShopError, ShopOptions};
use crate::store::{JsonStore, Store, StoreError};
use std::path::Path;
use std::sync::Arc;

/// What a command says when it cannot go on: one sentence for the operator.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("a running tiket server holds {0}: stop it first, or do this in its console (/console) while it runs")]
    Held(String),
    #[error(transparent)]
    Store(StoreError),
    #[error(transparent)]
    Import(#[from] import::ImportError),
    #[error("{0}")]
    Refused(String),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

impl From<StoreError> for CommandError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Locked { path } => CommandError::Held(path.display().to_string()),
            error => CommandError::Store(error),
        }
    }
}

impl From<ShopError> for CommandError {
    fn from(error: ShopError) -> Self {
        CommandError::Refused(error.to_string())
    }
}

/// Runs `work` on the shop in `dir`, then closes it (folding the journal).
fn with_shop<T>(
    dir: &Path,
    work: impl AsyncFnOnce(&Arc<Shop>) -> Result<T, CommandError>,
) -> Result<T, CommandError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CommandError::Runtime)?;
    runtime.block_on(async {
        let store = JsonStore::open(dir)?;
        let shop = Arc::new(Shop::open(
            store,
            Festival::reference,
            ShopOptions::default(),
        )?);
        let result = work(&shop).await;
        shop.close().await?;
        result
    })
}

/// Gives `name` a role, making their account first (with `password`) if
/// there is none. Answers what was done, in a sentence.
pub fn add_staff(
    dir: &Path,
    name: &str,
    role: Role,
    password: impl FnOnce() -> Result<String, String>,
) -> Result<String, CommandError> {
    let name = FanName::new(name).map_err(|e| CommandError::Refused(e.to_string()))?;
    with_shop(dir, async |shop| {
        let made = match shop.account(&name) {
            Some(_) => false,
            None => {
                shop.check_name_free(&name)?;
                let text = password().map_err(CommandError::Refused)?;
                let password =
                    Password::new(text, &name).map_err(|e| CommandError::Refused(e.to_string()))?;
                let password_hash = hash_password(password.as_str().to_owned())
                    .map_err(|e| CommandError::Refused(e.to_string()))?;
                shop.register(Account {
                    name: name.clone(),
                    password_hash,
                    registered_at: shop.now(),
                })
                .await?;
                true
            }
        };
        let granted = shop.grant_role(&name, role, None).await?;
        let second = match role {
            Role::Organiser => {
                "; they set up their second factor (an authenticator app) at their first sign-in"
            }
            Role::Door => "",
        };
        Ok(match (made, granted) {
            (true, _) => format!(
                "made the account {name} with the role {role}{second}",
                name = name.as_str()
            ),
            (false, true) => format!(
                "gave {} the role {role} (their account and password are unchanged)",
                name.as_str()
            ),
            (false, false) => format!(
                "{} already has the role {role}; nothing changed",
                name.as_str()
            ),
        })
    })
}

/// Forgets `name`'s second factor (saved as a record, with no factor), so
/// they set up a new one at their next sign-in; their sessions that passed
/// the old one stay signed in until they end. Answers what was done.
pub fn reset_second_factor(dir: &Path, name: &str) -> Result<String, CommandError> {
    let name = FanName::new(name).map_err(|e| CommandError::Refused(e.to_string()))?;
    if !dir.exists() {
        return Err(CommandError::Refused(format!(
            "there is no data folder at {}",
            dir.display()
        )));
    }
    with_shop(dir, async |shop| {
        if shop.account(&name).is_none() {
            return Err(CommandError::Refused(format!(
                "there is no account named {}",
                name.as_str()
            )));
        }
        if shop.second_factor(&name).is_none() {
            return Ok(format!(
                "{} has no second factor set up; nothing changed",
                name.as_str()
            ));
        }
        shop.set_second_factor(&name, None).await?;
        Ok(format!(
            "forgot {}'s second factor; they set up a new one at their next sign-in",
            name.as_str()
        ))
    })
}

/// Imports the replaced system's files: into a fresh folder as its
/// festival, or into a folder holding a shop as a new festival (a draft,
/// its stages numbered after the others'). Answers what was done.
pub fn import(
    dir: &Path,
    stages: &Path,
    tickets: &Path,
    options: &SeedOptions,
) -> Result<String, CommandError> {
    let mut store = JsonStore::open(dir)?;
    if store.load()?.is_none() {
        let summary: ImportSummary = import::import_into(&mut store, stages, tickets, options)?;
        return Ok(summary.to_string());
    }
    drop(store);
    let saved = import::read_files(stages, tickets, options)?;
    let festival = saved.festival.clone();
    let tickets: Vec<_> = saved.tickets().cloned().collect();
    let count = tickets.len();
    with_shop(dir, async |shop| {
        let renumbered = shop
            .import_festival(festival.clone(), tickets, None)
            .await
            .map_err(|error| match error {
                ShopError::Edit(crate::domain::EditError::SlugTaken(slug)) => {
                    CommandError::Refused(format!(
                        "the address name {slug} is taken by another festival; choose another with --slug"
                    ))
                }
                error => error.into(),
            })?;
        let stages: Vec<String> = renumbered
            .iter()
            .map(|(from, to)| format!("stage_id {from} → stage {to}"))
            .collect();
        Ok(format!(
            "added the festival {name} (/f/{slug}) as a draft to {dir}, with {count} tickets; {stages}. Publish it in the console (/console/f/{slug}).",
            name = festival.name,
            slug = festival.slug,
            dir = dir.display(),
            stages = stages.join(", "),
        ))
    })
}
