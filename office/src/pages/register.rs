//! 设备档案, the equipment register: a search box over serials and models with the machines as a
//! table, and a machine's page: its entry (model, customer, delivery, warranty), its hours over
//! time, and every order on it with status, photos by name and report, repeat visits marked.

use fieldbook::api::ApiFail;
use fieldbook::i18n::{self as labels, use_lang};
use fieldbook::pages::work_orders::status_class;
use fieldbook_model::WorkOrder;
use fieldbook_model::desk::{Machine, MachineHistory};
use fieldbook_model::register::MachineError;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::china;
use crate::i18n::{Msg, tr};
use crate::register_api as rapi;
use crate::router::Route;
use crate::session::{fail_text, use_session};

/// The register's search: every keystroke asks again; only the answer to the newest query shows.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let query = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Result<Vec<Machine>, ApiFail>>);
    let run = move |q: String| {
        spawn_local(async move {
            let answer = rapi::search(q.clone()).await;
            if matches!(answer, Err(ApiFail::Unauthorized)) {
                session.expire();
            }
            if query.get_untracked() == q {
                found.set(Some(answer));
            }
        });
    };
    run(String::new());
    view! {
        <section class="list-page register-page">
            <div class="list-head">
                <h1>{tr(Msg::NavRegister)}</h1>
                <input
                    type="search"
                    class="register-search"
                    data-testid="machine-search"
                    placeholder=tr(Msg::SearchMachines)
                    aria-label=tr(Msg::SearchMachines)
                    prop:value=move || query.get()
                    on:input=move |ev| {
                        let q = event_target_value(&ev);
                        query.set(q.clone());
                        run(q);
                    }
                />
            </div>
            {move || match found.get() {
                None => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="empty muted">{tr(Msg::NoMachines)}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <table class="dense" data-testid="machine-results">
                        <thead><tr>
                            <th>{tr(Msg::Serial)}</th>
                            <th>{tr(Msg::Model)}</th>
                            <th>{tr(Msg::Customer)}</th>
                            <th>{tr(Msg::DeliveredOn)}</th>
                            <th>{tr(Msg::WarrantyEnd)}</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|m| view! {
                                <tr data-serial=m.serial.clone()>
                                    <td class="cell-mono"><a href=Route::machine_href(&m.serial)>{m.serial.clone()}</a></td>
                                    <td>{m.equipment_model.clone()}</td>
                                    <td>{m.customer.clone()}</td>
                                    <td>{m.delivered_on.map(|d| d.to_string())}</td>
                                    <td>{m.warranty_end.map(|d| d.to_string())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
        </section>
    }
}

/// One machine's page; `serial` as the address gives it.
#[component]
pub fn MachinePage(serial: String) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let history = LocalResource::new(move || rapi::machine(serial.clone()));
    Effect::new(move |_| {
        if history.with(|h| matches!(h, Some(Err(ApiFail::Unauthorized)))) {
            session.expire();
        }
    });
    view! {
        <section class="detail-page machine-page">
            <a class="back" href=Route::Machines.href()>"‹ "{tr(Msg::NavRegister)}</a>
            {move || match history.get() {
                None => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
                Some(Err(ApiFail::Server(404, _))) => view! { <p class="empty muted">{tr(Msg::NoMachine)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> }.into_any(),
                Some(Ok(h)) => view! { <MachineView history=h/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn MachineView(history: MachineHistory) -> impl IntoView {
    let lang = use_lang();
    let m = history.machine;
    let today = chrono::Utc::now().date_naive();
    let warranty = m.warranty_end.map(|end| {
        let ok = end >= today;
        view! {
            " "<span class=if ok { "badge ok" } else { "badge missing" } data-testid="warranty">
                {tr(if ok { Msg::InWarranty } else { Msg::OutOfWarranty })}
            </span>
        }
    });
    let readings = m.hours.clone();
    let orders = history.orders;
    view! {
        <h1 class="machine-serial" data-testid="machine-serial">{m.serial.clone()}</h1>
        <dl class="facts" data-testid="machine-facts">
            <dt>{tr(Msg::Model)}</dt><dd data-testid="machine-model">{m.equipment_model.clone()}</dd>
            <dt>{tr(Msg::Customer)}</dt><dd data-testid="machine-customer">{m.customer.clone()}</dd>
            <dt>{tr(Msg::DeliveredOn)}</dt><dd>{m.delivered_on.map(|d| d.to_string())}</dd>
            <dt>{tr(Msg::WarrantyEnd)}</dt><dd>{m.warranty_end.map(|d| d.to_string())}{warranty}</dd>
        </dl>
        <EditEntry machine=m/>
        <h2>{tr(Msg::HoursOverTime)}</h2>
        {if readings.is_empty() {
            view! { <p class="muted">{tr(Msg::NoReadings)}</p> }.into_any()
        } else {
            view! {
                <table class="dense" data-testid="machine-hours">
                    <thead><tr><th>{tr(Msg::ReadingAt)}</th><th>{tr(Msg::Hours)}</th><th>{tr(Msg::Ticket)}</th></tr></thead>
                    <tbody>
                        {readings.into_iter().map(|r| view! {
                            <tr>
                                <td>{china::full(r.at)}</td>
                                <td class="num">{r.hours}</td>
                                <td>{match r.ticket {
                                    Some(t) => view! { <span class="cell-mono">{t}</span> }.into_any(),
                                    None => view! { <span class="muted">{tr(Msg::FromImport)}</span> }.into_any(),
                                }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        <h2>{tr(Msg::ServiceHistory)}</h2>
        {if orders.is_empty() {
            view! { <p class="muted">{tr(Msg::NoOrdersOnMachine)}</p> }.into_any()
        } else {
            view! {
                <table class="dense" data-testid="machine-orders">
                    <thead><tr>
                        <th>{tr(Msg::Ticket)}</th>
                        <th>{tr(Msg::CalledAt)}</th>
                        <th>{tr(Msg::ServiceType)}</th>
                        <th>{tr(Msg::Status)}</th>
                        <th>{tr(Msg::Assignee)}</th>
                        <th>{tr(Msg::Photos)}</th>
                        <th>{tr(Msg::Report)}</th>
                    </tr></thead>
                    <tbody>
                        {orders.into_iter().map(|o| view! { <OrderRow order=o lang=lang/> }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

#[component]
fn OrderRow(order: WorkOrder, lang: RwSignal<fieldbook::i18n::Lang>) -> impl IntoView {
    let status = order.status;
    let service = order.service_type;
    // Closed at the desk: locked, whatever its last status node.
    let closed = order.is_closed();
    let repeat = order.repeat_of.clone().map(|of| {
        view! { " "<span class="badge down" data-testid="repeat" title=of.clone()>{tr(Msg::RepeatVisit)}" · "{of.clone()}</span> }
    });
    // A withdrawn photo (a wrong picture) is on its order's page, not in the machine's history.
    let photos = order
        .photos
        .iter()
        .filter(|p| p.withdrawn_at.is_none())
        .map(|p| {
            let href = format!("/api/photos/{}", p.id);
            view! { <li><a href=href target="_blank" class="cell-mono">{p.name.clone()}</a></li> }
        })
        .collect_view();
    let report = &order.report;
    let summary = [report.fault_cause.clone(), report.work_done.clone()]
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" / ");
    let submitted = report.submitted_at.is_some();
    view! {
        <tr data-ticket=order.ticket.clone()>
            <td class="cell-mono"><a href=Route::WorkOrder(order.id).href()>{order.ticket.clone()}</a>{repeat}</td>
            <td>{china::full(order.called_at)}</td>
            <td>{move || labels::service_type(service, lang.get())}</td>
            <td>
                <span class=status_class(status)>{move || labels::status_node(status, lang.get())}</span>
                {closed.then(|| view! { " "<span class="badge locked" data-testid="machine-order-closed">{tr(Msg::ClosedLocked)}</span> })}
            </td>
            <td>{order.assignee_label().to_string()}</td>
            <td><ul class="photo-names">{photos}</ul></td>
            <td>
                <span class=if submitted { "report done" } else { "report muted" }>
                    {tr(if submitted { Msg::Submitted } else { Msg::NotSubmitted })}
                </span>
                {(!summary.is_empty()).then(|| view! { <div class="muted">{summary}</div> })}
            </td>
        </tr>
    }
}

/// The register's entry, changed by a dispatcher (the server refuses anyone else).
#[component]
fn EditEntry(machine: Machine) -> impl IntoView {
    let lang = use_lang();
    let model = RwSignal::new(machine.equipment_model.clone());
    let customer = RwSignal::new(machine.customer.clone());
    let delivered = RwSignal::new(
        machine
            .delivered_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    let warranty = RwSignal::new(
        machine
            .warranty_end
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    let note = RwSignal::new(None::<Result<(), String>>);
    let busy = RwSignal::new(false);
    let serial = machine.serial.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let date = |s: String| chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
        let entry = Machine {
            serial: serial.clone(),
            equipment_model: model.get_untracked(),
            customer: customer.get_untracked(),
            delivered_on: date(delivered.get_untracked()),
            warranty_end: date(warranty.get_untracked()),
            hours: Vec::new(),
        };
        // The model's own rules first, as the server will check them.
        if let Some(e) = entry.check().first() {
            let l = lang.get_untracked();
            let field = match e.field() {
                "serial" => Msg::Serial,
                "equipment_model" => Msg::Model,
                "customer" => Msg::Customer,
                _ => Msg::WarrantyEnd,
            };
            note.set(Some(Err(match e {
                MachineError::Required { .. } => {
                    format!("{} {}", field.text(l), Msg::ErrRequired.text(l))
                }
                MachineError::Invalid { .. } => {
                    format!("{} {}", field.text(l), Msg::ErrInvalid.text(l))
                }
                MachineError::WarrantyBeforeDelivery => {
                    Msg::ErrWarrantyBeforeDelivery.text(l).to_string()
                }
            })));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = rapi::put_machine(entry).await;
            busy.set(false);
            note.set(Some(match result {
                Ok(_) => Ok(()),
                Err(ApiFail::Server(_, e)) => Err(e.message),
                Err(other) => Err(fail_text(&other).text(lang.get_untracked()).to_string()),
            }));
        });
    };
    view! {
        <details class="edit-entry">
            <summary>{tr(Msg::EditMachine)}</summary>
            <form class="inline-form" on:submit=save data-testid="machine-edit">
                <label>{tr(Msg::Model)}<input bind:value=model required maxlength="60"/></label>
                <label>{tr(Msg::Customer)}<input bind:value=customer maxlength="60"/></label>
                <label>{tr(Msg::DeliveredOn)}<input type="date" bind:value=delivered/></label>
                <label>{tr(Msg::WarrantyEnd)}<input type="date" bind:value=warranty/></label>
                <button class="primary" type="submit" disabled=move || busy.get()>
                    {move || tr(if busy.get() { Msg::Saving } else { Msg::Save })()}
                </button>
                {move || note.get().map(|n| match n {
                    Ok(()) => view! { <span class="badge ok" role="status">{tr(Msg::Saved)}</span> }.into_any(),
                    Err(m) => view! { <span class="field-error" role="alert">{m}</span> }.into_any(),
                })}
            </form>
        </details>
    }
}
