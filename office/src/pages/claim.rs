//! One warranty claim: what the order's report holds (ticket, machine, hours, working condition,
//! the report's fault and work, the photos), the claim's lines as claims support edits them
//! (number, kind, labour, materials with their return tags, other costs, remarks, the amount in
//! yuan, kept in fen), what is still missing in words before "标记已提交", the manufacturer's
//! answer (accepted, or refused with the reason, then resubmitted), the credit note with its
//! difference to the claim flagged, the ZIP of the claim's files, and the history with who and
//! when. Read again every 3 s while visible; the edit form is rebuilt only when the claim itself
//! changes (a save, a state), so what is being typed stays.

use chrono::Utc;
use fieldbook::api::ApiFail;
use fieldbook::i18n::{self as labels, Lang, use_lang};
use fieldbook_model::claims::{
    Claim, ClaimEvent, ClaimKind, ClaimMissing, ClaimState, CostLine, CreditNote, LabourLine,
    MaterialLine,
};
use fieldbook_model::{Role, WorkOrder};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Serialize;
use uuid::Uuid;

use crate::china;
use crate::claims_api::{self as kapi, ClaimView};
use crate::complaints_api as capi;
use crate::i18n::{Msg, tr};
use crate::pages::claims::{claims_writer, my_role};
use crate::pages::complaints::deadline_view;
use crate::router::Route;
use crate::session::{fail_text, use_session};

#[component]
pub fn ClaimPage(id: Uuid) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let data = RwSignal::new(None::<ClaimView>);
    let failed = RwSignal::new(None::<ApiFail>);
    let load = move || {
        spawn_local(async move {
            match kapi::claim(id).await {
                Ok(d) => {
                    failed.set(None);
                    if data.with_untracked(|old| old.as_ref() != Some(&d)) {
                        data.set(Some(d));
                    }
                }
                Err(ApiFail::Unauthorized) => session.expire(),
                Err(e) => failed.set(Some(e)),
            }
        });
    };
    load();
    crate::live::poll_while_visible(load);
    let loaded = Memo::new(move |_| data.with(Option::is_some));
    let back = if my_role() == Some(Role::Claims) || my_role() == Some(Role::Manager) {
        Route::Claims
    } else {
        Route::WorkOrders
    };
    view! {
        <section class="detail-page">
            <a class="back" href=back.href()>"‹ "{tr(Msg::Back)}</a>
            {move || failed.get().map(|e| match e {
                ApiFail::Server(404, _) => view! { <p class="empty muted">{tr(Msg::NoClaim)}</p> }.into_any(),
                e => view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> }.into_any(),
            })}
            {move || if loaded.get() {
                view! { <ClaimDesk data/> }.into_any()
            } else if failed.with(Option::is_none) {
                view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any()
            } else {
                ().into_any()
            }}
        </section>
    }
}

/// What a change ended with, for the card that sent it.
type Outcome = RwSignal<Option<Result<(), String>>>;

/// Send one change to the claim; on success show the server's answer. A `claim_incomplete`
/// refusal's list replaces the missing list shown.
fn send(
    data: RwSignal<Option<ClaimView>>,
    method: &'static str,
    path: String,
    body: impl Serialize + 'static,
    outcome: Outcome,
    lang: Lang,
) {
    outcome.set(None);
    spawn_local(async move {
        match capi::send(
            method,
            &path,
            serde_json::to_string(&body).unwrap_or_default(),
        )
        .await
        {
            Ok(answer) => {
                if let Ok(view) = fieldbook_model::json::from_str::<ClaimView>(&answer) {
                    data.set(Some(view));
                }
                outcome.set(Some(Ok(())));
            }
            Err(fail) => {
                if let Some(missing) = kapi::refused_missing(&fail) {
                    data.update(|d| {
                        if let Some(d) = d {
                            d.missing = missing;
                        }
                    });
                }
                outcome.set(Some(Err(kapi::refusal_text(&fail, lang))));
            }
        }
    });
}

fn outcome_line(outcome: Outcome, testid: &'static str) -> impl IntoView {
    let lang = use_lang();
    move || {
        outcome.get().map(|r| match r {
            Ok(()) => view! { <p class="saved" role="status" data-testid=testid>{move || Msg::Saved.text(lang.get())}</p> }.into_any(),
            Err(text) => view! { <p class="form-error" role="alert" data-testid=testid>{text}</p> }.into_any(),
        })
    }
}

