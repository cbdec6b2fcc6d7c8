//! The frame around every page: header with the brand, and the footer.

use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-night-950">
            "Skip to content"
        </a>
        <header class="border-b border-white/10 bg-night-950/80 backdrop-blur">
            <nav class="mx-auto flex max-w-5xl items-center justify-between px-4 py-3 sm:px-6" aria-label="Main">
                <A href="/" attr:class="flex items-center gap-2 rounded font-display text-xl font-black tracking-tight focus-visible:outline-2 focus-visible:outline-glow-300">
                    <img src="/favicon.svg" alt="" width="28" height="28"/>
                    <span>"tiket"</span>
                </A>
                <A href="/" attr:class="rounded text-sm font-medium text-slate-300 hover:text-white focus-visible:outline-2 focus-visible:outline-glow-300">
                    "Stages"
                </A>
            </nav>
        </header>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="border-t border-white/10 py-6 text-center text-sm text-slate-400">
            <p>"tiket — every ticket sold exactly once. Prices include tax; times are Japan Standard Time (JST)."</p>
        </footer>
    }
}
