//! `/console/festivals/new` and `/console/f/:slug`: the festival editor —
//! details (name, venue, time zone), state buttons (publish, back to draft,
//! archive, make default), the stages (edit, move, close, remove) and the
//! festival's history.

use crate::components::console::{
    gated, latest_problem, this_page, ConsoleField, ConsoleNav, FormProblem, StateBadge,
    MAIN_BUTTON, SMALL_BUTTON,
};
use crate::forms::Field;
use crate::i18n::td_string;
use crate::language::use_locale;
use crate::routes;
use crate::server_fns::console::festivals::{
    festival_editor, ChangeFestivalState, CloseStage, EditorData, MoveStage, RemoveStage,
    SaveFestival, StageRow,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use leptos_router::{lazy_route, LazyRoute};

/// Time zones festivals are often held in, offered as the field is typed
/// (any IANA name is accepted).
const COMMON_ZONES: [&str; 12] = [
    "Asia/Tokyo",
    "Asia/Jakarta",
    "Asia/Seoul",
    "Asia/Singapore",
    "Asia/Taipei",
    "Asia/Hong_Kong",
    "Asia/Bangkok",
    "Asia/Manila",
    "Australia/Sydney",
    "America/Los_Angeles",
    "America/New_York",
    "Europe/London",
];

#[derive(Clone, Copy)]
struct Actions {
    save: ServerAction<SaveFestival>,
    state: ServerAction<ChangeFestivalState>,
    order: ServerAction<MoveStage>,
    remove: ServerAction<RemoveStage>,
    close: ServerAction<CloseStage>,
}

/// The page as a lazy route (a wasm chunk of its own with `--split`): fans
/// never download the console's code.
pub struct FestivalEditorRoute;

#[lazy_route]
impl LazyRoute for FestivalEditorRoute {
    fn data() -> Self {
        FestivalEditorRoute
    }

    fn view(this: Self) -> AnyView {
        let FestivalEditorRoute = this;
        view! { <FestivalEditorPage/> }.into_any()
    }
}

#[component]
pub fn FestivalEditorPage() -> impl IntoView {
    let l = use_locale();
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let actions = Actions {
        save: ServerAction::new(),
        state: ServerAction::new(),
        order: ServerAction::new(),
        remove: ServerAction::new(),
        close: ServerAction::new(),
    };
    let versions = move || {
        actions.save.version().get()
            + actions.state.version().get()
            + actions.order.version().get()
            + actions.remove.version().get()
            + actions.close.version().get()
    };
    let data = Resource::new(
        move || (slug(), versions()),
        |(slug, _)| festival_editor(slug),
    );
    let here = this_page();
    view! {
        <Title text=td_string!(l, console.editor_title).to_string()/>
        <ConsoleNav/>
        <Suspense fallback=|| ()>
            {move || {
                let here = here.clone();
                Suspend::new(async move {
                    gated(&here, data.await, move |editor| view! { <Editor editor actions/> }.into_any())
                })
            }}
        </Suspense>
    }
}

#[component]
fn Editor(editor: EditorData, actions: Actions) -> impl IntoView {
    let l = use_locale();
    let EditorData {
        festival,
        stages,
        history,
        problem,
        typed,
    } = editor;
    let problem = latest_problem(
        problem,
        vec![
            actions.save.value().into(),
            actions.state.value().into(),
            actions.order.value().into(),
            actions.remove.value().into(),
            actions.close.value().into(),
        ],
    );
    let typed_or = move |field: &str, saved: String| {
        typed
            .iter()
            .find(|(name, _)| name == field)
            .map_or(saved, |(_, value)| value.clone())
    };
    let error_of =
        move |field| Signal::derive(move || problem.get().and_then(|p| p.for_field(field)));
    let title = festival.as_ref().map_or_else(
        || td_string!(l, console.new_festival).to_string(),
        |f| f.name.clone(),
    );
    let original = festival
        .as_ref()
        .map(|f| f.slug.clone())
        .unwrap_or_default();
    let slug_field = match &festival {
        None => view! {
            <ConsoleField name="slug" label=td_string!(l, console.slug).to_string()
                hint=td_string!(l, console.slug_hint).to_string()
                value=typed_or("slug", String::new()) error=error_of(Field::Slug) required=true/>
        }.into_any(),
        Some(f) => view! {
            <div>
                <p class="text-sm font-semibold text-slate-200">{td_string!(l, console.slug).to_string()}</p>
                <p class="mt-1 px-1 py-2 font-mono text-slate-300">{f.slug.clone()}</p>
                <input type="hidden" name="slug" value=f.slug.clone()/>
            </div>
        }.into_any(),
    };
    let name_value = typed_or(
        "name",
        festival
            .as_ref()
            .map(|f| f.name.clone())
            .unwrap_or_default(),
    );
    let venue_value = typed_or(
        "venue",
        festival
            .as_ref()
            .map(|f| f.venue.clone())
            .unwrap_or_default(),
    );
    let zone_value = typed_or(
        "time_zone",
        festival
            .as_ref()
            .map_or_else(|| "Asia/Tokyo".to_owned(), |f| f.time_zone.clone()),
    );
    let save_label = match festival.is_some() {
        true => td_string!(l, console.save_details).to_string(),
        false => td_string!(l, console.create_festival).to_string(),
    };
    view! {
        <div class="mt-6 flex flex-wrap items-center gap-3">
            <h1 class="font-display min-w-0 break-words text-2xl font-black sm:text-3xl">{title}</h1>
            {festival.as_ref().map(|f| view! { <StateBadge state=f.state.clone()/> })}
            {festival.as_ref().filter(|f| f.is_default).map(|_| view! {
                <span class="rounded-full bg-glow-400/20 px-2 py-0.5 text-xs font-bold text-glow-300">{td_string!(l, console.default_festival).to_string()}</span>
            })}
            {festival.as_ref().map(|f| view! {
                <span class="ml-auto flex gap-3">
                    <A href=routes::console_dashboard(&f.slug) attr:class="text-sm font-semibold text-glow-300 hover:underline">{td_string!(l, console.dashboard).to_string()}</A>
                    <A href=routes::console_door(&f.slug) attr:class="text-sm font-semibold text-glow-300 hover:underline">{td_string!(l, console.door).to_string()}</A>
                </span>
            })}
        </div>
        <FormProblem problem/>

        <section class="mt-6 rounded-2xl border border-white/10 bg-white/[0.03] p-4 sm:p-6" aria-labelledby="details-title">
            <h2 id="details-title" class="text-lg font-bold">{td_string!(l, console.details).to_string()}</h2>
            <ActionForm action=actions.save attr:novalidate=true attr:class="mt-3">
                <input type="hidden" name="original" value=original.clone()/>
                <div class="grid gap-4 sm:grid-cols-2">
                    {slug_field}
                    <ConsoleField name="name" label=td_string!(l, console.festival_name).to_string()
                        value=name_value
                        error=error_of(Field::Name) required=true/>
                    <ConsoleField name="venue" label=td_string!(l, console.venue).to_string()
                        value=venue_value
                        error=error_of(Field::Venue) required=true/>
                    <ConsoleField name="time_zone" label=td_string!(l, console.time_zone).to_string()
                        hint=td_string!(l, console.time_zone_hint).to_string()
                        value=zone_value
                        error=error_of(Field::TimeZone) list="zones" required=true/>
                    <datalist id="zones">
                        {COMMON_ZONES.into_iter().map(|zone| view! { <option value=zone></option> }).collect_view()}
                    </datalist>
                </div>
                <button type="submit" class=format!("mt-5 {MAIN_BUTTON}") disabled=move || actions.save.pending().get()>
                    {save_label}
                </button>
            </ActionForm>
        </section>

        {festival.map(|f| {
            let slug = f.slug.clone();
            view! {
                <StateButtons slug=slug.clone() state=f.state.clone() is_default=f.is_default actions/>
                <Stages slug stages actions/>
                <History history/>
            }
        })}
    }
}

#[component]
fn StateButtons(slug: String, state: String, is_default: bool, actions: Actions) -> impl IntoView {
    let l = use_locale();
    let button = move |change: &'static str, label: String| {
        let slug = slug.clone();
        view! {
            <ActionForm action=actions.state>
                <input type="hidden" name="slug" value=slug/>
                <input type="hidden" name="change" value=change/>
                <button type="submit" class=SMALL_BUTTON data-change=change>{label}</button>
            </ActionForm>
        }
    };
    let published = state == "published";
    view! {
        <section class="mt-6 rounded-2xl border border-white/10 bg-white/[0.03] p-4 sm:p-6" aria-labelledby="state-title">
            <h2 id="state-title" class="text-lg font-bold">{td_string!(l, console.state).to_string()}</h2>
            <p class="mt-1 text-sm text-slate-400">{td_string!(l, console.state_hint).to_string()}</p>
            <div class="mt-3 flex flex-wrap gap-2">
                {(!published).then(|| button("publish", td_string!(l, console.publish).to_string()))}
                {(state != "draft").then(|| button("draft", td_string!(l, console.back_to_draft).to_string()))}
                {(state != "archived").then(|| button("archive", td_string!(l, console.archive).to_string()))}
                {(published && !is_default).then(|| button("default", td_string!(l, console.make_default).to_string()))}
            </div>
        </section>
    }
}

