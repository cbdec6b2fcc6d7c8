//! The catalogue as the shop runs it: festivals for fans' pages, the
//! organisers' edits (each a [`Record::FestivalEdited`] through the one
//! write path), the festival's history, the sales dashboard, the orders
//! desk's search and the export's pages. Everything here reads the state in
//! memory; nothing scans the journal.

use super::buying::publish_all;
use super::write::{lock, Change};
use super::{Shop, ShopError};
use crate::domain::{
    BuyLimits, Catalogue, FanName, Festival, FestivalEdit, FestivalListing, Inventory, Slug,
    StageId, Ticket, TicketCode, Yen,
};
pub(super) use crate::store::record::Replayed;
use crate::store::{Record, Saved};
use time::OffsetDateTime;

/// One edit in a festival's history: what, by whom (`None`: the server
/// machine's own command), when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEntry {
    pub edit: FestivalEdit,
    pub by: Option<FanName>,
    pub at: OffsetDateTime,
}

/// Every edit ever made, oldest first (they are few).
#[derive(Default)]
pub(super) struct History(pub Vec<HistoryEntry>);

impl History {
    pub(super) fn restore(records: &[Record]) -> History {
        History(
            records
                .iter()
                .filter_map(|record| match record {
                    Record::FestivalEdited { edit, by, at } => Some(HistoryEntry {
                        edit: (**edit).clone(),
                        by: by.clone(),
                        at: *at,
                    }),
                    Record::FestivalImported {
                        festival, by, at, ..
                    } => Some(HistoryEntry {
                        edit: FestivalEdit::Create {
                            festival: (**festival).clone(),
                        },
                        by: by.clone(),
                        at: *at,
                    }),
                    _ => None,
                })
                .collect(),
        )
    }
}

/// The inventory and the keyed orders the saved records make.
pub(super) fn restore(saved: &Saved, limits: BuyLimits) -> Result<Replayed, String> {
    saved.inventory(limits)
}

/// One stage's sales, for the dashboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageSales {
    pub id: StageId,
    pub name: String,
    pub sold: u32,
    pub left: u32,
    pub capacity: u32,
    pub revenue: Yen,
    pub closed: bool,
}

/// A festival's sales as the dashboard shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SalesSummary {
    pub festival: FestivalListing,
    pub stages: Vec<StageSales>,
    pub sold: u32,
    pub capacity: u32,
    pub revenue: Yen,
    /// Tickets sold in each of the last minutes, oldest first: (minute's
    /// start, count).
    pub per_minute: Vec<(OffsetDateTime, u32)>,
    /// The newest tickets, newest first.
    pub latest: Vec<Ticket>,
}

/// Minutes the dashboard's chart shows.
pub const CHART_MINUTES: i64 = 60;
/// Orders the dashboard lists.
pub const LATEST_TICKETS: usize = 20;
/// How far back (in tickets sold anywhere) the latest list looks.
const LATEST_LOOKS_BACK: usize = 20_000;
/// Most results a search answers with.
pub const MOST_FOUND: usize = 200;

impl Shop {
    /// Every festival, as staff see them.
    pub fn catalogue(&self) -> Catalogue {
        self.inventory().catalogue().clone()
    }

    /// A festival with its stock (any state: callers decide who may see it).
    pub fn festival(&self, slug: &Slug) -> Option<FestivalListing> {
        self.inventory().listing_by_slug(slug)
    }

    /// The festival a stage belongs to.
    pub fn festival_of_stage(&self, stage: StageId) -> Option<Festival> {
        let inventory = self.inventory();
        let (festival, _) = inventory.catalogue().stage(stage)?;
        Some(festival.clone())
    }

    /// Published festivals with their stock, the soonest first.
    pub fn published_festivals(&self) -> Vec<FestivalListing> {
        let inventory = self.inventory();
        let published = inventory.catalogue().published();
        published
            .into_iter()
            .map(|festival| inventory.listing_of(festival))
            .collect()
    }

