//! The application: the HTML shell the server renders around every page, and
//! the router that picks a page for each path. Shared by server and browser.

use crate::components::site_chrome::{SiteFooter, SiteHeader};
use crate::pages::{not_found::NotFoundPage, stage_list::StageListPage};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The document around the app: head, scripts and body.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body class="min-h-screen bg-night-950 text-slate-100 antialiased">
                <App/>
            </body>
        </html>
    }
}

/// Every page of tiket. Pages render on the server in full (`SsrMode::Async`)
/// so fans without JavaScript get complete HTML, then hydrate.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/tiket.css"/>
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Meta name="description" content="Tickets for hololive 5th fes. Capture the Moment — every stage, live stock."/>
        <Meta name="theme-color" content="#0b1026"/>
        <Title formatter=|page: String| if page.is_empty() { "tiket".to_string() } else { format!("{page} · tiket") }/>
        <Router>
            <div class="flex min-h-screen flex-col">
                <SiteHeader/>
                <main id="main" class="mx-auto w-full max-w-5xl flex-1 px-4 pb-16 sm:px-6">
                    <Routes fallback=NotFoundPage>
                        <Route path=path!("") view=StageListPage ssr=SsrMode::Async/>
                    </Routes>
                </main>
                <SiteFooter/>
            </div>
        </Router>
    }
}