fn kv(label: Msg, value: String, testid: &'static str) -> impl IntoView {
    view! { <div class="kv"><dt>{tr(label)}</dt><dd data-testid=testid>{value}</dd></div> }
}

#[component]
fn ClaimDesk(data: RwSignal<Option<ClaimView>>) -> impl IntoView {
    let lang = use_lang();
    let now = fieldbook::time::use_now();
    let writer = claims_writer();
    let claim = Memo::new(move |_| {
        data.with(|d| d.as_ref().map(|d| d.claim.clone()))
            .expect("shown once loaded")
    });
    let order = Memo::new(move |_| {
        data.with(|d| d.as_ref().map(|d| d.order.clone()))
            .expect("shown once loaded")
    });
    let state = Memo::new(move |_| claim.with(|c| c.state));
    let id = claim.with_untracked(|c| c.id);
    // The edit form belongs to the claim as saved: rebuilt when it changes, not on every poll.
    let version = Memo::new(move |_| claim.with(|c| (c.seq, c.state, c.history.len())));
    let editable = move || matches!(state.get(), ClaimState::Draft | ClaimState::Refused);
    view! {
        <div class="order-desk claim-desk">
            <div class="card order-head">
                <div class="row between">
                    <h1 class="ticket" data-testid="claim-ticket">{tr(Msg::ClaimTitle)}" · "{move || claim.with(|c| c.ticket.clone())}</h1>
                    <div class="row">
                        {(!writer).then(|| view! { <span class="badge">{tr(Msg::ReadOnly)}</span> })}
                        <span class="badge locked" data-testid="claim-state" data-state=move || kapi::state_code(state.get())>{move || kapi::state_msg(state.get()).text(lang.get())}</span>
                        {move || {
                            let number = claim.with(|c| c.claim_number.trim().to_string());
                            if number.is_empty() {
                                view! { <span class="muted small" data-testid="zip-needs-number">{tr(Msg::ZipNeedsNumber)}</span> }.into_any()
                            } else {
                                view! { <a class="primary zip-link" href=format!("/api/claims/{id}/files.zip") download data-testid="claim-zip">{tr(Msg::DownloadClaimZip)}</a> }.into_any()
                            }
                        }}
                    </div>
                </div>
                {move || claim.with(|c| view! {
                    <dl class="kv-grid">
                        {kv(Msg::ClaimNumber, c.claim_number.clone(), "c-number")}
                        <div class="kv"><dt>{tr(Msg::ClaimKindLabel)}</dt><dd data-testid="c-kind">{let k = c.kind; move || kapi::kind_msg(k).text(lang.get())}</dd></div>
                        {kv(Msg::ClaimedAmount, kapi::yuan(c.claimed_fen), "c-claimed")}
                        <div class="kv"><dt>{tr(Msg::ClaimDue)}</dt><dd>{deadline_view(Some(c.due), c.is_late(now.get()), "c-due")}</dd></div>
                    </dl>
                })}
                {move || claim.with(|c| c.credit_note.clone()).map(|n| view! { <CreditNoteView note=n claim/> })}
            </div>
            <div class="order-cols">
                <div class="order-col">
                    <FactsCard claim order/>
                    <HistoryCard claim/>
                </div>
                <div class="order-col wide">
                    {move || editable().then(|| view! { <MissingCard data state writer/> })}
                    {move || {
                        let _ = version.get();
                        if editable() && writer {
                            view! { <EditCard data claim/> }.into_any()
                        } else {
                            view! { <LinesCard claim/> }.into_any()
                        }
                    }}
                    {move || (writer && matches!(state.get(), ClaimState::Submitted | ClaimState::Resubmitted)).then(|| view! { <AnswerCard data id/> })}
                    {move || (writer && state.get() == ClaimState::Accepted).then(|| view! { <PayCard data claim/> })}
                </div>
            </div>
        </div>
    }
}

