//! The festival editor's rules: [`FestivalEdit`], one change an organiser
//! makes to the catalogue, and [`Catalogue::apply`], the one place it is
//! checked and made. Each refusal names the field it is about, so a form
//! can show it there.

use super::{
    Catalogue, Festival, FestivalState, NameError, Slug, Stage, StageError, StageId, TimeZoneName,
};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// One change to the catalogue, saved as a journal record with who made it
/// and when (the festival's history).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "edit", rename_all = "snake_case")]
pub enum FestivalEdit {
    /// A new festival (a draft from the console; imports bring their stages).
    Create { festival: Festival },
    /// New name, venue or time zone.
    Describe {
        festival: Slug,
        name: String,
        venue: String,
        time_zone: TimeZoneName,
    },
    /// A new stage, or new details for one of this festival's stages.
    SaveStage { festival: Slug, stage: Stage },
    /// Takes away a stage nothing was sold for.
    RemoveStage { festival: Slug, stage: StageId },
    /// The festival's stages in a new order (all of them, each once).
    OrderStages {
        festival: Slug,
        stages: Vec<StageId>,
    },
    /// Publish, unpublish (back to draft) or archive.
    SetState {
        festival: Slug,
        state: FestivalState,
    },
    /// The festival `/` shows.
    MakeDefault { festival: Slug },
}

impl FestivalEdit {
    /// The festival the edit is about.
    pub fn festival(&self) -> &Slug {
        match self {
            FestivalEdit::Create { festival } => &festival.slug,
            FestivalEdit::Describe { festival, .. }
            | FestivalEdit::SaveStage { festival, .. }
            | FestivalEdit::RemoveStage { festival, .. }
            | FestivalEdit::OrderStages { festival, .. }
            | FestivalEdit::SetState { festival, .. }
            | FestivalEdit::MakeDefault { festival } => festival,
        }
    }
}

/// Why an edit was refused. Nothing was changed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("there is no festival {0}")]
    UnknownFestival(Slug),
    #[error("the address name {0} is taken by another festival")]
    SlugTaken(Slug),
    #[error("the festival's {field}: {error}")]
    Name {
        field: &'static str,
        error: NameError,
    },
    #[error(
        "{0:?} is not a time zone tiket knows (use a name such as Asia/Tokyo or Asia/Jakarta)"
    )]
    UnknownZone(String),
    #[error(transparent)]
    Stage(StageError),
    #[error("stage {stage} already belongs to the festival {festival}; stages cannot move between festivals")]
    StageElsewhere { stage: StageId, festival: Slug },
    #[error("festival {festival} has no stage {stage}")]
    UnknownStage { festival: Slug, stage: StageId },
    #[error("stage {stage} has sold {sold} tickets, so its stock cannot be lower than {sold}")]
    StockBelowSold { stage: StageId, sold: u32 },
    #[error("stage {stage} has sold {sold} tickets, so it cannot be removed; close it instead")]
    StageHasSales { stage: StageId, sold: u32 },
    #[error("the new order must list each of the festival's stages once")]
    NotAnOrder,
    #[error("a festival without stages cannot be published")]
    NothingToPublish,
    #[error("only a published festival can be the one fans land on")]
    DefaultNotPublished,
}

impl EditError {
    /// The form field the refusal is about (`None`: the form as a whole).
    pub fn field(&self) -> Option<&'static str> {
        Some(match self {
            EditError::SlugTaken(_) => "slug",
            EditError::Name { field, .. } => field,
            EditError::UnknownZone(_) => "time_zone",
            EditError::StockBelowSold { .. } => "total_stock",
            EditError::Stage(error) => return stage_field(error),
            _ => return None,
        })
    }
}

