//! `/console`: every festival with its state, the default marked; a link to
//! create one, and to each festival's editor and dashboard.

use crate::components::console::{gated, this_page, ConsoleNav, StateBadge, MAIN_BUTTON};
use crate::i18n::td_string;
use crate::language::use_locale;
use crate::routes;
use crate::server_fns::console::festivals::{console_home, FestivalList};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::{lazy_route, LazyRoute};

/// The page as a lazy route (a wasm chunk of its own with `--split`): fans
/// never download the console's code.
pub struct ConsoleHomeRoute;

#[lazy_route]
impl LazyRoute for ConsoleHomeRoute {
    fn data() -> Self {
        ConsoleHomeRoute
    }

    fn view(this: Self) -> AnyView {
        let ConsoleHomeRoute = this;
        view! { <ConsoleHomePage/> }.into_any()
    }
}

#[component]
pub fn ConsoleHomePage() -> impl IntoView {
    let l = use_locale();
    let data = Resource::new(|| (), |()| console_home());
    let here = this_page();
    view! {
        <Title text=td_string!(l, console.festivals).to_string()/>
        <ConsoleNav/>
        <Suspense fallback=|| ()>
            {move || {
                let here = here.clone();
                Suspend::new(async move {
                    gated(&here, data.await, |home| view! { <Festivals home/> }.into_any())
                })
            }}
        </Suspense>
    }
}

#[component]
fn Festivals(home: FestivalList) -> impl IntoView {
    let l = use_locale();
    let link = "font-semibold text-glow-300 underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-glow-300";
    view! {
        <div class="mt-6 flex flex-wrap items-center justify-between gap-3">
            <h1 class="font-display text-2xl font-black sm:text-3xl">{td_string!(l, console.festivals).to_string()}</h1>
            <A href=routes::CONSOLE_NEW_FESTIVAL attr:class=MAIN_BUTTON>{td_string!(l, console.new_festival).to_string()}</A>
        </div>
        <p class="mt-1 text-sm text-slate-400">{td_string!(l, console.signed_in_as, name = home.organiser).to_string()}</p>
        <ul class="mt-6 divide-y divide-white/10 rounded-2xl border border-white/10" role="list">
            {home.festivals.into_iter().map(|festival| {
                let editor = routes::console_festival(&festival.slug);
                let dashboard = routes::console_dashboard(&festival.slug);
                let door = routes::console_door(&festival.slug);
                view! {
                    <li class="flex flex-col gap-2 p-4 sm:flex-row sm:items-center sm:justify-between" data-festival=festival.slug.clone()>
                        <div class="min-w-0">
                            <div class="flex flex-wrap items-center gap-2">
                                <A href=editor.clone() attr:class=format!("text-lg {link}")>{festival.name.clone()}</A>
                                <StateBadge state=festival.state.clone()/>
                                {festival.is_default.then(|| view! {
                                    <span class="rounded-full bg-glow-400/20 px-2 py-0.5 text-xs font-bold text-glow-300">{td_string!(l, console.default_festival).to_string()}</span>
                                })}
                            </div>
                            <p class="mt-1 text-sm text-slate-400">
                                <span class="font-mono">{festival.slug.clone()}</span>" · "{festival.venue.clone()}" · "{festival.time_zone.clone()}" · "
                                {td_string!(l, console.stage_count, count = festival.stages as u64).to_string()}
                            </p>
                        </div>
                        <div class="flex shrink-0 gap-3 text-sm">
                            <A href=editor attr:class=link>{td_string!(l, console.edit).to_string()}</A>
                            <A href=dashboard attr:class=link>{td_string!(l, console.dashboard).to_string()}</A>
                            <A href=door attr:class=link>{td_string!(l, console.door).to_string()}</A>
                        </div>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