#[component]
fn CreditNoteView(note: CreditNote, claim: Memo<Claim>) -> impl IntoView {
    let lang = use_lang();
    let difference = note.fen - claim.with_untracked(|c| c.claimed_fen);
    let differs = difference != 0;
    view! {
        <div class=if differs { "credit-note differs" } else { "credit-note" } data-testid="credit-note">
            <strong>{tr(Msg::CreditNote)}</strong>" "
            <span data-testid="credit-number">{note.number.clone()}</span>" · "
            <span data-testid="credit-amount">{kapi::yuan(note.fen)}</span>" · "
            {kapi::to_date_input(note.at)}" · "
            {tr(Msg::Difference)}" "
            <span class=if differs { "late" } else { "" } data-testid="difference" data-differs=differs.to_string()>
                {if difference > 0 { format!("+{}", kapi::yuan(difference)) } else { kapi::yuan(difference) }}
                " · "
                {move || if differs { Msg::DifferenceFlag } else { Msg::NoDifference }.text(lang.get())}
            </span>
        </div>
    }
}

#[component]
fn FactsCard(claim: Memo<Claim>, order: Memo<WorkOrder>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="card" data-testid="claim-facts">
            <h2>{tr(Msg::OrderFacts)}</h2>
            {move || {
                let (c, o) = (claim.get(), order.get());
                let service = o.service_type;
                view! {
                    <dl class="kv-grid two">
                        <div class="kv"><dt>{tr(Msg::Ticket)}</dt><dd data-testid="f-ticket"><a href=Route::WorkOrder(o.id).href()>{c.ticket.clone()}</a></dd></div>
                        <div class="kv"><dt>{tr(Msg::ServiceType)}</dt><dd>{move || labels::service_type(service, lang.get())}</dd></div>
                        {kv(Msg::Model, c.model.clone(), "f-model")}
                        {kv(Msg::Serial, c.serial.clone(), "f-serial")}
                        {kv(Msg::Hours, format!("{} h", c.hours), "f-hours")}
                        {kv(Msg::WorkingCondition, c.working_condition.clone(), "f-condition")}
                        {kv(Msg::Assignee, o.assignee_label().to_string(), "f-assignee")}
                        {kv(Msg::Station, o.station.clone().unwrap_or_default(), "f-station")}
                        {kv(Msg::ServiceCode, o.report.warranty.service_code.clone(), "f-service-code")}
                    </dl>
                    <p><strong>{tr(Msg::FaultCause)}": "</strong>{o.report.fault_cause.clone()}</p>
                    {(!o.report.warranty.fault_info.is_empty()).then(|| view! { <p><strong>{tr(Msg::Fault)}": "</strong>{o.report.warranty.fault_info.clone()}</p> })}
                    <p><strong>{tr(Msg::WorkDone)}": "</strong>{o.report.work_done.clone()}</p>
                    <h3>{tr(Msg::Parts)}</h3>
                    <ul data-testid="f-parts">{o.report.parts.iter().map(|p| view! {
                        <li>{format!("{} {} ×{}", p.part_no, p.name, p.qty)}{p.return_tag.clone().map(|t| view! { " · "<span class="tag">{t}</span> })}</li>
                    }).collect_view()}</ul>
                    <h3>{tr(Msg::Photos)}</h3>
                    <div class="thumbs" data-testid="claim-photos">
                        {o.photos.iter().filter(|p| p.uploaded).map(|p| {
                            let src = format!("/api/photos/{}", p.id);
                            view! {
                                <figure class="thumb">
                                    <a href=src.clone() target="_blank"><img src=src.clone() alt=p.name.clone() loading="lazy"/></a>
                                    <figcaption><span class="photo-name">{p.name.clone()}</span></figcaption>
                                </figure>
                            }
                        }).collect_view()}
                    </div>
                }
            }}
        </div>
    }
}

