//! The catalogue: every festival tiket holds, which one is the default (the
//! one `/` and the seed-shaped `GET /api/stages` show), and where each
//! stage belongs. Stage ids are unique across the catalogue: live stock,
//! tickets and QR codes name stages by id alone.

use super::{Festival, FestivalState, Slug, Stage, StageId};

/// Every festival, in the order they were added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalogue {
    festivals: Vec<Festival>,
    /// Chosen by an organiser; when unset (or no longer published), the
    /// first published festival is the default.
    default: Option<Slug>,
}

impl Catalogue {
    /// A catalogue holding the festival a shop was set up with.
    pub fn new(first: Festival) -> Self {
        Catalogue {
            festivals: vec![first],
            default: None,
        }
    }

    pub fn festivals(&self) -> &[Festival] {
        &self.festivals
    }

    /// A festival's number: its place in the catalogue, which never changes
    /// (festivals are added, never removed). Signed tickets carry it.
    pub fn number(&self, slug: &Slug) -> Option<u16> {
        let at = self.festivals.iter().position(|f| &f.slug == slug)?;
        u16::try_from(at).ok()
    }

    /// The festival with this number.
    pub fn by_number(&self, number: u16) -> Option<&Festival> {
        self.festivals.get(usize::from(number))
    }

    pub fn festival(&self, slug: &Slug) -> Option<&Festival> {
        self.festivals.iter().find(|f| &f.slug == slug)
    }

    pub(super) fn festival_mut(&mut self, slug: &Slug) -> Option<&mut Festival> {
        self.festivals.iter_mut().find(|f| &f.slug == slug)
    }

    pub(super) fn add(&mut self, festival: Festival) {
        self.festivals.push(festival);
    }

    pub(super) fn set_default(&mut self, slug: Slug) {
        self.default = Some(slug);
    }

    /// The festival fans land on: the chosen default while it is
    /// published, else the first published one, else the first of all.
    pub fn default_festival(&self) -> &Festival {
        let published = |f: &&Festival| f.state == FestivalState::Published;
        self.default
            .as_ref()
            .and_then(|slug| self.festival(slug))
            .filter(published)
            .or_else(|| self.festivals.iter().find(published))
            .unwrap_or(&self.festivals[0])
    }

    /// Published festivals, the soonest first (by their first doors), then
    /// festivals without stages.
    pub fn published(&self) -> Vec<&Festival> {
        let mut published: Vec<&Festival> = self
            .festivals
            .iter()
            .filter(|f| f.state == FestivalState::Published)
            .collect();
        published.sort_by_key(|f| f.stages.iter().map(|s| s.doors_open).min());
        published.sort_by_key(|f| f.stages.is_empty());
        published
    }

    /// The stage with this id and the festival it belongs to.
    pub fn stage(&self, id: StageId) -> Option<(&Festival, &Stage)> {
        self.festivals
            .iter()
            .find_map(|f| f.stage(id).map(|stage| (f, stage)))
    }

    /// Every stage with its festival, festival by festival.
    pub fn stages(&self) -> impl Iterator<Item = (&Festival, &Stage)> {
        self.festivals
            .iter()
            .flat_map(|f| f.stages.iter().map(move |stage| (f, stage)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn festival(slug: &str, state: FestivalState, first_stage: u32) -> Festival {
        let mut f = Festival::reference();
        f.slug = Slug::new(slug).unwrap();
        f.state = state;
        for (stage, id) in f.stages.iter_mut().zip(first_stage..) {
            stage.id = StageId(id);
        }
        f
    }

    #[test]
    fn the_default_is_the_chosen_published_festival_else_the_first_published() {
        let mut catalogue = Catalogue::new(festival("a", FestivalState::Draft, 1));
        assert_eq!(catalogue.default_festival().slug.as_str(), "a");
        catalogue.add(festival("b", FestivalState::Published, 10));
        catalogue.add(festival("c", FestivalState::Published, 20));
        assert_eq!(catalogue.default_festival().slug.as_str(), "b");
        catalogue.set_default(Slug::new("c").unwrap());
        assert_eq!(catalogue.default_festival().slug.as_str(), "c");
        catalogue
            .festival_mut(&Slug::new("c").unwrap())
            .unwrap()
            .state = FestivalState::Archived;
        assert_eq!(catalogue.default_festival().slug.as_str(), "b");
    }

    #[test]
    fn finds_a_stage_in_whichever_festival_holds_it() {
        let mut catalogue = Catalogue::new(festival("a", FestivalState::Published, 1));
        catalogue.add(festival("b", FestivalState::Published, 10));
        let (f, stage) = catalogue.stage(StageId(11)).unwrap();
        assert_eq!((f.slug.as_str(), stage.id), ("b", StageId(11)));
        assert!(catalogue.stage(StageId(9)).is_none());
        assert_eq!(catalogue.stages().count(), 8);
    }
}
