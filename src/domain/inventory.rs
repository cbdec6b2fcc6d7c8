//! The inventory and the buy rule: which tickets are sold, to whom, and how
//! many are left. [`Inventory::buy`] is the one place a sale is decided.

use super::{
    BuyError, BuyLimits, Catalogue, EditError, FanName, Festival, FestivalEdit, FestivalListing,
    FestivalState, Order, Sale, SalePhase, Slug, StageId, StageListing, StockLevel, Ticket,
    TicketCode, TicketId, TimeZoneName,
};
use rand::Rng;
use std::collections::{BTreeMap, HashMap, HashSet};
use time::OffsetDateTime;

/// Every festival and every ticket sold so far, indexed for the buy rule
/// and for each fan.
#[derive(Clone, Debug)]
pub struct Inventory {
    catalogue: Catalogue,
    /// The server's limits, for stages without their own.
    limits: BuyLimits,
    tickets: Vec<Ticket>,
    sold: HashMap<StageId, u32>,
    /// Positions in `tickets` of each fan's tickets (a handful per fan).
    by_owner: HashMap<FanName, Vec<usize>>,
    /// Position in `tickets` of each id.
    ids: HashMap<TicketId, usize>,
    /// Position in `tickets` of each code.
    codes: HashMap<TicketCode, usize>,
    /// Yen taken per stage.
    revenue: HashMap<StageId, u64>,
    /// Tickets sold per stage per minute (minutes since the Unix epoch), for
    /// the organisers' chart: kept as sales happen, never scanned for.
    per_minute: HashMap<StageId, BTreeMap<i64, u32>>,
}

impl Inventory {
    /// An inventory of one festival with nothing sold yet.
    pub fn new(festival: Festival, limits: BuyLimits) -> Self {
        Inventory {
            catalogue: Catalogue::new(festival),
            limits,
            tickets: Vec::new(),
            sold: HashMap::new(),
            by_owner: HashMap::new(),
            ids: HashMap::new(),
            codes: HashMap::new(),
            revenue: HashMap::new(),
            per_minute: HashMap::new(),
        }
    }

    /// Every festival.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// The festival fans land on.
    pub fn festival(&self) -> &Festival {
        self.catalogue.default_festival()
    }

    /// The server's limits (stages may have their own).
    pub fn limits(&self) -> BuyLimits {
        self.limits
    }

    /// Makes an organiser's edit, or nothing (see [`Catalogue::apply`]).
    /// Returns the catalogue as it was, to put back should the edit not be
    /// saved.
    pub fn edit(
        &mut self,
        edit: &FestivalEdit,
        known_zone: impl Fn(&TimeZoneName) -> bool,
    ) -> Result<Catalogue, EditError> {
        let before = self.catalogue.clone();
        let sold = &self.sold;
        self.catalogue.apply(
            edit,
            |stage| sold.get(&stage).copied().unwrap_or(0),
            known_zone,
        )?;
        Ok(before)
    }

    /// Puts back the catalogue an unsaved edit changed.
    pub fn put_back(&mut self, catalogue: Catalogue) {
        self.catalogue = catalogue;
    }

    /// Tickets of this stage sold so far (0 for an unknown stage).
    pub fn sold(&self, id: StageId) -> u32 {
        self.sold.get(&id).copied().unwrap_or(0)
    }

    /// Tickets of this stage still for sale; `None` for an unknown stage.
    pub fn remaining(&self, id: StageId) -> Option<u32> {
        let (_, stage) = self.catalogue.stage(id)?;
        Some(stage.total_stock.saturating_sub(self.sold(id)))
    }

    /// Tickets this fan holds for this stage.
    pub fn held_by(&self, fan: &FanName, stage: StageId) -> u32 {
        let positions = self.by_owner.get(fan).map_or(&[][..], Vec::as_slice);
        positions
            .iter()
            .filter(|&&i| self.tickets[i].stage == stage)
            .count() as u32
    }

    /// Every ticket sold, in the order they were sold.
    pub fn tickets(&self) -> &[Ticket] {
        &self.tickets
    }

    /// This fan's tickets, in the order they were bought.
    pub fn tickets_of(&self, fan: &FanName) -> Vec<Ticket> {
        self.by_owner
            .get(fan)
            .map(|positions| positions.iter().map(|&i| self.tickets[i].clone()).collect())
            .unwrap_or_default()
    }

    /// The default festival with each stage's remaining stock.
    pub fn listing(&self) -> FestivalListing {
        self.listing_of(self.festival())
    }

