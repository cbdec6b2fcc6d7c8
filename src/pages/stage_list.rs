//! `/f/:slug` (and `/` when one festival is on sale): a festival and its
//! stages, grouped by day, with the stock left (live while the page is
//! open) and each sale's countdown.
//!
//! The full list is in the server's HTML; once hydrated, a day filter appears
//! (it needs JavaScript, so fans without it are never shown a dead control).

use crate::components::clock::{use_clock, use_hydrated};
use crate::components::live_stock::use_live_stock;
use crate::components::notice::{ErrorNotice, SuccessNotice};
use crate::components::stage_card::StageCard;
use crate::i18n::td_string;
use crate::language::use_locale;
use crate::server_fns::stages::{list_stages, DayWords, Programme};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/f/:slug`: the festival the address names.
#[component]
pub fn FestivalPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Signal::derive(move || params.read().get("slug"));
    view! { <StageListPage festival=slug/> }
}

/// A festival's stages: `festival`'s, or (`None`) the one fans land on.
#[component]
pub fn StageListPage(#[prop(into)] festival: Signal<Option<String>>) -> impl IntoView {
    let festival = Resource::new_blocking(move || festival.get(), list_stages);
    let l = use_locale();
    view! {
        <Title text=td_string!(l, list.title).to_string()/>
        <Suspense fallback=move || view! { <p class="mt-16 text-center text-slate-300">{td_string!(l, list.loading).to_string()}</p> }>
            {move || Suspend::new(async move {
                match festival.await {
                    Ok(programme) => view! { <FestivalStages programme/> }.into_any(),
                    Err(error) => view! { <ErrorNotice message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FestivalStages(programme: Programme) -> impl IntoView {
    let Programme {
        listing,
        words,
        days: day_words,
        dates,
        as_of,
        signed_out,
    } = programme;
    let now = use_clock(as_of);
    let live = use_live_stock();
    let l = use_locale();
    let days = listing.days();
    let day_labels = day_words.clone();
    let date_range = match dates {
        (first, None) => view! { <span class="whitespace-nowrap">{first}</span> }.into_any(),
        (first, Some(last)) => view! {
            <span class="whitespace-nowrap">{first}</span>" – "<span class="whitespace-nowrap">{last}</span>
        }.into_any(),
    };
    // `None` shows every day.
    let shown_day = RwSignal::new(None::<u8>);
    let hydrated = use_hydrated();

    view! {
        <div data-live=move || live.is_live().get().then_some("true")>
            {signed_out.then(|| view! { <SuccessNotice><p>{td_string!(l, list.signed_out).to_string()}</p></SuccessNotice> })}
            <section class="relative mt-8 overflow-hidden rounded-3xl bg-stage-lights px-6 py-10 sm:px-10 sm:py-14">
                <p class="text-sm font-semibold uppercase tracking-[0.2em] text-glow-300">{td_string!(l, list.ticket_sale).to_string()}</p>
                <h1 class="font-display mt-2 text-3xl font-black leading-tight sm:text-5xl">{listing.name}</h1>
                <p class="mt-3 text-slate-200">
                    {listing.venue} " · " {date_range}
                </p>
            </section>

            <Show when=move || hydrated.get()>
                <DayFilter days=day_labels.clone() shown_day/>
            </Show>

            {days
                .into_iter()
                .map(|(day, stages)| {
                    let heading_id = format!("day-{day}");
                    let date = day_words
                        .iter()
                        .find(|words| words.day == day)
                        .map(|words| words.long_date.clone())
                        .unwrap_or_default();
                    view! {
                        <section
                            class="mt-10"
                            aria-labelledby=heading_id
                            hidden=move || shown_day.get().is_some_and(|shown| shown != day)
                        >
                            <h2 id=heading_id.clone() class="flex items-baseline gap-3 text-xl font-bold">
                                <span class="text-glow-400">{td_string!(l, list.day, day = day).to_string()}</span>
                                <span class="text-base font-medium text-slate-300">{date}</span>
                            </h2>
                            <ul class="mt-4 grid gap-4 sm:grid-cols-2" role="list">
                                {stages
                                    .into_iter()
                                    .map(|listing| {
                                        let remaining = live.remaining(listing.stage.id, listing.remaining);
                                        let words = words.iter().find(|words| words.stage == listing.stage.id).cloned()?;
                                        Some(view! { <li><StageCard stage=listing.stage words remaining now/></li> })
                                    })
                                    .collect_view()}
                            </ul>
                        </section>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// Buttons to show one day or all of them.
#[component]
fn DayFilter(days: Vec<DayWords>, shown_day: RwSignal<Option<u8>>) -> impl IntoView {
    let l = use_locale();
    let every_day = if days.len() == 2 {
        td_string!(l, list.both_days)
    } else {
        td_string!(l, list.all_days)
    };
    let choices = std::iter::once((None, every_day.to_string())).chain(days.into_iter().map(
        |DayWords { day, date, .. }| {
            (
                Some(day),
                td_string!(l, list.day_date, day = day, date = date).to_string(),
            )
        },
    ));
    view! {
        <div class="mt-6 flex flex-wrap gap-2" role="group" aria-label=td_string!(l, list.show_stages_of).to_string()>
            {choices
                .map(|(day, label)| {
                    let pressed = move || shown_day.get() == day;
                    view! {
                        <button
                            type="button"
                            aria-pressed=move || pressed().to_string()
                            on:click=move |_| shown_day.set(day)
                            class="rounded-full border border-white/15 px-4 py-2 text-sm font-medium transition hover:border-glow-300 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-glow-300 aria-pressed:border-glow-400 aria-pressed:bg-glow-400 aria-pressed:text-night-950"
                        >
                            {label}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
