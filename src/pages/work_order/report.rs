//! The service report: cause, work done, parts and companions; the customer's signature (or a
//! supervisor's waiver); and submitting, refused with the list of what is missing.

use fieldbook_model::desk::ReviewItem;
use fieldbook_model::photo::{OLD_PART_SLOT, SIGNATURE_SLOT};
use fieldbook_model::report::{LabourHours, MAX_LABOUR_TENTHS, ServiceReport, WarrantyDetails};
use fieldbook_model::{Missing, OpKind, PartUsed, StatusNode, WorkOrder, op::limits};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Loaded;
use crate::components::signature::{Pad, signature_pad};
use crate::drafts;
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
    fn new(key: u32, part: &TypedPart) -> Self {
        PartRow {
            key,
            part_no: RwSignal::new(part.0.clone()),
            name: RwSignal::new(part.1.clone()),
            qty: RwSignal::new(part.2.clone()),
            replaced: RwSignal::new(part.3),
        }
    }

    fn typed(&self) -> TypedPart {
        (
            self.part_no.get(),
            self.name.get(),
            self.qty.get(),
            self.replaced.get(),
        )
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

/// A part as typed: number, name, quantity, replaced.
type TypedPart = (String, String, String, bool);

/// The report's form as typed: what its draft keeps (see `crate::drafts`).
#[derive(Debug, Clone, Default, PartialEq)]
struct Typed {
    cause: String,
    done: String,
    companions: String,
    parts: Vec<TypedPart>,
    service_code: String,
    fault_info: String,
    /// Hours as typed, per person (username, or a companion's name).
    hours: Vec<(String, String)>,
}

impl Typed {
    fn of(report: &ServiceReport) -> Self {
        Typed {
            cause: report.fault_cause.clone(),
            done: report.work_done.clone(),
            companions: report.companions.join("、"),
            parts: report
                .parts
                .iter()
                .map(|p| {
                    (
                        p.part_no.clone(),
                        p.name.clone(),
                        p.qty.to_string(),
                        p.replaced,
                    )
                })
                .collect(),
            service_code: report.warranty.service_code.clone(),
            fault_info: report.warranty.fault_info.clone(),
            hours: report
                .warranty
                .labour
                .iter()
                .map(|l| (l.person.clone(), tenths_text(l.tenths)))
                .collect(),
        }
    }

    /// As a list of texts: the five texts, the number of parts, four texts a part, then two a
    /// person.
    fn texts(self) -> Vec<String> {
        let mut t = vec![
            self.cause,
            self.done,
            self.companions,
            self.service_code,
            self.fault_info,
            self.parts.len().to_string(),
        ];
        for (no, name, qty, replaced) in self.parts {
            t.extend([no, name, qty, if replaced { "1" } else { "" }.into()]);
        }
        for (who, hours) in self.hours {
            t.extend([who, hours]);
        }
        t
    }

    fn from_texts(t: Vec<String>) -> Typed {
        let mut t = t.into_iter();
        let mut next = || t.next().unwrap_or_default();
        let (cause, done, companions, service_code, fault_info) =
            (next(), next(), next(), next(), next());
        let n: usize = next().parse().unwrap_or(0);
        let parts = (0..n)
            .map(|_| (next(), next(), next(), !next().is_empty()))
            .collect();
        let mut hours = Vec::new();
        loop {
            let who = next();
            if who.is_empty() {
                break;
            }
            hours.push((who, next()));
        }
        Typed {
            cause,
            done,
            companions,
            parts,
            service_code,
            fault_info,
            hours,
        }
    }
}

/// Tenths of an hour as a person writes them: 15 -> "1.5", 20 -> "2".
fn tenths_text(tenths: u32) -> String {
    if tenths.is_multiple_of(10) {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// Hours as typed ("1.5", "2", "1,5", "１.５") in tenths; empty is none. Refused with the message
/// that says what is wrong.
fn parse_tenths(raw: &str) -> Result<Option<u32>, Msg> {
    let text: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' | '。' | ',' | '，' => '.',
            c => c,
        })
        .collect();
    if text.is_empty() {
        return Ok(None);
    }
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !digits(whole) || !digits(frac) {
        return Err(Msg::HoursNotNumber);
    }
    if frac.len() > 1 {
        return Err(Msg::HoursOneDecimal);
    }
    let whole: u32 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| Msg::HoursTooMany)?
    };
    let tenths = whole
        .checked_mul(10)
        .and_then(|t| t.checked_add(frac.parse::<u32>().unwrap_or(0)))
        .filter(|t| *t <= MAX_LABOUR_TENTHS)
        .ok_or(Msg::HoursTooMany)?;
    Ok((tenths > 0).then_some(tenths))
}

