//! `/door`: door staff (or organisers) let ticket holders in. Set up once
//! per device — festival, the stages this gate lets in, the gate's name —
//! then scan: a keyboard-wedge scanner or a person types the code into the
//! big field (Enter checks it), or the camera reads the QR code. The
//! answer fills the screen (green ADMIT, or red with the reason) and goes
//! back to scanning on a tap, on Enter, or after a few seconds.
//!
//! Offline, on purpose: staff switch the door to offline with a button (a
//! striped banner then says so on every screen). Offline, signed passes are
//! checked on the device with the kit fetched while online
//! (`components::door::offline`), each admission is queued, and the queue
//! and what the device let in survive a reload; going online uploads the
//! queue as forced check-ins and lists the conflicts. A service worker
//! (`/door-sw.js`) lets the page load with no network.

use crate::components::door::answer::{AnswerScreen, Shown};
use crate::components::door::device::{self, Settings};
use crate::components::door::offline::{self, Admitted, Verdict};
use crate::components::notice::ErrorNotice;
use crate::components::qr_camera::QrCamera;
use crate::i18n::{td_string, Locale};
use crate::language::use_locale;
use crate::routes;
use crate::server_fns::console::Gate;
use crate::server_fns::door::{
    door_festivals, door_kit, redeem_scan, sync_scans, DoorAnswer, DoorFestival, DoorKitData,
    DoorSetup, QueuedScan, SyncedScan,
};
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::components::Redirect;
use leptos_router::{lazy_route, LazyRoute};

/// How long an answer stays before the door is ready again by itself.
#[cfg(feature = "hydrate")]
const ANSWER_FOR: std::time::Duration = std::time::Duration::from_secs(4);

/// The page as a lazy route (a wasm chunk of its own with `--split`, with
/// the QR decoder and the signature check): fans never download it.
pub struct DoorRoute;

#[lazy_route]
impl LazyRoute for DoorRoute {
    fn data() -> Self {
        DoorRoute
    }

    fn view(this: Self) -> AnyView {
        let DoorRoute = this;
        view! { <DoorPage/> }.into_any()
    }
}