    /// Makes an organiser's edit (`by`: `None` for the server machine's
    /// commands); answers once it is saved. A refused edit changes nothing.
    pub async fn edit_festival(
        &self,
        edit: FestivalEdit,
        by: Option<FanName>,
    ) -> Result<(), ShopError> {
        let at = self.now();
        let record = Record::FestivalEdited {
            edit: Box::new(edit.clone()),
            by: by.clone(),
            at,
        };
        self.write(&self.inventory, |inventory| {
            let before = inventory.edit(&edit, crate::when::zone_exists)?;
            publish_all(&self.stock, inventory);
            let stock = self.stock.clone();
            let undo = move |inventory: &mut Inventory| {
                inventory.put_back(before);
                publish_all(&stock, inventory);
            };
            Ok::<_, ShopError>(Change::saving((), record, undo))
        })
        .await?;
        lock(&self.history).0.push(HistoryEntry { edit, by, at });
        Ok(())
    }

    /// Adds a festival read from the replaced system's files, with its
    /// tickets, as a draft: its stages get ids no festival uses yet (the
    /// tickets follow them), a ticket whose gate code another ticket has
    /// gets a fresh one. Both are saved as one record, or nothing is. Answers
    /// each stage's id in the files and in tiket.
    pub async fn import_festival(
        &self,
        mut festival: Festival,
        mut tickets: Vec<Ticket>,
        by: Option<FanName>,
    ) -> Result<Vec<(StageId, StageId)>, ShopError> {
        let at = self.now();
        festival.state = crate::domain::FestivalState::Draft;
        let answer = self
            .write(&self.inventory, |inventory| {
                let first = inventory.catalogue().next_stage_id().0;
                let renumbered: Vec<(StageId, StageId)> = festival
                    .stages
                    .iter()
                    .zip(first..)
                    .map(|(stage, id)| (stage.id, StageId(id)))
                    .collect();
                let new_id = |old: StageId| {
                    renumbered
                        .iter()
                        .find(|(from, _)| *from == old)
                        .map_or(old, |(_, to)| *to)
                };
                for stage in &mut festival.stages {
                    stage.id = new_id(stage.id);
                }
                let mut rng = rand::rng();
                for ticket in &mut tickets {
                    ticket.stage = new_id(ticket.stage);
                    if inventory.ticket_by_code(ticket.code).is_some() {
                        ticket.code = inventory.fresh_code(&mut rng);
                    }
                }
                let create = FestivalEdit::Create {
                    festival: festival.clone(),
                };
                let before = inventory.edit(&create, crate::when::zone_exists)?;
                let kept = match inventory.restore(&tickets) {
                    Ok(kept) => kept,
                    Err(error) => {
                        inventory.put_back(before);
                        return Err(ShopError::Import(error));
                    }
                };
                publish_all(&self.stock, inventory);
                let ids: Vec<crate::domain::TicketId> = kept.iter().map(|t| t.id).collect();
                let record = Record::FestivalImported {
                    festival: Box::new(festival.clone()),
                    tickets: kept,
                    by: by.clone(),
                    at,
                };
                let stock = self.stock.clone();
                let undo = move |inventory: &mut Inventory| {
                    inventory.unsell(&ids);
                    inventory.put_back(before);
                    publish_all(&stock, inventory);
                };
                Ok(Change::saving(renumbered, record, undo))
            })
            .await?;
        lock(&self.history).0.push(HistoryEntry {
            edit: FestivalEdit::Create { festival },
            by,
            at,
        });
        Ok(answer)
    }

    /// The edits made to a festival, newest first.
    pub fn history(&self, slug: &Slug) -> Vec<HistoryEntry> {
        let history = lock(&self.history);
        history
            .0
            .iter()
            .rev()
            .filter(|entry| entry.edit.festival() == slug)
            .cloned()
            .collect()
    }

