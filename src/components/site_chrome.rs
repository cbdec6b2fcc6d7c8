//! The frame around every page: the header with the language switcher, the
//! brand and the fan's account (sign in, or their name, tickets and sign
//! out), and the footer.

use crate::components::language_switcher::LanguageSwitcher;
use crate::i18n::td_string;
use crate::language::use_locale;
use crate::routes;
use crate::server_fns::account::{current_fan, SignIn, SignOut, SignUp};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

#[component]
pub fn SiteHeader() -> impl IntoView {
    let (sign_in, sign_up, sign_out) = (
        expect_context::<ServerAction<SignIn>>(),
        expect_context::<ServerAction<SignUp>>(),
        expect_context::<ServerAction<SignOut>>(),
    );
    // Asked again whenever a sign-in, sign-up or sign-out finishes.
    let fan = Resource::new(
        move || {
            (
                sign_in.version().get(),
                sign_up.version().get(),
                sign_out.version().get(),
            )
        },
        |_| current_fan(),
    );
    let l = use_locale();
    let link = "rounded px-1 py-1 text-sm font-medium text-slate-300 hover:text-white focus-visible:outline-2 focus-visible:outline-glow-300";
    view! {
        <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-night-950">
            {td_string!(l, site.skip_to_content).to_string()}
        </a>
        <header class="border-b border-white/10 bg-night-950/80 backdrop-blur">
            <LanguageSwitcher/>
            <nav class="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-3 sm:px-6" aria-label=td_string!(l, site.main_menu).to_string()>
                <A href="/" attr:class="flex items-center gap-2 rounded font-display text-xl font-black tracking-tight focus-visible:outline-2 focus-visible:outline-glow-300">
                    <img src="/favicon.svg" alt="" width="28" height="28"/>
                    <span>"tiket"</span>
                </A>
                <div class="flex flex-wrap items-center gap-x-4 gap-y-1">
                    <A href="/" attr:class=link>{td_string!(l, site.stages).to_string()}</A>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            match fan.await.ok().flatten() {
                                Some(name) => view! {
                                    <A href=routes::MY_TICKETS attr:class=link>{td_string!(l, site.my_tickets).to_string()}</A>
                                    <span class="max-w-[10rem] truncate text-sm text-slate-400" data-fan=name.clone()>{name.clone()}</span>
                                    <ActionForm action=sign_out>
                                        <button type="submit" class="rounded-full border border-white/20 px-3 py-1 text-sm font-medium text-slate-200 hover:border-glow-300 focus-visible:outline-2 focus-visible:outline-glow-300">
                                            {td_string!(l, site.sign_out).to_string()}
                                        </button>
                                    </ActionForm>
                                }.into_any(),
                                None => view! { <SignInLink class=link/> }.into_any(),
                            }
                        })}
                    </Transition>
                </div>
            </nav>
        </header>
    }
}

/// "Sign in", coming back to this page afterwards.
#[component]
fn SignInLink(class: &'static str) -> impl IntoView {
    let location = use_location();
    let href = move || {
        let here = location.pathname.get();
        if here.starts_with("/sign-") {
            routes::SIGN_IN.to_string()
        } else {
            routes::with_next(routes::SIGN_IN, &here)
        }
    };
    let l = use_locale();
    view! { <a href=href class=class>{td_string!(l, site.sign_in).to_string()}</a> }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="border-t border-white/10 py-6 text-center text-sm text-slate-400">
            <p class="px-4">{td_string!(use_locale(), site.footer).to_string()}</p>
        </footer>
    }
}
