//! `/sign-up?next=…`: a new account (name and password); signed in at once
//! and back to `next`.

use crate::components::account_form::{AccountFields, AccountForm, AccountLayout};
use crate::i18n::td_string;
use crate::server_fns::account::SignUp;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};
use std::sync::Arc;

/// The page as a lazy route: a chunk of its own with `--split`, loaded
/// when a fan first opens it.
pub struct SignUpRoute;

#[lazy_route]
impl LazyRoute for SignUpRoute {
    fn data() -> Self {
        SignUpRoute
    }

    fn view(this: Self) -> AnyView {
        let SignUpRoute = this;
        view! { <SignUpPage/> }.into_any()
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = expect_context::<ServerAction<SignUp>>();
    let l = crate::language::use_locale();
    let form: AccountForm = Arc::new(move |flash| {
        view! {
            <ActionForm action attr:novalidate=true>
                <AccountFields result=action.value().into() pending=action.pending() flash
                    button=td_string!(l, account.sign_up_button).to_string()
                    busy=td_string!(l, account.signing_up).to_string()
                    password_autocomplete="new-password"
                    password_hint=td_string!(l, account.password_hint).to_string()/>
            </ActionForm>
        }
        .into_any()
    });
    view! {
        <AccountLayout
            title=td_string!(l, account.sign_up_title).to_string()
            intro=td_string!(l, account.sign_up_intro).to_string()
            other_page=crate::routes::SIGN_IN
            other_text=td_string!(l, account.to_sign_in).to_string()
            form
        />
    }
}
