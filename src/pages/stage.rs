//! `/stages/:id`: one stage, its live stock and sale countdown, and the buy
//! form. The form is an `ActionForm`: hydrated, it buys without leaving the
//! page and shows its pending state; without JavaScript it is a plain POST
//! that comes back here with the answer. Success goes to the fan's tickets.

use crate::components::clock::{use_clock, use_hydrated, use_sale_phase, SaleStatus};
use crate::components::form::{FieldError, SubmitButton};
use crate::components::live_stock::use_live_stock;
use crate::components::notice::ErrorNotice;
use crate::components::stage_card::{StageFacts, StockMeter};
use crate::domain::SalePhase;
use crate::forms::{Field, Problem};
use crate::routes;
use crate::server_fns::buying::BuyTickets;
use crate::server_fns::stages::{stage_details, StageInfo};
use crate::when;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn StagePage() -> impl IntoView {
    let params = use_params_map();
    let details = Resource::new(
        move || params.read().get("id"),
        |id| async move {
            match id.as_deref().map(str::parse::<u32>) {
                Some(Ok(id)) => stage_details(id).await,
                _ => Err(Problem::new("There is no such stage.")),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="mt-16 text-center text-slate-300">"Loading the stage…"</p> }>
            {move || Suspend::new(async move {
                match details.await {
                    Ok(info) => view! { <StageView info/> }.into_any(),
                    Err(problem) => view! {
                        <Title text="Stage not found"/>
                        <ErrorNotice title="This stage is not on the programme" message=problem.message/>
                        <BackToStages/>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BackToStages() -> impl IntoView {
    view! {
        <A href="/" attr:class="mt-6 inline-block rounded text-sm font-medium text-glow-300 hover:text-white focus-visible:outline-2 focus-visible:outline-glow-300">
            "← All stages"
        </A>
    }
}

#[component]
fn StageView(info: StageInfo) -> impl IntoView {
    let stage = info.listing.stage.clone();
    let now = use_clock(info.as_of);
    let remaining = use_live_stock().remaining(stage.id, info.listing.remaining);
    view! {
        <Title text=stage.name.clone()/>
        <BackToStages/>
        <div class="mt-4 grid gap-6 lg:grid-cols-[1fr_24rem]">
            <section class="rounded-3xl bg-stage-lights px-6 py-8 sm:px-8" aria-labelledby="stage-name">
                <p class="text-sm font-semibold uppercase tracking-[0.2em] text-glow-300">
                    {format!("Day {} · {}", stage.day, when::long_date(stage.starts_at))}
                </p>
                <h1 id="stage-name" class="font-display mt-2 text-3xl font-black sm:text-4xl">{stage.name.clone()}</h1>
                <p class="mt-2 text-slate-200">{info.festival_name.clone()}</p>
                <StageFacts stage=stage.clone()/>
                <div class="mt-6 max-w-sm">
                    <StockMeter remaining total=stage.total_stock announce=true/>
                    <div class="mt-3"><SaleStatus stage=stage.clone() now/></div>
                </div>
            </section>
            <section class="rounded-3xl border border-white/10 bg-white/[0.04] p-6" aria-labelledby="buy-heading">
                <h2 id="buy-heading" class="font-display text-xl font-bold">"Buy tickets"</h2>
                <BuyPanel info remaining now/>
            </section>
        </div>
    }
}

/// What the fan can do here: sign in, wait for the sale, or buy.
#[component]
fn BuyPanel(
    info: StageInfo,
    remaining: Signal<u32>,
    now: Signal<time::OffsetDateTime>,
) -> impl IntoView {
    let stage = info.listing.stage.clone();
    let next = routes::stage_page(stage.id);
    let Some(fan) = info.fan.clone() else {
        return view! {
            <p class="mt-3 text-slate-300">"Sign in to buy. Your tickets and their QR codes will wait in My tickets."</p>
            <a href=routes::with_next(routes::SIGN_IN, &next) class="mt-5 block rounded-full bg-glow-400 px-6 py-3 text-center font-bold text-night-950 hover:bg-glow-300 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white">
                "Sign in to buy"
            </a>
            <a href=routes::with_next(routes::SIGN_UP, &next) class="mt-3 block rounded-full border border-white/20 px-6 py-3 text-center font-semibold hover:border-glow-300 focus-visible:outline-2 focus-visible:outline-glow-300">
                "Create an account"
            </a>
        }
        .into_any();
    };
    let limits = info.limits;
    let can_hold = limits.per_fan.saturating_sub(info.held);
    if can_hold == 0 {
        return view! {
            <p class="mt-3 text-slate-300">
                {format!("You hold {} tickets for this stage, the most one fan may hold.", info.held)}
            </p>
            <A href=routes::MY_TICKETS attr:class="mt-5 block rounded-full border border-white/20 px-6 py-3 text-center font-semibold hover:border-glow-300">"See my tickets"</A>
        }
        .into_any();
    }
    let sale_phase = use_sale_phase(&stage, now);
    let phase = move || sale_phase.get();
    let sold_out = move || remaining.get() == 0;
    view! {
        <p class="mt-2 text-sm text-slate-400">
            {format!("Signed in as {fan}. Up to {} per order; you may hold {} for this stage.", limits.per_order, limits.per_fan)}
        </p>
        <Show
            when=move || phase() == SalePhase::Open
            fallback=move || view! {
                <p class="mt-5 rounded-2xl bg-white/5 p-4 text-slate-200">
                    {move || if phase() == SalePhase::NotYetOpen {
                        "The sale has not opened yet. This page opens the form when it does, no reload needed."
                    } else {
                        "The sale for this stage has closed."
                    }}
                </p>
            }
        >
            <BuyForm info=info.clone() can_hold remaining sold_out=Signal::derive(sold_out)/>
        </Show>
    }
    .into_any()
}

/// The buy form: quantity (with − and + once hydrated), the total, and a
/// button that cannot be pressed twice while a buy is on its way.
#[component]
fn BuyForm(
    info: StageInfo,
    can_hold: u32,
    remaining: Signal<u32>,
    sold_out: Signal<bool>,
) -> impl IntoView {
    let buy = ServerAction::<BuyTickets>::new();
    let hydrated = use_hydrated();
    let price = info.listing.stage.price;
    let flash = info.flash.clone().unwrap_or_default();
    let most = move || {
        info.limits
            .per_order
            .min(can_hold)
            .min(remaining.get())
            .max(1)
    };
    let quantity = RwSignal::new(flash.quantity.clone().unwrap_or_else(|| "1".to_string()));
    let chosen = move || quantity.with(|q| q.trim().parse::<u32>().ok());
    // The latest answer: this page's action, else what a plain POST left.
    let problem = Signal::derive(move || Problem::latest(buy.value().get(), flash.problem.clone()));
    let quantity_error =
        Signal::derive(move || problem.get().and_then(|p| p.for_field(Field::Quantity)));
    // The total is the domain's checked product; one that cannot be counted
    // (never for a valid festival) shows no total.
    let order = move || {
        chosen()
            .filter(|&n| n >= 1)
            .and_then(|n| Some((n, price.times(n)?)))
    };
    let label = Signal::derive(move || match order() {
        Some((n, total)) => format!("Buy {n} ticket{} · {total}", if n == 1 { "" } else { "s" }),
        None => "Buy tickets".to_string(),
    });
    let step = move |by: i64| {
        let next = (i64::from(chosen().unwrap_or(1)) + by).clamp(1, i64::from(most()));
        quantity.set(next.to_string());
    };
    let stage_id = info.listing.stage.id.to_string();
    view! {
        <ActionForm action=buy attr:novalidate=true attr:class="mt-2" attr:aria-label="Buy tickets">
            <input type="hidden" name="stage" value=stage_id/>
            <input type="hidden" name="order_key" value=info.order_key.clone()/>
            <label for="quantity" class="mt-4 block text-sm font-semibold text-slate-200">"How many tickets"</label>
            <div class="mt-2 flex items-stretch gap-2">
                <Show when=move || hydrated.get()>
                    <button type="button" aria-label="One fewer" on:click=move |_| step(-1)
                        class="w-12 rounded-xl border border-white/20 text-xl font-bold hover:border-glow-300 focus-visible:outline-2 focus-visible:outline-glow-300">
                        "−"
                    </button>
                </Show>
                <input
                    id="quantity"
                    name="quantity"
                    type="text"
                    inputmode="numeric"
                    autocomplete="off"
                    value=quantity.get_untracked()
                    prop:value=move || quantity.get()
                    on:input=move |ev| quantity.set(event_target_value(&ev))
                    aria-invalid=move || quantity_error.with(Option::is_some).then_some("true")
                    aria-describedby="quantity-hint quantity-error"
                    class="w-24 rounded-xl border border-white/20 bg-night-900 px-4 py-3 text-center text-lg font-bold focus:border-glow-300 focus:outline-2 focus:outline-glow-300 aria-[invalid]:border-rose-400"
                />
                <Show when=move || hydrated.get()>
                    <button type="button" aria-label="One more" on:click=move |_| step(1)
                        class="w-12 rounded-xl border border-white/20 text-xl font-bold hover:border-glow-300 focus-visible:outline-2 focus-visible:outline-glow-300">
                        "+"
                    </button>
                </Show>
            </div>
            <p id="quantity-hint" class="mt-2 text-sm text-slate-400">
                {move || match most() {
                    _ if sold_out.get() => "None left.".to_string(),
                    1 => format!("1 ticket, {price}."),
                    most => format!("1 to {most} tickets, {price} each."),
                }}
            </p>
            <FieldError id="quantity-error".to_string() error=quantity_error/>
            {move || problem.get().and_then(|p| p.for_form()).map(|message| view! {
                <ErrorNotice title="Not bought" message/>
            })}
            <SubmitButton
                label=Signal::derive(move || if sold_out.get() { "Sold out".to_string() } else { label.get() })
                busy_label="Buying…"
                pending=buy.pending()
                disabled=sold_out
            />
            <p class="mt-3 text-center text-xs text-slate-400">"Your tickets are saved before this page says so. Pressing twice never buys twice."</p>
        </ActionForm>
    }
}