/// The stage form's field a stage rule is about.
fn stage_field(error: &StageError) -> Option<&'static str> {
    Some(match error {
        StageError::EmptyName(_) | StageError::Name(..) => "name",
        StageError::DayZero(_) => "day",
        StageError::DoorsAfterStart(_) => "doors_open",
        StageError::FreeTicket(_) | StageError::PriceAbsurd(_) | StageError::PriceTooLarge(_) => {
            "price"
        }
        StageError::EmptySaleWindow(_) | StageError::SaleAfterDoors(_) => "sale_closes",
        StageError::StockAbsurd(_) => "total_stock",
        StageError::PerOrderOutOfRange(_) => "per_order",
        StageError::PerFanOutOfRange(_) => "per_fan",
        StageError::Festival(_) | StageError::DuplicateId(_) => return None,
    })
}

impl Catalogue {
    /// Checks `edit` against every rule and makes it, or changes nothing.
    /// `sold` tells how many tickets a stage has sold; `known_zone` whether
    /// a time zone exists (the server asks its time-zone database).
    pub fn apply(
        &mut self,
        edit: &FestivalEdit,
        sold: impl Fn(StageId) -> u32,
        known_zone: impl Fn(&TimeZoneName) -> bool,
    ) -> Result<(), EditError> {
        let zone = |zone: &TimeZoneName| match known_zone(zone) {
            true => Ok(()),
            false => Err(EditError::UnknownZone(zone.0.clone())),
        };
        match edit {
            FestivalEdit::Create { festival } => {
                if self.festival(&festival.slug).is_some() {
                    return Err(EditError::SlugTaken(festival.slug.clone()));
                }
                festival
                    .check_names()
                    .map_err(|(field, error)| EditError::Name { field, error })?;
                zone(&festival.time_zone)?;
                festival.validate().map_err(EditError::Stage)?;
                for stage in &festival.stages {
                    self.check_not_elsewhere(stage.id, &festival.slug)?;
                }
                if festival.state == FestivalState::Published && festival.stages.is_empty() {
                    return Err(EditError::NothingToPublish);
                }
                self.add(festival.clone());
            }
            FestivalEdit::Describe {
                festival,
                name,
                venue,
                time_zone,
            } => {
                let mut described = self.known(festival)?.clone();
                described.name = name.clone();
                described.venue = venue.clone();
                described.time_zone = time_zone.clone();
                described
                    .check_names()
                    .map_err(|(field, error)| EditError::Name { field, error })?;
                zone(time_zone)?;
                *self.known_mut(festival)? = described;
            }
            FestivalEdit::SaveStage { festival, stage } => {
                self.known(festival)?;
                self.check_not_elsewhere(stage.id, festival)?;
                stage.validate().map_err(EditError::Stage)?;
                let sold = sold(stage.id);
                if stage.total_stock < sold {
                    return Err(EditError::StockBelowSold {
                        stage: stage.id,
                        sold,
                    });
                }
                let target = self.known_mut(festival)?;
                match target.stages.iter_mut().find(|s| s.id == stage.id) {
                    Some(existing) => *existing = stage.clone(),
                    None => target.stages.push(stage.clone()),
                }
            }
            FestivalEdit::RemoveStage { festival, stage } => {
                self.known_stage(festival, *stage)?;
                let sold = sold(*stage);
                if sold > 0 {
                    return Err(EditError::StageHasSales {
                        stage: *stage,
                        sold,
                    });
                }
                self.known_mut(festival)?.stages.retain(|s| s.id != *stage);
            }
            FestivalEdit::OrderStages { festival, stages } => {
                let target = self.known_mut(festival)?;
                let have: HashSet<StageId> = target.stages.iter().map(|s| s.id).collect();
                let given: HashSet<StageId> = stages.iter().copied().collect();
                if given != have || stages.len() != have.len() {
                    return Err(EditError::NotAnOrder);
                }
                target
                    .stages
                    .sort_by_key(|s| stages.iter().position(|id| *id == s.id));
            }
            FestivalEdit::SetState { festival, state } => {
                let target = self.known_mut(festival)?;
                if *state == FestivalState::Published && target.stages.is_empty() {
                    return Err(EditError::NothingToPublish);
                }
                target.state = *state;
            }
            FestivalEdit::MakeDefault { festival } => {
                if self.known(festival)?.state != FestivalState::Published {
                    return Err(EditError::DefaultNotPublished);
                }
                self.set_default(festival.clone());
            }
        }
        Ok(())
    }

