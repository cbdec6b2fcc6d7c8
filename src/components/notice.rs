//! Messages to the fan: what went wrong, and what went right.

use crate::i18n::td_string;
use leptos::prelude::*;

/// A clear, polite error box, announced to screen readers.
#[component]
pub fn ErrorNotice(
    message: String,
    #[prop(optional, into)] title: Option<String>,
) -> impl IntoView {
    view! {
        <div role="alert" class="mt-6 rounded-2xl border border-rose-400/40 bg-rose-500/10 p-5 text-rose-100">
            <p class="font-semibold">{title.unwrap_or_else(|| {
                td_string!(crate::language::use_locale(), site.something_went_wrong).to_string()
            })}</p>
            <p class="mt-1">{message}</p>
        </div>
    }
}

/// Good news, announced to screen readers.
#[component]
pub fn SuccessNotice(children: Children) -> impl IntoView {
    view! {
        <div role="status" class="mt-6 rounded-2xl border border-emerald-400/40 bg-emerald-500/10 p-5 text-emerald-50">
            {children()}
        </div>
    }
}
