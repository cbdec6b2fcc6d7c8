//! A stage as a card: name, day, times, price and the stock left.

use crate::components::when;
use crate::domain::StageListing;
use leptos::prelude::*;

#[component]
pub fn StageCard(listing: StageListing) -> impl IntoView {
    let StageListing { stage, remaining } = listing;
    let sold_out = remaining == 0;
    let heading_id = format!("stage-{}", stage.id);
    let left_percent = if stage.total_stock == 0 {
        0
    } else {
        u64::from(remaining) * 100 / u64::from(stage.total_stock)
    };
    let stock_text = if sold_out {
        "Sold out".to_string()
    } else {
        format!("{remaining} of {} tickets left", stage.total_stock)
    };
    view! {
        <article
            aria-labelledby=heading_id
            class="flex h-full flex-col rounded-2xl border border-white/10 bg-white/[0.04] p-5 shadow-lg shadow-black/20"
        >
            <div class="flex items-start justify-between gap-3">
                <h3 id=heading_id.clone() class="font-display text-lg font-bold">{stage.name}</h3>
                <span class="shrink-0 rounded-full bg-white/10 px-3 py-1 text-xs font-semibold uppercase tracking-wide text-slate-200">
                    {format!("Day {}", stage.day)}
                </span>
            </div>
            <dl class="mt-4 grid grid-cols-2 gap-x-4 gap-y-2 text-sm">
                <div>
                    <dt class="text-slate-400">"Doors"</dt>
                    <dd class="font-medium">{when::clock(stage.doors_open)} " JST"</dd>
                </div>
                <div>
                    <dt class="text-slate-400">"Start"</dt>
                    <dd class="font-medium">{when::clock(stage.starts_at)} " JST"</dd>
                </div>
                <div>
                    <dt class="text-slate-400">"Date"</dt>
                    <dd class="font-medium">{when::short_date(stage.starts_at)}</dd>
                </div>
                <div>
                    <dt class="text-slate-400">"Price"</dt>
                    <dd class="font-medium">{stage.price.to_string()}</dd>
                </div>
            </dl>
            <div class="mt-auto pt-5">
                <p class=if sold_out { "text-sm font-semibold text-rose-300" } else { "text-sm font-semibold text-glow-300" }>
                    {stock_text}
                </p>
                <div
                    class="mt-2 h-2 overflow-hidden rounded-full bg-white/10"
                    role="meter"
                    aria-label="Tickets left"
                    aria-valuemin="0"
                    aria-valuemax=stage.total_stock.to_string()
                    aria-valuenow=remaining.to_string()
                >
                    <div class="h-full rounded-full bg-gradient-to-r from-glow-400 to-sakura-400" style=format!("width: {left_percent}%")></div>
                </div>
            </div>
        </article>
    }
}
