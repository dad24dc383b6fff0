//! The service report: cause, work done, parts and companions; the customer's signature (or a
//! supervisor's waiver); and submitting, refused with the list of what is missing.

use fieldbook_model::desk::ReviewItem;
use fieldbook_model::photo::SIGNATURE_SLOT;
use fieldbook_model::{Missing, OpKind, PartUsed, op::limits};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Loaded;
use crate::components::signature::{Pad, signature_pad};
use crate::hooks::UseOutboxReturn;
use crate::i18n::{self, Msg, tr, use_lang};
use crate::session::use_session;
use crate::time;

/// One row of the parts table while it is being typed.
#[derive(Debug, Clone, PartialEq)]
struct PartRow {
    key: u32,
    part_no: RwSignal<String>,
    name: RwSignal<String>,
    qty: RwSignal<String>,
    replaced: RwSignal<bool>,
}

impl PartRow {
    fn new(key: u32, part: Option<&PartUsed>) -> Self {
        PartRow {
            key,
            part_no: RwSignal::new(part.map(|p| p.part_no.clone()).unwrap_or_default()),
            name: RwSignal::new(part.map(|p| p.name.clone()).unwrap_or_default()),
            qty: RwSignal::new(part.map_or_else(|| "1".into(), |p| p.qty.to_string())),
            replaced: RwSignal::new(part.is_some_and(|p| p.replaced)),
        }
    }

    fn read(&self) -> Option<PartUsed> {
        let part_no = self.part_no.get_untracked().trim().to_string();
        let name = self.name.get_untracked().trim().to_string();
        let qty = self.qty.get_untracked().trim().parse::<u32>().ok()?;
        let short = |s: &str| !s.is_empty() && s.chars().count() <= limits::MAX_SHORT_CHARS;
        (short(&part_no) && short(&name) && (1..=limits::MAX_PART_QTY).contains(&qty)).then_some(
            PartUsed {
                part_no,
                name,
                qty,
                replaced: self.replaced.get_untracked(),
                return_tag: None,
            },
        )
    }
}

