//! A vacant-unit record, for the supervisor's spot check (抽查): approved, or sent back with a
//! reason the cleaner sees after sync.

use fieldbook_model::OpKind;
use fieldbook_model::cleaning::{UNIT_PHOTO_SLOT, VacantRecord, VacantStandard, Verdict};
use fieldbook_model::sync::FieldReference;
use leptos::prelude::*;
use uuid::Uuid;

use super::display_name;
use crate::components::back::BackHome;
use crate::components::capture::FieldPhoto;
use crate::components::device_read::DeviceRead;
use crate::hooks::{use_outbox, use_read};
use crate::i18n::{self, Msg, tr, use_lang};
use crate::pages::field::conflicts::RecordConflict;
use crate::pages::supervising::ReviewPanel;
use crate::session::use_session;
use crate::sync::use_sync;
use crate::time;

/// A vacant-unit record for the spot check: times, the standard item by item with photos, the
/// cleaner, and approve / send back.
#[component]
pub fn RecordPage(id: Uuid) -> impl IntoView {
    let sync = use_sync();
    let lang = use_lang();
    let read = use_read(
        move || sync.changed.field.track(),
        move |db| async move {
            let record = db.vacant_record(id).await?;
            // The record it is in conflict with, for both to show side by side.
            let other = match record.as_ref().and_then(|r| r.conflict_with) {
                Some(other) => db.vacant_record(other).await?,
                None => None,
            };
            let reference = db.field_reference().await?;
            Ok((record, other, reference))
        },
    );
    view! {
        <section class="detail-page field-page">
            <BackHome/>
            <DeviceRead read view=move |(record, other, reference): (Option<VacantRecord>, Option<VacantRecord>, FieldReference)| match record {
                None => view! { <p class="empty muted">{move || Msg::NotOnDevice.text(lang.get())}</p> }.into_any(),
                Some(record) => {
                    let unit = reference.units.iter().find(|u| u.id == record.unit_id).map(|u| u.name.clone()).unwrap_or_default();
                    view! { <RecordView record other unit people=reference.people/> }.into_any()
                }
            }/>
        </section>
    }
}

#[component]
fn RecordView(
    record: VacantRecord,
    /// The record it is in conflict with, if it is.
    other: Option<VacantRecord>,
    unit: String,
    people: Vec<fieldbook_model::UserProfile>,
) -> impl IntoView {
    let lang = use_lang();
    let outbox = use_outbox();
    let record_id = record.id;
    let is_supervisor = use_session()
        .0
        .get_untracked()
        .is_some_and(|p| p.role == fieldbook_model::Role::Supervisor);
    let in_conflict = record.conflict_with.is_some();
    let minutes = (record.ended_at - record.started_at).num_minutes();
    let cleaner = display_name(&people, &record.cleaner);
    let photos_of = |slot: &str| -> Vec<Uuid> {
        record
            .photos
            .iter()
            .filter(|p| p.slot == slot)
            .map(|p| p.photo_id)
            .collect()
    };
    let unit_photos = photos_of(UNIT_PHOTO_SLOT);
    let on_verdict = Callback::new(move |verdict: Verdict| {
        outbox.record(
            vec![OpKind::ReviewVacantRecord { record_id, verdict }],
            Vec::new(),
        )
    });
    view! {
        {other.map(|other| view! {
            <RecordConflict records=[record.clone(), other] unit=unit.clone() people=people.clone()
                can_settle=is_supervisor outbox/>
        })}
        <div class="card record-detail" data-testid="record-detail">
            <h1>{unit}</h1>
            <p class="muted small">{tr(Msg::VacantRecord)}</p>
            {record.set_aside.then(|| view! { <p class="muted" data-testid="record-set-aside">{tr(Msg::SetAside)}</p> })}
            <dl class="facts">
                <dt>{tr(Msg::Cleaner)}</dt><dd>{cleaner}</dd>
                <dt>{tr(Msg::CleanedAt)}</dt>
                <dd>{time::short(record.started_at)}" – "{time::short(record.ended_at)}
                    {move || match lang.get() { i18n::Lang::Zh => format!("（{minutes} 分钟）"), i18n::Lang::En => format!(" ({minutes} min)") }}</dd>
            </dl>
            <h2 class="sub">{tr(Msg::Standard)}</h2>
            <ol class="standard review-standard">
                {VacantStandard::ALL.into_iter().map(|item| {
                    let check = record.checks.iter().find(|c| c.item == item).cloned();
                    let pass = check.as_ref().map(|c| c.pass);
                    let note = check.map(|c| c.note).unwrap_or_default();
                    let photos = photos_of(item.slot());
                    view! {
                        <li class="standard-item" data-testid="record-check" data-item=item.slot()>
                            <div class="row between">
                                <span class="item-label">{move || i18n::vacant_standard(item, lang.get())}</span>
                                {match pass {
                                    Some(true) => view! { <span class="badge ok">{tr(Msg::Pass)}</span> }.into_any(),
                                    Some(false) => view! { <span class="badge missing">{tr(Msg::Problem)}</span> }.into_any(),
                                    None => ().into_any(),
                                }}
                            </div>
                            {(!note.is_empty()).then(|| view! { <p class="warn-text small">{note.clone()}</p> })}
                            <div class="thumbs">{photos.into_iter().map(|id| view! { <FieldPhoto id/> }).collect_view()}</div>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <h3>{tr(Msg::UnitPhoto)}</h3>
            <div class="thumbs" data-testid="unit-photos">{unit_photos.into_iter().map(|id| view! { <FieldPhoto id/> }).collect_view()}</div>
            {(!record.note.is_empty()).then(|| view! { <p><strong>{tr(Msg::Note)}": "</strong>{record.note.clone()}</p> })}
        </div>
        <ReviewPanel key=format!("review:{record_id}") current=record.review.clone() can_approve=!in_conflict people on_verdict outbox/>
    }
}
