//! Messages to the fan when something went wrong.

use leptos::prelude::*;

/// A clear, polite error box, announced to screen readers.
#[component]
pub fn ErrorNotice(message: String) -> impl IntoView {
    view! {
        <div role="alert" class="mt-10 rounded-2xl border border-rose-400/40 bg-rose-500/10 p-6 text-rose-100">
            <p class="font-semibold">"Something went wrong"</p>
            <p class="mt-1">{message}</p>
        </div>
    }
}
