//! `/sign-up?next=…`: a new account (name and password); signed in at once
//! and back to `next`.

use crate::components::account_form::{AccountFields, AccountForm, AccountLayout};
use crate::server_fns::account::SignUp;
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = expect_context::<ServerAction<SignUp>>();
    let form: AccountForm = Arc::new(move |flash| {
        view! {
            <ActionForm action attr:novalidate=true>
                <AccountFields result=action.value().into() pending=action.pending() flash
                    button="Create account" busy="Creating your account…" password_autocomplete="new-password"
                    password_hint="At least 8 characters. A short phrase is easy to remember and hard to guess."/>
            </ActionForm>
        }
        .into_any()
    });
    view! {
        <AccountLayout
            title="Create an account"
            intro="One account holds your tickets for every stage."
            other_page=crate::routes::SIGN_IN
            other_text="Already have an account? Sign in"
            form
        />
    }
}