#[component]
fn MissingCard(
    data: RwSignal<Option<ClaimView>>,
    state: Memo<ClaimState>,
    writer: bool,
) -> impl IntoView {
    let lang = use_lang();
    let outcome: Outcome = RwSignal::new(None);
    let id = data.with_untracked(|d| d.as_ref().map(|d| d.claim.id).unwrap_or_default());
    let submit = move |_| {
        send(
            data,
            "POST",
            format!("/api/claims/{id}/submit"),
            Empty {},
            outcome,
            lang.get_untracked(),
        );
    };
    view! {
        <div class="card" data-testid="claim-missing-card">
            {move || {
                let Some((missing, order)) = data.with(|d| d.as_ref().map(|d| (d.missing.clone(), d.order.clone()))) else {
                    return ().into_any();
                };
                if missing.is_empty() {
                    view! { <p class="saved" data-testid="nothing-missing">{tr(Msg::NothingMissing)}</p> }.into_any()
                } else {
                    view! {
                        <h2>{tr(Msg::MissingTitle)}</h2>
                        <ul class="missing-list" data-testid="claim-missing">
                            {missing.iter().map(|m| {
                                let m = m.clone();
                                let order = order.clone();
                                let code = missing_code(&m);
                                view! { <li data-testid="missing-item" data-missing=code>{move || kapi::missing_text(&m, Some(&order), lang.get())}</li> }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
            {writer.then(|| view! {
                <button class="primary" type="button" data-testid="submit-claim" on:click=submit>
                    {move || if state.get() == ClaimState::Refused { Msg::Resubmit } else { Msg::MarkSubmitted }.text(lang.get())}
                </button>
            })}
            {outcome_line(outcome, "submit-outcome")}
        </div>
    }
}

/// A missing item's kind, for tests.
fn missing_code(m: &ClaimMissing) -> &'static str {
    match m {
        ClaimMissing::ClaimNumber => "claim_number",
        ClaimMissing::Labour => "labour",
        ClaimMissing::PartNumber { .. } => "part_number",
        ClaimMissing::OldPartPhoto { .. } => "old_part_photo",
        ClaimMissing::FaultInformation => "fault_information",
        ClaimMissing::Photo { .. } => "photo",
        ClaimMissing::EngineerGrade { .. } => "engineer_grade",
        ClaimMissing::OrderNotClosed => "order_not_closed",
    }
}

/// The claim's lines, read only (submitted and after, or for those who only read).
#[component]
fn LinesCard(claim: Memo<Claim>) -> impl IntoView {
    view! {
        <div class="card" data-testid="claim-lines">
            {move || {
                let c = claim.get();
                view! {
                    <h2>{tr(Msg::Labour)}</h2>
                    <table class="dense lines">
                        <thead><tr><th>{tr(Msg::Assignee)}</th><th>{tr(Msg::ServiceCode)}</th><th>{tr(Msg::Description)}</th><th>{tr(Msg::HoursLabel)}</th></tr></thead>
                        <tbody>{c.labour.iter().map(|l| view! {
                            <tr><td>{l.engineer.clone()}</td><td>{l.service_code.clone()}</td><td class="clip" title=l.description.clone()>{l.description.clone()}</td><td class="num">{kapi::hours(l.tenths)}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                    <h2>{tr(Msg::Materials)}</h2>
                    <table class="dense lines">
                        <thead><tr><th>{tr(Msg::PartNo)}</th><th>{tr(Msg::PartName)}</th><th>{tr(Msg::Qty)}</th><th>{tr(Msg::ReturnTag)}</th></tr></thead>
                        <tbody>{c.materials.iter().map(|m| view! {
                            <tr><td>{m.part_no.clone()}</td><td>{m.name.clone()}</td><td class="num">{m.qty}</td><td>{m.return_tag.clone().unwrap_or_default()}</td></tr>
                        }).collect_view()}</tbody>
                    </table>
                    <h2>{tr(Msg::OtherCosts)}</h2>
                    <ul>{c.other_costs.iter().map(|o| view! { <li>{o.what.clone()}" · "{kapi::yuan(o.fen)}</li> }).collect_view()}</ul>
                    <p><strong>{tr(Msg::Remarks)}": "</strong>{c.remarks.clone()}</p>
                    <p><strong>{tr(Msg::ClaimedAmount)}": "</strong><span data-testid="lines-claimed">{kapi::yuan(c.claimed_fen)}</span></p>
                }
            }}
        </div>
    }
}

/// One labour line as typed.
#[derive(Clone, Copy)]
struct LabourRow {
    engineer: RwSignal<String>,
    code: RwSignal<String>,
    description: RwSignal<String>,
    hours: RwSignal<String>,
}

#[derive(Clone, Copy)]
struct MaterialRow {
    part_no: RwSignal<String>,
    name: RwSignal<String>,
    qty: RwSignal<String>,
    tag: StoredValue<Option<String>>,
}

#[derive(Clone, Copy)]
struct CostRow {
    what: RwSignal<String>,
    amount: RwSignal<String>,
}

#[derive(Serialize)]
struct ClaimEdit {
    claim_number: String,
    kind: ClaimKind,
    labour: Vec<LabourLine>,
    materials: Vec<MaterialLine>,
    other_costs: Vec<CostLine>,
    remarks: String,
    claimed_fen: i64,
}

/// A text input in a line of the form, with its message under it.
fn line_input(
    value: RwSignal<String>,
    name: String,
    label: Msg,
    error: Signal<Option<&'static str>>,
) -> impl IntoView {
    let lang = use_lang();
    let which = name.rsplit('_').next().unwrap_or_default().to_string();
    view! {
        <label class="field">
            <span class="sr-only">{tr(label)}</span>
            <input name=name.clone() aria-label=move || format!("{} {}", label.text(lang.get()), which) autocomplete="off"
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            <small class="field-error" data-field=name.clone()>{error}</small>
        </label>
    }
}

#[component]
fn EditCard(data: RwSignal<Option<ClaimView>>, claim: Memo<Claim>) -> impl IntoView {
    let lang = use_lang();
    let c = claim.get_untracked();
    let id = c.id;
    let number = RwSignal::new(c.claim_number.clone());
    let kind = RwSignal::new(c.kind);
    let remarks = RwSignal::new(c.remarks.clone());
    let claimed = RwSignal::new(if c.claimed_fen == 0 {
        String::new()
    } else {
        kapi::yuan(c.claimed_fen)
    });
    let labour_row = |l: &LabourLine| LabourRow {
        engineer: RwSignal::new(l.engineer.clone()),
        code: RwSignal::new(l.service_code.clone()),
        description: RwSignal::new(l.description.clone()),
        hours: RwSignal::new(kapi::hours(l.tenths)),
    };
    let material_row = |m: &MaterialLine| MaterialRow {
        part_no: RwSignal::new(m.part_no.clone()),
        name: RwSignal::new(m.name.clone()),
        qty: RwSignal::new(m.qty.to_string()),
        tag: StoredValue::new(m.return_tag.clone()),
    };
    let cost_row = |o: &CostLine| CostRow {
        what: RwSignal::new(o.what.clone()),
        amount: RwSignal::new(kapi::yuan(o.fen)),
    };
    let labour = RwSignal::new(c.labour.iter().map(labour_row).collect::<Vec<_>>());
    let materials = RwSignal::new(c.materials.iter().map(material_row).collect::<Vec<_>>());
    let costs = RwSignal::new(c.other_costs.iter().map(cost_row).collect::<Vec<_>>());
    let tried = RwSignal::new(false);
    let outcome: Outcome = RwSignal::new(None);
    let shown = move |bad: bool, msg: Msg| (tried.get() && bad).then(|| msg.text(lang.get()));
    let save = move |_| {
        tried.set(true);
        let labour_lines: Option<Vec<LabourLine>> = labour
            .get_untracked()
            .iter()
            .map(|r| {
                Some(LabourLine {
                    engineer: r.engineer.get_untracked().trim().to_string(),
                    service_code: r.code.get_untracked().trim().to_string(),
                    description: r.description.get_untracked().trim().to_string(),
                    tenths: kapi::parse_hours(&r.hours.get_untracked())?,
                })
            })
            .collect();
        let material_lines: Option<Vec<MaterialLine>> = materials
            .get_untracked()
            .iter()
            .map(|r| {
                Some(MaterialLine {
                    part_no: r.part_no.get_untracked().trim().to_string(),
                    name: r.name.get_untracked().trim().to_string(),
                    qty: r
                        .qty
                        .get_untracked()
                        .trim()
                        .parse()
                        .ok()
                        .filter(|q| (1..=9999).contains(q))?,
                    return_tag: r.tag.get_value(),
                })
            })
            .collect();
        let cost_lines: Option<Vec<CostLine>> = costs
            .get_untracked()
            .iter()
            .map(|r| {
                Some(CostLine {
                    what: r.what.get_untracked().trim().to_string(),
                    fen: kapi::parse_yuan(&r.amount.get_untracked())?,
                })
            })
            .collect();
        let claimed_text = claimed.get_untracked();
        let claimed_fen = if claimed_text.trim().is_empty() {
            Some(0)
        } else {
            kapi::parse_yuan(&claimed_text)
        };
        let (Some(labour), Some(materials), Some(other_costs), Some(claimed_fen)) =
            (labour_lines, material_lines, cost_lines, claimed_fen)
        else {
            outcome.set(Some(Err(Msg::FixFields.text(lang.get_untracked()).into())));
            return;
        };
        let body = ClaimEdit {
            claim_number: number.get_untracked().trim().to_string(),
            kind: kind.get_untracked(),
            labour,
            materials,
            other_costs,
            remarks: remarks.get_untracked().trim().to_string(),
            claimed_fen,
        };
        send(
            data,
            "PUT",
            format!("/api/claims/{id}"),
            body,
            outcome,
            lang.get_untracked(),
        );
    };
    let add_labour = move |_| {
        let engineer = claim
            .with_untracked(|c| c.labour.first().map(|l| l.engineer.clone()))
            .unwrap_or_default();
        labour.update(|v| {
            v.push(labour_row(&LabourLine {
                engineer,
                service_code: String::new(),
                description: String::new(),
                tenths: 0,
            }))
        });
    };
    let add_material = move |_| {
        materials.update(|v| {
            v.push(material_row(&MaterialLine {
                part_no: String::new(),
                name: String::new(),
                qty: 1,
                return_tag: None,
            }))
        });
    };
    let add_cost = move |_| {
        costs.update(|v| {
            v.push(cost_row(&CostLine {
                what: String::new(),
                fen: 0,
            }))
        })
    };
    view! {
        <div class="card claim-form" data-testid="claim-form">
            <div class="grid3">
                <label class="field">
                    <span>{tr(Msg::ClaimNumber)}</span>
                    <input name="claim_number" aria-label=tr(Msg::ClaimNumber) autocomplete="off" prop:value=move || number.get() on:input=move |ev| number.set(event_target_value(&ev))/>
                    <small class="field-error" data-field="claim_number"></small>
                </label>
                <label class="field">
                    <span>{tr(Msg::ClaimKindLabel)}</span>
                    <select name="kind" aria-label=tr(Msg::ClaimKindLabel) on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(k) = kapi::KINDS.into_iter().find(|k| kapi::kind_code(*k) == v) {
                            kind.set(k);
                        }
                    }>
                        {kapi::KINDS.into_iter().map(|k| view! {
                            <option value=kapi::kind_code(k) selected=move || kind.get() == k>{move || kapi::kind_msg(k).text(lang.get())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{tr(Msg::ClaimedAmount)}</span>
                    <input name="claimed" aria-label=tr(Msg::ClaimedAmount) inputmode="decimal" autocomplete="off" prop:value=move || claimed.get() on:input=move |ev| claimed.set(event_target_value(&ev))/>
                    <small class="field-error" data-field="claimed">{move || { let t = claimed.get(); shown(!t.trim().is_empty() && kapi::parse_yuan(&t).is_none(), Msg::BadAmount) }}</small>
                </label>
            </div>
            <h3>{tr(Msg::Labour)}</h3>
            <div class="lines-grid labour-grid">
                <span class="th">{tr(Msg::Assignee)}</span><span class="th">{tr(Msg::ServiceCode)}</span><span class="th">{tr(Msg::Description)}</span><span class="th">{tr(Msg::HoursLabel)}</span><span></span>
                {move || labour.get().into_iter().enumerate().map(|(i, r)| view! {
                    {line_input(r.engineer, format!("labour_engineer_{i}"), Msg::Assignee, Signal::stored(None))}
                    {line_input(r.code, format!("labour_code_{i}"), Msg::ServiceCode, Signal::stored(None))}
                    {line_input(r.description, format!("labour_description_{i}"), Msg::Description, Signal::stored(None))}
                    {line_input(r.hours, format!("labour_hours_{i}"), Msg::HoursLabel, Signal::derive(move || shown(kapi::parse_hours(&r.hours.get()).is_none(), Msg::BadHours)))}
                    <button class="chip" type="button" aria-label=tr(Msg::Remove) on:click=move |_| labour.update(|v| { v.remove(i); })>"×"</button>
                }).collect_view()}
            </div>
            <button class="secondary small" type="button" data-testid="add-labour" on:click=add_labour>{tr(Msg::AddLine)}</button>
            <h3>{tr(Msg::Materials)}</h3>
            <div class="lines-grid material-grid">
                <span class="th">{tr(Msg::PartNo)}</span><span class="th">{tr(Msg::PartName)}</span><span class="th">{tr(Msg::Qty)}</span><span class="th">{tr(Msg::ReturnTag)}</span><span></span>
                {move || materials.get().into_iter().enumerate().map(|(i, r)| view! {
                    {line_input(r.part_no, format!("material_part_no_{i}"), Msg::PartNo, Signal::stored(None))}
                    {line_input(r.name, format!("material_name_{i}"), Msg::PartName, Signal::stored(None))}
                    {line_input(r.qty, format!("material_qty_{i}"), Msg::Qty, Signal::derive(move || shown(!r.qty.get().trim().parse::<u32>().is_ok_and(|q| (1..=9999).contains(&q)), Msg::BadQty)))}
                    <span class="tag" data-testid="material-tag">{r.tag.get_value().unwrap_or_default()}</span>
                    <button class="chip" type="button" aria-label=tr(Msg::Remove) on:click=move |_| materials.update(|v| { v.remove(i); })>"×"</button>
                }).collect_view()}
            </div>
            <button class="secondary small" type="button" data-testid="add-material" on:click=add_material>{tr(Msg::AddLine)}</button>
            <h3>{tr(Msg::OtherCosts)}</h3>
            <div class="lines-grid cost-grid">
                <span class="th">{tr(Msg::CostWhat)}</span><span class="th">{tr(Msg::AmountYuan)}</span><span></span>
                {move || costs.get().into_iter().enumerate().map(|(i, r)| view! {
                    {line_input(r.what, format!("cost_what_{i}"), Msg::CostWhat, Signal::stored(None))}
                    {line_input(r.amount, format!("cost_amount_{i}"), Msg::AmountYuan, Signal::derive(move || shown(kapi::parse_yuan(&r.amount.get()).is_none(), Msg::BadAmount)))}
                    <button class="chip" type="button" aria-label=tr(Msg::Remove) on:click=move |_| costs.update(|v| { v.remove(i); })>"×"</button>
                }).collect_view()}
            </div>
            <button class="secondary small" type="button" data-testid="add-cost" on:click=add_cost>{tr(Msg::AddLine)}</button>
            <label class="field">
                <span>{tr(Msg::Remarks)}</span>
                <textarea name="remarks" aria-label=tr(Msg::Remarks) rows="2" prop:value=move || remarks.get() on:input=move |ev| remarks.set(event_target_value(&ev))></textarea>
            </label>
            <div class="row">
                <button class="primary" type="button" data-testid="save-claim" on:click=save>{tr(Msg::SaveClaim)}</button>
            </div>
            {outcome_line(outcome, "save-outcome")}
        </div>
    }
}

/// An empty JSON object: the submission says nothing more.
#[derive(Serialize)]
struct Empty {}

#[derive(Serialize)]
struct Answer {
    accepted: bool,
    reason: String,
}

#[component]
fn AnswerCard(data: RwSignal<Option<ClaimView>>, id: Uuid) -> impl IntoView {
    let lang = use_lang();
    let reason = RwSignal::new(String::new());
    let outcome: Outcome = RwSignal::new(None);
    let accept = move |_| {
        send(
            data,
            "POST",
            format!("/api/claims/{id}/answer"),
            Answer {
                accepted: true,
                reason: String::new(),
            },
            outcome,
            lang.get_untracked(),
        );
    };
    let refuse = move |_| {
        let r = reason.get_untracked().trim().to_string();
        if r.is_empty() {
            outcome.set(Some(Err(Msg::ReasonRequired
                .text(lang.get_untracked())
                .into())));
            return;
        }
        send(
            data,
            "POST",
            format!("/api/claims/{id}/answer"),
            Answer {
                accepted: false,
                reason: r,
            },
            outcome,
            lang.get_untracked(),
        );
    };
    view! {
        <div class="card" data-testid="answer">
            <h2>{tr(Msg::AcceptClaim)}" / "{tr(Msg::RefuseClaim)}</h2>
            <button class="primary" type="button" data-testid="accept-claim" on:click=accept>{tr(Msg::AcceptClaim)}</button>
            <label class="field">
                <span>{tr(Msg::RefusalReason)}</span>
                <textarea name="refusal_reason" aria-label=tr(Msg::RefusalReason) rows="2" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            </label>
            <button class="danger" type="button" data-testid="refuse-claim" on:click=refuse>{tr(Msg::RefuseClaim)}</button>
            {outcome_line(outcome, "answer-outcome")}
        </div>
    }
}

#[derive(Serialize)]
struct Pay {
    number: String,
    fen: i64,
    at: chrono::DateTime<Utc>,
}

#[component]
fn PayCard(data: RwSignal<Option<ClaimView>>, claim: Memo<Claim>) -> impl IntoView {
    let lang = use_lang();
    let id = claim.with_untracked(|c| c.id);
    let number = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let date = RwSignal::new(kapi::to_date_input(Utc::now()));
    let tried = RwSignal::new(false);
    let outcome: Outcome = RwSignal::new(None);
    let err = move |field: &'static str| {
        move || {
            if !tried.get() {
                return None;
            }
            let bad = match field {
                "credit_number" => number
                    .with(|n| n.trim().is_empty())
                    .then_some(Msg::Required),
                "credit_amount" => amount
                    .with(|a| kapi::parse_yuan(a).is_none())
                    .then_some(Msg::BadAmount),
                _ => date
                    .with(|d| kapi::date_input(d).is_none())
                    .then_some(Msg::Required),
            };
            bad.map(|m| m.text(lang.get()))
        }
    };
    let record = move |_| {
        tried.set(true);
        let (n, fen, at) = (
            number.get_untracked().trim().to_string(),
            kapi::parse_yuan(&amount.get_untracked()),
            kapi::date_input(&date.get_untracked()),
        );
        let (false, Some(fen), Some(at)) = (n.is_empty(), fen, at) else {
            outcome.set(Some(Err(Msg::FixFields.text(lang.get_untracked()).into())));
            return;
        };
        send(
            data,
            "POST",
            format!("/api/claims/{id}/pay"),
            Pay { number: n, fen, at },
            outcome,
            lang.get_untracked(),
        );
    };
    view! {
        <div class="card" data-testid="pay">
            <h2>{tr(Msg::CreditNote)}</h2>
            <div class="grid3">
                <label class="field">
                    <span>{tr(Msg::CreditNumber)}</span>
                    <input name="credit_number" aria-label=tr(Msg::CreditNumber) autocomplete="off" prop:value=move || number.get() on:input=move |ev| number.set(event_target_value(&ev))/>
                    <small class="field-error" data-field="credit_number">{err("credit_number")}</small>
                </label>
                <label class="field">
                    <span>{tr(Msg::AmountYuan)}</span>
                    <input name="credit_amount" aria-label=tr(Msg::AmountYuan) inputmode="decimal" autocomplete="off" prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev))/>
                    <small class="field-error" data-field="credit_amount">{err("credit_amount")}</small>
                </label>
                <label class="field">
                    <span>{tr(Msg::CreditDate)}</span>
                    <input type="date" name="credit_date" aria-label=tr(Msg::CreditDate) prop:value=move || date.get() on:input=move |ev| date.set(event_target_value(&ev))/>
                    <small class="field-error" data-field="credit_date">{err("credit_date")}</small>
                </label>
            </div>
            <p class="muted">{tr(Msg::ClaimedAmount)}": "{move || claim.with(|c| kapi::yuan(c.claimed_fen))}</p>
            <button class="primary" type="button" data-testid="record-payment" on:click=record>{tr(Msg::RecordPayment)}</button>
            {outcome_line(outcome, "pay-outcome")}
        </div>
    }
}

fn event_text(e: &ClaimEvent, lang: Lang) -> (Msg, String, &'static str) {
    match e {
        ClaimEvent::Drafted => (Msg::EvDrafted, String::new(), "ev-drafted"),
        ClaimEvent::Submitted => (Msg::EvSubmitted, String::new(), "ev-submitted"),
        ClaimEvent::Accepted => (Msg::EvAccepted, String::new(), "ev-accepted"),
        ClaimEvent::Refused { reason } => (Msg::EvRefused, reason.clone(), "ev-refused"),
        ClaimEvent::Resubmitted => (Msg::EvResubmitted, String::new(), "ev-resubmitted"),
        ClaimEvent::Paid { credit_note } => (
            Msg::EvPaid,
            format!(
                "{} · {} {}",
                credit_note.number,
                kapi::yuan(credit_note.fen),
                Msg::AmountYuan.text(lang)
            ),
            "ev-paid",
        ),
    }
}

#[component]
fn HistoryCard(claim: Memo<Claim>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="card" data-testid="claim-history">
            <h2>{tr(Msg::ClaimHistory)}</h2>
            <ol class="nodes">
                {move || claim.with(|c| c.history.clone()).into_iter().map(|s| {
                    let (what, detail, testid) = event_text(&s.event, lang.get());
                    view! {
                        <li data-testid=testid>
                            <strong>{move || what.text(lang.get())}</strong>" · "{china::full(s.at)}" · "{s.by.clone()}
                            {(!detail.is_empty()).then(|| view! { <br/><span class="detail">{detail.clone()}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </div>
    }
}
