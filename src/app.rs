//! The application: the HTML shell the server renders around every page, and
//! the router that picks a page for each path. Shared by server and browser.

use crate::components::clock::{provide_hydrated, use_hydrated};
use crate::components::notice::ErrorNotice;
use crate::components::site_chrome::{SiteFooter, SiteHeader};
use crate::pages::{
    my_tickets::MyTicketsPage, not_found::NotFoundPage, sign_in::SignInPage, sign_up::SignUpPage,
    stage::StagePage, stage_list::StageListPage,
};
use crate::server_fns::account::{SignIn, SignOut, SignUp};
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
/// so fans without JavaScript get complete HTML, then hydrate. The account
/// actions live here, so the header hears of every sign-in and sign-out.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_hydrated();
    let hydrated = use_hydrated();
    provide_context(ServerAction::<SignIn>::new());
    provide_context(ServerAction::<SignUp>::new());
    provide_context(ServerAction::<SignOut>::new());
    view! {
        <Stylesheet id="leptos" href="/pkg/tiket.css"/>
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Meta name="description" content="Tickets for hololive 5th fes. Capture the Moment — every stage, live stock."/>
        <Meta name="theme-color" content="#0b1026"/>
        <Title formatter=|page: String| if page.is_empty() { "tiket".to_string() } else { format!("{page} · tiket") }/>
        <Router>
            <div class="flex min-h-screen flex-col" data-hydrated=move || hydrated.get().then_some("true")>
                <SiteHeader/>
                <main id="main" class="mx-auto w-full max-w-5xl flex-1 px-4 pb-16 sm:px-6">
                    <ErrorBoundary fallback=|errors| {
                        let message = move || {
                            errors.get().into_iter().map(|(_, e)| e.to_string()).collect::<Vec<_>>().join("; ")
                        };
                        view! { <ErrorNotice title="This page could not be shown" message=message()/> }
                    }>
                        <Routes fallback=NotFoundPage>
                            <Route path=path!("") view=StageListPage ssr=SsrMode::Async/>
                            <Route path=path!("stages/:id") view=StagePage ssr=SsrMode::Async/>
                            <Route path=path!("my-tickets") view=MyTicketsPage ssr=SsrMode::Async/>
                            <Route path=path!("sign-in") view=SignInPage ssr=SsrMode::Async/>
                            <Route path=path!("sign-up") view=SignUpPage ssr=SsrMode::Async/>
                        </Routes>
                    </ErrorBoundary>
                </main>
                <SiteFooter/>
            </div>
        </Router>
    }
}