/// Who worked on the job, for the hours: the main engineer, the companions dispatched with them,
/// and the companions typed in the report; (what is stored, what is shown).
fn labour_people(order: &WorkOrder, typed_companions: &str) -> Vec<(String, String)> {
    let mut people = vec![(order.assignee.clone(), order.assignee_label().to_string())];
    for c in &order.companions {
        people.push((c.username.clone(), c.label().to_string()));
    }
    for name in split_names(typed_companions) {
        if !people
            .iter()
            .any(|(who, label)| *who == name || *label == name)
        {
            people.push((name.clone(), name));
        }
    }
    people.truncate(limits::MAX_COMPANIONS + 1);
    people
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
    // The form starts from what is stored (or from the draft kept on this device) and is the
    // person's own after that: a background sync never overwrites what they are typing.
    let stored = move || {
        loaded
            .with_untracked(|l| l.as_ref().map(|l| Typed::of(&l.order.report)))
            .unwrap_or_default()
    };
    let order_id = loaded
        .with_untracked(|l| l.as_ref().map(|l| l.order.id))
        .unwrap_or_default();
    let cause = RwSignal::new(String::new());
    let done = RwSignal::new(String::new());
    let companions = RwSignal::new(String::new());
    let next_key = StoredValue::new(0u32);
    let parts = RwSignal::new(Vec::<PartRow>::new());
    let service_code = RwSignal::new(String::new());
    let fault_info = RwSignal::new(String::new());
    let hours = RwSignal::new(Vec::<(String, String)>::new());
    let fill = move |t: Typed| {
        cause.set(t.cause);
        done.set(t.done);
        companions.set(t.companions);
        let first = next_key.get_value();
        next_key.set_value(first + t.parts.len() as u32);
        parts.set(
            t.parts
                .iter()
                .enumerate()
                .map(|(i, p)| PartRow::new(first + i as u32, p))
                .collect(),
        );
        service_code.set(t.service_code);
        fault_info.set(t.fault_info);
        hours.set(t.hours);
    };
    fill(stored());
    let parts_error = RwSignal::new(None::<Msg>);
    let text_error = RwSignal::new(false);
    // What is wrong in the claim's details: (whose hours, or nobody's, the message).
    let claim_errors = RwSignal::new(Vec::<(String, Msg)>::new());
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
    let claim = move || loaded.with(|l| l.as_ref().is_some_and(|l| l.order.claim_expected));
    // Only a fault has a cause to give (an inspection, a handover... has none).
    let fault_repair =
        move || loaded.with(|l| l.as_ref().is_some_and(|l| l.order.service_type.has_fault()));
    let by_phone = move || {
        loaded.with(|l| {
            l.as_ref()
                .is_some_and(|l| l.order.status == StatusNode::ResolvedByPhone)
        })
    };
    // A memo: a sync that changed nothing of it does not rebuild the hours being typed.
    let people = Memo::new(move |_| {
        let typed = companions.get();
        loaded.with(|l| {
            l.as_ref()
                .map(|l| labour_people(&l.order, &typed))
                .unwrap_or_default()
        })
    });
    let old_photos = move || {
        loaded.with(|l| {
            l.as_ref().map_or((0, 0), |l| {
                (
                    l.order.photos_kept(OLD_PART_SLOT),
                    l.order.old_part_photos_needed(),
                )
            })
        })
    };

    // Everything typed is kept on this device until it is saved or discarded (issue 16).
    let draft = drafts::track(
        drafts::key("report", order_id),
        move || {
            Typed {
                cause: cause.get(),
                done: done.get(),
                companions: companions.get(),
                parts: parts.with(|rows| rows.iter().map(PartRow::typed).collect()),
                service_code: service_code.get(),
                fault_info: fault_info.get(),
                hours: hours.get(),
            }
            .texts()
        },
        move |t| fill(Typed::from_texts(t)),
        move || !locked(),
    );

    let add_part = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        parts.update(|p| {
            p.push(PartRow::new(
                key,
                &(String::new(), String::new(), "1".into(), false),
            ))
        });
    };
    let set_hours = move |person: String, value: String| {
        hours.update(|h| match h.iter_mut().find(|(p, _)| *p == person) {
            Some(line) => line.1 = value,
            None => h.push((person, value)),
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((id, stored_warranty)) = loaded.with_untracked(|l| {
            l.as_ref()
                .map(|l| (l.order.id, l.order.report.warranty.clone()))
        }) else {
            return;
        };
        let claim = untrack(claim);
        let rows = parts.get_untracked();
        let read: Vec<Option<PartUsed>> = rows.iter().map(PartRow::read).collect();
        let parts_ok = read.iter().all(Option::is_some) && read.len() <= limits::MAX_PARTS;
        // On an order that expects a claim the manufacturer needs the number of every part taken off.
        let old_part_no = claim
            && rows.iter().any(|r| {
                r.replaced.get_untracked() && r.part_no.with_untracked(|n| n.trim().is_empty())
            });
        parts_error.set(match (old_part_no, parts_ok) {
            (true, _) => Some(Msg::OldPartNoRequired),
            (false, false) => Some(Msg::PartsInvalid),
            _ => None,
        });
        let (c, d) = (cause.get_untracked(), done.get_untracked());
        let text_ok = c.chars().count() <= limits::MAX_TEXT_CHARS
            && d.chars().count() <= limits::MAX_TEXT_CHARS;
        text_error.set(!text_ok);
        // The claim's details: kept as stored on an order that does not expect a claim.
        let mut warranty = stored_warranty;
        let mut claim_ok = true;
        if claim {
            let mut errors = Vec::new();
            let mut labour = Vec::new();
            let typed = hours.get_untracked();
            for (person, label) in people.get_untracked() {
                let raw = typed
                    .iter()
                    .find(|(p, _)| *p == person)
                    .map(|(_, v)| v.as_str())
                    .unwrap_or("");
                match parse_tenths(raw) {
                    Ok(Some(tenths)) => labour.push(LabourHours { person, tenths }),
                    Ok(None) => {}
                    Err(m) => errors.push((label, m)),
                }
            }
            warranty = WarrantyDetails {
                service_code: service_code.get_untracked().trim().to_string(),
                fault_info: if untrack(fault_repair) {
                    fault_info.get_untracked().trim().to_string()
                } else {
                    String::new()
                },
                labour,
            };
            if warranty.service_code.chars().count() > limits::MAX_SHORT_CHARS {
                errors.push((String::new(), Msg::ServiceCodeTooLong));
            }
            if warranty.fault_info.chars().count() > limits::MAX_TEXT_CHARS {
                errors.push((String::new(), Msg::TextTooLong));
            }
            claim_ok = errors.is_empty() && warranty.is_ok();
            claim_errors.set(errors);
        }
        if !parts_ok || old_part_no || !text_ok || !claim_ok {
            return;
        }
        let kind = OpKind::SaveReport {
            work_order_id: id,
            fault_cause: c.trim().to_string(),
            work_done: d.trim().to_string(),
            parts: read.into_iter().flatten().collect(),
            companions: split_names(&companions.get_untracked()),
            warranty,
        };
        outbox.record_then(vec![kind], Vec::new(), move || draft.saved());
    };
    let claim_error = move || {
        claim_errors.with(|e| {
            e.iter()
                .map(|(who, m)| match who.as_str() {
                    "" => m.text(lang.get()).to_string(),
                    who => format!("{who}: {}", m.text(lang.get())),
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
    };

    view! {
        <form class="card form" id="report" data-testid="report-form" on:submit=save novalidate>
            <h2>{tr(Msg::ServiceReport)}</h2>
            <drafts::DraftNote draft reset=move |()| fill(stored())/>
            <label class="field" hidden=move || !fault_repair()>
                <span>{tr(Msg::FaultCause)}</span>
                <textarea name="fault_cause" rows="3" prop:value=move || cause.get()
                    on:input=move |ev| cause.set(event_target_value(&ev)) disabled=locked></textarea>
            </label>
            <label class="field">
                <span>{move || if by_phone() { Msg::PhoneResolution } else { Msg::WorkDone }.text(lang.get())}</span>
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
                    {move || parts_error.get().map(|m| m.text(lang.get()))}
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
            // Hidden rather than left out: the same form for every order (and no second `Show` in the wasm).
            <fieldset class="claim" data-testid="claim-details" hidden=move || !claim()>
                    <legend>{tr(Msg::ClaimDetails)}</legend>
                    <p class="muted small">{tr(Msg::ClaimHint)}</p>
                    <label class="field">
                        <span>{tr(Msg::ServiceCode)}</span>
                        <input name="service_code" maxlength="60" prop:value=move || service_code.get()
                            on:input=move |ev| service_code.set(event_target_value(&ev)) disabled=locked/>
                    </label>
                    <label class="field" hidden=move || !fault_repair()>
                        <span>{tr(Msg::WarrantyFaultInfo)}</span>
                        <textarea name="fault_info" rows="3" prop:value=move || fault_info.get()
                            on:input=move |ev| fault_info.set(event_target_value(&ev)) disabled=locked></textarea>
                    </label>
                    <div class="labour">
                        <span class="label">{tr(Msg::LabourHours)}</span>
                        {move || people.get().into_iter().map(|(person, label)| {
                            let key = person.clone();
                            view! {
                                <label class="field inline labour-row" data-testid="labour-row">
                                    <span>{label}</span>
                                    <input name="hours_worked" class="qty" inputmode="decimal" placeholder="1.5"
                                        prop:value=move || hours.with(|h| h.iter().find(|(p, _)| *p == person).map(|(_, v)| v.clone()).unwrap_or_default())
                                        on:input=move |ev| set_hours(key.clone(), event_target_value(&ev)) disabled=locked/>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                    <small class="field-error" data-testid="claim-error">{claim_error}</small>
                    <p class="small" data-testid="old-part-photos">
                        {tr(Msg::OldPartPhotos)}": "<strong>{move || { let (n, m) = old_photos(); format!("{n} / {m}") }}</strong>
                    </p>
            </fieldset>
            <button class="primary" type="submit" disabled=move || locked() || outbox.pending.get() hidden=closed data-testid="save-report">{tr(Msg::SaveReport)}</button>
        </form>
    }
}

/// The customer signs on the screen with a finger; or the engineer asks the station head to waive
/// it, with a reason (one tap on a common one), and sees the answer after a pull. A refusal asks
/// for the signature again, also on a submitted report.
#[component]
pub fn SignatureCard(loaded: RwSignal<Option<Loaded>>, outbox: UseOutboxReturn) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let pad = Pad::new();
    let signer = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Msg>);
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
            })
        })
    };
    // "等待主管批准" / "已批准 · 周站长 · 14:05" / "被拒绝：reason".
    let waiver_state = move || {
        let lang = lang.get();
        loaded.with(|l| {
            let w = l.as_ref()?.order.report.waiver.as_ref()?;
            Some(match &w.decision {
                None => Msg::WaiverPending.text(lang).to_string(),
                Some(d) if d.approved => format!(
                    "{} · {} · {}",
                    Msg::WaiverApproved.text(lang),
                    d.by.label(),
                    time::short(d.at)
                ),
                Some(d) => format!("{}：{}", Msg::WaiverRefused.text(lang), d.reason),
            })
        })
    };
    // Signed, or a waiver asked and not refused: no pad (unless the office sent it back).
    let covered = move || loaded.with(|l| l.as_ref().is_some_and(|l| l.order.signature_covered()));
    let submitted = move || {
        loaded.with(|l| {
            l.as_ref()
                .is_some_and(|l| l.order.report.submitted_at.is_some())
        })
    };
    // A call resolved by phone had nobody on site to sign.
    let unneeded = move || loaded.with(|l| l.as_ref().is_some_and(|l| !l.order.needs_signature()));
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
        let reason = waive_reason.get_untracked().trim().to_string();
        let ok = !reason.is_empty();
        waive_error.set(!ok);
        let Some(id) = loaded.with_untracked(|l| l.as_ref().map(|l| l.order.id)) else {
            return;
        };
        if ok {
            outbox.record(
                vec![OpKind::WaiveSignature {
                    work_order_id: id,
                    reason,
                }],
                Vec::new(),
            );
        }
    };

    view! {
        <div class="card" data-testid="signature" hidden=unneeded>
            <h2>{tr(Msg::CustomerSignature)}</h2>
            {move || signed().map(|s| view! {
                <p class="signed" data-testid="signed">{tr(Msg::Signed)}": "{s}</p>
            })}
            {move || waiver_state().map(|s| view! {
                <p class="signed" data-testid="waiver-state">{tr(Msg::Waived)}": "{s}</p>
            })}
            <Show when=move || (!covered() || sign_again()) && !closed()>
                <label class="field">
                    <span>{tr(Msg::Signer)}</span>
                    <input name="signer" prop:value=move || signer.get() on:input=move |ev| signer.set(event_target_value(&ev))/>
                </label>
                {signature_pad(pad)}
                <small class="field-error" data-testid="signature-error">{move || error.get().map(|m| m.text(lang.get()))}</small>
                <div class="row">
                    <button class="primary" type="button" on:click=confirm disabled=move || outbox.pending.get() data-testid="confirm-signature">{tr(Msg::ConfirmSignature)}</button>
                </div>
                <button class="link" type="button" hidden=submitted on:click=move |_| show_waiver.update(|v| *v = !*v)>{tr(Msg::WaiveInstead)}</button>
                <Show when=move || show_waiver.get() && !submitted()>
                    <form class="form waiver" on:submit=waive novalidate>
                        <div class="chips">
                            {[Msg::WaiverAway, Msg::WaiverRefuses, Msg::WaiverUnattended].map(|m| view! {
                                <button type="button" class="chip" data-testid="waiver-reason"
                                    on:click=move |_| waive_reason.set(m.text(lang.get_untracked()).to_string())>{tr(m)}</button>
                            })}
                        </div>
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
    // Submitted on this phone, but not yet at the office: said so, never "submitted" in green.
    let only_here = move || {
        loaded.with(|l| {
            l.as_ref().is_some_and(|l| {
                l.queued()
                    .any(|e| matches!(e.op.kind, OpKind::SubmitReport { .. }))
            })
        })
    };
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
                    <p class="submitted" class:only-here=only_here data-testid="submitted" data-sent=move || (!only_here()).to_string()>
                        {move || if only_here() { Msg::ReportSubmittedHere.text(lang.get()) } else { Msg::ReportSubmitted.text(lang.get()) }}
                        " "{time::full(at)}
                    </p>
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