    /// A festival with each stage's remaining stock.
    pub fn listing_of(&self, festival: &Festival) -> FestivalListing {
        FestivalListing {
            slug: festival.slug.clone(),
            name: festival.name.clone(),
            venue: festival.venue.clone(),
            time_zone: festival.time_zone.clone(),
            state: festival.state,
            stages: festival
                .stages
                .iter()
                .map(|stage| StageListing {
                    stage: stage.clone(),
                    remaining: stage.total_stock.saturating_sub(self.sold(stage.id)),
                })
                .collect(),
        }
    }

    /// The festival with this slug, with its stock.
    pub fn listing_by_slug(&self, slug: &Slug) -> Option<FestivalListing> {
        Some(self.listing_of(self.catalogue.festival(slug)?))
    }

    /// Every stage's remaining stock, festival by festival.
    pub fn stock_levels(&self) -> Vec<StockLevel> {
        self.catalogue
            .stages()
            .map(|(_, stage)| StockLevel {
                stage: stage.id,
                remaining: stage.total_stock.saturating_sub(self.sold(stage.id)),
            })
            .collect()
    }

    /// The buy rule. Sells `order.quantity` tickets at `now` if every rule
    /// allows it, or nothing: a stage of a published festival, 1 to the
    /// stage's per-order limit, inside the sale window of a stage not
    /// closed, within its per-fan limit, never beyond the stock, and a total
    /// that can be counted in yen.
    pub fn buy(
        &mut self,
        order: &Order,
        now: OffsetDateTime,
        rng: &mut impl Rng,
    ) -> Result<Sale, BuyError> {
        let (festival, stage) = self
            .catalogue
            .stage(order.stage)
            .filter(|(festival, _)| festival.state == FestivalState::Published)
            .ok_or(BuyError::UnknownStage(order.stage))?;
        let (id, requested) = (stage.id, order.quantity);
        let limits = stage.limits(self.limits);
        if requested == 0 {
            return Err(BuyError::NoTickets);
        }
        if requested > limits.per_order {
            return Err(BuyError::OverOrderLimit {
                requested,
                limit: limits.per_order,
            });
        }
        if stage.closed {
            return Err(BuyError::StageClosed(id));
        }
        let _ = festival;
        match stage.sale_phase(now) {
            SalePhase::NotYetOpen => {
                return Err(BuyError::SaleNotOpen {
                    stage: id,
                    opens: stage.sale_opens,
                })
            }
            SalePhase::Closed => {
                return Err(BuyError::SaleClosed {
                    stage: id,
                    closed: stage.sale_closes,
                })
            }
            SalePhase::Open => {}
        }
        let held = self.held_by(&order.fan, id);
        if held.saturating_add(requested) > limits.per_fan {
            return Err(BuyError::OverFanLimit {
                stage: id,
                limit: limits.per_fan,
                held,
            });
        }
        let remaining = stage.total_stock.saturating_sub(self.sold(id));
        if remaining == 0 {
            return Err(BuyError::SoldOut(id));
        }
        if requested > remaining {
            return Err(BuyError::NotEnoughStock {
                stage: id,
                requested,
                remaining,
            });
        }

        let price = stage.price;
        if price.times(requested).is_none() {
            return Err(BuyError::TotalTooLarge {
                stage: id,
                requested,
            });
        }

        let tickets: Vec<Ticket> = (0..requested)
            .map(|_| Ticket {
                id: self.fresh_id(rng),
                stage: id,
                owner: order.fan.clone(),
                bought_at: now,
                code: self.fresh_code(rng),
                price: Some(price),
            })
            .collect();
        for ticket in &tickets {
            self.record(ticket.clone());
        }
        Sale::at_price(tickets, price).ok_or(BuyError::TotalTooLarge {
            stage: id,
            requested,
        })
    }

