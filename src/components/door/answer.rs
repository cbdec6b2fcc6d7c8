//! The door's answer to a scan, filling the screen: green with a tick to
//! let in, red with a cross and the reason not to. Readable at arm's
//! length; announced to screen readers (one live region, always in the
//! page, so every new answer is read out); a tap dismisses it.

use leptos::prelude::*;

/// An answer as the screen shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown {
    pub admit: bool,
    /// `admitted`, `already_admitted`, `wrong_stage`, `cancelled`,
    /// `not_valid`, `unchecked` (for tests and styles).
    pub outcome: String,
    /// `ADMIT`, `ALREADY ADMITTED` …
    pub headline: String,
    /// The stage, the holder, where and when it was let in before.
    pub lines: Vec<String>,
    /// Counts answers, so an old answer's timer leaves a newer one alone.
    pub serial: u64,
}

#[component]
pub fn AnswerScreen(
    shown: RwSignal<Option<Shown>>,
    #[prop(into)] on_dismiss: Callback<()>,
    /// "Tap or press Enter for the next ticket".
    next: String,
    /// "Do not let in".
    refused: String,
) -> impl IntoView {
    let class = move || {
        shown.with(|s| match s {
            None => "sr-only",
            Some(s) if s.admit => "fixed inset-0 z-50 flex cursor-pointer flex-col items-center justify-center gap-4 bg-emerald-600 p-6 text-center text-white",
            Some(_) => "fixed inset-0 z-50 flex cursor-pointer flex-col items-center justify-center gap-4 bg-red-700 p-6 text-center text-white",
        })
    };
    view! {
        <div
            id="door-answer"
            role="status"
            aria-live="assertive"
            aria-atomic="true"
            class=class
            data-answer=move || shown.with(|s| s.as_ref().map(|s| s.outcome.clone()))
            on:click=move |_| on_dismiss.run(())
        >
            {move || shown.get().map(|s| {
                let mark = if s.admit { "✓" } else { "✕" };
                view! {
                    <p aria-hidden="true" class="text-7xl font-black leading-none sm:text-9xl">{mark}</p>
                    <p class="font-display break-words text-5xl font-black uppercase leading-tight tracking-tight sm:text-8xl" data-headline="">{s.headline}</p>
                    {(!s.admit).then(|| view! { <p class="text-2xl font-bold sm:text-3xl">{refused.clone()}</p> })}
                    <ul class="space-y-1 text-2xl font-semibold sm:text-4xl">
                        {s.lines.into_iter().map(|line| view! { <li class="break-words">{line}</li> }).collect_view()}
                    </ul>
                    <p class="mt-6 text-base opacity-90 sm:text-lg">{next.clone()}</p>
                }
            })}
        </div>
    }
}
