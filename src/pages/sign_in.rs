//! `/sign-in?next=…`: name and password; back to `next` once signed in.

use crate::components::account_form::{AccountFields, AccountForm, AccountLayout};
use crate::i18n::td_string;
use crate::server_fns::account::SignIn;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};
use std::sync::Arc;

/// The page as a lazy route: a chunk of its own with `--split`, loaded
/// when a fan first opens it.
pub struct SignInRoute;

#[lazy_route]
impl LazyRoute for SignInRoute {
    fn data() -> Self {
        SignInRoute
    }

    fn view(this: Self) -> AnyView {
        let SignInRoute = this;
        view! { <SignInPage/> }.into_any()
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = expect_context::<ServerAction<SignIn>>();
    let l = crate::language::use_locale();
    let form: AccountForm = Arc::new(move |flash| {
        view! {
            <ActionForm action attr:novalidate=true>
                <AccountFields result=action.value().into() pending=action.pending() flash
                    button=td_string!(l, account.sign_in_button).to_string()
                    busy=td_string!(l, account.signing_in).to_string()
                    password_autocomplete="current-password"/>
            </ActionForm>
        }
        .into_any()
    });
    view! {
        <AccountLayout
            title=td_string!(l, account.sign_in_title).to_string()
            intro=td_string!(l, account.sign_in_intro).to_string()
            other_page=crate::routes::SIGN_UP
            other_text=td_string!(l, account.to_sign_up).to_string()
            form
        />
    }
}