    fn known(&self, slug: &Slug) -> Result<&Festival, EditError> {
        self.festival(slug)
            .ok_or_else(|| EditError::UnknownFestival(slug.clone()))
    }

    fn known_mut(&mut self, slug: &Slug) -> Result<&mut Festival, EditError> {
        self.festival_mut(slug)
            .ok_or_else(|| EditError::UnknownFestival(slug.clone()))
    }

    fn known_stage(&self, festival: &Slug, stage: StageId) -> Result<&Stage, EditError> {
        self.known(festival)?
            .stage(stage)
            .ok_or_else(|| EditError::UnknownStage {
                festival: festival.clone(),
                stage,
            })
    }

    /// Refuses a stage id another festival already has.
    fn check_not_elsewhere(&self, stage: StageId, festival: &Slug) -> Result<(), EditError> {
        match self.stage(stage) {
            Some((owner, _)) if &owner.slug != festival => Err(EditError::StageElsewhere {
                stage,
                festival: owner.slug.clone(),
            }),
            _ => Ok(()),
        }
    }

    /// A stage id no festival uses yet, for a new stage.
    pub fn next_stage_id(&self) -> StageId {
        StageId(self.stages().map(|(_, s)| s.id.0).max().unwrap_or(0) + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Yen;

    fn slug(text: &str) -> Slug {
        Slug::new(text).unwrap()
    }

    fn catalogue() -> Catalogue {
        Catalogue::new(Festival::reference())
    }

    fn draft(text: &str) -> Festival {
        Festival {
            slug: slug(text),
            name: "Indonesia fes".into(),
            venue: "Jakarta".into(),
            time_zone: TimeZoneName("Asia/Jakarta".into()),
            state: FestivalState::Draft,
            stages: Vec::new(),
        }
    }

    fn apply(c: &mut Catalogue, edit: FestivalEdit, sold: u32) -> Result<(), EditError> {
        c.apply(&edit, |_| sold, |z| z.0.starts_with("Asia/"))
    }

    fn new_stage(c: &Catalogue) -> Stage {
        let mut stage = Festival::reference().stages[0].clone();
        stage.id = c.next_stage_id();
        stage
    }

    #[test]
    fn creates_a_draft_and_refuses_a_taken_slug_an_unknown_zone_and_bad_names() {
        let mut c = catalogue();
        apply(
            &mut c,
            FestivalEdit::Create {
                festival: draft("id-fes"),
            },
            0,
        )
        .unwrap();
        let before = c.clone();
        let again = FestivalEdit::Create {
            festival: draft("id-fes"),
        };
        assert_eq!(
            apply(&mut c, again, 0),
            Err(EditError::SlugTaken(slug("id-fes")))
        );
        let mut nowhere = draft("b");
        nowhere.time_zone = TimeZoneName("Mars/Olympus".into());
        assert!(matches!(
            apply(&mut c, FestivalEdit::Create { festival: nowhere }, 0),
            Err(EditError::UnknownZone(_))
        ));
        let mut marked = draft("c");
        marked.name = "<b>fes</b>".into();
        let error = apply(&mut c, FestivalEdit::Create { festival: marked }, 0).unwrap_err();
        assert_eq!(error.field(), Some("name"));
        assert_eq!(c, before, "refusals change nothing");
    }

    #[test]
    fn saves_stages_and_keeps_them_in_their_festival() {
        let mut c = catalogue();
        apply(
            &mut c,
            FestivalEdit::Create {
                festival: draft("b"),
            },
            0,
        )
        .unwrap();
        let stage = new_stage(&c);
        assert_eq!(stage.id, StageId(5));
        let save = |stage: Stage| FestivalEdit::SaveStage {
            festival: slug("b"),
            stage,
        };
        apply(&mut c, save(stage.clone()), 0).unwrap();
        let mut dearer = stage.clone();
        dearer.price = Yen(9_000);
        apply(&mut c, save(dearer), 0).unwrap();
        assert_eq!(c.stage(StageId(5)).unwrap().1.price, Yen(9_000));
        assert_eq!(c.festival(&slug("b")).unwrap().stages.len(), 1);

        let mut moved = Festival::reference().stages[0].clone();
        moved.id = StageId(1);
        assert_eq!(
            apply(&mut c, save(moved), 0),
            Err(EditError::StageElsewhere {
                stage: StageId(1),
                festival: Slug::reference()
            })
        );
    }

    #[test]
    fn stock_never_below_sold_and_a_stage_with_sales_is_not_removed() {
        let mut c = catalogue();
        let mut stage = Festival::reference().stages[0].clone();
        stage.total_stock = 3;
        let edit = FestivalEdit::SaveStage {
            festival: Slug::reference(),
            stage,
        };
        let error = apply(&mut c, edit, 5).unwrap_err();
        assert_eq!(
            error,
            EditError::StockBelowSold {
                stage: StageId(1),
                sold: 5
            }
        );
        assert_eq!(error.field(), Some("total_stock"));
        let remove = FestivalEdit::RemoveStage {
            festival: Slug::reference(),
            stage: StageId(1),
        };
        assert_eq!(
            apply(&mut c, remove.clone(), 1),
            Err(EditError::StageHasSales {
                stage: StageId(1),
                sold: 1
            })
        );
        apply(&mut c, remove, 0).unwrap();
        assert!(c.stage(StageId(1)).is_none());
    }

    #[test]
    fn stage_times_out_of_order_are_refused_at_their_field() {
        let mut c = catalogue();
        let mut stage = Festival::reference().stages[0].clone();
        stage.doors_open = stage.starts_at + time::Duration::HOUR;
        let edit = FestivalEdit::SaveStage {
            festival: Slug::reference(),
            stage,
        };
        let error = apply(&mut c, edit, 0).unwrap_err();
        assert_eq!(error.field(), Some("doors_open"));
    }

    #[test]
    fn orders_publishes_and_chooses_the_default() {
        let mut c = catalogue();
        apply(
            &mut c,
            FestivalEdit::Create {
                festival: draft("b"),
            },
            0,
        )
        .unwrap();
        let publish = FestivalEdit::SetState {
            festival: slug("b"),
            state: FestivalState::Published,
        };
        assert_eq!(
            apply(&mut c, publish.clone(), 0),
            Err(EditError::NothingToPublish)
        );
        assert_eq!(
            apply(
                &mut c,
                FestivalEdit::MakeDefault {
                    festival: slug("b")
                },
                0
            ),
            Err(EditError::DefaultNotPublished)
        );
        let stage = new_stage(&c);
        let save = FestivalEdit::SaveStage {
            festival: slug("b"),
            stage,
        };
        apply(&mut c, save, 0).unwrap();
        apply(&mut c, publish, 0).unwrap();
        apply(
            &mut c,
            FestivalEdit::MakeDefault {
                festival: slug("b"),
            },
            0,
        )
        .unwrap();
        assert_eq!(c.default_festival().slug, slug("b"));

        let reorder = |stages: Vec<u32>| FestivalEdit::OrderStages {
            festival: Slug::reference(),
            stages: stages.into_iter().map(StageId).collect(),
        };
        assert_eq!(
            apply(&mut c, reorder(vec![1, 2, 3]), 0),
            Err(EditError::NotAnOrder)
        );
        assert_eq!(
            apply(&mut c, reorder(vec![1, 1, 2, 3]), 0),
            Err(EditError::NotAnOrder)
        );
        apply(&mut c, reorder(vec![4, 3, 2, 1]), 0).unwrap();
        let ids: Vec<u32> = c
            .festival(&Slug::reference())
            .unwrap()
            .stages
            .iter()
            .map(|s| s.id.0)
            .collect();
        assert_eq!(ids, [4, 3, 2, 1]);
        assert!(matches!(
            apply(
                &mut c,
                FestivalEdit::SetState {
                    festival: slug("zz"),
                    state: FestivalState::Archived
                },
                0
            ),
            Err(EditError::UnknownFestival(_))
        ));
    }
}
