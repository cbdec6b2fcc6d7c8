//! `/console/f/:slug/door`: a festival's doors — per stage the holders let
//! in of the tickets sold (with a bar), the conflicts an offline door left
//! (admissions online would have refused: let in twice, cancelled, wrong
//! stage), standing out when there are any, and the check-in log, newest
//! first. While open in a browser with JavaScript it asks again every two
//! seconds (one small read of the shop's memory); without JavaScript it
//! shows the doors as they were when it was loaded.

use crate::components::console::{
    gated, keep_fresh, this_page, ConsoleNav, StateBadge, SMALL_BUTTON,
};
use crate::domain::Conflict;
use crate::i18n::{td_string, Locale};
use crate::language::use_locale;
use crate::routes;
use crate::server_fns::console::door::{
    console_door, CheckInRow, ConflictRow, DoorBoard, StageDoorRow, LOG_LENGTH,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use leptos_router::{lazy_route, LazyRoute};

/// The page as a lazy route (a wasm chunk of its own with `--split`).
pub struct ConsoleDoorRoute;

#[lazy_route]
impl LazyRoute for ConsoleDoorRoute {
    fn data() -> Self {
        ConsoleDoorRoute
    }

    fn view(this: Self) -> AnyView {
        let ConsoleDoorRoute = this;
        view! { <ConsoleDoorPage/> }.into_any()
    }
}

#[component]
pub fn ConsoleDoorPage() -> impl IntoView {
    let l = use_locale();
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let data = Resource::new(slug, console_door);
    let here = this_page();
    view! {
        <Title text=td_string!(l, console.door).to_string()/>
        <ConsoleNav/>
        <Suspense fallback=|| ()>
            {move || {
                let here = here.clone();
                Suspend::new(async move {
                    gated(&here, data.await, |board| view! { <Live board/> }.into_any())
                })
            }}
        </Suspense>
    }
}

const CARD: &str = "rounded-2xl border border-white/10 bg-white/[0.04] p-4";

#[component]
fn Live(board: DoorBoard) -> impl IntoView {
    let l = use_locale();
    let slug = board.festival.slug.clone();
    let name = board.festival.name.clone();
    let state = board.festival.state.clone();
    let board = RwSignal::new(board);
    keep_fresh(board, |board| board.festival.slug.clone(), console_door);
    view! {
        <div class="mt-6 flex flex-wrap items-center gap-3">
            <h1 class="font-display min-w-0 break-words text-2xl font-black sm:text-3xl">
                {td_string!(l, console.door_of, festival = name).to_string()}
            </h1>
            <StateBadge state/>
            <div class="ml-auto flex flex-wrap gap-2">
                <A href=routes::console_dashboard(&slug) attr:class=SMALL_BUTTON>{td_string!(l, console.dashboard).to_string()}</A>
                <A href=routes::console_festival(&slug) attr:class=SMALL_BUTTON>{td_string!(l, console.edit).to_string()}</A>
            </div>
        </div>
        <p class="mt-1 text-sm text-slate-400" aria-live="polite">
            {move || td_string!(l, console.as_of, time = board.with(|b| b.as_of.clone())).to_string()}
        </p>

        <div class=format!("mt-4 {CARD}")>
            <p class="text-sm text-slate-400">{td_string!(l, console.admitted).to_string()}</p>
            <p class="mt-1 flex flex-wrap items-baseline gap-x-2">
                <span class="text-4xl font-black tabular-nums" data-total-admitted="">{move || board.with(|b| b.admitted)}</span>
                <span class="text-lg text-slate-300 tabular-nums">
                    {move || td_string!(l, console.of_sold, sold = board.with(|b| b.sold)).to_string()}
                </span>
                <span class="ml-auto text-lg font-bold tabular-nums text-emerald-200">
                    {move || format!("{}%", board.with(|b| b.percent))}
                </span>
            </p>
            <Bar percent=Signal::derive(move || board.with(|b| b.percent)) big=true/>
        </div>

        <Conflicts conflicts=Signal::derive(move || board.with(|b| b.conflicts.clone()))/>

        <section class="mt-6" aria-labelledby="door-stages-title">
            <h2 id="door-stages-title" class="text-lg font-bold">{td_string!(l, console.per_stage).to_string()}</h2>
            <ul class="mt-2 divide-y divide-white/10 rounded-2xl border border-white/10" role="list">
                {move || board.with(|b| b.stages.clone()).into_iter().map(|stage| view! { <StageRow stage/> }).collect_view()}
            </ul>
        </section>

        <section class="mt-6" aria-labelledby="door-log-title">
            <h2 id="door-log-title" class="text-lg font-bold">{td_string!(l, console.check_ins).to_string()}</h2>
            <p class="text-sm text-slate-400">{td_string!(l, console.check_ins_hint, number = LOG_LENGTH).to_string()}</p>
            {move || {
                let latest = board.with(|b| b.latest.clone());
                match latest.is_empty() {
                    true => view! { <p class="mt-2 text-slate-400">{td_string!(l, console.none_admitted).to_string()}</p> }.into_any(),
                    false => view! {
                        <ol class="mt-2 divide-y divide-white/10 rounded-2xl border border-white/10 text-sm" role="list" data-check-ins="">
                            {latest.into_iter().map(|row| view! { <LogRow row/> }).collect_view()}
                        </ol>
                    }.into_any(),
                }
            }}
        </section>
    }
}

/// Admitted of sold as a bar (its numbers are written beside it).
#[component]
fn Bar(#[prop(into)] percent: Signal<u32>, #[prop(optional)] big: bool) -> impl IntoView {
    let height = if big { "h-3" } else { "h-2" };
    view! {
        <div class=format!("mt-2 {height} overflow-hidden rounded-full bg-white/10") aria-hidden="true">
            <div
                class="h-full rounded-full bg-gradient-to-r from-emerald-400 to-glow-400 transition-[width] duration-500"
                style=move || format!("width: {}%", percent.get())
            ></div>
        </div>
    }
}

#[component]
fn StageRow(stage: StageDoorRow) -> impl IntoView {
    let l = use_locale();
    view! {
        <li class="p-3 sm:px-4" data-stage=stage.id>
            <div class="flex flex-wrap items-baseline gap-x-3 gap-y-1">
                <span class="font-semibold">{stage.name}</span>
                {stage.reentry.then(|| view! {
                    <span class="rounded-full border border-sky-400/50 bg-sky-500/15 px-2 py-0.5 text-xs font-bold text-sky-200" data-reentry="">
                        {td_string!(l, console.reentry_allowed).to_string()}
                    </span>
                })}
                <span class="ml-auto tabular-nums text-slate-200">
                    <span class="font-bold text-white" data-admitted="">{stage.admitted}</span>
                    " / "
                    <span data-sold="">{stage.sold}</span>
                    <span class="ml-2 text-slate-400">{format!("{}%", stage.percent)}</span>
                </span>
            </div>
            <Bar percent=Signal::stored(stage.percent)/>
        </li>
    }
}

/// A conflict's kind in words.
fn conflict_text(l: Locale, conflict: Conflict) -> String {
    match conflict {
        Conflict::AlreadyAdmitted => td_string!(l, console.conflict_already_admitted).to_string(),
        Conflict::Cancelled => td_string!(l, console.conflict_cancelled).to_string(),
        Conflict::WrongStage => td_string!(l, console.conflict_wrong_stage).to_string(),
    }
}

/// Where, when and by whom: `gate North · by door-1`.
#[component]
fn Where(row: CheckInRow) -> impl IntoView {
    let l = use_locale();
    // A line of its own on a phone; beside the code and stage when there is room.
    view! {
        <span class="flex basis-full flex-wrap items-baseline gap-x-3 sm:flex-1 sm:basis-auto">
            <span class="text-slate-300">{td_string!(l, console.at_gate, gate = row.gate).to_string()}</span>
            <span class="text-slate-400">{td_string!(l, console.by_staff, name = row.by).to_string()}</span>
            <time class="ml-auto font-mono text-xs text-slate-400" datetime=row.at_iso>{row.at}</time>
        </span>
    }
}

#[component]
fn LogRow(row: CheckInRow) -> impl IntoView {
    let l = use_locale();
    let marks = (row.forced, row.conflict);
    let (position, code) = (row.position, row.code.clone());
    view! {
        <li class="flex flex-wrap items-baseline gap-x-3 gap-y-0.5 px-3 py-2" data-check-in=position data-code=code>
            <span class="font-mono text-glow-300">{row.code.clone()}</span>
            <span class="text-slate-200">{row.stage.clone()}</span>
            {marks.0.then(|| view! {
                <span class="rounded border border-amber-400/50 bg-amber-500/15 px-1.5 text-xs font-bold text-amber-200" data-forced=""
                    title=td_string!(l, console.offline_hint).to_string()>
                    {td_string!(l, console.offline_mark).to_string()}
                </span>
            })}
            {marks.1.map(|conflict| view! {
                <span class="rounded border border-rose-400/60 bg-rose-500/20 px-1.5 text-xs font-bold text-rose-100" data-conflict="">
                    {conflict_text(l, conflict)}
                </span>
            })}
            <Where row/>
        </li>
    }
}

#[component]
fn Conflicts(#[prop(into)] conflicts: Signal<Vec<ConflictRow>>) -> impl IntoView {
    let l = use_locale();
    move || {
        let rows = conflicts.get();
        let count = rows.len();
        match rows.is_empty() {
            true => view! {
                <section class="mt-4 flex items-center gap-2 rounded-2xl border border-emerald-400/30 bg-emerald-500/10 px-4 py-3 text-emerald-100" aria-labelledby="conflicts-title" data-conflicts="0">
                    <span aria-hidden="true">"✓"</span>
                    <h2 id="conflicts-title" class="font-semibold">{td_string!(l, console.no_conflicts).to_string()}</h2>
                </section>
            }.into_any(),
            false => view! {
                <section class="mt-4 rounded-2xl border-2 border-rose-400/70 bg-rose-500/15 p-4 text-rose-50" aria-labelledby="conflicts-title" data-conflicts=count>
                    <h2 id="conflicts-title" class="flex items-center gap-2 text-lg font-black">
                        <span aria-hidden="true">"⚠"</span>
                        {td_string!(l, console.conflicts, number = count).to_string()}
                    </h2>
                    <p class="mt-1 text-sm text-rose-100/90">{td_string!(l, console.conflicts_hint).to_string()}</p>
                    <ul class="mt-3 divide-y divide-rose-300/20 rounded-xl border border-rose-300/30 bg-night-950/40 text-sm" role="list">
                        {rows.into_iter().map(|conflict| {
                            let row = conflict.check_in;
                            let position = row.position;
                            let kind = row.conflict.map(|c| conflict_text(l, c)).unwrap_or_default();
                            view! {
                                <li class="px-3 py-2" data-conflict-row=position>
                                    <div class="flex flex-wrap items-baseline gap-x-3 gap-y-0.5">
                                        <span class="font-bold text-rose-100">{kind}</span>
                                        <span class="font-mono text-glow-300">{row.code.clone()}</span>
                                        <span class="text-slate-200">{row.stage.clone()}</span>
                                        <Where row/>
                                    </div>
                                    {conflict.first.map(|first| view! {
                                        <p class="mt-0.5 text-xs text-rose-100/80" data-first="">
                                            {td_string!(l, console.first_admitted, gate = first.gate, time = first.at, name = first.by).to_string()}
                                        </p>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            }.into_any(),
        }
    }
}
