//! `/console/orders?q=…`: tickets found by a fan's name or a ticket code
//! (with or without the dash, any case), grouped in orders; each fan's
//! name searches for that fan.

use crate::components::console::{gated, this_page, ConsoleNav, MAIN_BUTTON};
use crate::i18n::td_string;
use crate::language::use_locale;
use crate::routes;
use crate::server_fns::console::orders::{search_orders, Orders};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use leptos_router::{lazy_route, LazyRoute};

/// The page as a lazy route (a wasm chunk of its own with `--split`): fans
/// never download the console's code.
pub struct OrdersRoute;

#[lazy_route]
impl LazyRoute for OrdersRoute {
    fn data() -> Self {
        OrdersRoute
    }

    fn view(this: Self) -> AnyView {
        let OrdersRoute = this;
        view! { <OrdersPage/> }.into_any()
    }
}

#[component]
pub fn OrdersPage() -> impl IntoView {
    let l = use_locale();
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let data = Resource::new(q, search_orders);
    let here = this_page();
    view! {
        <Title text=td_string!(l, console.orders).to_string()/>
        <ConsoleNav/>
        <h1 class="font-display mt-6 text-2xl font-black sm:text-3xl">{td_string!(l, console.orders).to_string()}</h1>
        <form method="get" action=routes::CONSOLE_ORDERS class="mt-4 flex flex-col gap-2 sm:flex-row" role="search">
            <label for="q" class="sr-only">{td_string!(l, console.search_label).to_string()}</label>
            <input id="q" name="q" type="search" value=q placeholder=td_string!(l, console.search_placeholder).to_string()
                class="min-w-0 flex-1 rounded-lg border border-white/20 bg-night-900 px-3 py-2 text-base text-white placeholder:text-slate-500 focus:border-glow-300 focus:outline-2 focus:outline-glow-300"/>
            <button type="submit" class=MAIN_BUTTON>{td_string!(l, console.search).to_string()}</button>
        </form>
        <Suspense fallback=|| ()>
            {move || {
                let here = here.clone();
                Suspend::new(async move {
                    gated(&here, data.await, |orders| view! { <Found orders/> }.into_any())
                })
            }}
        </Suspense>
    }
}

#[component]
fn Found(orders: Orders) -> impl IntoView {
    let l = use_locale();
    if orders.query.is_empty() {
        return view! { <p class="mt-4 text-slate-400">{td_string!(l, console.search_hint).to_string()}</p> }.into_any();
    }
    if orders.orders.is_empty() {
        return view! { <p class="mt-4 text-slate-300" role="status">{td_string!(l, console.nothing_found, query = orders.query).to_string()}</p> }.into_any();
    }
    let tickets: usize = orders.orders.iter().map(Vec::len).sum();
    view! {
        <p class="mt-4 text-sm text-slate-400" role="status">
            {td_string!(l, console.found, count = tickets as u64, orders = orders.orders.len()).to_string()}
            {orders.more.then(|| td_string!(l, console.found_more).to_string())}
        </p>
        <ul class="mt-3 space-y-3" role="list">
            {orders.orders.into_iter().map(|order| {
                let first = order[0].clone();
                let fan_link = routes::console_orders(&first.fan);
                let (fan, fan_attr) = (first.fan.clone(), first.fan.clone());
                view! {
                    <li class="rounded-2xl border border-white/10 bg-white/[0.03] p-3" data-order="">
                        <div class="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
                            <A href=fan_link attr:class="font-semibold text-glow-300 hover:underline" attr:data-fan=fan_attr>{fan}</A>
                            <span class="text-slate-300">{first.festival.clone()}</span>
                            <span class="font-mono text-xs text-slate-400">{td_string!(l, console.bought_at, time = first.bought_at.clone()).to_string()}</span>
                        </div>
                        <div class="mt-2 overflow-x-auto">
                            <table class="w-full text-left text-sm">
                                <thead class="text-slate-400">
                                    <tr>
                                        <th scope="col" class="py-1 pr-2 sm:pr-3 font-medium">{td_string!(l, console.code).to_string()}</th>
                                        <th scope="col" class="py-1 pr-2 sm:pr-3 font-medium">{td_string!(l, console.stage).to_string()}</th>
                                        <th scope="col" class="py-1 text-right font-medium">{td_string!(l, console.price_paid).to_string()}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {order.into_iter().map(|ticket| view! {
                                        <tr data-code=ticket.code.clone()>
                                            <td class="py-1 pr-2 sm:pr-3 font-mono text-glow-300">{ticket.code.clone()}</td>
                                            <td class="py-1 pr-2 sm:pr-3">{ticket.stage}</td>
                                            <td class="py-1 text-right tabular-nums">{ticket.price}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}
