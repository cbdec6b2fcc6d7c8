//! The sign-in and sign-up pages' shared parts: the page's frame and the
//! name and password fields, with each field's error beside it and what the
//! fan typed kept when a form comes back refused.

use crate::components::form::{SubmitButton, TextField};
use crate::components::notice::ErrorNotice;
use crate::forms::{Field, Flash, Problem};
use crate::i18n::td_string;
use crate::language::use_locale;
use crate::routes;
use crate::server_fns::account::take_flash;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use std::sync::Arc;

/// Draws an account form, given what a refused plain form post left (the flash).
pub type AccountForm = Arc<dyn Fn(Flash) -> AnyView + Send + Sync>;

/// The page around an account form, with a link to the other one. (One
/// layout for both forms, not one copy per form: `form` is a trait object.)
#[component]
pub fn AccountLayout(
    title: String,
    intro: String,
    other_page: &'static str,
    other_text: String,
    form: AccountForm,
) -> impl IntoView {
    let next = use_next();
    let other_href = move || routes::with_next(other_page, &next.get());
    let flash = Resource::new(|| (), |()| take_flash());
    view! {
        <Title text=title.clone()/>
        <section class="mx-auto mt-10 max-w-md rounded-3xl border border-white/10 bg-white/[0.04] p-6 sm:p-8" aria-labelledby="form-title">
            <h1 id="form-title" class="font-display text-3xl font-black">{title}</h1>
            <p class="mt-2 text-slate-300">{intro}</p>
            <Suspense fallback=|| ()>
                {move || {
                    let form = form.clone();
                    Suspend::new(async move { form(flash.await.ok().flatten().unwrap_or_default()) })
                }}
            </Suspense>
            <p class="mt-6 text-center text-sm">
                <a href=other_href class="rounded font-medium text-glow-300 underline-offset-4 hover:underline focus-visible:outline-2 focus-visible:outline-glow-300">{other_text}</a>
            </p>
        </section>
    }
}

/// Where to go once signed in: the `next` query, else the stage list.
pub fn use_next() -> Signal<String> {
    let query = use_query_map();
    Signal::derive(move || {
        let next = query.read().get("next").unwrap_or_default();
        crate::routes::safe_next(&next).to_string()
    })
}

/// Name, password, `next`, any form-level problem, and the button.
#[component]
pub fn AccountFields(
    /// The action's latest answer.
    result: Signal<Option<Result<(), Problem>>>,
    pending: Memo<bool>,
    /// What a plain form post left: the problem and the name typed.
    flash: Flash,
    button: String,
    busy: String,
    password_autocomplete: &'static str,
    #[prop(optional)] password_hint: Option<String>,
) -> impl IntoView {
    let next = use_next();
    let l = use_locale();
    let Flash {
        problem: flashed,
        name,
        ..
    } = flash;
    let problem = Signal::derive(move || Problem::latest(result.get(), flashed.clone()));
    let error_of =
        move |field| Signal::derive(move || problem.get().and_then(|p| p.for_field(field)));
    view! {
        <input type="hidden" name="next" value=next/>
        {move || problem.get().and_then(|p| p.for_form()).map(|message| view! {
            <ErrorNotice title=td_string!(l, account.not_signed_in).to_string() message/>
        })}
        <TextField
            name="name"
            label=td_string!(l, account.user_name).to_string()
            autocomplete="username"
            value=name.unwrap_or_default()
            error=error_of(Field::Name)
        />
        <TextField
            name="password"
            label=td_string!(l, account.password).to_string()
            kind="password"
            autocomplete=password_autocomplete
            hint=password_hint.unwrap_or_default()
            error=error_of(Field::Password)
        />
        <SubmitButton label=button busy_label=busy pending/>
    }
}