    /// Takes back tickets sold before (read from storage or imported). Only
    /// what keeps the inventory consistent is checked — known stages, stock,
    /// unique ids and codes — not the limits or sale window of the day they
    /// were sold. A ticket saved without its price takes its stage's price
    /// now (records are replayed in order, so the price of its day). On
    /// error nothing is taken back; else the tickets as kept are returned.
    pub fn restore(&mut self, tickets: &[Ticket]) -> Result<Vec<Ticket>, RestoreError> {
        let mut extra_sold: HashMap<StageId, u32> = HashMap::new();
        let mut ids = HashSet::new();
        let mut codes = HashSet::new();
        for ticket in tickets {
            let (_, stage) = self
                .catalogue
                .stage(ticket.stage)
                .ok_or(RestoreError::UnknownStage(ticket.id, ticket.stage))?;
            let extra = extra_sold.entry(stage.id).or_default();
            *extra += 1;
            if self.sold(stage.id).saturating_add(*extra) > stage.total_stock {
                return Err(RestoreError::Oversold(ticket.id, stage.id));
            }
            if self.ids.contains_key(&ticket.id) || !ids.insert(ticket.id) {
                return Err(RestoreError::DuplicateId(ticket.id));
            }
            if self.codes.contains_key(&ticket.code) || !codes.insert(ticket.code) {
                return Err(RestoreError::DuplicateCode(ticket.id, ticket.code));
            }
        }
        let kept: Vec<Ticket> = tickets
            .iter()
            .map(|ticket| Ticket {
                price: ticket.price.or_else(|| {
                    let (_, stage) = self.catalogue.stage(ticket.stage)?;
                    Some(stage.price)
                }),
                ..ticket.clone()
            })
            .collect();
        for ticket in &kept {
            self.record(ticket.clone());
        }
        Ok(kept)
    }

    /// A ticket code no other ticket has.
    pub fn fresh_code(&self, rng: &mut impl Rng) -> TicketCode {
        loop {
            let code = TicketCode::random(rng);
            if !self.codes.contains_key(&code) {
                return code;
            }
        }
    }

    fn fresh_id(&self, rng: &mut impl Rng) -> TicketId {
        loop {
            let id = TicketId::random(rng);
            if !self.ids.contains_key(&id) {
                return id;
            }
        }
    }

    /// Takes back tickets whose sale could not be saved: their stock is on
    /// sale again and they are nobody's. Unknown ids are ignored.
    pub fn unsell(&mut self, ids: &[TicketId]) {
        let ids: HashSet<TicketId> = ids.iter().copied().collect();
        if !self.tickets.iter().any(|ticket| ids.contains(&ticket.id)) {
            return;
        }
        let kept: Vec<Ticket> = std::mem::take(&mut self.tickets)
            .into_iter()
            .filter(|ticket| !ids.contains(&ticket.id))
            .collect();
        self.sold.clear();
        self.by_owner.clear();
        self.ids.clear();
        self.codes.clear();
        self.revenue.clear();
        self.per_minute.clear();
        for ticket in kept {
            self.record(ticket);
        }
    }

    fn record(&mut self, ticket: Ticket) {
        *self.sold.entry(ticket.stage).or_default() += 1;
        self.by_owner
            .entry(ticket.owner.clone())
            .or_default()
            .push(self.tickets.len());
        self.ids.insert(ticket.id, self.tickets.len());
        self.codes.insert(ticket.code, self.tickets.len());
        *self.revenue.entry(ticket.stage).or_default() += ticket.price.map_or(0, |p| p.0);
        let minute = ticket.bought_at.unix_timestamp().div_euclid(60);
        *self
            .per_minute
            .entry(ticket.stage)
            .or_default()
            .entry(minute)
            .or_default() += 1;
        self.tickets.push(ticket);
    }

    /// The ticket with this id.
    pub fn ticket(&self, id: TicketId) -> Option<&Ticket> {
        self.ids.get(&id).map(|&i| &self.tickets[i])
    }

    /// The ticket with this code.
    pub fn ticket_by_code(&self, code: TicketCode) -> Option<&Ticket> {
        self.codes.get(&code).map(|&i| &self.tickets[i])
    }

    /// Yen taken for this stage.
    pub fn revenue(&self, stage: StageId) -> u64 {
        self.revenue.get(&stage).copied().unwrap_or(0)
    }

    /// Tickets of these stages sold in each of the `minutes` minutes up to
    /// and including `now`'s, oldest first: `(minute since the epoch, count)`.
    pub fn sales_per_minute(
        &self,
        stages: &[StageId],
        now: OffsetDateTime,
        minutes: i64,
    ) -> Vec<(i64, u32)> {
        let last = now.unix_timestamp().div_euclid(60);
        let first = last - minutes + 1;
        let mut counts: Vec<(i64, u32)> = (first..=last).map(|m| (m, 0)).collect();
        for stage in stages {
            let Some(minutes) = self.per_minute.get(stage) else {
                continue;
            };
            for (&minute, &count) in minutes.range(first..=last) {
                counts[(minute - first) as usize].1 += count;
            }
        }
        counts
    }

