//! The page for a path tiket does not know, answered with HTTP status 404.

use crate::i18n::td_string;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    let l = crate::language::use_locale();
    view! {
        <Title text=td_string!(l, not_found.title).to_string()/>
        <section class="mx-auto mt-16 max-w-md text-center">
            <p class="font-display text-7xl font-black text-glow-400">"404"</p>
            <h1 class="mt-4 text-2xl font-bold">{td_string!(l, not_found.heading).to_string()}</h1>
            <p class="mt-3 text-slate-300">
                {td_string!(l, not_found.body).to_string()}
            </p>
            <A href="/" attr:class="mt-8 inline-block rounded-full bg-glow-400 px-6 py-3 font-semibold text-night-950 hover:bg-glow-300 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white">
                {td_string!(l, not_found.see_all).to_string()}
            </A>
        </section>
    }
}
