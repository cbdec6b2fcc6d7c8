//! Tickets sold per minute over the last hour, as bars in an SVG drawn by
//! the server (and redrawn in the browser as new numbers arrive): no chart
//! library, no script needed to see it.

use crate::i18n::td_string;
use crate::language::use_locale;
use leptos::prelude::*;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
/// Room for the axis labels: left, right, top, bottom.
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// The smallest of 1, 2, 5, 10, 20, 50, … at or above `n`: the axis's top.
fn nice_ceiling(n: u32) -> u32 {
    let mut step = 1u32;
    loop {
        for factor in [1, 2, 5] {
            let candidate = step.saturating_mul(factor);
            if candidate >= n || candidate == u32::MAX {
                return candidate.max(1);
            }
        }
        step = step.saturating_mul(10);
    }
}

#[component]
pub fn SalesChart(
    /// Tickets per minute, oldest first.
    #[prop(into)]
    per_minute: Signal<Vec<u32>>,
    /// The first and last minute's clock time.
    #[prop(into)]
    from: Signal<String>,
    #[prop(into)] to: Signal<String>,
) -> impl IntoView {
    let l = use_locale();
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let top =
        Memo::new(move |_| nice_ceiling(per_minute.with(|m| m.iter().copied().max().unwrap_or(0))));
    let total = move || per_minute.with(|m| m.iter().map(|&n| u64::from(n)).sum::<u64>());
    let label = move || {
        td_string!(
            l,
            console.chart_label,
            count = total(),
            from = from.get(),
            to = to.get()
        )
        .to_string()
    };
    let bars = move || {
        let counts = per_minute.get();
        let slots = counts.len().max(1) as f64;
        let slot = plot_w / slots;
        let top = f64::from(top.get());
        counts
            .into_iter()
            .enumerate()
            .filter(|(_, count)| *count > 0)
            .map(|(at, count)| {
                let h = (f64::from(count) / top * plot_h).max(1.5);
                let x = LEFT + at as f64 * slot + slot * 0.12;
                let y = TOP + plot_h - h;
                view! {
                    <rect x=format!("{x:.1}") y=format!("{y:.1}") width=format!("{:.1}", slot * 0.76) height=format!("{h:.1}") rx="1.5" class="fill-glow-400">
                        <title>{count}</title>
                    </rect>
                }
            })
            .collect_view()
    };
    let grid = move || {
        let top = top.get();
        [0, top / 2, top]
            .into_iter()
            .enumerate()
            .filter(|(at, value)| *at != 1 || (*value > 0 && top % 2 == 0))
            .map(|(_, value)| {
                let y = TOP + plot_h - f64::from(value) / f64::from(top) * plot_h;
                view! {
                    <line x1=LEFT x2=WIDTH - RIGHT y1=format!("{y:.1}") y2=format!("{y:.1}") class="stroke-white/15" stroke-width="1"/>
                    <text x=LEFT - 6.0 y=format!("{:.1}", y + 4.0) text-anchor="end" class="fill-slate-400 text-[12px]">{value}</text>
                }
            })
            .collect_view()
    };
    view! {
        <figure class="mt-3">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") class="h-auto w-full" role="img" aria-label=label data-chart-total=move || total().to_string()>
                {grid}
                {bars}
                <line x1=LEFT x2=WIDTH - RIGHT y1=TOP + plot_h y2=TOP + plot_h class="stroke-slate-400" stroke-width="1"/>
                <text x=LEFT y=HEIGHT - 8.0 text-anchor="start" class="fill-slate-400 text-[12px]">{move || from.get()}</text>
                <text x=LEFT + plot_w / 2.0 y=HEIGHT - 8.0 text-anchor="middle" class="fill-slate-400 text-[12px]">{td_string!(l, console.chart_axis).to_string()}</text>
                <text x=WIDTH - RIGHT y=HEIGHT - 8.0 text-anchor="end" class="fill-slate-400 text-[12px]">{move || to.get()}</text>
            </svg>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::nice_ceiling;

    #[test]
    fn the_axis_top_is_a_round_number_at_or_above_the_highest_bar() {
        assert_eq!(nice_ceiling(0), 1);
        assert_eq!(nice_ceiling(1), 1);
        assert_eq!(nice_ceiling(3), 5);
        assert_eq!(nice_ceiling(7), 10);
        assert_eq!(nice_ceiling(11), 20);
        assert_eq!(nice_ceiling(160), 200);
    }
}
