//! A vacant unit: when it was last cleaned, the monthly cleaning due, its records, and the
//! vacant-unit cleaning record (《空置单元清洁记录表》) item by item. The form is a draft on the
//! device from "start" on (photos included), so a reload or a flat battery loses nothing.

use chrono::{DateTime, Utc};
use fieldbook_model::OpKind;
use fieldbook_model::UserProfile;
use fieldbook_model::cleaning::{
    PhotoRef, UNIT_PHOTO_SLOT, VacantCheck, VacantRecord, VacantStandard, VacantUnit, Verdict,
};
use fieldbook_model::sync::FieldReference;
use fieldbook_model::user::display_name;
use leptos::prelude::*;

use crate::components::back::BackHome;

use crate::router::Route;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::components::capture::{FieldPhoto, PhotoCapture};
use crate::components::device_read::DeviceRead;
use crate::components::feedback::FeedbackToast;
use crate::db::{today, use_db_handle};
use crate::failure::Failure;
use crate::hooks::{UseOutboxReturn, use_outbox, use_read};
use crate::i18n::{self, Msg, tr, use_lang};
use crate::photo::Processed;
use crate::session::use_session;
use crate::sync::use_sync;
use crate::time;

/// The record being filled, kept in IndexedDB as it changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Draft {
    record_id: Uuid,
    started_at: DateTime<Utc>,
    /// item → pass (true) / problem (false); absent = not checked yet.
    checks: Vec<(VacantStandard, bool, String)>,
    note: String,
    photos: Vec<PhotoRef>,
}

impl Draft {
    fn record(&self, unit: &VacantUnit, cleaner: &str, ended_at: DateTime<Utc>) -> VacantRecord {
        VacantRecord {
            id: self.record_id,
            unit_id: unit.id,
            cleaner: cleaner.to_string(),
            started_at: self.started_at,
            ended_at,
            checks: self
                .checks
                .iter()
                .map(|(item, pass, note)| VacantCheck {
                    item: *item,
                    pass: *pass,
                    note: note.clone(),
                })
                .collect(),
            note: self.note.clone(),
            photos: self.photos.clone(),
            review: None,
            seq: 0,
            stamp: None,
            conflict_with: None,
            set_aside: false,
        }
    }
}

fn draft_key(unit: Uuid) -> String {
    format!("vacant:{unit}")
}

#[component]
pub fn UnitPage(id: Uuid) -> impl IntoView {
    let sync = use_sync();
    let lang = use_lang();
    let read = use_read(
        move || sync.changed.field.track(),
        move |db| async move {
            let reference = db.field_reference().await?;
            let records = db.vacant_records().await?;
            let draft: Option<Draft> = crate::drafts::stored(&db, &draft_key(id)).await;
            Ok((reference, records, draft))
        },
    );
    view! {
        <section class="detail-page field-page">
            <BackHome/>
            <DeviceRead read view=move |(reference, records, draft): (FieldReference, Vec<VacantRecord>, Option<Draft>)| {
                match reference.units.into_iter().find(|u| u.id == id) {
                    None => view! { <p class="empty muted">{move || Msg::NotOnDevice.text(lang.get())}</p> }.into_any(),
                    Some(unit) => {
                        let records: Vec<VacantRecord> = records.into_iter().filter(|r| r.unit_id == id).collect();
                        view! { <UnitView unit records draft people=reference.people/> }.into_any()
                    }
                }
            }/>
        </section>
    }
}