    /// Names of fans who hold tickets, in no order.
    pub fn owners(&self) -> impl Iterator<Item = &FanName> {
        self.by_owner.keys()
    }
}

/// Why saved tickets cannot be taken back into an inventory: they do not add up.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RestoreError {
    #[error("ticket {0} is for stage {1}, which the festival does not have")]
    UnknownStage(TicketId, StageId),
    #[error("ticket {0} would sell stage {1} beyond its stock")]
    Oversold(TicketId, StageId),
    #[error("ticket {0} appears twice")]
    DuplicateId(TicketId),
    #[error("ticket {0} has code {1}, which another ticket already has")]
    DuplicateCode(TicketId, TicketCode),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::stage::tests::stage;
    use crate::domain::Yen;
    use rand::{rngs::StdRng, SeedableRng};
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-25 12:00 +9);

    fn inventory(stocks: &[u32]) -> Inventory {
        let stages = stocks
            .iter()
            .zip(1..)
            .map(|(&stock, id)| stage(id, stock))
            .collect();
        let festival = Festival::new("Test fes", "Hall", stages).unwrap();
        Inventory::new(festival, BuyLimits::default())
    }

    fn order(stage: u32, fan: &str, quantity: u32) -> Order {
        Order {
            stage: StageId(stage),
            fan: FanName::new(fan).unwrap(),
            quantity,
        }
    }

    fn buy(inventory: &mut Inventory, order: &Order) -> Result<Vec<Ticket>, BuyError> {
        inventory
            .buy(order, NOW, &mut StdRng::seed_from_u64(42))
            .map(|sale| sale.tickets)
    }

    #[test]
    fn a_new_inventory_has_every_ticket_left() {
        let inventory = Inventory::new(Festival::reference(), BuyLimits::default());
        let listing = inventory.listing();
        assert_eq!(listing.stages.len(), 4);
        for stage in &listing.stages {
            assert_eq!(stage.remaining, stage.stage.total_stock);
            assert!(!stage.is_sold_out());
        }
        assert_eq!(inventory.remaining(StageId(99)), None);
    }

    #[test]
    fn groups_stages_by_day_in_order() {
        let inventory = Inventory::new(Festival::reference(), BuyLimits::default());
        let mut listing = inventory.listing();
        listing.stages.reverse();
        let names: Vec<(u8, Vec<String>)> = listing
            .days()
            .into_iter()
            .map(|(day, stages)| (day, stages.into_iter().map(|s| s.stage.name).collect()))
            .collect();
        assert_eq!(
            names,
            [
                (1, vec!["Stage 2".to_string(), "Stage 1".into()]),
                (2, vec!["Stage 3".into(), "Honeyworks Stage".into()])
            ]
        );
    }

    #[test]
    fn a_buy_sells_tickets_to_the_fan_and_takes_them_from_stock() {
        let mut inv = inventory(&[10, 10]);
        let tickets = buy(&mut inv, &order(1, "jovan", 3)).unwrap();
        assert_eq!(tickets.len(), 3);
        for ticket in &tickets {
            assert_eq!(ticket.stage, StageId(1));
            assert_eq!(ticket.owner.as_str(), "jovan");
            assert_eq!(ticket.bought_at, NOW);
        }
        let codes: HashSet<_> = tickets.iter().map(|t| t.code).collect();
        assert_eq!(codes.len(), 3, "each ticket has its own code");
        assert_eq!(inv.remaining(StageId(1)), Some(7));
        assert_eq!(inv.remaining(StageId(2)), Some(10));
        assert_eq!(inv.tickets_of(&FanName::new("jovan").unwrap()), tickets);
        assert!(inv.tickets_of(&FanName::new("other").unwrap()).is_empty());
    }

    /// A sale that could not be saved is taken back whole, whatever sold
    /// after it: stock, the fan's tickets, ids and codes.
    #[test]
    fn an_unsaved_sale_is_taken_back_and_later_sales_keep_theirs() {
        let mut inv = inventory(&[10]);
        let first = buy(&mut inv, &order(1, "jovan", 2)).unwrap();
        let unsaved = buy(&mut inv, &order(1, "mio", 3)).unwrap();
        let later = buy(&mut inv, &order(1, "jovan", 1)).unwrap();
        let ids: Vec<TicketId> = unsaved.iter().map(|t| t.id).collect();
        inv.unsell(&ids);
        assert_eq!(inv.remaining(StageId(1)), Some(7));
        assert!(inv.tickets_of(&FanName::new("mio").unwrap()).is_empty());
        assert_eq!(
            inv.tickets_of(&FanName::new("jovan").unwrap()),
            [first, later].concat()
        );
        inv.restore(&unsaved)
            .expect("their ids and codes are free again");
    }

    #[test]
    fn refuses_unknown_stages_and_quantities_outside_one_to_the_order_limit() {
        let mut inv = inventory(&[10]);
        assert_eq!(
            buy(&mut inv, &order(9, "a", 1)),
            Err(BuyError::UnknownStage(StageId(9)))
        );
        assert_eq!(buy(&mut inv, &order(1, "a", 0)), Err(BuyError::NoTickets));
        assert_eq!(
            buy(&mut inv, &order(1, "a", 5)),
            Err(BuyError::OverOrderLimit {
                requested: 5,
                limit: 4
            })
        );
        assert_eq!(
            buy(&mut inv, &order(1, "a", u32::MAX)),
            Err(BuyError::OverOrderLimit {
                requested: u32::MAX,
                limit: 4
            })
        );
        assert_eq!(inv.remaining(StageId(1)), Some(10), "refusals sell nothing");
        assert!(inv.tickets().is_empty());
    }

    #[test]
    fn sells_only_inside_the_sale_window() {
        let mut inv = inventory(&[10]);
        let stage = inv.festival().stages[0].clone();
        let mut rng = StdRng::seed_from_u64(1);
        let one = order(1, "a", 1);
        let second = time::Duration::SECOND;
        assert_eq!(
            inv.buy(&one, stage.sale_opens - second, &mut rng),
            Err(BuyError::SaleNotOpen {
                stage: stage.id,
                opens: stage.sale_opens
            })
        );
        assert!(inv.buy(&one, stage.sale_opens, &mut rng).is_ok());
        assert!(inv.buy(&one, stage.sale_closes - second, &mut rng).is_ok());
        assert_eq!(
            inv.buy(&one, stage.sale_closes, &mut rng),
            Err(BuyError::SaleClosed {
                stage: stage.id,
                closed: stage.sale_closes
            })
        );
        assert_eq!(inv.sold(stage.id), 2);
    }

    #[test]
    fn the_fan_limit_counts_earlier_buys_per_stage() {
        let mut inv = inventory(&[20, 20]);
        buy(&mut inv, &order(1, "a", 3)).unwrap();
        let refusal = buy(&mut inv, &order(1, "a", 2)).unwrap_err();
        assert_eq!(
            refusal,
            BuyError::OverFanLimit {
                stage: StageId(1),
                limit: 4,
                held: 3
            }
        );
        assert!(
            refusal.to_string().contains("you can buy 1 more"),
            "{refusal}"
        );
        buy(&mut inv, &order(1, "a", 1)).unwrap();
        assert!(buy(&mut inv, &order(1, "a", 1)).is_err());
        buy(&mut inv, &order(2, "a", 4)).expect("the limit is per stage");
        buy(&mut inv, &order(1, "b", 4)).expect("and per fan");
        assert_eq!(inv.held_by(&FanName::new("a").unwrap(), StageId(1)), 4);
    }

    #[test]
    fn never_sells_beyond_the_stock() {
        let mut inv = inventory(&[5]);
        buy(&mut inv, &order(1, "a", 4)).unwrap();
        assert_eq!(
            buy(&mut inv, &order(1, "b", 2)),
            Err(BuyError::NotEnoughStock {
                stage: StageId(1),
                requested: 2,
                remaining: 1
            })
        );
        buy(&mut inv, &order(1, "b", 1)).unwrap();
        assert_eq!(
            buy(&mut inv, &order(1, "c", 1)),
            Err(BuyError::SoldOut(StageId(1)))
        );
        assert_eq!(inv.remaining(StageId(1)), Some(0));
        assert!(inv.listing().stages[0].is_sold_out());
    }

    #[test]
    fn a_sale_carries_its_total_and_an_uncountable_total_sells_nothing() {
        let mut inv = inventory(&[10]);
        let sale = inv
            .buy(&order(1, "a", 3), NOW, &mut StdRng::seed_from_u64(7))
            .unwrap();
        assert_eq!(sale.total, Yen(3 * 7_950));

        // A price no festival would pass validation with, set behind its back.
        let mut festival = inv.festival().clone();
        festival.stages[0].price = Yen(u64::MAX / 2);
        let mut inv = Inventory::new(festival, BuyLimits::default());
        assert_eq!(
            buy(&mut inv, &order(1, "a", 3)),
            Err(BuyError::TotalTooLarge {
                stage: StageId(1),
                requested: 3
            })
        );
        assert_eq!(inv.sold(StageId(1)), 0, "refused before selling");
        assert!(buy(&mut inv, &order(1, "a", 2)).is_ok(), "two still fit");
    }

    #[test]
    fn restores_saved_tickets_and_keeps_counting_from_them() {
        let mut original = inventory(&[5]);
        let sold = buy(&mut original, &order(1, "a", 3)).unwrap();
        let mut restored = inventory(&[5]);
        restored.restore(&sold).unwrap();
        assert_eq!(restored.remaining(StageId(1)), Some(2));
        assert_eq!(
            buy(&mut restored, &order(1, "a", 2)),
            Err(BuyError::OverFanLimit {
                stage: StageId(1),
                limit: 4,
                held: 3
            })
        );
    }

    #[test]
    fn restore_refuses_what_does_not_add_up_and_takes_nothing() {
        let mut source = inventory(&[4, 4]);
        let sold = buy(&mut source, &order(1, "a", 4)).unwrap();
        let first = sold[0].clone();

        let mut small = inventory(&[3]);
        assert_eq!(
            small.restore(&sold),
            Err(RestoreError::Oversold(sold[3].id, StageId(1)))
        );
        assert_eq!(small.sold(StageId(1)), 0, "nothing half-restored");

        let mut inv = inventory(&[4]);
        let mut foreign = first.clone();
        foreign.stage = StageId(7);
        assert_eq!(
            inv.restore(&[foreign]),
            Err(RestoreError::UnknownStage(first.id, StageId(7)))
        );
        assert_eq!(
            inv.restore(&[first.clone(), first.clone()]),
            Err(RestoreError::DuplicateId(first.id))
        );
        let mut same_code = sold[1].clone();
        same_code.code = first.code;
        assert_eq!(
            inv.restore(&[first.clone(), same_code.clone()]),
            Err(RestoreError::DuplicateCode(same_code.id, first.code))
        );
        inv.restore(std::slice::from_ref(&first)).unwrap();
        assert_eq!(
            inv.restore(std::slice::from_ref(&first)),
            Err(RestoreError::DuplicateId(first.id))
        );
    }

    mod model {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// One order at a time, the inventory answers exactly as the rules
            /// stated plainly over counters would.
            #[test]
            fn answers_every_order_as_the_plain_rules_would(
                stocks in prop::collection::vec(0u32..10, 1..4),
                orders in prop::collection::vec((1u32..=4, 0usize..3, 0u32..=6), 0..60),
            ) {
                let mut inv = inventory(&stocks);
                let mut remaining: HashMap<u32, u32> = stocks.iter().zip(1..).map(|(&s, id)| (id, s)).collect();
                let mut held: HashMap<(usize, u32), u32> = HashMap::new();
                let mut rng = StdRng::seed_from_u64(0);
                for (stage, fan, quantity) in orders {
                    let answer = inv.buy(&order(stage, &format!("fan{fan}"), quantity), NOW, &mut rng);
                    let fan_held = held.get(&(fan, stage)).copied().unwrap_or(0);
                    let expected = match remaining.get(&stage).copied() {
                        None => Err(BuyError::UnknownStage(StageId(stage))),
                        Some(_) if quantity == 0 => Err(BuyError::NoTickets),
                        Some(_) if quantity > 4 => Err(BuyError::OverOrderLimit { requested: quantity, limit: 4 }),
                        Some(_) if fan_held + quantity > 4 => {
                            Err(BuyError::OverFanLimit { stage: StageId(stage), limit: 4, held: fan_held })
                        }
                        Some(0) => Err(BuyError::SoldOut(StageId(stage))),
                        Some(left) if quantity > left => Err(BuyError::NotEnoughStock {
                            stage: StageId(stage),
                            requested: quantity,
                            remaining: left,
                        }),
                        Some(left) => {
                            remaining.insert(stage, left - quantity);
                            *held.entry((fan, stage)).or_default() += quantity;
                            Ok(quantity as usize)
                        }
                    };
                    prop_assert_eq!(answer.map(|sale| sale.tickets.len()), expected);
                }
                for (&stage, &left) in &remaining {
                    prop_assert_eq!(inv.remaining(StageId(stage)), Some(left));
                    let total = stocks[stage as usize - 1];
                    prop_assert_eq!(inv.sold(StageId(stage)) + left, total);
                }
            }
        }
    }
}
