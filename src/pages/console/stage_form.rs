//! `/console/f/:slug/stages/new` and `/console/f/:slug/stages/:id`: a
//! stage's name, day, times (typed on the festival's clock), price, stock,
//! limits (blank: the server's defaults) and whether it is closed.

use crate::components::console::{
    gated, latest_problem, this_page, ConsoleField, ConsoleNav, FormProblem, MAIN_BUTTON,
};
use crate::forms::Field;
use crate::i18n::td_string;
use crate::language::use_locale;
use crate::routes;
use crate::server_fns::console::stages::{stage_form, SaveStage, StageFormData};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use leptos_router::{lazy_route, LazyRoute};

/// The page as a lazy route (a wasm chunk of its own with `--split`): fans
/// never download the console's code.
pub struct StageFormRoute;

#[lazy_route]
impl LazyRoute for StageFormRoute {
    fn data() -> Self {
        StageFormRoute
    }

    fn view(this: Self) -> AnyView {
        let StageFormRoute = this;
        view! { <StageFormPage/> }.into_any()
    }
}

#[component]
pub fn StageFormPage() -> impl IntoView {
    let l = use_locale();
    let params = use_params_map();
    let key = move || {
        let params = params.read();
        (
            params.get("slug").unwrap_or_default(),
            params.get("id").unwrap_or_default(),
        )
    };
    let save = ServerAction::<SaveStage>::new();
    let data = Resource::new(
        move || (key(), save.version().get()),
        |((slug, id), _)| stage_form(slug, id),
    );
    let here = this_page();
    view! {
        <Title text=td_string!(l, console.stage_title).to_string()/>
        <ConsoleNav/>
        <Suspense fallback=|| ()>
            {move || {
                let here = here.clone();
                Suspend::new(async move {
                    gated(&here, data.await, move |form| view! { <Form form save/> }.into_any())
                })
            }}
        </Suspense>
    }
}

#[component]
fn Form(form: StageFormData, save: ServerAction<SaveStage>) -> impl IntoView {
    let l = use_locale();
    let problem = latest_problem(form.problem.clone(), vec![save.value().into()]);
    let error_of =
        move |field| Signal::derive(move || problem.get().and_then(|p| p.for_field(field)));
    let value = {
        let form = form.clone();
        move |field: &str| form.value(field)
    };
    let zone = form.zone.clone();
    let time_label = move |label: String| format!("{label} ({zone})");
    let slug = form.festival.slug.clone();
    let title = match form.id {
        Some(_) => value("name"),
        None => td_string!(l, console.new_stage).to_string(),
    };
    view! {
        <p class="mt-6 text-sm">
            <A href=routes::console_festival(&slug) attr:class="font-semibold text-glow-300 hover:underline">{"← "}{form.festival.name.clone()}</A>
        </p>
        <h1 class="font-display mt-2 break-words text-2xl font-black sm:text-3xl">{title}</h1>
        <p class="mt-1 text-sm text-slate-400">{td_string!(l, console.times_in_zone, zone = form.festival.time_zone.clone()).to_string()}</p>
        <FormProblem problem/>
        <ActionForm action=save attr:novalidate=true attr:class="mt-4 rounded-2xl border border-white/10 bg-white/[0.03] p-4 sm:p-6">
            <input type="hidden" name="slug" value=slug.clone()/>
            <input type="hidden" name="id" value=form.id.map(|id| id.to_string()).unwrap_or_default()/>
            <div class="grid gap-4 sm:grid-cols-2">
                <ConsoleField name="name" label=td_string!(l, console.stage_name).to_string() value=value("name") error=error_of(Field::Name) required=true/>
                <ConsoleField name="day" label=td_string!(l, console.stage_day).to_string() kind="number" inputmode="numeric" value=value("day") error=error_of(Field::Day) required=true/>
                <ConsoleField name="doors_open" label=time_label(td_string!(l, console.stage_doors_open).to_string()) kind="datetime-local" value=value("doors_open") error=error_of(Field::DoorsOpen) required=true/>
                <ConsoleField name="starts_at" label=time_label(td_string!(l, console.stage_starts_at).to_string()) kind="datetime-local" value=value("starts_at") error=error_of(Field::StartsAt) required=true/>
                <ConsoleField name="sale_opens" label=time_label(td_string!(l, console.stage_sale_opens).to_string()) kind="datetime-local" value=value("sale_opens") error=error_of(Field::SaleOpens) required=true/>
                <ConsoleField name="sale_closes" label=time_label(td_string!(l, console.stage_sale_closes).to_string()) kind="datetime-local" value=value("sale_closes") error=error_of(Field::SaleCloses) required=true/>
                <ConsoleField name="price" label=td_string!(l, console.stage_price).to_string() inputmode="numeric" value=value("price") error=error_of(Field::Price) required=true/>
                <ConsoleField name="total_stock" label=td_string!(l, console.stage_stock).to_string() kind="number" inputmode="numeric" value=value("total_stock") error=error_of(Field::Stock) required=true/>
                <ConsoleField name="per_order" label=td_string!(l, console.stage_per_order).to_string() kind="number" inputmode="numeric" value=value("per_order") error=error_of(Field::PerOrder) hint=td_string!(l, console.blank_default).to_string()/>
                <ConsoleField name="per_fan" label=td_string!(l, console.stage_per_fan).to_string() kind="number" inputmode="numeric" value=value("per_fan") error=error_of(Field::PerFan) hint=td_string!(l, console.blank_default).to_string()/>
            </div>
            <label class="mt-4 flex items-center gap-2 text-sm font-semibold text-slate-200">
                <input type="checkbox" name="closed" value="true" checked=!value("closed").is_empty() class="h-5 w-5 accent-glow-400"/>
                {td_string!(l, console.stage_closed).to_string()}
            </label>
            <label class="mt-3 flex items-center gap-2 text-sm font-semibold text-slate-200">
                <input type="checkbox" name="reentry" value="true" checked=!value("reentry").is_empty() class="h-5 w-5 accent-glow-400"/>
                {td_string!(l, console.stage_reentry).to_string()}
            </label>
            <button type="submit" class=format!("mt-5 {MAIN_BUTTON}") disabled=move || save.pending().get()>{td_string!(l, console.save_stage).to_string()}</button>
        </ActionForm>
    }
}