pub(super) fn split_names(raw: &str) -> Vec<String> {
    raw.split([',', '，', '、', ';', '；'])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

#[component]
pub fn ReportCard(loaded: RwSignal<Option<Loaded>>, outbox: UseOutboxReturn) -> impl IntoView {
    let lang = use_lang();
    // The form starts from what is stored and is the person's own after that: a background sync
    // never overwrites what they are typing.
    let stored = loaded
        .with_untracked(|l| l.as_ref().map(|l| l.order.report.clone()))
        .unwrap_or_default();
    let cause = RwSignal::new(stored.fault_cause.clone());
    let done = RwSignal::new(stored.work_done.clone());
    let companions = RwSignal::new(stored.companions.join("、"));
    let next_key = StoredValue::new(stored.parts.len() as u32);
    let parts = RwSignal::new(
        stored
            .parts
            .iter()
            .enumerate()
            .map(|(i, p)| PartRow::new(i as u32, Some(p)))
            .collect::<Vec<_>>(),
    );
    let parts_error = RwSignal::new(false);
    let text_error = RwSignal::new(false);
    let tags = move || {
        loaded.with(|l| {
            l.as_ref()
                .map(|l| {
                    l.order
                        .report
                        .parts
                        .iter()
                        .filter_map(|p| p.return_tag.clone())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let locked = move || {
        loaded.with(|l| {
            l.as_ref()
                .is_some_and(|l| l.order.report.submitted_at.is_some() || l.order.is_closed())
        })
    };
    let closed = move || loaded.with(|l| l.as_ref().is_some_and(|l| l.order.is_closed()));

    let add_part = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        parts.update(|p| p.push(PartRow::new(key, None)));
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(id) = loaded.with_untracked(|l| l.as_ref().map(|l| l.order.id)) else {
            return;
        };
        let rows = parts.get_untracked();
        let read: Vec<Option<PartUsed>> = rows.iter().map(PartRow::read).collect();
        let parts_ok = read.iter().all(Option::is_some) && read.len() <= limits::MAX_PARTS;
        let (c, d) = (cause.get_untracked(), done.get_untracked());
        let text_ok = c.chars().count() <= limits::MAX_TEXT_CHARS
            && d.chars().count() <= limits::MAX_TEXT_CHARS;
        parts_error.set(!parts_ok);
        text_error.set(!text_ok);
        if !parts_ok || !text_ok {
            return;
        }
        let kind = OpKind::SaveReport {
            work_order_id: id,
            fault_cause: c.trim().to_string(),
            work_done: d.trim().to_string(),
            parts: read.into_iter().flatten().collect(),
            companions: split_names(&companions.get_untracked()),
            warranty: Default::default(),
        };
        outbox.record(vec![kind], Vec::new());
    };

    view! {
        <form class="card form" id="report" data-testid="report-form" on:submit=save novalidate>
            <h2>{tr(Msg::ServiceReport)}</h2>
            <label class="field">
                <span>{tr(Msg::FaultCause)}</span>
                <textarea name="fault_cause" rows="3" prop:value=move || cause.get()
                    on:input=move |ev| cause.set(event_target_value(&ev)) disabled=locked></textarea>
            </label>
            <label class="field">
                <span>{tr(Msg::WorkDone)}</span>
                <textarea name="work_done" rows="3" prop:value=move || done.get()
                    on:input=move |ev| done.set(event_target_value(&ev)) disabled=locked></textarea>
            </label>
            <small class="field-error">{move || text_error.get().then(|| Msg::TextTooLong.text(lang.get()))}</small>
            <fieldset class="parts">
                <legend>{tr(Msg::Parts)}</legend>
                <For each=move || parts.get() key=|p| p.key let:row>
                    <div class="part-row" data-testid="part-row">
                        <input name="part_no" placeholder=move || Msg::PartNo.text(lang.get()) prop:value=move || row.part_no.get()
                            on:input=move |ev| row.part_no.set(event_target_value(&ev))/>
                        <input name="part_name" placeholder=move || Msg::PartName.text(lang.get()) prop:value=move || row.name.get()
                            on:input=move |ev| row.name.set(event_target_value(&ev))/>
                        <input name="qty" class="qty" inputmode="numeric" prop:value=move || row.qty.get()
                            on:input=move |ev| row.qty.set(event_target_value(&ev))/>
                        <label class="check small">
                            <input type="checkbox" name="replaced" prop:checked=move || row.replaced.get()
                                on:change=move |ev| row.replaced.set(event_target_checked(&ev))/>
                            <span>{tr(Msg::Replaced)}</span>
                        </label>
                        <button type="button" class="link" hidden=closed on:click=move |_| parts.update(|p| p.retain(|r| r.key != row.key))>
                            {tr(Msg::Remove)}
                        </button>
                    </div>
                </For>
                <small class="field-error" data-testid="parts-error">
                    {move || parts_error.get().then(|| Msg::PartsInvalid.text(lang.get()))}
                </small>
                <button type="button" class="secondary" on:click=add_part disabled=locked hidden=closed>{tr(Msg::AddPart)}</button>
                <Show when=move || !tags().is_empty()>
                    <p class="tags small">{tr(Msg::ReturnTags)}": "<strong data-testid="return-tags">{move || tags().join("  ")}</strong></p>
                </Show>
            </fieldset>
            <label class="field">
                <span>{tr(Msg::Companions)}</span>
                <input name="companions" prop:value=move || companions.get()
                    on:input=move |ev| companions.set(event_target_value(&ev)) disabled=locked/>
            </label>
            <button class="primary" type="submit" disabled=move || locked() || outbox.pending.get() hidden=closed data-testid="save-report">{tr(Msg::SaveReport)}</button>
        </form>
    }
}

/// The customer signs on the screen with a finger; or a supervisor waives it, with a reason.
#[component]
pub fn SignatureCard(loaded: RwSignal<Option<Loaded>>, outbox: UseOutboxReturn) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let pad = Pad::new();
    let signer = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Msg>);
    let waive_by = RwSignal::new(String::new());
    let waive_reason = RwSignal::new(String::new());
    let waive_error = RwSignal::new(false);
    let show_waiver = RwSignal::new(false);
    let signed = move || {
        loaded.with(|l| {
            l.as_ref().and_then(|l| {
                let r = &l.order.report;
                r.signature
                    .as_ref()
                    .map(|s| format!("{} · {}", s.signer, time::short(s.at)))
                    .or_else(|| {
                        r.waiver
                            .as_ref()
                            .map(|w| format!("{} · {}", w.by, w.reason))
                    })
            })
        })
    };
    let waived =
        move || loaded.with(|l| l.as_ref().is_some_and(|l| l.order.report.waiver.is_some()));
    let closed = move || loaded.with(|l| l.as_ref().is_some_and(|l| l.order.is_closed()));
    // The office sent the signature back: the customer signs again (a new signature replaces it).
    let sign_again = move || {
        loaded.with(|l| {
            l.as_ref()
                .and_then(|l| l.order.open_send_back())
                .is_some_and(|items| items.iter().any(|i| i.item == ReviewItem::Signature))
        })
    };

    let confirm = move |_| {
        let name = signer.get_untracked().trim().to_string();
        let problem = if name.is_empty() || name.chars().count() > limits::MAX_SHORT_CHARS {
            Some(Msg::SignerRequired)
        } else if !pad.drawn.get_untracked() {
            Some(Msg::SignatureEmpty)
        } else {
            None
        };
        error.set(problem);
        if problem.is_some() {
            return;
        }
        let Some(id) = loaded.with_untracked(|l| l.as_ref().map(|l| l.order.id)) else {
            return;
        };
        spawn_local(async move {
            let p = match pad.png().await {
                Ok(p) => p,
                Err(e) => return outbox.fail(e),
            };
            let user = session
                .0
                .get_untracked()
                .map(|p| p.username)
                .unwrap_or_default();
            let (add, photo) = p.into_record(id, SIGNATURE_SLOT, &user);
            let OpKind::AddPhoto { photo_id, .. } = &add else {
                return;
            };
            let sign = OpKind::Sign {
                work_order_id: id,
                photo_id: *photo_id,
                signer: name,
            };
            outbox.record(vec![add, sign], vec![photo]);
        });
    };
    let waive = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (by, reason) = (
            waive_by.get_untracked().trim().to_string(),
            waive_reason.get_untracked().trim().to_string(),
        );
        let ok =
            !by.is_empty() && by.chars().count() <= limits::MAX_SHORT_CHARS && !reason.is_empty();
        waive_error.set(!ok);
        let Some(id) = loaded.with_untracked(|l| l.as_ref().map(|l| l.order.id)) else {
            return;
        };
        if ok {
            outbox.record(
                vec![OpKind::WaiveSignature {
                    work_order_id: id,
                    by,
                    reason,
                }],
                Vec::new(),
            );
        }
    };

    view! {
        <div class="card" data-testid="signature">
            <h2>{tr(Msg::CustomerSignature)}</h2>
            {move || signed().map(|s| view! {
                <p class="signed" data-testid="signed">
                    {move || if waived() { Msg::Waived.text(lang.get()) } else { Msg::Signed.text(lang.get()) }}
                    ": "{s}
                </p>
            })}
            <Show when=move || (signed().is_none() || sign_again()) && !closed()>
                <label class="field">
                    <span>{tr(Msg::Signer)}</span>
                    <input name="signer" prop:value=move || signer.get() on:input=move |ev| signer.set(event_target_value(&ev))/>
                </label>
                {signature_pad(pad)}
                <small class="field-error" data-testid="signature-error">{move || error.get().map(|m| m.text(lang.get()))}</small>
                <div class="row">
                    <button class="primary" type="button" on:click=confirm disabled=move || outbox.pending.get() data-testid="confirm-signature">{tr(Msg::ConfirmSignature)}</button>
                </div>
                <button class="link" type="button" on:click=move |_| show_waiver.update(|v| *v = !*v)>{tr(Msg::WaiveInstead)}</button>
                <Show when=move || show_waiver.get()>
                    <form class="form waiver" on:submit=waive novalidate>
                        <label class="field">
                            <span>{tr(Msg::WaivedBy)}</span>
                            <input name="waive_by" prop:value=move || waive_by.get() on:input=move |ev| waive_by.set(event_target_value(&ev))/>
                        </label>
                        <label class="field">
                            <span>{tr(Msg::WaiveReason)}</span>
                            <textarea name="waive_reason" rows="2" prop:value=move || waive_reason.get()
                                on:input=move |ev| waive_reason.set(event_target_value(&ev))></textarea>
                        </label>
                        <small class="field-error">{move || waive_error.get().then(|| Msg::WaiverInvalid.text(lang.get()))}</small>
                        <button class="secondary" type="submit" disabled=move || outbox.pending.get()>{tr(Msg::Waive)}</button>
                    </form>
                </Show>
            </Show>
        </div>
    }
}

/// Submit the report; refused, with the list of what is missing, until it is complete.
#[component]
pub fn SubmitCard(loaded: RwSignal<Option<Loaded>>, outbox: UseOutboxReturn) -> impl IntoView {
    let lang = use_lang();
    let tried = RwSignal::new(false);
    let missing = move || {
        loaded.with(|l| {
            l.as_ref()
                .map(|l| l.order.report_missing())
                .unwrap_or_default()
        })
    };
    let submitted = move || loaded.with(|l| l.as_ref().and_then(|l| l.order.report.submitted_at));
    let closed = move || loaded.with(|l| l.as_ref().is_some_and(|l| l.order.is_closed()));
    let slot_label = move |key: &str| {
        loaded.with(|l| {
            l.as_ref().map_or_else(
                || key.to_string(),
                |l| super::review::slot_label(&l.order, key, lang.get()),
            )
        })
    };
    let submit = move |_| {
        tried.set(true);
        let Some(id) = loaded.with_untracked(|l| l.as_ref().map(|l| l.order.id)) else {
            return;
        };
        if loaded.with_untracked(|l| {
            l.as_ref()
                .is_some_and(|l| l.order.report_missing().is_empty())
        }) {
            outbox.record(vec![OpKind::SubmitReport { work_order_id: id }], Vec::new());
        }
    };
    view! {
        // A closed order has nothing left to submit (the banner at the top says so).
        <div class="card" data-testid="submit" hidden=closed>
            {move || match submitted() {
                Some(at) => view! {
                    <p class="submitted" data-testid="submitted">{tr(Msg::ReportSubmitted)}" "{time::full(at)}</p>
                }.into_any(),
                None => view! {
                    <Show when=move || !missing().is_empty()>
                        <div class=move || if tried.get() { "missing-list refused" } else { "missing-list" } data-testid="missing-list">
                            <strong>{tr(Msg::StillMissing)}</strong>
                            <ul>
                                {move || missing().into_iter().map(|m| {
                                    let text = match &m {
                                        Missing::Photo { slot } => format!("{}: {}", Msg::Photos.text(lang.get()), slot_label(slot)),
                                        other => i18n::missing(other, lang.get()).to_string(),
                                    };
                                    view! { <li>{text}</li> }
                                }).collect_view()}
                            </ul>
                        </div>
                    </Show>
                    <button class="primary big" on:click=submit disabled=move || outbox.pending.get() data-testid="submit-report">{tr(Msg::SubmitReport)}</button>
                }.into_any(),
            }}
        </div>
    }
}
