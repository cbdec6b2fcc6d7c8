//! `/`: the festivals on sale, the soonest first. With one (or none), it is
//! that festival's page itself, as fans of a single festival expect.

use crate::components::notice::ErrorNotice;
use crate::i18n::td_string;
use crate::language::use_locale;
use crate::pages::stage_list::StageListPage;
use crate::routes;
use crate::server_fns::stages::{list_festivals, FestivalCard};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    let festivals = Resource::new_blocking(|| (), |()| list_festivals());
    let l = use_locale();
    view! {
        <Suspense fallback=move || view! { <p class="mt-16 text-center text-slate-300">{td_string!(l, list.loading).to_string()}</p> }>
            {move || Suspend::new(async move {
                match festivals.await {
                    Ok(cards) if cards.len() > 1 => view! { <FestivalList cards/> }.into_any(),
                    Ok(_) => {
                        let default_festival: Option<String> = None;
                        view! { <StageListPage festival=default_festival/> }.into_any()
                    }
                    Err(error) => view! { <ErrorNotice message=error.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FestivalList(cards: Vec<FestivalCard>) -> impl IntoView {
    let l = use_locale();
    view! {
        <Title text=td_string!(l, list.festivals_title).to_string()/>
        <section class="mt-8 rounded-3xl bg-stage-lights px-6 py-10 sm:px-10">
            <p class="text-sm font-semibold uppercase tracking-[0.2em] text-glow-300">{td_string!(l, list.ticket_sale).to_string()}</p>
            <h1 class="font-display mt-2 text-3xl font-black leading-tight sm:text-5xl">{td_string!(l, list.festivals_heading).to_string()}</h1>
        </section>
        <ul class="mt-8 grid gap-4 sm:grid-cols-2" role="list">
            {cards
                .into_iter()
                .map(|card| {
                    let dates = match card.dates {
                        (first, None) => first,
                        (first, Some(last)) => format!("{first} – {last}"),
                    };
                    view! {
                        <li>
                            <A
                                href=routes::festival_page(&card.slug)
                                attr:class="block h-full rounded-2xl border border-white/10 bg-white/[0.04] p-5 shadow-lg shadow-black/20 hover:border-glow-300 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-glow-300"
                            >
                                <h2 class="font-display text-xl font-bold">{card.name}</h2>
                                <p class="mt-2 text-slate-300">{card.venue}</p>
                                <p class="mt-1 text-slate-300">{dates}</p>
                                <p class="mt-3 text-sm font-semibold text-glow-300">
                                    {td_string!(l, list.festival_stages, count = card.stages).to_string()}
                                </p>
                            </A>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
