//! One ticket as the fan shows it at the gate: stage, day, times, the code
//! in large letters and as a QR code (drawn by the server).

use crate::server_fns::tickets::TicketPass;
use crate::when;
use leptos::prelude::*;

#[component]
pub fn TicketPassCard(pass: TicketPass, #[prop(optional)] new: bool) -> impl IntoView {
    let TicketPass {
        id,
        code,
        stage,
        bought_at,
        qr_svg,
    } = pass;
    let heading_id = format!("ticket-{id}");
    view! {
        <article
            aria-labelledby=heading_id.clone()
            data-new=new.then_some("true")
            class="flex flex-col gap-5 rounded-3xl border border-white/10 bg-white/[0.05] p-5 shadow-lg shadow-black/20 data-[new]:border-emerald-400/60 data-[new]:ring-2 data-[new]:ring-emerald-400/40 sm:flex-row"
        >
            <div
                role="img"
                aria-label=format!("QR code of ticket {code}")
                class="mx-auto h-44 w-44 shrink-0 overflow-hidden rounded-2xl bg-white p-1 [&>svg]:h-full [&>svg]:w-full"
                inner_html=qr_svg
            ></div>
            <div class="min-w-0 flex-1">
                <div class="flex flex-wrap items-center gap-2">
                    <h3 id=heading_id.clone() class="font-display text-xl font-bold">{stage.name.clone()}</h3>
                    {new.then(|| view! { <span class="rounded-full bg-emerald-400 px-2.5 py-0.5 text-xs font-bold text-night-950">"New"</span> })}
                </div>
                <p class="mt-1 text-slate-300">
                    {format!("Day {} · {}", stage.day, when::long_date(stage.starts_at))}
                </p>
                <p class="mt-1 text-slate-300">
                    {format!("Doors {} JST · Start {} JST", when::clock(stage.doors_open), when::clock(stage.starts_at))}
                </p>
                <p class="mt-4 text-xs uppercase tracking-[0.2em] text-slate-400">"Ticket code"</p>
                <p class="font-mono text-2xl font-bold tracking-widest text-glow-300" data-ticket-code="">{code}</p>
                <p class="mt-3 text-xs text-slate-400">
                    {format!("Bought {} JST · {}", when::short_date_time(bought_at), stage.price)}
                </p>
            </div>
        </article>
    }
}