#[component]
pub fn DoorPage() -> impl IntoView {
    let l = use_locale();
    let data = Resource::new(|| (), |()| door_festivals());
    view! {
        <Title text=td_string!(l, door.title).to_string()/>
        <Link rel="manifest" href=routes::DOOR_MANIFEST/>
        <Meta name="mobile-web-app-capable" content="yes"/>
        <Suspense fallback=move || view! { <p class="mt-16 text-center text-slate-300">{td_string!(l, door.loading).to_string()}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Gate::Open(setup)) => view! { <Door setup/> }.into_any(),
                    Ok(Gate::SignIn) => view! { <Redirect path=routes::with_next(routes::SIGN_IN, routes::DOOR)/> }.into_any(),
                    Ok(Gate::SecondFactor) => view! { <Redirect path=routes::with_next(routes::SECOND_FACTOR, routes::DOOR)/> }.into_any(),
                    Err(problem) => view! { <ErrorNotice title=td_string!(l, door.not_for_you).to_string() message=problem.message/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The outcome of uploading the queue, as the page lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Report {
    uploaded: usize,
    conflicts: Vec<String>,
    refused: Vec<String>,
}

/// Everything the door keeps while the page is open.
#[derive(Clone, Copy)]
struct DoorState {
    settings: RwSignal<Option<Settings>>,
    offline: RwSignal<bool>,
    queue: RwSignal<Vec<QueuedScan>>,
    admitted: RwSignal<Vec<Admitted>>,
    kit: RwSignal<Option<DoorKitData>>,
    shown: RwSignal<Option<Shown>>,
    serial: StoredValue<u64>,
    report: RwSignal<Option<Report>>,
    notice: RwSignal<Option<String>>,
    uploading: RwSignal<bool>,
    checking: RwSignal<bool>,
    input: NodeRef<leptos::html::Input>,
}

impl DoorState {
    fn focus_input(self) {
        if let Some(input) = self.input.get_untracked() {
            let _ = input.focus();
        }
    }

    fn dismiss(self) {
        self.shown.set(None);
        self.focus_input();
    }

    fn show(self, mut shown: Shown) {
        let serial = self.serial.get_value() + 1;
        self.serial.set_value(serial);
        shown.serial = serial;
        self.shown.set(Some(shown));
        self.focus_input();
        #[cfg(feature = "hydrate")]
        set_timeout(
            move || {
                if self.shown.with_untracked(|s| s.as_ref().map(|s| s.serial)) == Some(serial) {
                    self.dismiss();
                }
            },
            ANSWER_FOR,
        );
    }

    fn remember(self, admission: Admitted) {
        self.admitted.update(|all| all.push(admission));
        self.admitted
            .with_untracked(|all| device::save(device::ADMITTED, all));
    }

    fn save_queue(self) {
        self.queue
            .with_untracked(|queue| device::save(device::QUEUE, queue));
    }
}

#[component]
fn Door(setup: DoorSetup) -> impl IntoView {
    let l = use_locale();
    let DoorSetup { staff, festivals } = setup;
    let festivals = StoredValue::new(festivals);
    let state = DoorState {
        settings: RwSignal::new(None),
        offline: RwSignal::new(false),
        queue: RwSignal::new(Vec::new()),
        admitted: RwSignal::new(Vec::new()),
        kit: RwSignal::new(None),
        shown: RwSignal::new(None),
        serial: StoredValue::new(0),
        report: RwSignal::new(None),
        notice: RwSignal::new(None),
        uploading: RwSignal::new(false),
        checking: RwSignal::new(false),
        input: NodeRef::new(),
    };
    // In the browser: what this device kept, and the service worker.
    Effect::new(move |_| {
        let settings: Option<Settings> = device::load(device::SETTINGS);
        let known =
            settings.filter(|s| festivals.with_value(|all| all.iter().any(|f| f.slug == s.slug)));
        if let Some(settings) = &known {
            state
                .kit
                .set(device::load(&device::kit_key(&settings.slug)));
        }
        state.settings.set(known);
        state
            .offline
            .set(device::load::<bool>(device::OFFLINE).unwrap_or(false));
        state
            .queue
            .set(device::load(device::QUEUE).unwrap_or_default());
        state
            .admitted
            .set(device::load(device::ADMITTED).unwrap_or_default());
        device::register_worker();
    });
    let scanning = move || state.settings.with(Option::is_some);
    view! {
        <div class="mt-6 flex flex-wrap items-center gap-2">
            <span class="rounded bg-glow-400 px-2 py-0.5 text-xs font-black uppercase tracking-wide text-night-950">{td_string!(l, door.badge).to_string()}</span>
            <span class="text-sm text-slate-300">{td_string!(l, door.staff_as, name = staff).to_string()}</span>
        </div>
        <OfflineBanner state/>
        <Show when=scanning fallback=move || view! { <SetUp state festivals/> }>
            <Scanner state festivals/>
        </Show>
    }
}

/// The banner nobody misses while the door is offline, with the queue and
/// the way back.
#[component]
fn OfflineBanner(state: DoorState) -> impl IntoView {
    let l = use_locale();
    let go_online = move |_| upload(state, l);
    view! {
        <Show when=move || state.offline.get()>
            <section
                class="mt-4 rounded-2xl bg-[repeating-linear-gradient(135deg,#fcd34d_0_14px,#0b1026_14px_28px)] p-3 text-night-950 shadow-lg"
                data-offline-banner=""
                aria-labelledby="offline-title"
            >
                <div class="rounded-xl bg-amber-300 p-3">
                    <h2 id="offline-title" class="font-display text-4xl font-black tracking-widest sm:text-5xl">{td_string!(l, door.offline).to_string()}</h2>
                    <p class="mt-1 font-semibold">{td_string!(l, door.offline_hint).to_string()}</p>
                    <p class="mt-2 text-xl font-black tabular-nums" data-queued=move || state.queue.with(Vec::len)>
                        {move || td_string!(l, door.queued, n = state.queue.with(Vec::len)).to_string()}
                    </p>
                    <button
                        type="button"
                        class="mt-3 w-full rounded-xl bg-night-950 px-4 py-3 text-lg font-bold text-amber-200 hover:bg-night-900 focus-visible:outline-2 focus-visible:outline-night-950 disabled:opacity-60 sm:w-auto"
                        disabled=move || state.uploading.get()
                        on:click=go_online
                    >
                        {move || if state.uploading.get() { td_string!(l, door.uploading).to_string() } else { td_string!(l, door.go_online).to_string() }}
                    </button>
                </div>
            </section>
        </Show>
    }
}

/// The door's settings: festival, stages, gate.
#[component]
fn SetUp(state: DoorState, festivals: StoredValue<Vec<DoorFestival>>) -> impl IntoView {
    let l = use_locale();
    let first = festivals.with_value(|all| all.first().map(|f| f.slug.clone()).unwrap_or_default());
    let slug = RwSignal::new(first);
    let stages = RwSignal::new(Vec::<u32>::new());
    let gate = RwSignal::new(String::new());
    // What this device used last, once the page runs in the browser (the
    // server's page, which hydration must match, knows nothing of it).
    Effect::new(move |_| {
        if let Some(saved) = device::load::<Settings>(device::SETTINGS) {
            if festivals.with_value(|all| all.iter().any(|f| f.slug == saved.slug)) {
                slug.set(saved.slug);
                stages.set(saved.stages);
            }
            gate.set(saved.gate);
        }
    });
    let problem = RwSignal::new(None::<String>);
    let festival =
        move || festivals.with_value(|all| all.iter().find(|f| f.slug == slug.get()).cloned());
    let start = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let chosen: Vec<u32> = match festival() {
            Some(f) => stages
                .get_untracked()
                .into_iter()
                .filter(|id| f.stages.iter().any(|s| s.id == *id))
                .collect(),
            None => Vec::new(),
        };
        let name = gate.get_untracked().trim().to_owned();
        if chosen.is_empty() {
            problem.set(Some(td_string!(l, door.pick_stage).to_string()));
            return;
        }
        if name.is_empty() {
            problem.set(Some(td_string!(l, door.need_gate).to_string()));
            return;
        }
        problem.set(None);
        let settings = Settings {
            slug: slug.get_untracked(),
            stages: chosen,
            gate: name,
        };
        device::save(device::SETTINGS, &settings);
        state
            .kit
            .set(device::load(&device::kit_key(&settings.slug)));
        fetch_kit(state, settings.slug.clone());
        state.settings.set(Some(settings));
    };
    let field = "mt-1 w-full rounded-xl border border-white/20 bg-night-900 px-3 py-3 text-lg text-white focus-visible:outline-2 focus-visible:outline-glow-300";
    view! {
        <Title text=td_string!(l, door.setup_title).to_string()/>
        <h1 class="font-display mt-4 text-3xl font-black">{td_string!(l, door.setup_title).to_string()}</h1>
        <p class="mt-1 text-slate-300">{td_string!(l, door.setup_hint).to_string()}</p>
        <form class="mt-4 space-y-5" on:submit=start data-door-setup="">
            <label class="block">
                <span class="font-semibold">{td_string!(l, door.festival).to_string()}</span>
                <select
                    name="festival"
                    class=field
                    on:change=move |event| { slug.set(event_target_value(&event)); stages.set(Vec::new()); }
                    prop:value=move || slug.get()
                >
                    {festivals.with_value(|all| all.iter().map(|f| {
                        let draft = (!f.published).then(|| format!(" {}", td_string!(l, door.draft)));
                        view! { <option value=f.slug.clone() selected=f.slug == slug.get_untracked()>{f.name.clone()}{draft}</option> }
                    }).collect_view())}
                </select>
            </label>
            <fieldset>
                <legend class="font-semibold">{td_string!(l, door.stages).to_string()}</legend>
                <div class="mt-2 space-y-2">
                    {move || festival().map(|f| f.stages.into_iter().map(|stage| {
                        let id = stage.id;
                        let checked = move || stages.with(|s| s.contains(&id));
                        let line = td_string!(l, door.stage_line, day = stage.day, date = stage.date.clone(), doors = stage.doors.clone(), zone = stage.zone.clone()).to_string();
                        view! {
                            <label class="flex items-start gap-3 rounded-xl border border-white/15 bg-white/[0.04] p-3 has-[:checked]:border-glow-300 has-[:checked]:bg-glow-400/10">
                                <input
                                    type="checkbox"
                                    name="stage"
                                    value=id.to_string()
                                    class="mt-1 size-6 shrink-0 accent-glow-400"
                                    prop:checked=checked
                                    on:change=move |event| {
                                        let on = event_target_checked(&event);
                                        stages.update(|s| { s.retain(|x| *x != id); if on { s.push(id); } });
                                    }
                                />
                                <span>
                                    <span class="block text-lg font-bold">{stage.name.clone()}</span>
                                    <span class="block text-sm text-slate-300">{line}</span>
                                    {stage.reentry.then(|| view! { <span class="block text-sm text-emerald-300">{td_string!(l, door.reentry).to_string()}</span> })}
                                </span>
                            </label>
                        }
                    }).collect_view())}
                </div>
            </fieldset>
            <label class="block">
                <span class="font-semibold">{td_string!(l, door.gate).to_string()}</span>
                <input
                    type="text"
                    name="gate"
                    class=field
                    autocomplete="off"
                    maxlength="80"
                    aria-describedby="gate-hint"
                    prop:value=move || gate.get()
                    on:input=move |event| gate.set(event_target_value(&event))
                />
                <span id="gate-hint" class="mt-1 block text-sm text-slate-400">{td_string!(l, door.gate_hint).to_string()}</span>
            </label>
            {move || problem.get().map(|p| view! { <p role="alert" class="font-semibold text-red-300">{p}</p> })}
            <button type="submit" class="w-full rounded-2xl bg-glow-400 px-4 py-4 text-xl font-black text-night-950 hover:bg-glow-300 focus-visible:outline-2 focus-visible:outline-white">
                {td_string!(l, door.start).to_string()}
            </button>
        </form>
    }
}

/// Fetches (and keeps on the device) the festival's offline kit.
fn fetch_kit(state: DoorState, slug: String) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        if let Ok(kit) = door_kit(slug.clone()).await {
            device::save(&device::kit_key(&slug), &kit);
            if state
                .settings
                .with_untracked(|s| s.as_ref().is_some_and(|s| s.slug == slug))
            {
                state.kit.set(Some(kit));
            }
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (state, slug, door_kit);
}

/// The scanning screen.
#[component]
fn Scanner(state: DoorState, festivals: StoredValue<Vec<DoorFestival>>) -> impl IntoView {
    let l = use_locale();
    let settings = move || {
        state.settings.get().unwrap_or_else(|| Settings {
            slug: String::new(),
            stages: Vec::new(),
            gate: String::new(),
        })
    };
    let festival = move || {
        let slug = settings().slug;
        festivals.with_value(|all| all.iter().find(|f| f.slug == slug).cloned())
    };
    let title = move || festival().map(|f| f.name).unwrap_or_default();
    let where_ = move || {
        let s = settings();
        let names: Vec<String> = festival()
            .map(|f| {
                f.stages
                    .into_iter()
                    .filter(|st| s.stages.contains(&st.id))
                    .map(|st| st.name)
                    .collect()
            })
            .unwrap_or_default();
        td_string!(
            l,
            door.gate_of,
            gate = s.gate.clone(),
            stages = names.join(", ")
        )
        .to_string()
    };
    // The code field has the focus as soon as it is there (autofocus is not
    // honoured for an element the page adds later).
    Effect::new(move |_| {
        if let Some(input) = state.input.get() {
            let _ = input.focus();
        }
    });
    let scan = Callback::new(move |code: String| scan(state, l, code));
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(input) = state.input.get_untracked() else {
            return;
        };
        let code = input.value().trim().to_owned();
        input.set_value("");
        if code.is_empty() {
            state.dismiss();
            return;
        }
        scan.run(code);
    };
    let go_offline = move |_| {
        let slug = settings().slug;
        let has_kit = state
            .kit
            .with_untracked(|k| k.as_ref().is_some_and(|k| k.slug == slug));
        if !has_kit {
            state
                .notice
                .set(Some(td_string!(l, door.no_kit).to_string()));
            fetch_kit(state, slug);
            return;
        }
        state.notice.set(None);
        state.report.set(None);
        state.offline.set(true);
        device::save(device::OFFLINE, &true);
        state.focus_input();
    };
    let change = move |_| {
        state.shown.set(None);
        state.settings.set(None);
    };
    let small = "rounded-full border border-white/20 px-3 py-1.5 text-sm font-semibold hover:bg-white/10 focus-visible:outline-2 focus-visible:outline-glow-300";
    view! {
        <Title text=td_string!(l, door.title).to_string()/>
        <div class="mt-4 flex flex-col gap-2 sm:flex-row sm:items-start">
            <div class="min-w-0 sm:flex-1">
                <h1 class="font-display text-2xl font-black [overflow-wrap:anywhere] sm:text-3xl">{title}</h1>
                <p class="text-lg font-semibold text-glow-200" data-door-where="">{where_}</p>
            </div>
            <div class="flex flex-wrap gap-2">
                <button type="button" class=small on:click=change>{td_string!(l, door.change).to_string()}</button>
                <Show when=move || !state.offline.get()>
                    <button type="button" class=small on:click=go_offline title=td_string!(l, door.offline_confirm).to_string()>{td_string!(l, door.go_offline).to_string()}</button>
                </Show>
            </div>
        </div>
        <form class="mt-4" on:submit=submit data-door-scan="">
            <label for="door-code" class="block text-lg font-bold">{td_string!(l, door.code_label).to_string()}</label>
            <div class="mt-1 flex gap-2">
                <input
                    id="door-code"
                    node_ref=state.input
                    type="text"
                    name="code"
                    class="min-w-0 flex-1 rounded-2xl border-2 border-white/30 bg-night-900 px-4 py-4 font-mono text-2xl uppercase tracking-wider text-white placeholder:text-slate-500 focus-visible:border-glow-300 focus-visible:outline-none sm:text-3xl"
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                    enterkeyhint="go"
                    placeholder="K7QX-M2PA"
                    aria-describedby="door-code-hint"
                    autofocus=true
                />
                <button type="submit" class="rounded-2xl bg-glow-400 px-5 text-xl font-black text-night-950 hover:bg-glow-300 focus-visible:outline-2 focus-visible:outline-white disabled:opacity-60" disabled=move || state.checking.get()>
                    {move || if state.checking.get() { td_string!(l, door.checking).to_string() } else { td_string!(l, door.check).to_string() }}
                </button>
            </div>
            <p id="door-code-hint" class="mt-1 text-sm text-slate-400">{td_string!(l, door.code_hint).to_string()}</p>
        </form>
        {move || state.notice.get().map(|n| view! { <p role="alert" class="mt-3 rounded-xl border border-red-400/50 bg-red-500/15 p-3 font-semibold text-red-100" data-door-notice="">{n}</p> })}
        <SyncReport state/>
        <QrCamera on_code=scan/>
        <AnswerScreen
            shown=state.shown
            on_dismiss=move |_| state.dismiss()
            next=td_string!(l, door.next).to_string()
            refused=td_string!(l, door.refused).to_string()
        />
    }
}

/// What the last upload did: how many, and the conflicts.
#[component]
fn SyncReport(state: DoorState) -> impl IntoView {
    let l = use_locale();
    move || {
        state.report.get().map(|report| {
            view! {
                <section class="mt-4 rounded-2xl border border-white/15 bg-white/[0.04] p-4" data-sync-report="" aria-live="polite">
                    <p class="font-bold">{td_string!(l, door.uploaded, n = report.uploaded).to_string()}</p>
                    {(!report.conflicts.is_empty()).then(|| view! {
                        <h2 class="mt-3 text-lg font-black text-amber-200">{td_string!(l, door.conflicts).to_string()}</h2>
                        <ul class="mt-1 space-y-1" data-conflicts="">
                            {report.conflicts.iter().map(|c| view! { <li class="rounded-lg bg-amber-500/15 px-3 py-2 font-semibold text-amber-100">{c.clone()}</li> }).collect_view()}
                        </ul>
                    })}
                    {(!report.refused.is_empty()).then(|| view! {
                        <ul class="mt-2 space-y-1">
                            {report.refused.iter().map(|c| view! { <li class="text-red-200">{c.clone()}</li> }).collect_view()}
                        </ul>
                    })}
                </section>
            }
        })
    }
}

/// A scan: asked of the server online, checked on the device offline.
fn scan(state: DoorState, l: Locale, code: String) {
    let Some(settings) = state.settings.get_untracked() else {
        return;
    };
    state.notice.set(None);
    if state.offline.get_untracked() {
        let verdict = state.kit.with_untracked(|kit| {
            kit.as_ref()
                .filter(|kit| kit.slug == settings.slug)
                .map(|kit| {
                    state.admitted.with_untracked(|admitted| {
                        offline::check(&code, kit, &settings.stages, admitted)
                    })
                })
        });
        let Some(verdict) = verdict else {
            state
                .notice
                .set(Some(td_string!(l, door.no_kit).to_string()));
            return;
        };
        if let Verdict::Admit { ticket, .. } = &verdict {
            state.remember(Admitted {
                ticket: ticket.clone(),
                gate: settings.gate.clone(),
                time: device::clock_now(),
            });
            state.queue.update(|queue| {
                queue.push(QueuedScan {
                    code: code.clone(),
                    gate: settings.gate.clone(),
                    scan_id: device::new_scan_id(),
                    at: device::now_rfc3339(),
                    stages: settings.stages.clone(),
                })
            });
            state.save_queue();
        }
        let stage_of = |id: u32| {
            state.kit.with_untracked(|kit| {
                kit.as_ref().and_then(|kit| {
                    kit.stages
                        .iter()
                        .find(|s| s.id == id)
                        .map(|s| (s.name.clone(), s.day))
                })
            })
        };
        state.show(offline_shown(l, verdict, stage_of));
        return;
    }
    state.checking.set(true);
    let scan_id = device::new_scan_id();
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        let answer = redeem_scan(
            settings.slug.clone(),
            code,
            settings.gate.clone(),
            settings.stages.clone(),
            scan_id,
        )
        .await;
        state.checking.set(false);
        match answer {
            Ok(answer) => {
                if answer.outcome == "admitted" {
                    if let Some(ticket) = &answer.ticket {
                        state.remember(Admitted {
                            ticket: ticket.clone(),
                            gate: settings.gate.clone(),
                            time: device::clock_now(),
                        });
                    }
                }
                state.show(online_shown(l, &answer));
            }
            Err(problem) if problem == crate::forms::Problem::unreachable() => {
                state
                    .notice
                    .set(Some(td_string!(l, door.network_down).to_string()));
                state.focus_input();
            }
            Err(problem) => {
                state.notice.set(Some(
                    td_string!(l, door.scan_failed, reason = problem.message).to_string(),
                ));
                state.focus_input();
            }
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (scan_id, redeem_scan);
}

/// The server's answer on the screen.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn online_shown(l: Locale, answer: &DoorAnswer) -> Shown {
    let stage_line = match (&answer.stage, answer.day) {
        (Some(stage), Some(day)) => {
            Some(td_string!(l, door.stage_day, stage = stage.clone(), day = day).to_string())
        }
        _ => None,
    };
    let holder = answer
        .owner
        .as_ref()
        .map(|name| td_string!(l, door.holder, name = name.clone()).to_string());
    let (admit, headline, mut lines) = match answer.outcome.as_str() {
        "admitted" => (
            true,
            td_string!(l, door.admit).to_string(),
            stage_line.into_iter().chain(holder).collect::<Vec<_>>(),
        ),
        "already_admitted" => {
            let mut lines = Vec::new();
            if let (Some(gate), Some(time)) = (&answer.first_gate, &answer.first_at) {
                lines.push(
                    td_string!(
                        l,
                        door.already_where,
                        gate = gate.clone(),
                        time = time.clone()
                    )
                    .to_string(),
                );
            }
            lines.extend(stage_line);
            lines.extend(holder);
            (
                false,
                td_string!(l, door.already_admitted).to_string(),
                lines,
            )
        }
        "wrong_stage" => {
            let line = match (&answer.stage, answer.day) {
                (Some(stage), Some(day)) => Some(
                    td_string!(l, door.wrong_stage_detail, stage = stage.clone(), day = day)
                        .to_string(),
                ),
                _ => None,
            };
            (
                false,
                td_string!(l, door.wrong_stage).to_string(),
                line.into_iter().chain(holder).collect(),
            )
        }
        "cancelled" => (
            false,
            td_string!(l, door.cancelled).to_string(),
            vec![td_string!(l, door.cancelled_detail).to_string()],
        ),
        _ => (
            false,
            td_string!(l, door.not_valid).to_string(),
            vec![td_string!(l, door.not_valid_detail).to_string()],
        ),
    };
    if answer.repeated {
        lines.push(td_string!(l, door.repeated).to_string());
    }
    if let Some(code) = &answer.code {
        lines.push(code.clone());
    }
    Shown {
        admit,
        outcome: answer.outcome.clone(),
        headline,
        lines,
        serial: 0,
    }
}

/// The device's own answer on the screen.
fn offline_shown(
    l: Locale,
    verdict: Verdict,
    stage_of: impl Fn(u32) -> Option<(String, u8)>,
) -> Shown {
    let stage_line = |id: u32| {
        stage_of(id)
            .map(|(stage, day)| td_string!(l, door.stage_day, stage = stage, day = day).to_string())
    };
    let (admit, outcome, headline, lines) = match verdict {
        Verdict::Admit { stage, .. } => (
            true,
            "admitted",
            td_string!(l, door.admit).to_string(),
            stage_line(stage).into_iter().collect(),
        ),
        Verdict::AlreadyAdmitted { gate, time } => (
            false,
            "already_admitted",
            td_string!(l, door.already_admitted).to_string(),
            vec![td_string!(l, door.already_where, gate = gate, time = time).to_string()],
        ),
        Verdict::WrongStage { stage } => (
            false,
            "wrong_stage",
            td_string!(l, door.wrong_stage).to_string(),
            stage_of(stage)
                .map(|(stage, day)| {
                    td_string!(l, door.wrong_stage_detail, stage = stage, day = day).to_string()
                })
                .into_iter()
                .collect(),
        ),
        Verdict::Cancelled => (
            false,
            "cancelled",
            td_string!(l, door.cancelled).to_string(),
            vec![td_string!(l, door.cancelled_detail).to_string()],
        ),
        Verdict::NotValid => (
            false,
            "not_valid",
            td_string!(l, door.not_valid).to_string(),
            vec![td_string!(l, door.not_valid_detail).to_string()],
        ),
        Verdict::Unchecked => (
            false,
            "unchecked",
            td_string!(l, door.unchecked).to_string(),
            vec![td_string!(l, door.unchecked_detail).to_string()],
        ),
    };
    Shown {
        admit,
        outcome: outcome.to_owned(),
        headline,
        lines,
        serial: 0,
    }
}

/// Goes online: the queue uploaded as forced check-ins, its answers listed.
/// With no answer from the server the door stays offline.
fn upload(state: DoorState, l: Locale) {
    let queue = state.queue.get_untracked();
    if queue.is_empty() {
        state.offline.set(false);
        device::save(device::OFFLINE, &false);
        state.report.set(None);
        return;
    }
    state.uploading.set(true);
    state.notice.set(None);
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        let answers = sync_scans(queue.clone()).await;
        state.uploading.set(false);
        match answers {
            Ok(answers) => {
                let report = report_of(l, &queue, &answers);
                let done: Vec<&str> = answers.iter().map(|a| a.scan_id.as_str()).collect();
                state
                    .queue
                    .update(|queue| queue.retain(|q| !done.contains(&q.scan_id.as_str())));
                state.save_queue();
                state.report.set(Some(report));
                if state.queue.with_untracked(Vec::is_empty) {
                    state.offline.set(false);
                    device::save(device::OFFLINE, &false);
                }
            }
            Err(_) => state
                .notice
                .set(Some(td_string!(l, door.upload_failed).to_string())),
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (l, sync_scans);
}

/// The upload's answers in words: how many were kept, the conflicts, the refusals.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn report_of(l: Locale, queue: &[QueuedScan], answers: &[SyncedScan]) -> Report {
    let mut report = Report::default();
    for synced in answers {
        let sent = queue.iter().find(|q| q.scan_id == synced.scan_id);
        match &synced.answer {
            Ok(answer) => {
                report.uploaded += 1;
                let code = answer.code.clone().unwrap_or_default();
                match answer.conflict.as_deref() {
                    Some("already_admitted") => report.conflicts.push(
                        td_string!(
                            l,
                            door.conflict_again,
                            code = code,
                            gate = answer.first_gate.clone().unwrap_or_default(),
                            time = answer.first_at.clone().unwrap_or_default()
                        )
                        .to_string(),
                    ),
                    Some("cancelled") => report
                        .conflicts
                        .push(td_string!(l, door.conflict_cancelled, code = code).to_string()),
                    Some(_) => report
                        .conflicts
                        .push(td_string!(l, door.conflict_wrong_stage, code = code).to_string()),
                    None => {}
                }
            }
            Err(reason) => {
                let code: String = sent
                    .map(|q| q.code.chars().take(12).collect())
                    .unwrap_or_default();
                report.refused.push(
                    td_string!(l, door.upload_refused, code = code, reason = reason.clone())
                        .to_string(),
                );
            }
        }
    }
    report
}
