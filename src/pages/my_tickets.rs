//! `/my-tickets`: the signed-in fan's tickets, newest first, each with its
//! code and QR code; a purchase just made is announced and marked. Signed out, it sends the fan
//! to sign in and back.

use crate::components::notice::{ErrorNotice, SuccessNotice};
use crate::components::ticket_pass::TicketPassCard;
use crate::i18n::td_string;
use crate::language::use_locale;
use crate::server_fns::tickets::{my_tickets, Wallet};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};
use leptos_router::{lazy_route, LazyRoute};

/// The page as a lazy route: built with `--split`, its code (ticket cards,
/// QR codes) is a chunk of its own, loaded when a fan first opens it, so
/// the first page a fan loads does not carry it.
pub struct MyTicketsRoute;

#[lazy_route]
impl LazyRoute for MyTicketsRoute {
    fn data() -> Self {
        MyTicketsRoute
    }

    fn view(this: Self) -> AnyView {
        let MyTicketsRoute = this;
        view! { <MyTicketsPage/> }.into_any()
    }
}

#[component]
pub fn MyTicketsPage() -> impl IntoView {
    let wallet = Resource::new(|| (), |()| my_tickets());
    let l = use_locale();
    view! {
        <Title text=td_string!(l, tickets.title).to_string()/>
        <Suspense fallback=move || view! { <p class="mt-16 text-center text-slate-300">{td_string!(l, tickets.loading).to_string()}</p> }>
            {move || Suspend::new(async move {
                match wallet.await {
                    Ok(Some(wallet)) => view! { <WalletView wallet/> }.into_any(),
                    Ok(None) => view! { <Redirect path="/sign-in?next=/my-tickets"/> }.into_any(),
                    Err(problem) => view! { <ErrorNotice message=problem.message/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn WalletView(wallet: Wallet) -> impl IntoView {
    let Wallet { fan, passes, flash } = wallet;
    let bought = flash.and_then(|flash| flash.bought);
    let new_ids = bought
        .as_ref()
        .map(|b| b.tickets.clone())
        .unwrap_or_default();
    let count = passes.len() as u64;
    let l = use_locale();
    view! {
        <h1 class="font-display mt-8 text-3xl font-black">{td_string!(l, tickets.title).to_string()}</h1>
        <p class="mt-2 text-slate-300">
            {match count {
                0 => td_string!(l, tickets.signed_in_as, fan = fan).to_string(),
                n => td_string!(l, tickets.signed_in_with, count = n, fan = fan).to_string(),
            }}
        </p>
        {bought.map(|bought| {
            let n = bought.tickets.len() as u64;
            view! {
                <SuccessNotice>
                    <p class="font-semibold">
                        {if bought.replayed { td_string!(l, tickets.already_bought) } else { td_string!(l, tickets.bought) }.to_string()}
                        {td_string!(l, tickets.summary, count = n, stage = bought.stage_name, total = bought.total).to_string()}
                    </p>
                    <p class="mt-1 text-sm">{td_string!(l, tickets.marked_new).to_string()}</p>
                </SuccessNotice>
            }
        })}
        {if passes.is_empty() {
            view! {
                <div class="mt-10 rounded-3xl border border-dashed border-white/20 p-10 text-center">
                    <p class="text-lg font-semibold">{td_string!(l, tickets.none_yet).to_string()}</p>
                    <p class="mt-2 text-slate-300">{td_string!(l, tickets.none_yet_hint).to_string()}</p>
                    <A href="/" attr:class="mt-6 inline-block rounded-full bg-glow-400 px-6 py-3 font-semibold text-night-950 hover:bg-glow-300">{td_string!(l, tickets.see_stages).to_string()}</A>
                </div>
            }
            .into_any()
        } else {
            view! {
                <ul class="mt-8 grid gap-5 lg:grid-cols-2" role="list">
                    {passes
                        .into_iter()
                        .rev()
                        .map(|pass| {
                            let new = new_ids.contains(&pass.id);
                            view! { <li><TicketPassCard pass new/></li> }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        }}
    }
}
