//! Pieces the console's pages share: where a page sends a visitor who may
//! not see it yet ([`gated`]), the console's menu, state badges, dense
//! labelled fields with their error line, and the problem a page shows.

use crate::components::form::FieldError;
use crate::components::notice::ErrorNotice;
use crate::forms::Problem;
use crate::i18n::td_string;
use crate::language::use_locale;
use crate::routes;
use crate::server_fns::console::Gate;
use leptos::prelude::*;
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_location;

/// This page's path and query, to come back to after signing in.
pub fn this_page() -> String {
    let location = use_location();
    let (path, search) = (
        location.pathname.get_untracked(),
        location.search.get_untracked(),
    );
    match search.is_empty() {
        true => path,
        false => format!("{path}?{}", search.trim_start_matches('?')),
    }
}

/// A console page's data drawn by `open`; a signed-out visitor is sent to
/// sign in, an organiser without the second factor to pass it (both come
/// back to `here`), anyone else sees the refusal.
pub fn gated<T>(
    here: &str,
    answer: Result<Gate<T>, Problem>,
    open: impl FnOnce(T) -> AnyView,
) -> AnyView {
    let l = use_locale();
    match answer {
        Ok(Gate::Open(data)) => open(data),
        Ok(Gate::SignIn) => {
            view! { <Redirect path=routes::with_next(routes::SIGN_IN, here)/> }.into_any()
        }
        Ok(Gate::SecondFactor) => {
            view! { <Redirect path=routes::with_next(routes::SECOND_FACTOR, here)/> }.into_any()
        }
        Err(problem) => view! {
            <ErrorNotice title=td_string!(l, console.not_for_you).to_string() message=problem.message/>
        }
        .into_any(),
    }
}

/// The console's own menu.
#[component]
pub fn ConsoleNav() -> impl IntoView {
    let l = use_locale();
    let link = "rounded-full px-3 py-1.5 text-sm font-semibold text-slate-200 hover:bg-white/10 focus-visible:outline-2 focus-visible:outline-glow-300 aria-[current=page]:bg-white/15 aria-[current=page]:text-white";
    view! {
        <nav class="mt-6 flex flex-wrap items-center gap-1 border-b border-white/10 pb-3" aria-label=td_string!(l, console.menu).to_string()>
            <span class="mr-2 rounded bg-glow-400 px-2 py-0.5 text-xs font-black uppercase tracking-wide text-night-950">{td_string!(l, console.badge).to_string()}</span>
            <A href=routes::CONSOLE attr:class=link exact=true>{td_string!(l, console.festivals).to_string()}</A>
            <A href=routes::CONSOLE_ORDERS attr:class=link>{td_string!(l, console.orders).to_string()}</A>
            <A href=routes::CONSOLE_STAFF attr:class=link>{td_string!(l, console.staff).to_string()}</A>
        </nav>
    }
}

/// A festival's state as a coloured badge.
#[component]
pub fn StateBadge(state: String) -> impl IntoView {
    let l = use_locale();
    let (text, class) = match state.as_str() {
        "published" => (
            td_string!(l, console.state_published).to_string(),
            "border-emerald-400/50 bg-emerald-500/15 text-emerald-200",
        ),
        "archived" => (
            td_string!(l, console.state_archived).to_string(),
            "border-slate-400/40 bg-slate-500/15 text-slate-300",
        ),
        _ => (
            td_string!(l, console.state_draft).to_string(),
            "border-amber-400/50 bg-amber-500/15 text-amber-200",
        ),
    };
    view! {
        <span class=format!("inline-block whitespace-nowrap rounded-full border px-2 py-0.5 text-xs font-bold {class}") data-state=state>{text}</span>
    }
}

/// A labelled input for staff forms (denser than the fans'), its error
/// under it.
#[component]
pub fn ConsoleField(
    name: &'static str,
    #[prop(into)] label: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: String,
    #[prop(optional)] list: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let error_id = format!("{name}-error");
    let hint_id = format!("{name}-hint");
    let has_hint = !hint.is_empty();
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="min-w-0">
            <label for=name class="block text-sm font-semibold text-slate-200">{label}</label>
            <input
                id=name
                name=name
                type=kind
                value=value
                list=list
                inputmode=inputmode
                required=required
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described_by
                class="mt-1 block w-full min-w-0 rounded-lg border border-white/20 bg-night-900 px-3 py-2 text-base text-white [color-scheme:dark] placeholder:text-slate-500 focus:border-glow-300 focus:outline-2 focus:outline-glow-300 aria-[invalid]:border-rose-400"
            />
            {has_hint.then(|| view! { <p id=hint_id class="mt-1 text-xs text-slate-400">{hint}</p> })}
            <FieldError id=error_id error/>
        </div>
    }
}

/// The problem a console page shows: what a refused plain form post left,
/// then whatever the page's actions answer last.
pub fn latest_problem<O: Clone + Send + Sync + 'static>(
    flashed: Option<Problem>,
    answers: Vec<Signal<Option<Result<O, Problem>>>>,
) -> RwSignal<Option<Problem>> {
    let problem = RwSignal::new(flashed);
    for answer in answers {
        Effect::new(move |_| {
            if let Some(result) = answer.get() {
                problem.set(result.err());
            }
        });
    }
    problem
}

/// The form-level problem (one about no field), if any.
#[component]
pub fn FormProblem(problem: RwSignal<Option<Problem>>) -> impl IntoView {
    let l = use_locale();
    move || {
        problem.get().and_then(|p| p.for_form()).map(|message| {
            view! { <ErrorNotice title=td_string!(l, console.not_done).to_string() message/> }
        })
    }
}

/// A small button that posts its form.
pub const SMALL_BUTTON: &str = "rounded-lg border border-white/20 px-3 py-1.5 text-sm font-semibold text-slate-100 hover:bg-white/10 focus-visible:outline-2 focus-visible:outline-glow-300 disabled:opacity-40";
/// The form's main button.
pub const MAIN_BUTTON: &str = "rounded-full bg-glow-400 px-5 py-2.5 text-base font-bold text-night-950 hover:bg-glow-300 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white disabled:bg-slate-600";

/// Keeps a console page's `board` fresh while it is open, in the browser
/// only: every 2 s it asks `fetch` (the page's server function, with the
/// festival's slug `slug_of` reads from the board) again, one request at a
/// time, never while one is in flight. Without JavaScript the page shows
/// what it was drawn with.
pub fn keep_fresh<T, Fut>(
    board: RwSignal<T>,
    slug_of: impl Fn(&T) -> String,
    fetch: impl Fn(String) -> Fut + Clone + 'static,
) where
    T: Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<Gate<T>, Problem>> + 'static,
{
    #[cfg(feature = "hydrate")]
    {
        let asking = StoredValue::new(false);
        let slug = board.with_untracked(|board| slug_of(board));
        let handle = set_interval_with_handle(
            move || {
                if asking.get_value() {
                    return;
                }
                asking.set_value(true);
                let (slug, fetch) = (slug.clone(), fetch.clone());
                leptos::task::spawn_local(async move {
                    if let Ok(Gate::Open(fresh)) = fetch(slug).await {
                        board.set(fresh);
                    }
                    asking.set_value(false);
                });
            },
            std::time::Duration::from_secs(2),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (board, slug_of, fetch);
}
