//! The page's clock and sale countdowns. Time starts at the server's clock
//! when the page was rendered (so the server's HTML and the hydrated page
//! agree) and, in the browser, ticks every second from there.

use crate::domain::{SalePhase, Stage};
use crate::i18n::td_string;
use crate::language::use_locale;
use crate::server_fns::stages::StageWords;
use crate::when;
use leptos::prelude::*;
use time::OffsetDateTime;

/// Whether the page has hydrated: false in the server's HTML and during
/// hydration, true once the browser runs the page.
#[derive(Clone, Copy)]
pub struct Hydrated(pub ReadSignal<bool>);

/// Provides [`Hydrated`] to the whole app; called once, by the app.
pub fn provide_hydrated() {
    let (hydrated, set_hydrated) = signal(false);
    // Effects run only in the browser, after hydration.
    Effect::new(move || set_hydrated.set(true));
    provide_context(Hydrated(hydrated));
}

pub fn use_hydrated() -> ReadSignal<bool> {
    use_context::<Hydrated>()
        .map(|hydrated| hydrated.0)
        .unwrap_or_else(|| signal(false).0)
}

/// The time now, from the server's `as_of`, ticking each second in the browser.
pub fn use_clock(as_of: OffsetDateTime) -> Signal<OffsetDateTime> {
    let (now, set_now) = signal(as_of);
    #[cfg(feature = "hydrate")]
    {
        let started = js_sys::Date::now();
        let tick = move || {
            let elapsed = (js_sys::Date::now() - started).max(0.0);
            set_now.set(as_of + time::Duration::milliseconds(elapsed as i64));
        };
        if let Ok(handle) = set_interval_with_handle(tick, std::time::Duration::from_secs(1)) {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_now;
    now.into()
}

/// Where `stage`'s sale stands as `now` moves: changes only when the phase does.
pub fn use_sale_phase(stage: &Stage, now: Signal<OffsetDateTime>) -> Memo<SalePhase> {
    let (opens, closes) = (stage.sale_opens, stage.sale_closes);
    Memo::new(move |_| SalePhase::at(now.get(), opens, closes))
}

/// Where a stage's sale stands, as a short line: a countdown before it
/// opens, its closing time while open (`words`: those times as the server
/// wrote them in the fan's language).
#[component]
pub fn SaleStatus(stage: Stage, words: StageWords, now: Signal<OffsetDateTime>) -> impl IntoView {
    let opens = stage.sale_opens;
    let sale_phase = use_sale_phase(&stage, now);
    let l = use_locale();
    let text = move || {
        let now = now.get();
        match sale_phase.get() {
            SalePhase::NotYetOpen => {
                let countdown = match when::countdown(opens - now) {
                    (0, clock) => clock,
                    (days, clock) => {
                        td_string!(l, sale.days, days = days, clock = clock).to_string()
                    }
                };
                td_string!(
                    l,
                    sale.opens_in,
                    countdown = countdown,
                    opens = words.sale_opens.clone(),
                    zone = words.zone.clone()
                )
                .to_string()
            }
            SalePhase::Open => td_string!(
                l,
                sale.on_sale_until,
                closes = words.sale_closes.clone(),
                zone = words.zone.clone()
            )
            .to_string(),
            SalePhase::Closed => td_string!(l, sale.closed).to_string(),
        }
    };
    let phase = move || match sale_phase.get() {
        SalePhase::NotYetOpen => "soon",
        SalePhase::Open => "open",
        SalePhase::Closed => "closed",
    };
    view! {
        <p class="text-sm text-slate-300" data-sale=phase role="timer" aria-live="off">
            {text}
        </p>
    }
}
