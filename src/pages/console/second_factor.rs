//! `/staff/second-factor?next=…`: an organiser sets up the second factor
//! (QR code, the secret as text, a code from the app; then the recovery
//! codes, once), or passes it with a code; then goes on to `next`.

use crate::components::account_form::use_next;
use crate::components::console::{latest_problem, FormProblem, MAIN_BUTTON};
use crate::components::form::FieldError;
use crate::components::notice::{ErrorNotice, SuccessNotice};
use crate::forms::{Field, Problem};
use crate::i18n::td_string;
use crate::language::use_locale;
use crate::routes;
use crate::server_fns::console::second_factor::{
    after_second_factor, second_factor_page, PassSecondFactor, SecondFactorState, SecondFactorStep,
    SetUpSecondFactor,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::{lazy_route, LazyRoute};

/// The page as a lazy route (a wasm chunk of its own with `--split`): fans
/// never download the console's code.
pub struct SecondFactorRoute;

#[lazy_route]
impl LazyRoute for SecondFactorRoute {
    fn data() -> Self {
        SecondFactorRoute
    }

    fn view(this: Self) -> AnyView {
        let SecondFactorRoute = this;
        view! { <SecondFactorPageView/> }.into_any()
    }
}

#[component]
pub fn SecondFactorPageView() -> impl IntoView {
    let l = use_locale();
    let set_up = ServerAction::<SetUpSecondFactor>::new();
    let pass = ServerAction::<PassSecondFactor>::new();
    let data = Resource::new(|| (), |()| second_factor_page());
    let here = crate::components::console::this_page();
    view! {
        <Title text=td_string!(l, console.second_factor_title).to_string()/>
        <section class="mx-auto mt-10 max-w-xl rounded-3xl border border-white/10 bg-white/[0.04] p-5 sm:p-8" aria-labelledby="second-factor-title">
            <h1 id="second-factor-title" class="font-display text-2xl font-black sm:text-3xl">{td_string!(l, console.second_factor_title).to_string()}</h1>
            <Suspense fallback=|| ()>
                {move || {
                    let here = here.clone();
                    Suspend::new(async move {
                        match data.await {
                            Ok(page) => view! { <Steps page set_up pass here/> }.into_any(),
                            Err(problem) => view! {
                                <ErrorNotice title=td_string!(l, console.not_for_you).to_string() message=problem.message/>
                            }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn Steps(
    page: SecondFactorState,
    set_up: ServerAction<SetUpSecondFactor>,
    pass: ServerAction<PassSecondFactor>,
    here: String,
) -> impl IntoView {
    let l = use_locale();
    let next = use_next();
    let onward = move || after_second_factor(&next.get()).to_owned();
    let SecondFactorState { step, problem } = page;
    let set_up_problem = latest_problem(problem.clone(), vec![set_up.value().into()]);
    let pass_problem = latest_problem(problem, vec![pass.value().into()]);
    let code_error = move |problem: RwSignal<Option<Problem>>| {
        Signal::derive(move || problem.get().and_then(|p| p.for_field(Field::Code)))
    };
    // Codes just made by the hydrated form (a plain post finds them in the flash).
    let fresh_codes = move || set_up.value().get().and_then(Result::ok);
    match step {
        SecondFactorStep::SignIn => {
            view! { <Redirect path=routes::with_next(routes::SIGN_IN, &here)/> }.into_any()
        }
        SecondFactorStep::Passed => view! {
            <p class="mt-4 text-slate-300">{td_string!(l, console.second_factor_passed).to_string()}</p>
            <a href=onward class=format!("mt-6 inline-block {MAIN_BUTTON}")>{td_string!(l, console.continue_on).to_string()}</a>
        }
        .into_any(),
        SecondFactorStep::RecoveryCodes { codes } => {
            view! { <RecoveryCodes codes onward=onward()/> }.into_any()
        }
        SecondFactorStep::Check { name } => view! {
            <p class="mt-3 text-slate-300">{td_string!(l, console.check_intro, name = name).to_string()}</p>
            <FormProblem problem=pass_problem/>
            <ActionForm action=pass attr:novalidate=true attr:class="mt-4">
                <input type="hidden" name="next" value=onward/>
                <CodeField error=code_error(pass_problem) hint=td_string!(l, console.code_or_recovery).to_string()/>
                <button type="submit" class=format!("mt-5 w-full {MAIN_BUTTON}") disabled=move || pass.pending().get()>
                    {td_string!(l, console.check_button).to_string()}
                </button>
            </ActionForm>
        }
        .into_any(),
        SecondFactorStep::SetUp { name, secret, qr_svg } => view! {
            {move || fresh_codes().map(|codes| view! { <RecoveryCodes codes onward=onward()/> })}
            <div class:hidden=move || fresh_codes().is_some()>
                <p class="mt-3 text-slate-300">{td_string!(l, console.set_up_intro, name = name.clone()).to_string()}</p>
                <ol class="mt-4 list-decimal space-y-2 pl-5 text-slate-200">
                    <li>{td_string!(l, console.set_up_scan).to_string()}</li>
                    <li>{td_string!(l, console.set_up_type_code).to_string()}</li>
                </ol>
                <div class="mt-5 flex flex-col items-center gap-4 sm:flex-row sm:items-start">
                    <div
                        role="img"
                        aria-label=td_string!(l, console.qr_label).to_string()
                        class="h-52 w-52 shrink-0 overflow-hidden rounded-2xl bg-white p-2 [&>svg]:h-full [&>svg]:w-full"
                        inner_html=qr_svg.clone()
                    ></div>
                    <div class="min-w-0 w-full">
                        <p class="text-sm font-semibold text-slate-200">{td_string!(l, console.secret_label).to_string()}</p>
                        <p class="mt-1 break-all rounded-lg bg-night-900 px-3 py-2 font-mono text-sm tracking-wider text-glow-300" data-secret=secret.clone()>{secret.clone()}</p>
                        <p class="mt-2 text-xs text-slate-400">{td_string!(l, console.secret_hint).to_string()}</p>
                    </div>
                </div>
                <FormProblem problem=set_up_problem/>
                <ActionForm action=set_up attr:novalidate=true attr:class="mt-4">
                    <input type="hidden" name="next" value=onward/>
                    <input type="hidden" name="secret" value=secret.clone()/>
                    <CodeField error=code_error(set_up_problem) hint=String::new()/>
                    <button type="submit" class=format!("mt-5 w-full {MAIN_BUTTON}") disabled=move || set_up.pending().get()>
                        {td_string!(l, console.set_up_button).to_string()}
                    </button>
                </ActionForm>
            </div>
        }
        .into_any(),
    }
}

#[component]
fn CodeField(error: Signal<Option<String>>, hint: String) -> impl IntoView {
    let l = use_locale();
    let has_hint = !hint.is_empty();
    view! {
        <label for="code" class="block text-sm font-semibold text-slate-200">{td_string!(l, console.code_label).to_string()}</label>
        {has_hint.then(|| view! { <p id="code-hint" class="mt-1 text-sm text-slate-400">{hint}</p> })}
        <input id="code" name="code" type="text" autocomplete="one-time-code" inputmode="text" required
            aria-invalid=move || error.with(Option::is_some).then_some("true")
            aria-describedby=move || error.with(Option::is_some).then_some("code-error")
            class="mt-2 block w-full rounded-xl border border-white/20 bg-night-900 px-4 py-3 font-mono text-lg tracking-widest text-white focus:border-glow-300 focus:outline-2 focus:outline-glow-300 aria-[invalid]:border-rose-400"/>
        <FieldError id="code-error".to_owned() error/>
    }
}

#[component]
fn RecoveryCodes(codes: Vec<String>, onward: String) -> impl IntoView {
    let l = use_locale();
    view! {
        <SuccessNotice>
            <p class="font-semibold">{td_string!(l, console.factor_set_up).to_string()}</p>
        </SuccessNotice>
        <div class="mt-5 rounded-2xl border-2 border-amber-400/60 bg-amber-500/10 p-4" role="region" aria-labelledby="recovery-title">
            <h2 id="recovery-title" class="text-lg font-bold text-amber-100">{td_string!(l, console.save_these).to_string()}</h2>
            <p class="mt-1 text-sm text-amber-50">{td_string!(l, console.save_these_hint).to_string()}</p>
            <ul class="mt-3 grid grid-cols-1 gap-1 font-mono text-base sm:grid-cols-2" data-recovery-codes="">
                {codes.into_iter().map(|code| view! { <li class="rounded bg-night-900 px-3 py-1 text-center tracking-wider">{code}</li> }).collect_view()}
            </ul>
        </div>
        <a href=onward class=format!("mt-6 inline-block {MAIN_BUTTON}")>{td_string!(l, console.saved_continue).to_string()}</a>
    }
}
