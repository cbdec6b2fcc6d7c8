//! One ticket as the fan shows it at the gate: stage, day, times, the code
//! in large letters and as a QR code (drawn by the server).

use crate::i18n::td_string;
use crate::language::use_locale;
use crate::server_fns::tickets::TicketPass;
use leptos::prelude::*;

#[component]
pub fn TicketPassCard(pass: TicketPass, #[prop(optional)] new: bool) -> impl IntoView {
    let TicketPass {
        id,
        code,
        stage,
        qr_svg,
        bought,
        words,
        paid: pass_price,
        ..
    } = pass;
    let l = use_locale();
    let heading_id = format!("ticket-{id}");
    view! {
        <article
            aria-labelledby=heading_id.clone()
            data-new=new.then_some("true")
            class="flex flex-col gap-5 rounded-3xl border border-white/10 bg-white/[0.05] p-5 shadow-lg shadow-black/20 data-[new]:border-emerald-400/60 data-[new]:ring-2 data-[new]:ring-emerald-400/40 sm:flex-row"
        >
            <div
                role="img"
                aria-label=td_string!(l, tickets.qr_of, code = code.clone()).to_string()
                class="mx-auto h-44 w-44 shrink-0 overflow-hidden rounded-2xl bg-white p-1 [&>svg]:h-full [&>svg]:w-full"
                inner_html=qr_svg
            ></div>
            <div class="min-w-0 flex-1">
                <div class="flex flex-wrap items-center gap-2">
                    <h3 id=heading_id.clone() class="font-display text-xl font-bold">{stage.name.clone()}</h3>
                    {new.then(|| view! { <span class="rounded-full bg-emerald-400 px-2.5 py-0.5 text-xs font-bold text-night-950">{td_string!(l, tickets.new_badge).to_string()}</span> })}
                </div>
                <p class="mt-1 text-slate-300">
                    {td_string!(l, list.day_date, day = stage.day, date = words.long_date).to_string()}
                </p>
                <p class="mt-1 text-slate-300">
                    {td_string!(l, tickets.doors_start, doors = words.doors, start = words.starts, zone = words.zone.clone()).to_string()}
                </p>
                <p class="mt-4 text-xs uppercase tracking-[0.2em] text-slate-400">{td_string!(l, tickets.code).to_string()}</p>
                <p class="font-mono text-2xl font-bold tracking-widest text-glow-300" data-ticket-code="">{code}</p>
                <p class="mt-3 text-xs text-slate-400">
                    {td_string!(l, tickets.bought_at, at = bought, zone = words.zone.clone(), price = pass_price).to_string()}
                </p>
            </div>
        </article>
    }
}
