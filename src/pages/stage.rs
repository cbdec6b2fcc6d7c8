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
use crate::i18n::td_string;
use crate::language::use_locale;
use crate::routes;
use crate::server_fns::buying::BuyTickets;
use crate::server_fns::stages::{stage_details, StageInfo};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn StagePage() -> impl IntoView {
    let params = use_params_map();
    let l = use_locale();
    let details = Resource::new(
        move || params.read().get("id"),
        move |id| async move {
            match id.as_deref().map(str::parse::<u32>) {
                Some(Ok(id)) => stage_details(id).await,
                _ => Err(Problem::new(td_string!(l, stage.no_such_stage).to_string())),
            }
        },
    );
    view! {
        <Suspense fallback=move || view! { <p class="mt-16 text-center text-slate-300">{td_string!(l, stage.loading).to_string()}</p> }>
            {move || Suspend::new(async move {
                match details.await {
                    Ok(info) => view! { <StageView info/> }.into_any(),
                    Err(problem) => view! {
                        <Title text=td_string!(l, stage.not_found_title).to_string()/>
                        <ErrorNotice title=td_string!(l, stage.not_on_programme).to_string() message=problem.message/>
                        <BackToStages/>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// Back to the festival's stages (`/` when the festival is not known).
#[component]
fn BackToStages(#[prop(default = String::from("/"))] href: String) -> impl IntoView {
    let l = use_locale();
    view! {
        <A href=href attr:class="mt-6 inline-block rounded text-sm font-medium text-glow-300 hover:text-white focus-visible:outline-2 focus-visible:outline-glow-300">
            {td_string!(l, stage.back).to_string()}
        </A>
    }
}

#[component]
fn StageView(info: StageInfo) -> impl IntoView {
    let stage = info.listing.stage.clone();
    let now = use_clock(info.as_of);
    let remaining = use_live_stock().remaining(stage.id, info.listing.remaining);
    let l = use_locale();
    let words = info.words.clone();
    view! {
        <Title text=stage.name.clone()/>
        <BackToStages href=info.festival_page.clone()/>
        <div class="mt-4 grid gap-6 lg:grid-cols-[1fr_24rem]">
            <section class="rounded-3xl bg-stage-lights px-6 py-8 sm:px-8" aria-labelledby="stage-name">
                <p class="text-sm font-semibold uppercase tracking-[0.2em] text-glow-300">
                    {td_string!(l, list.day_date, day = stage.day, date = words.long_date.clone()).to_string()}
                </p>
                <h1 id="stage-name" class="font-display mt-2 text-3xl font-black sm:text-4xl">{stage.name.clone()}</h1>
                <p class="mt-2 text-slate-200">{info.festival_name.clone()}</p>
                <StageFacts stage=stage.clone() words=words.clone()/>
                <div class="mt-6 max-w-sm">
                    <StockMeter remaining total=stage.total_stock announce=true/>
                    <div class="mt-3"><SaleStatus stage=stage.clone() words now/></div>
                </div>
            </section>
            <section class="rounded-3xl border border-white/10 bg-white/[0.04] p-6" aria-labelledby="buy-heading">
                <h2 id="buy-heading" class="font-display text-xl font-bold">{td_string!(l, stage.buy_heading).to_string()}</h2>
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
    let next = info.words.page.clone();
    let l = use_locale();
    let Some(fan) = info.fan.clone() else {
        return view! {
            <p class="mt-3 text-slate-300">{td_string!(l, stage.sign_in_first).to_string()}</p>
            <a href=routes::with_next(routes::SIGN_IN, &next) class="mt-5 block rounded-full bg-glow-400 px-6 py-3 text-center font-bold text-night-950 hover:bg-glow-300 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white">
                {td_string!(l, stage.sign_in_to_buy).to_string()}
            </a>
            <a href=routes::with_next(routes::SIGN_UP, &next) class="mt-3 block rounded-full border border-white/20 px-6 py-3 text-center font-semibold hover:border-glow-300 focus-visible:outline-2 focus-visible:outline-glow-300">
                {td_string!(l, stage.create_account).to_string()}
            </a>
        }
        .into_any();
    };
    let limits = info.limits;
    let can_hold = limits.per_fan.saturating_sub(info.held);
    if can_hold == 0 {
        return view! {
            <p class="mt-3 text-slate-300">
                {let held = u64::from(info.held); td_string!(l, stage.hold_most, count = held).to_string()}
            </p>
            <A href=routes::MY_TICKETS attr:class="mt-5 block rounded-full border border-white/20 px-6 py-3 text-center font-semibold hover:border-glow-300">{td_string!(l, stage.see_my_tickets).to_string()}</A>
        }
        .into_any();
    }
    let sale_phase = use_sale_phase(&stage, now);
    let phase = move || sale_phase.get();
    let sold_out = move || remaining.get() == 0;
    view! {
        <p class="mt-2 text-sm text-slate-400">
            {td_string!(
                l,
                stage.limits,
                fan = fan,
                per_order = crate::numbers::count(limits.per_order.into(), l),
                per_fan = crate::numbers::count(limits.per_fan.into(), l)
            )
            .to_string()}
        </p>
        <Show
            when=move || phase() == SalePhase::Open
            fallback=move || view! {
                <p class="mt-5 rounded-2xl bg-white/5 p-4 text-slate-200">
                    {move || if phase() == SalePhase::NotYetOpen {
                        td_string!(l, stage.not_yet_open)
                    } else {
                        td_string!(l, stage.closed)
                    }.to_string()}
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
    let price = info.words.price.clone();
    let totals = info.totals.clone();
    let l = use_locale();
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
    // The total as the server wrote it (the domain's checked product, in
    // the fan's language); a quantity past one order's shows none.
    let order = move || {
        let n = chosen().filter(|&n| n >= 1)?;
        let total = totals
            .get(usize::try_from(n).ok()?.checked_sub(1)?)?
            .clone();
        Some((n, total))
    };
    let label = Signal::derive(move || match (order(), chosen().filter(|&n| n >= 1)) {
        (Some((n, total)), _) => td_string!(l, stage.buy, count = n, total = total).to_string(),
        // More than one order may hold: no total (the server says why).
        (None, Some(n)) => td_string!(l, stage.buy_count, count = n).to_string(),
        (None, None) => td_string!(l, stage.buy_button).to_string(),
    });
    let step = move |by: i64| {
        let next = (i64::from(chosen().unwrap_or(1)) + by).clamp(1, i64::from(most()));
        quantity.set(next.to_string());
    };
    let stage_id = info.listing.stage.id.to_string();
    view! {
        <ActionForm action=buy attr:novalidate=true attr:class="mt-2" attr:aria-label=td_string!(l, stage.buy_button).to_string()>
            <input type="hidden" name="stage" value=stage_id/>
            <input type="hidden" name="order_key" value=info.order_key.clone()/>
            <label for="quantity" class="mt-4 block text-sm font-semibold text-slate-200">{td_string!(l, stage.quantity_label).to_string()}</label>
            <div class="mt-2 flex items-stretch gap-2">
                <Show when=move || hydrated.get()>
                    <button type="button" aria-label=td_string!(l, stage.one_fewer).to_string() on:click=move |_| step(-1)
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
                    <button type="button" aria-label=td_string!(l, stage.one_more).to_string() on:click=move |_| step(1)
                        class="w-12 rounded-xl border border-white/20 text-xl font-bold hover:border-glow-300 focus-visible:outline-2 focus-visible:outline-glow-300">
                        "+"
                    </button>
                </Show>
            </div>
            <p id="quantity-hint" class="mt-2 text-sm text-slate-400">
                {move || match most() {
                    _ if sold_out.get() => td_string!(l, stage.none_left).to_string(),
                    1 => td_string!(l, stage.hint_single, price = price.clone()).to_string(),
                    most => td_string!(l, stage.hint_up_to, most = crate::numbers::count(most.into(), l), price = price.clone()).to_string(),
                }}
            </p>
            <FieldError id="quantity-error".to_string() error=quantity_error/>
            {move || problem.get().and_then(|p| p.for_form()).map(|message| view! {
                <ErrorNotice title=td_string!(l, stage.not_bought).to_string() message/>
            })}
            <SubmitButton
                label=Signal::derive(move || if sold_out.get() { td_string!(l, card.sold_out).to_string() } else { label.get() })
                busy_label=td_string!(l, stage.buying).to_string()
                pending=buy.pending()
                disabled=sold_out
            />
            <p class="mt-3 text-center text-xs text-slate-400">{td_string!(l, stage.saved_first).to_string()}</p>
        </ActionForm>
    }
}