    /// A festival's sales now: per stage and in all, the last hour per
    /// minute, the newest tickets. Reads only what is kept in memory.
    pub fn sales_summary(&self, slug: &Slug) -> Option<SalesSummary> {
        let now = self.now();
        let inventory = self.inventory();
        let festival = inventory.listing_by_slug(slug)?;
        let ids: Vec<StageId> = festival.stages.iter().map(|s| s.stage.id).collect();
        let stages: Vec<StageSales> = festival
            .stages
            .iter()
            .map(|listing| StageSales {
                id: listing.stage.id,
                name: listing.stage.name.clone(),
                sold: inventory.sold(listing.stage.id),
                left: listing.remaining,
                capacity: listing.stage.total_stock,
                revenue: Yen(inventory.revenue(listing.stage.id)),
                closed: listing.stage.closed,
            })
            .collect();
        let per_minute = inventory
            .sales_per_minute(&ids, now, CHART_MINUTES)
            .into_iter()
            .map(|(minute, count)| {
                let start = OffsetDateTime::from_unix_timestamp(minute * 60)
                    .unwrap_or(OffsetDateTime::UNIX_EPOCH);
                (start, count)
            })
            .collect();
        let latest = inventory
            .tickets()
            .iter()
            .rev()
            .take(LATEST_LOOKS_BACK)
            .filter(|ticket| ids.contains(&ticket.stage))
            .take(LATEST_TICKETS)
            .cloned()
            .collect();
        Some(SalesSummary {
            sold: stages.iter().map(|s| s.sold).sum(),
            capacity: stages.iter().map(|s| s.capacity).sum(),
            revenue: Yen(stages.iter().map(|s| s.revenue.0).sum()),
            festival,
            stages,
            per_minute,
            latest,
        })
    }

    /// Tickets found by a ticket code (with or without its dash, any case)
    /// or a fan's name (exactly, else any name containing it, ignoring
    /// case), oldest first, at most [`MOST_FOUND`].
    pub fn search_tickets(&self, query: &str) -> Vec<Ticket> {
        let query = query.trim();
        if query.is_empty() {
            return Vec::new();
        }
        let inventory = self.inventory();
        if let Ok(code) = query.parse::<TicketCode>() {
            if let Some(ticket) = inventory.ticket_by_code(code) {
                return vec![ticket.clone()];
            }
        }
        if let Ok(name) = FanName::new(query) {
            let exact = inventory.tickets_of(&name);
            if !exact.is_empty() {
                return exact.into_iter().take(MOST_FOUND).collect();
            }
        }
        let folded = query.to_lowercase();
        let mut names: Vec<&FanName> = inventory
            .owners()
            .filter(|name| name.as_str().to_lowercase().contains(&folded))
            .collect();
        names.sort();
        let mut found = Vec::new();
        for name in names {
            found.extend(inventory.tickets_of(name));
            if found.len() >= MOST_FOUND {
                break;
            }
        }
        found.truncate(MOST_FOUND);
        found
    }

    /// Up to `count` tickets of these stages, from position `from` in the
    /// order of sale, and the position to ask from next (`None` at the end).
    /// An export asks page by page, so it never holds all tickets at once
    /// nor the lock for long.
    pub fn tickets_page(
        &self,
        stages: &[StageId],
        from: usize,
        count: usize,
    ) -> (Vec<Ticket>, Option<usize>) {
        /// Tickets looked at under one lock.
        const LOOK_AT: usize = 8_192;
        let inventory = self.inventory();
        let all = inventory.tickets();
        let mut page = Vec::new();
        let mut at = from;
        while at < all.len() && page.len() < count && at - from < LOOK_AT {
            if stages.contains(&all[at].stage) {
                page.push(all[at].clone());
            }
            at += 1;
        }
        (page, (at < all.len()).then_some(at))
    }
}
