//! Form pieces shared by the pages: labelled fields with their own error
//! line, and a submit button that shows it is working.

use leptos::prelude::*;

/// A labelled input; `error` appears under it and is tied to it for
/// screen readers (`aria-describedby`, `aria-invalid`).
#[component]
pub fn TextField(
    /// The form field's name, also its id.
    name: &'static str,
    #[prop(into)] label: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    /// A line under the label (none when empty).
    #[prop(optional, into)]
    hint: String,
    #[prop(optional, into)] value: String,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{name}-error");
    let hint_id = format!("{name}-hint");
    let hint = (!hint.is_empty()).then_some(hint);
    let described_by = {
        let (error_id, hint_id, has_hint) = (error_id.clone(), hint_id.clone(), hint.is_some());
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="mt-5">
            <label for=name class="block text-sm font-semibold text-slate-200">{label}</label>
            {hint.map(|hint| view! { <p id=hint_id class="mt-1 text-sm text-slate-400">{hint}</p> })}
            <input
                id=name
                name=name
                type=kind
                autocomplete=autocomplete
                value=value
                required
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described_by
                class="mt-2 block w-full rounded-xl border border-white/20 bg-night-900 px-4 py-3 text-base text-white placeholder:text-slate-500 focus:border-glow-300 focus:outline-2 focus:outline-glow-300 aria-[invalid]:border-rose-400"
            />
            <FieldError id=error_id error/>
        </div>
    }
}

/// The error line of one field, if it has an error.
#[component]
pub fn FieldError(id: String, #[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    move || {
        error.get().map(|message| {
            view! { <p id=id.clone() class="mt-2 text-sm font-medium text-rose-300">{message}</p> }
        })
    }
}

/// A form's main button: disabled, saying `busy_label`, while `pending`.
#[component]
pub fn SubmitButton(
    #[prop(into)] label: Signal<String>,
    #[prop(into)] busy_label: String,
    #[prop(into)] pending: Signal<bool>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            disabled=move || pending.get() || disabled.get()
            aria-busy=move || pending.get().to_string()
            class="mt-6 inline-flex w-full items-center justify-center gap-2 rounded-full bg-glow-400 px-6 py-3 text-base font-bold text-night-950 hover:bg-glow-300 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-white disabled:cursor-not-allowed disabled:bg-slate-600 disabled:text-slate-300"
        >
            {move || if pending.get() { busy_label.clone() } else { label.get() }}
        </button>
    }
}
