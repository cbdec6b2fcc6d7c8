//! `/console/f/:slug/dashboard`: a festival's sales — per stage sold, left,
//! capacity and revenue, totals, tickets per minute over the last hour (an
//! SVG chart drawn by the server) and the latest orders. While the page is
//! open in a browser with JavaScript it asks for the numbers again every
//! two seconds (one small read of the shop's memory); without JavaScript it
//! shows the numbers as they were when it was loaded.

use crate::components::console::{
    gated, keep_fresh, this_page, ConsoleNav, StateBadge, SMALL_BUTTON,
};
use crate::components::sales_chart::SalesChart;
use crate::i18n::td_string;
use crate::language::use_locale;
use crate::routes;
use crate::server_fns::console::sales::{dashboard, SalesBoard};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use leptos_router::{lazy_route, LazyRoute};

/// The page as a lazy route (a wasm chunk of its own with `--split`): fans
/// never download the console's code.
pub struct DashboardRoute;

#[lazy_route]
impl LazyRoute for DashboardRoute {
    fn data() -> Self {
        DashboardRoute
    }

    fn view(this: Self) -> AnyView {
        let DashboardRoute = this;
        view! { <DashboardPage/> }.into_any()
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let l = use_locale();
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let data = Resource::new(slug, dashboard);
    let here = this_page();
    view! {
        <Title text=td_string!(l, console.dashboard).to_string()/>
        <ConsoleNav/>
        <Suspense fallback=|| ()>
            {move || {
                let here = here.clone();
                Suspend::new(async move {
                    gated(&here, data.await, |sales| view! { <Live sales/> }.into_any())
                })
            }}
        </Suspense>
    }
}

#[component]
fn Live(sales: SalesBoard) -> impl IntoView {
    let l = use_locale();
    let slug = sales.festival.slug.clone();
    let name = sales.festival.name.clone();
    let state = sales.festival.state.clone();
    let sales = RwSignal::new(sales);
    keep_fresh(sales, |board| board.festival.slug.clone(), dashboard);
    let per_minute = Signal::derive(move || sales.with(|s| s.per_minute.clone()));
    let from = Signal::derive(move || sales.with(|s| s.chart_from.clone()));
    let to = Signal::derive(move || sales.with(|s| s.chart_to.clone()));
    let card = "rounded-2xl border border-white/10 bg-white/[0.04] p-4";
    view! {
        <div class="mt-6 flex flex-wrap items-center gap-3">
            <h1 class="font-display min-w-0 break-words text-2xl font-black sm:text-3xl">{name}</h1>
            <StateBadge state/>
            <div class="ml-auto flex flex-wrap gap-2">
                <A href=routes::console_door(&slug) attr:class=SMALL_BUTTON>{td_string!(l, console.door).to_string()}</A>
                <A href=routes::console_festival(&slug) attr:class=SMALL_BUTTON>{td_string!(l, console.edit).to_string()}</A>
                <a href=routes::festival_tickets_csv(&slug) class=SMALL_BUTTON download="" data-csv="">{td_string!(l, console.download_csv).to_string()}</a>
            </div>
        </div>
        <p class="mt-1 text-sm text-slate-400" aria-live="polite">
            {move || td_string!(l, console.as_of, time = sales.with(|s| s.as_of.clone())).to_string()}
        </p>
        <div class="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-3">
            <div class=card>
                <p class="text-sm text-slate-400">{td_string!(l, console.sold).to_string()}</p>
                <p class="mt-1 text-3xl font-black tabular-nums" data-total-sold="">{move || sales.with(|s| s.sold)}</p>
                <p class="text-sm text-slate-400">{move || td_string!(l, console.of_capacity, capacity = sales.with(|s| s.capacity)).to_string()}</p>
            </div>
            <div class=card>
                <p class="text-sm text-slate-400">{td_string!(l, console.left).to_string()}</p>
                <p class="mt-1 text-3xl font-black tabular-nums">{move || sales.with(|s| s.capacity.saturating_sub(s.sold))}</p>
            </div>
            <div class=format!("col-span-2 sm:col-span-1 {card}")>
                <p class="text-sm text-slate-400">{td_string!(l, console.revenue).to_string()}</p>
                <p class="mt-1 text-3xl font-black tabular-nums" data-total-revenue="">{move || sales.with(|s| s.revenue.clone())}</p>
            </div>
        </div>

        <section class=format!("mt-6 {card}") aria-labelledby="chart-title">
            <h2 id="chart-title" class="text-lg font-bold">{td_string!(l, console.per_minute).to_string()}</h2>
            <SalesChart per_minute from to/>
        </section>

        <section class="mt-6" aria-labelledby="per-stage-title">
            <h2 id="per-stage-title" class="text-lg font-bold">{td_string!(l, console.per_stage).to_string()}</h2>
            <div class="mt-2 overflow-x-auto rounded-2xl border border-white/10">
                <table class="w-full text-left text-sm">
                    <thead class="bg-white/5 text-slate-300">
                        <tr>
                            <th scope="col" class="px-2 py-2 sm:px-3">{td_string!(l, console.stage).to_string()}</th>
                            <th scope="col" class="px-2 py-2 sm:px-3 text-right">{td_string!(l, console.sold).to_string()}</th>
                            <th scope="col" class="px-2 py-2 sm:px-3 text-right">{td_string!(l, console.left).to_string()}</th>
                            <th scope="col" class="hidden px-2 py-2 sm:px-3 text-right sm:table-cell">{td_string!(l, console.capacity).to_string()}</th>
                            <th scope="col" class="px-2 py-2 sm:px-3 text-right">{td_string!(l, console.revenue).to_string()}</th>
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-white/10 tabular-nums">
                        {move || sales.with(|s| s.stages.clone()).into_iter().map(|stage| view! {
                            <tr data-stage=stage.id>
                                <th scope="row" class="px-2 py-2 sm:px-3 font-semibold">
                                    {stage.name}
                                    {stage.closed.then(|| view! { <span class="ml-2 text-xs font-bold text-rose-200">{td_string!(l, console.closed).to_string()}</span> })}
                                </th>
                                <td class="px-2 py-2 sm:px-3 text-right" data-sold="">{stage.sold}</td>
                                <td class="px-2 py-2 sm:px-3 text-right">{stage.left}</td>
                                <td class="hidden px-2 py-2 sm:px-3 text-right sm:table-cell">{stage.capacity}</td>
                                <td class="px-2 py-2 sm:px-3 text-right">{stage.revenue}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>

        <section class="mt-6" aria-labelledby="latest-title">
            <h2 id="latest-title" class="text-lg font-bold">{td_string!(l, console.latest).to_string()}</h2>
            {move || {
                let latest = sales.with(|s| s.latest.clone());
                match latest.is_empty() {
                    true => view! { <p class="mt-2 text-slate-400">{td_string!(l, console.none_sold).to_string()}</p> }.into_any(),
                    false => view! {
                        <ul class="mt-2 divide-y divide-white/10 rounded-2xl border border-white/10 text-sm" role="list" data-latest="">
                            {latest.into_iter().map(|ticket| view! {
                                <li class="flex flex-wrap items-baseline gap-x-3 gap-y-0.5 px-3 py-2">
                                    <span class="font-mono text-glow-300">{ticket.code.clone()}</span>
                                    <span class="text-slate-200">{ticket.stage.clone()}</span>
                                    <A href=routes::console_orders(&ticket.fan) attr:class="font-semibold text-glow-300 hover:underline">{ticket.fan.clone()}</A>
                                    <span class="tabular-nums text-slate-300">{ticket.price.clone()}</span>
                                    <span class="ml-auto font-mono text-xs text-slate-400">{ticket.bought_at.clone()}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            }}
        </section>
    }
}
