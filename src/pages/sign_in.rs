//! `/sign-in?next=…`: name and password; back to `next` once signed in.

use crate::components::account_form::{AccountFields, AccountForm, AccountLayout};
use crate::server_fns::account::SignIn;
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = expect_context::<ServerAction<SignIn>>();
    let form: AccountForm = Arc::new(move |flash| {
        view! {
            <ActionForm action attr:novalidate=true>
                <AccountFields result=action.value().into() pending=action.pending() flash
                    button="Sign in" busy="Signing in…" password_autocomplete="current-password"/>
            </ActionForm>
        }
        .into_any()
    });
    view! {
        <AccountLayout
            title="Sign in"
            intro="Welcome back. Sign in to buy tickets and to see yours."
            other_page=crate::routes::SIGN_UP
            other_text="New to tiket? Create an account"
            form
        />
    }
}
