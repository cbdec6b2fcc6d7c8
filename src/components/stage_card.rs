//! A stage as a card: name, day, times, price, live stock, the sale's
//! countdown, and the way to its tickets (disabled when sold out).

use crate::components::clock::{use_hydrated, use_sale_phase, SaleStatus};
use crate::domain::{SalePhase, Stage};
use crate::i18n::td_string;
use crate::language::use_locale;
use crate::numbers;
use crate::server_fns::stages::StageWords;
use leptos::prelude::*;
use leptos_router::components::A;
use time::OffsetDateTime;

#[component]
pub fn StageCard(
    stage: Stage,
    words: StageWords,
    remaining: Signal<u32>,
    now: Signal<OffsetDateTime>,
) -> impl IntoView {
    let heading_id = format!("stage-{}", stage.id);
    let href = words.page.clone();
    let sold_out = move || remaining.get() == 0;
    let sale_phase = use_sale_phase(&stage, now);
    let on_sale = move || sale_phase.get() == SalePhase::Open;
    let l = use_locale();
    view! {
        <article
            aria-labelledby=heading_id.clone()
            data-sold-out=move || sold_out().then_some("true")
            class="flex h-full flex-col rounded-2xl border border-white/10 bg-white/[0.04] p-5 shadow-lg shadow-black/20 data-[sold-out]:opacity-80"
        >
            <div class="flex items-start justify-between gap-3">
                <h3 id=heading_id.clone() class="font-display text-lg font-bold">{stage.name.clone()}</h3>
                <span class="shrink-0 rounded-full bg-white/10 px-3 py-1 text-xs font-semibold uppercase tracking-wide text-slate-200">
                    {td_string!(l, list.day, day = stage.day).to_string()}
                </span>
            </div>
            <StageFacts stage=stage.clone() words=words.clone()/>
            <div class="mt-auto pt-5">
                <StockMeter remaining total=stage.total_stock/>
                <div class="mt-3">
                    <SaleStatus stage=stage.clone() words now/>
                </div>
                <Show
                    when=move || !sold_out() && on_sale()
                    fallback=move || view! {
                        <span
                            role="link"
                            aria-disabled="true"
                            class="mt-4 block cursor-not-allowed rounded-full border border-white/15 px-5 py-2.5 text-center font-semibold text-slate-400"
                        >
                            {move || if sold_out() { td_string!(l, card.sold_out) } else { td_string!(l, card.not_on_sale) }.to_string()}
                        </span>
                    }
                >
                    <A
                        href=href.clone()
                        attr:class="mt-4 block rounded-full bg-glow-400 px-5 py-2.5 text-center font-semibold text-night-950 hover:bg-glow-300 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white"
                    >
                        {td_string!(l, card.buy_tickets).to_string()}
                    </A>
                </Show>
            </div>
        </article>
    }
}

/// Doors, start, date and price of a stage, in the festival's zone and the fan's own.
#[component]
pub fn StageFacts(stage: Stage, words: StageWords) -> impl IntoView {
    let l = use_locale();
    let zone = words.zone.clone();
    let jst = move |time: String| {
        td_string!(l, card.in_zone, time = time, zone = zone.clone()).to_string()
    };
    view! {
        <dl class="mt-4 grid grid-cols-2 gap-x-4 gap-y-2 text-sm">
            <div>
                <dt class="text-slate-400">{td_string!(l, card.doors).to_string()}</dt>
                <dd class="font-medium">{jst(words.doors)}<FansClock moment=stage.doors_open/></dd>
            </div>
            <div>
                <dt class="text-slate-400">{td_string!(l, card.start).to_string()}</dt>
                <dd class="font-medium">{jst(words.starts)}<FansClock moment=stage.starts_at/></dd>
            </div>
            <div>
                <dt class="text-slate-400">{td_string!(l, card.date).to_string()}</dt>
                <dd class="font-medium">{words.date}</dd>
            </div>
            <div>
                <dt class="text-slate-400">{td_string!(l, card.price).to_string()}</dt>
                <dd class="font-medium">{words.price}</dd>
            </div>
        </dl>
    }
}

/// `02:00 your time`, under the festival's time, once the browser knows the fan's zone.
#[component]
fn FansClock(moment: OffsetDateTime) -> impl IntoView {
    let hydrated = use_hydrated();
    let l = use_locale();
    move || {
        hydrated.get().then(|| fans_clock(moment, l)).flatten().map(
            |local| view! { <span class="block text-xs font-normal text-slate-400">{local}</span> },
        )
    }
}

#[cfg(feature = "hydrate")]
fn fans_clock(moment: OffsetDateTime, l: crate::i18n::Locale) -> Option<String> {
    use leptos_i18n::Locale as _;
    let (time, other_day) = crate::when::on_fans_clock(moment, l.as_str())?;
    Some(match other_day {
        None => td_string!(l, card.your_time, time = time).to_string(),
        Some(date) => td_string!(l, card.your_time_on, time = time, date = date).to_string(),
    })
}

#[cfg(not(feature = "hydrate"))]
fn fans_clock(_moment: OffsetDateTime, _l: crate::i18n::Locale) -> Option<String> {
    None
}

/// How many tickets are left, in words and as a bar. With `announce`, screen
/// readers hear each change (on a stage's own page; a list of cards stays
/// quiet, or a rush would read out every stage at every sale).
#[component]
pub fn StockMeter(
    remaining: Signal<u32>,
    total: u32,
    #[prop(optional)] announce: bool,
) -> impl IntoView {
    let percent = move || {
        if total == 0 {
            0
        } else {
            u64::from(remaining.get()) * 100 / u64::from(total)
        }
    };
    let l = use_locale();
    let text = move || match remaining.get() {
        0 => td_string!(l, card.sold_out).to_string(),
        left => td_string!(
            l,
            card.tickets_left,
            count = left,
            left = numbers::count(left.into(), l),
            total = numbers::count(total.into(), l)
        )
        .to_string(),
    };
    view! {
        <p
            aria-live=announce.then_some("polite")
            data-stock=move || remaining.get().to_string()
            class=move || if remaining.get() == 0 { "text-sm font-semibold text-rose-300" } else { "text-sm font-semibold text-glow-300" }
        >
            {text}
        </p>
        <div
            class="mt-2 h-2 overflow-hidden rounded-full bg-white/10"
            role="meter"
            aria-label=td_string!(l, card.meter).to_string()
            aria-valuemin="0"
            aria-valuemax=total.to_string()
            aria-valuenow=move || remaining.get().to_string()
        >
            <div
                class="h-full rounded-full bg-gradient-to-r from-glow-400 to-sakura-400 transition-[width] duration-500"
                style=move || format!("width: {}%", percent())
            ></div>
        </div>
    }
}