#[component]
fn UnitView(
    unit: VacantUnit,
    records: Vec<VacantRecord>,
    draft: Option<Draft>,
    people: Vec<UserProfile>,
) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let outbox = use_outbox();
    let db = use_db_handle();
    let draft = RwSignal::new(draft);
    let has_draft = Memo::new(move |_| draft.with(Option::is_some));
    let me = session.0.get_untracked();
    let responsible = me.as_ref().is_some_and(|p| p.username == unit.responsible);
    let username = me.map(|p| p.username).unwrap_or_default();
    let unit_id = unit.id;
    let due = unit.due_state(today());
    let persist = move || {
        if let Some(d) = draft.get_untracked() {
            crate::drafts::keep(&db.get_value(), &draft_key(unit_id), &d);
        }
    };
    let start = move |_| {
        draft.set(Some(Draft {
            record_id: Uuid::new_v4(),
            started_at: crate::time::now(),
            checks: Vec::new(),
            note: String::new(),
            photos: Vec::new(),
        }));
        persist();
    };
    let last = unit.last_cleaned;
    let sent_back = VacantRecord::sent_back(&records, unit.id).map(str::to_string);
    view! {
        <div class="card">
            <h1 data-testid="unit-title">{unit.name.clone()}</h1>
            <p class="muted small">
                {move || match last {
                    Some(d) => format!("{} {d}", Msg::LastCleaned.text(lang.get())),
                    None => Msg::NeverCleaned.text(lang.get()).to_string(),
                }}
            </p>
            <p data-testid="unit-due">{move || match due {
                fieldbook_model::cleaning::UnitDue::Overdue { days, .. } => view! { <span class="deadline overdue">{i18n::unit_overdue(days, lang.get())}</span> }.into_any(),
                fieldbook_model::cleaning::UnitDue::DueSoon { due } | fieldbook_model::cleaning::UnitDue::Upcoming { due } => view! { <span class="deadline soon">{i18n::unit_due(due, lang.get())}</span> }.into_any(),
            }}</p>
        </div>
        {sent_back.map(|reason| view! {
            <div class="banner attention" data-testid="unit-sent-back">
                <p>{tr(Msg::SentBack)}": "{reason}</p>
                {responsible.then(|| view! { <span class="small">{tr(Msg::CleanAgain)}</span> })}
            </div>
        })}
        // Rebuilt only when a draft starts or ends, not on every keystroke kept in it.
        {move || match has_draft.get() {
            false if responsible => view! {
                <button class="primary big" data-testid="start-cleaning" on:click=start>{tr(Msg::StartCleaning)}</button>
            }.into_any(),
            false => ().into_any(),
            true => {
                let unit = unit.clone();
                let username = username.clone();
                view! { <RecordForm unit draft username outbox persist=Callback::new(move |()| persist())/> }.into_any()
            }
        }}
        <FeedbackToast feedback=outbox.feedback/>
        <h2 class="section-title">{tr(Msg::Records)}</h2>
        {records.is_empty().then(|| view! { <p class="empty muted">{tr(Msg::NoRecords)}</p> })}
        <ul class="cards" data-testid="record-list">
            {records.into_iter().map(|r| {
                let cleaner = display_name(&people, &r.cleaner);
                view! { <RecordCard record=r cleaner/> }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn RecordForm(
    unit: VacantUnit,
    draft: RwSignal<Option<Draft>>,
    username: String,
    outbox: UseOutboxReturn,
    persist: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    let db = use_db_handle();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<Failure>);
    let tried = RwSignal::new(false);
    let unit_name = unit.name.clone();
    let caption = Signal::derive(move || vec![unit_name.clone(), time::full(crate::time::now())]);
    let started = draft.with_untracked(|d| d.as_ref().map(|d| d.started_at));
    let record_id = draft
        .with_untracked(|d| d.as_ref().map(|d| d.record_id))
        .unwrap_or_default();

    // A photo for a slot: kept on the device at once, named in the draft.
    let add_photo = {
        let username = username.clone();
        move |slot: &'static str, p: Processed| {
            let (r, blob) = p.into_field_photo(record_id, slot, &username);
            let db = db.get_value();
            spawn_local(async move {
                match db.keep_draft_photo(blob).await {
                    Ok(()) => {
                        draft.update(|d| {
                            if let Some(d) = d {
                                d.photos.push(r)
                            }
                        });
                        persist.run(());
                    }
                    Err(e) => error.set(Some(Failure::of_write(&e, true))),
                }
            });
        }
    };
    let set_check = move |item: VacantStandard, pass: bool| {
        draft.update(|d| {
            if let Some(d) = d {
                match d.checks.iter_mut().find(|c| c.0 == item) {
                    Some(c) => c.1 = pass,
                    None => d.checks.push((item, pass, String::new())),
                }
            }
        });
        persist.run(());
    };
    let missing = {
        let unit = unit.clone();
        let username = username.clone();
        move || {
            draft.with(|d| {
                d.as_ref()
                    .map(|d| d.record(&unit, &username, crate::time::now()).missing())
                    .unwrap_or_default()
            })
        }
    };
    let save = {
        let unit = unit.clone();
        let missing = missing.clone();
        move |_| {
            tried.set(true);
            if !missing().is_empty() {
                return;
            }
            let Some(d) = draft.get_untracked() else {
                return;
            };
            let record = d.record(&unit, &username, crate::time::now());
            let kind = OpKind::SaveVacantRecord {
                record_id: record.id,
                unit_id: unit.id,
                started_at: record.started_at,
                ended_at: record.ended_at,
                checks: record.checks.clone(),
                note: record.note.clone(),
                photos: record.photos.clone(),
            };
            let unit_id = unit.id;
            // Each problem noted is a finding for the supervisor, in the same transaction.
            let mut kinds = vec![kind];
            kinds.extend(fieldbook_model::field_op::vacant_problems(
                &record,
                &unit.name,
                Uuid::new_v4,
            ));
            outbox.record_then(kinds, Vec::new(), move || {
                draft.set(None);
                crate::drafts::forget(&db.get_value(), &draft_key(unit_id));
            });
        }
    };
    let add_unit_photo = add_photo.clone();
    view! {
        <div class="card record-form" data-testid="record-form">
            <div class="row between">
                <h2>{tr(Msg::VacantRecord)}</h2>
                <span class="muted small">{move || Msg::StartedAt.text(lang.get())}" "{started.map(time::short)}</span>
            </div>
            <ol class="standard">
                {VacantStandard::ALL.into_iter().map(|item| {
                    let state = move || draft.with(|d| d.as_ref().and_then(|d| d.checks.iter().find(|c| c.0 == item).map(|c| c.1)));
                    let add_photo = add_photo.clone();
                    let slot = item.slot();
                    let photos = move || draft.with(|d| d.as_ref().map(|d| d.photos.iter().filter(|p| p.slot == slot).map(|p| p.photo_id).collect::<Vec<_>>()).unwrap_or_default());
                    view! {
                        <li class="standard-item" data-testid="standard-item" data-item=slot>
                            <span class="item-label">{move || i18n::vacant_standard(item, lang.get())}</span>
                            <div class="segmented">
                                <button type="button" class="seg pass" class:selected=move || state() == Some(true)
                                    data-testid="pass" on:click=move |_| set_check(item, true)>{tr(Msg::Pass)}</button>
                                <button type="button" class="seg fail" class:selected=move || state() == Some(false)
                                    data-testid="fail" on:click=move |_| set_check(item, false)>{tr(Msg::Problem)}</button>
                            </div>
                            <Show when=move || state() == Some(false)>
                                <label class="field">
                                    <span>{tr(Msg::WhatIsWrong)}</span>
                                    <input data-testid="problem-note" maxlength="200"
                                        prop:value=move || draft.with(|d| d.as_ref().and_then(|d| d.checks.iter().find(|c| c.0 == item).map(|c| c.2.clone())).unwrap_or_default())
                                        on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| if let Some(c) = d.as_mut().and_then(|d| d.checks.iter_mut().find(|c| c.0 == item)) { c.2 = v }); persist.run(()); }/>
                                </label>
                                <div class="thumbs">{move || photos().into_iter().map(|id| view! { <FieldPhoto id/> }).collect_view()}</div>
                                <PhotoCapture label=Signal::derive(move || Msg::TakePhoto.text(lang.get())) caption
                                    on_photo=Callback::new({ let add_photo = add_photo.clone(); move |p| add_photo(slot, p) })
                                    busy error testid="problem-photo"/>
                            </Show>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <div class="unit-photo">
                <h3>{tr(Msg::UnitPhoto)}</h3>
                <div class="thumbs">{move || draft.with(|d| d.as_ref().map(|d| d.photos.iter().filter(|p| p.slot == UNIT_PHOTO_SLOT).map(|p| p.photo_id).collect::<Vec<_>>()).unwrap_or_default()).into_iter().map(|id| view! { <FieldPhoto id/> }).collect_view()}</div>
                <PhotoCapture label=Signal::derive(move || Msg::TakePhoto.text(lang.get())) caption
                    on_photo=Callback::new(move |p| add_unit_photo(UNIT_PHOTO_SLOT, p)) busy error testid="unit-photo"/>
            </div>
            <label class="field">
                <span>{tr(Msg::Note)}</span>
                <textarea rows="2" maxlength="500" data-testid="record-note"
                    prop:value=move || draft.with(|d| d.as_ref().map(|d| d.note.clone()).unwrap_or_default())
                    on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| if let Some(d) = d { d.note = v }); persist.run(()); }></textarea>
            </label>
            {move || {
                let missing = missing();
                (tried.get() && !missing.is_empty()).then(|| view! {
                    <div class="missing-list" data-testid="record-missing">
                        <ul>{missing.into_iter().map(|m| view! { <li>{i18n::record_missing(&m, lang.get())}</li> }).collect_view()}</ul>
                    </div>
                })
            }}
            <button class="primary big" data-testid="save-record" on:click=save disabled=move || busy.get() || outbox.pending.get()>{tr(Msg::FinishAndSave)}</button>
        </div>
    }
}

#[component]
pub fn RecordCard(
    record: VacantRecord,
    /// Who cleaned, as people know them.
    cleaner: String,
) -> impl IntoView {
    let lang = use_lang();
    let problems = record.checks.iter().filter(|c| !c.pass).count();
    let review = record.review.as_ref().map(|r| r.verdict.clone());
    view! {
        <li class="card record-card" data-testid="record-card">
            <a href=Route::Record(record.id).href() class="row between">
                <strong>{time::short(record.started_at)}" – "{time::short(record.ended_at)}</strong>
                <span class=if problems == 0 { "badge ok" } else { "badge missing" }>
                    {move || i18n::problems_found(problems, lang.get())}
                </span>
            </a>
            <span class="muted small">{cleaner}</span>
            {record.conflict_with.is_some().then(|| view! { <span class="warn-text small" data-testid="record-conflict">{tr(Msg::InConflict)}</span> })}
            {record.set_aside.then(|| view! { <span class="muted small" data-testid="record-set-aside">{tr(Msg::SetAside)}</span> })}
            {review.map(|v| match v {
                Verdict::Approved => view! { <span class="ok-text small">{tr(Msg::Approved)}</span> }.into_any(),
                Verdict::SentBack { reason } => view! { <span class="warn-text small" data-testid="record-sent-back">{tr(Msg::SentBack)}": "{reason}</span> }.into_any(),
            })}
        </li>
    }
}
