//! The language switcher on every page: each language tiket speaks, named in
//! itself (日本語, Bahasa Indonesia, English). A plain form, so it works
//! without JavaScript: it posts to the server, which remembers the choice in
//! a cookie and sends the fan back to the same address, drawn in the new
//! language.

use crate::i18n::{td_string, Locale};
use crate::language::use_locale;
use crate::routes;
use leptos::prelude::*;
use leptos_i18n::Locale as _;
use leptos_router::hooks::use_location;

#[component]
pub fn LanguageSwitcher() -> impl IntoView {
    let current = use_locale();
    let location = use_location();
    let here = move || {
        let (path, query) = (location.pathname.get(), location.search.get());
        let query = query.trim_start_matches('?');
        match query.is_empty() {
            true => path,
            false => format!("{path}?{query}"),
        }
    };
    let label = td_string!(current, site.language).to_string();
    let shown = label.clone();
    view! {
        <form method="post" action=routes::SET_LANGUAGE_SERVER_FN aria-label=label.clone()
            class="mx-auto flex max-w-5xl flex-wrap items-center justify-end gap-x-1 gap-y-1 px-4 pt-2 text-xs sm:px-6">
            <input type="hidden" name="next" value=here/>
            <span class="mr-1 text-slate-500" aria-hidden="true">{shown}</span>
            {Locale::get_all()
                .iter()
                .map(|&language| {
                    let chosen = language == current;
                    view! {
                        <button type="submit" name="lang" value=language.as_str()
                            lang=language.as_str()
                            aria-current=chosen.then_some("true")
                            data-lang=language.as_str()
                            class="rounded-full px-2 py-0.5 text-slate-300 hover:text-white focus-visible:outline-2 focus-visible:outline-glow-300 aria-[current]:bg-white/10 aria-[current]:font-semibold aria-[current]:text-white">
                            {td_string!(language, site.language_name).to_string()}
                        </button>
                    }
                })
                .collect_view()}
        </form>
    }
}
