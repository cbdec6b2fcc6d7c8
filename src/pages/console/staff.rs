//! `/console/staff`: everyone with a role; give a role to an existing
//! account by name; take a role away (the last organiser keeps theirs).

use crate::components::console::{
    gated, latest_problem, this_page, ConsoleField, ConsoleNav, FormProblem, MAIN_BUTTON,
};
use crate::forms::Field;
use crate::i18n::td_string;
use crate::language::use_locale;
use crate::server_fns::console::staff::{staff_list, GrantRole, RevokeRole, StaffData};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{lazy_route, LazyRoute};

/// The page as a lazy route (a wasm chunk of its own with `--split`): fans
/// never download the console's code.
pub struct StaffRoute;

#[lazy_route]
impl LazyRoute for StaffRoute {
    fn data() -> Self {
        StaffRoute
    }

    fn view(this: Self) -> AnyView {
        let StaffRoute = this;
        view! { <StaffPage/> }.into_any()
    }
}

#[component]
pub fn StaffPage() -> impl IntoView {
    let l = use_locale();
    let grant = ServerAction::<GrantRole>::new();
    let revoke = ServerAction::<RevokeRole>::new();
    let data = Resource::new(
        move || grant.version().get() + revoke.version().get(),
        |_| staff_list(),
    );
    let here = this_page();
    view! {
        <Title text=td_string!(l, console.staff).to_string()/>
        <ConsoleNav/>
        <Suspense fallback=|| ()>
            {move || {
                let here = here.clone();
                Suspend::new(async move {
                    gated(&here, data.await, move |list| view! { <Staff list grant revoke/> }.into_any())
                })
            }}
        </Suspense>
    }
}

#[component]
fn Staff(
    list: StaffData,
    grant: ServerAction<GrantRole>,
    revoke: ServerAction<RevokeRole>,
) -> impl IntoView {
    let l = use_locale();
    let problem = latest_problem(
        list.problem.clone(),
        vec![grant.value().into(), revoke.value().into()],
    );
    let name_error = Signal::derive(move || problem.get().and_then(|p| p.for_field(Field::Name)));
    let typed_name = list
        .typed
        .iter()
        .find(|(field, _)| field == "name")
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    let role_name = move |role: &str| match role {
        "organiser" => td_string!(l, console.role_organiser).to_string(),
        _ => td_string!(l, console.role_door).to_string(),
    };
    view! {
        <h1 class="font-display mt-6 text-2xl font-black sm:text-3xl">{td_string!(l, console.staff).to_string()}</h1>
        <FormProblem problem/>
        <div class="mt-4 overflow-x-auto rounded-2xl border border-white/10">
            <table class="w-full text-left text-sm">
                <thead class="bg-white/5 text-slate-300">
                    <tr>
                        <th scope="col" class="px-3 py-2">{td_string!(l, console.staff_name).to_string()}</th>
                        <th scope="col" class="px-3 py-2">{td_string!(l, console.roles).to_string()}</th>
                        <th scope="col" class="hidden px-3 py-2 sm:table-cell">{td_string!(l, console.second_factor).to_string()}</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-white/10">
                    {list.members.into_iter().map(|member| {
                        let you = member.name == list.you;
                        let row_name = member.name.clone();
                        let factor = match member.second_factor_set {
                            true => td_string!(l, console.factor_on).to_string(),
                            false => td_string!(l, console.factor_off).to_string(),
                        };
                        let role_forms = {
                            let name = member.name.clone();
                            member.roles.clone().into_iter().map(move |role| {
                                let label = td_string!(l, console.remove_role, role = role_name(&role), name = name.clone()).to_string();
                                let shown = role_name(&role);
                                let name = name.clone();
                                view! {
                                    <ActionForm action=revoke attr:class="flex items-center gap-1 rounded-full border border-white/15 py-0.5 pl-2 pr-0.5">
                                        <input type="hidden" name="name" value=name/>
                                        <input type="hidden" name="role" value=role.clone()/>
                                        <span>{shown}</span>
                                        <button type="submit" class="rounded-full px-2 text-rose-200 hover:bg-rose-500/20 focus-visible:outline-2 focus-visible:outline-glow-300"
                                            aria-label=label data-revoke=role.clone()>"×"</button>
                                    </ActionForm>
                                }
                            }).collect_view()
                        };
                        view! {
                            <tr data-member=row_name>
                                <th scope="row" class="px-3 py-2 align-top font-semibold">
                                    {member.name.clone()}
                                    {you.then(|| view! { <span class="ml-1 text-xs font-normal text-slate-400">{td_string!(l, console.you).to_string()}</span> })}
                                    <span class="block text-xs font-normal text-slate-400 sm:hidden">{format!("{}: {factor}", td_string!(l, console.second_factor))}</span>
                                </th>
                                <td class="px-3 py-2">
                                    <div class="flex flex-wrap gap-2">
                                        {role_forms}
                                    </div>
                                </td>
                                <td class="hidden px-3 py-2 sm:table-cell">{factor.clone()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <section class="mt-6 rounded-2xl border border-white/10 bg-white/[0.03] p-4 sm:p-6" aria-labelledby="grant-title">
            <h2 id="grant-title" class="text-lg font-bold">{td_string!(l, console.give_role).to_string()}</h2>
            <p class="mt-1 text-sm text-slate-400">{td_string!(l, console.give_role_hint).to_string()}</p>
            <ActionForm action=grant attr:novalidate=true attr:class="mt-3 grid gap-3 sm:grid-cols-[1fr_auto_auto] sm:items-end">
                <ConsoleField name="name" label=td_string!(l, console.staff_name).to_string() value=typed_name error=name_error required=true/>
                <div>
                    <label for="role" class="block text-sm font-semibold text-slate-200">{td_string!(l, console.role).to_string()}</label>
                    <select id="role" name="role" class="mt-1 block w-full rounded-lg border border-white/20 bg-night-900 px-3 py-2 text-base text-white">
                        <option value="door">{td_string!(l, console.role_door).to_string()}</option>
                        <option value="organiser">{td_string!(l, console.role_organiser).to_string()}</option>
                    </select>
                </div>
                <button type="submit" class=MAIN_BUTTON disabled=move || grant.pending().get()>{td_string!(l, console.give).to_string()}</button>
            </ActionForm>
        </section>
    }
}