#[component]
fn Stages(slug: String, stages: Vec<StageRow>, actions: Actions) -> impl IntoView {
    let l = use_locale();
    let count = stages.len();
    let new_stage = routes::console_new_stage(&slug);
    view! {
        <section class="mt-6 rounded-2xl border border-white/10 bg-white/[0.03] p-4 sm:p-6" aria-labelledby="stages-title">
            <div class="flex flex-wrap items-center justify-between gap-2">
                <h2 id="stages-title" class="text-lg font-bold">{td_string!(l, console.stages).to_string()}</h2>
                <A href=new_stage attr:class=SMALL_BUTTON>{td_string!(l, console.add_stage).to_string()}</A>
            </div>
            {(count == 0).then(|| view! { <p class="mt-3 text-slate-400">{td_string!(l, console.no_stages).to_string()}</p> })}
            <ol class="mt-3 divide-y divide-white/10" role="list">
                {stages.into_iter().enumerate().map(|(at, stage)| {
                    let slug = slug.clone();
                    let hidden = {
                        let slug = slug.clone();
                        move || view! {
                            <input type="hidden" name="slug" value=slug.clone()/>
                            <input type="hidden" name="stage" value=stage.id/>
                        }
                    };
                    let (hidden_up, hidden_down, hidden_close, hidden_remove) =
                        (hidden.clone(), hidden.clone(), hidden.clone(), hidden);
                    let up_label = td_string!(l, console.move_up_label, stage = stage.name.clone()).to_string();
                    let down_label = td_string!(l, console.move_down_label, stage = stage.name.clone()).to_string();
                    view! {
                        <li class="flex flex-col gap-2 py-3 lg:flex-row lg:items-center lg:justify-between" data-stage=stage.id>
                            <div class="min-w-0">
                                <div class="flex flex-wrap items-center gap-2">
                                    <A href=routes::console_stage(&slug, stage.id) attr:class="font-semibold text-glow-300 hover:underline">{stage.name.clone()}</A>
                                    {stage.closed.then(|| view! { <span class="rounded-full border border-rose-400/50 px-2 py-0.5 text-xs font-bold text-rose-200">{td_string!(l, console.closed).to_string()}</span> })}
                                </div>
                                <p class="text-sm text-slate-400">
                                    {td_string!(l, console.stage_line, day = stage.day, doors = stage.doors_open.clone(), price = stage.price.clone(), sold = stage.sold, capacity = stage.capacity).to_string()}
                                </p>
                            </div>
                            <div class="flex flex-wrap gap-2">
                                <A href=routes::console_stage(&slug, stage.id) attr:class=SMALL_BUTTON>{td_string!(l, console.edit).to_string()}</A>
                                <ActionForm action=actions.order>
                                    {hidden_up()}
                                    <input type="hidden" name="direction" value="up"/>
                                    <button type="submit" class=SMALL_BUTTON disabled=at == 0 aria-label=up_label>"↑"</button>
                                </ActionForm>
                                <ActionForm action=actions.order>
                                    {hidden_down()}
                                    <input type="hidden" name="direction" value="down"/>
                                    <button type="submit" class=SMALL_BUTTON disabled=at + 1 == count aria-label=down_label>"↓"</button>
                                </ActionForm>
                                <ActionForm action=actions.close>
                                    {hidden_close()}
                                    <input type="hidden" name="closed" value=if stage.closed { "false" } else { "true" }/>
                                    <button type="submit" class=SMALL_BUTTON>
                                        {if stage.closed { td_string!(l, console.reopen).to_string() } else { td_string!(l, console.close).to_string() }}
                                    </button>
                                </ActionForm>
                                <ActionForm action=actions.remove>
                                    {hidden_remove()}
                                    <button type="submit" class=format!("{SMALL_BUTTON} border-rose-400/40 text-rose-200") data-remove=stage.id>{td_string!(l, console.remove).to_string()}</button>
                                </ActionForm>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn History(history: Vec<crate::server_fns::console::festivals::HistoryRow>) -> impl IntoView {
    let l = use_locale();
    view! {
        <section class="mt-6 rounded-2xl border border-white/10 bg-white/[0.03] p-4 sm:p-6" aria-labelledby="history-title">
            <h2 id="history-title" class="text-lg font-bold">{td_string!(l, console.history).to_string()}</h2>
            <ol class="mt-3 space-y-2 text-sm" role="list">
                {history.into_iter().map(|entry| {
                    let by = match entry.by.is_empty() {
                        true => td_string!(l, console.by_server).to_string(),
                        false => entry.by,
                    };
                    view! {
                        <li class="flex flex-col gap-0.5 sm:flex-row sm:gap-3">
                            <span class="shrink-0 font-mono text-slate-400">{entry.at}</span>
                            <span class="shrink-0 font-semibold text-slate-200">{by}</span>
                            <span class="min-w-0 break-words text-slate-300">{entry.what}</span>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}
