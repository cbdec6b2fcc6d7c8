//! The application: the HTML shell the server renders around every page, and
//! the router that picks a page for each path. Shared by server and browser.

use crate::components::clock::{provide_hydrated, use_hydrated};
use crate::components::notice::ErrorNotice;
use crate::components::site_chrome::{SiteFooter, SiteHeader};
use crate::i18n::{td_string, I18nContextProvider, Locale};
use crate::language::use_locale;
use crate::pages::console::{
    dashboard::DashboardRoute, door::ConsoleDoorRoute, festival_editor::FestivalEditorRoute,
    home::ConsoleHomeRoute, orders::OrdersRoute, second_factor::SecondFactorRoute,
    staff::StaffRoute, stage_form::StageFormRoute,
};
use crate::pages::{
    door::DoorRoute, home::HomePage, my_tickets::MyTicketsRoute, not_found::NotFoundPage,
    sign_in::SignInRoute, sign_up::SignUpRoute, stage::StagePage, stage_list::FestivalPage,
};
use crate::server_fns::account::{SignIn, SignOut, SignUp};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy, SsrMode,
};

/// The document around the app: head, scripts and body, in the request's
/// language (`<html lang>`, which the browser's translations start from).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use leptos_i18n::Locale as _;
    #[cfg(feature = "ssr")]
    let language = crate::language::of_this_request();
    #[cfg(not(feature = "ssr"))]
    let language = Locale::default();
    view! {
        <!DOCTYPE html>
        <html lang=language.as_str()>
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

/// Every page of tiket, in the fan's language. Pages render on the server in
/// full (`SsrMode::Async`) so fans without JavaScript get complete HTML, then
/// hydrate. The account actions live here, so the header hears of every
/// sign-in and sign-out.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // The language: on the server the request's (`crate::language`: the
    // cookie, else Accept-Language), handed to leptos_i18n as if it were the
    // only language the browser accepts; in the browser, `<html lang>`, as
    // the server wrote it. The shell writes `<html lang>` and the switcher
    // writes the cookie, so the crate does neither.
    #[cfg(feature = "ssr")]
    let chosen = {
        use leptos_i18n::Locale as _;
        let language = crate::language::of_this_request().as_str().to_owned();
        leptos_i18n::context::UseLocalesOptions::default()
            .ssr_lang_header_getter(move || Some(language.clone()))
    };
    #[cfg(not(feature = "ssr"))]
    let chosen = leptos_i18n::context::UseLocalesOptions::default();
    view! {
        <I18nContextProvider set_lang_attr_on_html=false set_dir_attr_on_html=false enable_cookie=false ssr_lang_header_getter=chosen>
            <Site/>
        </I18nContextProvider>
    }
}

/// The site inside the translations' context: head tags, header, the page, footer.
#[component]
fn Site() -> impl IntoView {
    let l: Locale = use_locale();
    provide_hydrated();
    let hydrated = use_hydrated();
    provide_context(ServerAction::<SignIn>::new());
    provide_context(ServerAction::<SignUp>::new());
    provide_context(ServerAction::<SignOut>::new());
    view! {
        <Stylesheet id="leptos" href="/pkg/tiket.css"/>
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Meta name="description" content=td_string!(l, site.description).to_string()/>
        <Meta name="theme-color" content="#0b1026"/>
        <Title formatter=|page: String| if page.is_empty() { "tiket".to_string() } else { format!("{page} · tiket") }/>
        <Router>
            <div class="flex min-h-screen flex-col" data-hydrated=move || hydrated.get().then_some("true")>
                <SiteHeader/>
                <main id="main" class="mx-auto w-full max-w-5xl flex-1 px-4 pb-16 sm:px-6">
                    <ErrorBoundary fallback=move |errors| {
                        let message = move || {
                            errors.get().into_iter().map(|(_, e)| e.to_string()).collect::<Vec<_>>().join("; ")
                        };
                        view! { <ErrorNotice title=td_string!(l, site.page_error).to_string() message=message()/> }
                    }>
                        <Routes fallback=NotFoundPage>
                            <Route path=path!("") view=HomePage ssr=SsrMode::Async/>
                            <Route path=path!("f/:slug") view=FestivalPage ssr=SsrMode::Async/>
                            <Route path=path!("f/:slug/stages/:id") view=StagePage ssr=SsrMode::Async/>
                            <Route path=path!("my-tickets") view={Lazy::<MyTicketsRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=path!("sign-in") view={Lazy::<SignInRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=path!("sign-up") view={Lazy::<SignUpRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=path!("door") view={Lazy::<DoorRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=path!("staff/second-factor") view={Lazy::<SecondFactorRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=path!("console") view={Lazy::<ConsoleHomeRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=path!("console/festivals/new") view={Lazy::<FestivalEditorRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=path!("console/orders") view={Lazy::<OrdersRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=path!("console/staff") view={Lazy::<StaffRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=path!("console/f/:slug") view={Lazy::<FestivalEditorRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=path!("console/f/:slug/dashboard") view={Lazy::<DashboardRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=path!("console/f/:slug/door") view={Lazy::<ConsoleDoorRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=path!("console/f/:slug/stages/new") view={Lazy::<StageFormRoute>::new()} ssr=SsrMode::Async/>
                            <Route path=path!("console/f/:slug/stages/:id") view={Lazy::<StageFormRoute>::new()} ssr=SsrMode::Async/>
                        </Routes>
                    </ErrorBoundary>
                </main>
                <SiteFooter/>
            </div>
        </Router>
    }
}
