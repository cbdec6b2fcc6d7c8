//! `/sign-up?next=…`: a new account (name and password); signed in at once
//! and back to `next`.

use crate::api::account::{take_flash, SignUp};
use crate::components::account_form::{AccountFields, AccountLayout};
use leptos::prelude::*;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = expect_context::<ServerAction<SignUp>>();
    let flash = Resource::new(|| (), |()| take_flash());
    view! {
        <AccountLayout
            title="Create an account"
            intro="One account holds your tickets for every stage."
            other_page="/sign-in"
            other_text="Already have an account? Sign in"
        >
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let flash = flash.await.ok().flatten().unwrap_or_default();
                    view! {
                        <ActionForm action attr:novalidate=true>
                            <AccountFields
                                result=action.value().into()
                                pending=action.pending()
                                flash
                                button="Create account"
                                busy="Creating your account…"
                                password_autocomplete="new-password"
                                password_hint="At least 8 characters. A short phrase is easy to remember and hard to guess."
                            />
                        </ActionForm>
                    }
                })}
            </Suspense>
        </AccountLayout>
    }
}
