//! Tickets sold per minute over the last hour, as bars in an SVG drawn by
//! the server (and redrawn in the browser as new numbers arrive): no chart
//! library, no script needed to see it.

use crate::i18n::td_string;
use crate::language::use_locale;
use leptos::prelude::*;

/// The plot's size in the SVG's own units; the page stretches it to the
/// box's width and a fixed height, so bars fill any screen while the labels,
/// written in HTML around it, keep their size.
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 200.0;

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
        let slot = WIDTH / counts.len().max(1) as f64;
        let top = f64::from(top.get());
        counts
            .into_iter()
            .enumerate()
            .filter(|(_, count)| *count > 0)
            .map(|(at, count)| {
                let h = (f64::from(count) / top * HEIGHT).max(2.0);
                let x = at as f64 * slot + slot * 0.12;
                view! {
                    <rect x=format!("{x:.1}") y=format!("{:.1}", HEIGHT - h) width=format!("{:.1}", slot * 0.76) height=format!("{h:.1}") class="fill-glow-400">
                        <title>{count}</title>
                    </rect>
                }
            })
            .collect_view()
    };
    let line = |y: f64, class: &'static str| {
        view! {
            <line x1="0" x2=WIDTH y1=y y2=y class=class stroke-width="1" vector-effect="non-scaling-stroke"/>
        }
    };
    view! {
        <figure class="mt-3 grid grid-cols-[auto_1fr] gap-x-2 text-xs text-slate-400">
            <div class="flex h-40 flex-col justify-between text-right tabular-nums sm:h-56" aria-hidden="true">
                <span class="-mt-2">{move || top.get()}</span>
                <span class="-mb-2">"0"</span>
            </div>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="none" class="h-40 w-full sm:h-56" role="img" aria-label=label data-chart-total=move || total().to_string()>
                {line(0.5, "stroke-white/15")}
                {line(HEIGHT / 2.0, "stroke-white/10")}
                {bars}
                {line(HEIGHT - 0.5, "stroke-slate-400")}
            </svg>
            <span></span>
            <figcaption class="mt-1 flex justify-between tabular-nums" aria-hidden="true">
                <span>{move || from.get()}</span>
                <span>{td_string!(l, console.chart_axis).to_string()}</span>
                <span>{move || to.get()}</span>
            </figcaption>
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
