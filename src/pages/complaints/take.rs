//! Take a complaint on a customer's behalf (a cleaner, an engineer or a supervisor the customer
//! stopped): customer, contact phone, unit or site (one of the team's areas or units, or typed),
//! what happened, photos, major or ordinary. Every field is checked as it is typed by the model's
//! own rule (`NewComplaint::check`); the form is a draft on the device (photos included) until it
//! is saved or discarded, so a reload or a flat battery loses nothing. Saving works offline.

use fieldbook_model::complaints::{ComplaintField, NewComplaint, Severity};
use fieldbook_model::sync::FieldReference;
use fieldbook_model::{OpKind, UserProfile};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::severity_msg;
use crate::components::back::BackHome;
use crate::components::capture::{FieldPhoto, PhotoCapture};
use crate::components::device_read::DeviceRead;
use crate::components::feedback::FeedbackToast;
use crate::db::{DbHandle, use_db_handle};
use crate::drafts;
use crate::failure::Failure;
use crate::hooks::{use_outbox, use_read};
use crate::i18n::{Msg, tr, use_lang};
use crate::photo::Processed;
use crate::router::{self, Route};
use crate::session::use_session;
use crate::time;

/// One draft per person on a device.
fn draft_key(user: &str) -> String {
    format!("complaint:{user}")
}

/// Whether `field` of `form` breaks the model's rule, judged on its own: the other fields are
/// given valid values, so each field gets its own message while the person types.
fn field_wrong(form: &NewComplaint, field: ComplaintField) -> bool {
    let mut probe = NewComplaint {
        team: "t".into(),
        customer: "c".into(),
        contact_phone: String::new(),
        area_id: None,
        place: "p".into(),
        what: "w".into(),
        photos: Vec::new(),
        assignee: None,
        ..form.clone()
    };
    match field {
        ComplaintField::Team => probe.team.clone_from(&form.team),
        ComplaintField::Customer => probe.customer.clone_from(&form.customer),
        ComplaintField::ContactPhone => probe.contact_phone.clone_from(&form.contact_phone),
        ComplaintField::Place => {
            probe.place.clone_from(&form.place);
            probe.area_id = form.area_id;
        }
        ComplaintField::What => probe.what.clone_from(&form.what),
        ComplaintField::Photos => probe.photos.clone_from(&form.photos),
        _ => return false,
    }
    probe.check() == Err(field)
}

fn field_msg(field: ComplaintField) -> Msg {
    match field {
        ComplaintField::Team => Msg::ErrTeam,
        ComplaintField::Customer => Msg::ErrCustomer,
        ComplaintField::ContactPhone => Msg::ErrPhone,
        ComplaintField::Place => Msg::ErrPlace,
        ComplaintField::What => Msg::ErrWhat,
        _ => Msg::ErrPhotos,
    }
}

fn fresh(team: &str) -> NewComplaint {
    NewComplaint {
        id: Uuid::new_v4(),
        finding_id: Uuid::new_v4(),
        team: team.to_string(),
        severity: Severity::Ordinary,
        customer: String::new(),
        contact_phone: String::new(),
        area_id: None,
        place: String::new(),
        what: String::new(),
        photos: Vec::new(),
        work_order_id: None,
        assignee: None,
    }
}

/// Keep the draft (or forget it) on the device.
fn persist(db: DbHandle, key: String, draft: Option<NewComplaint>) {
    let db = db.get_value();
    match &draft {
        Some(d) => drafts::keep(&db, &key, d),
        None => drafts::forget(&db, &key),
    }
}

#[component]
pub fn TakeComplaintPage() -> impl IntoView {
    let read = use_read(
        || {},
        |db| async move {
            let reference = db.field_reference().await?;
            let me: Option<UserProfile> = db.profile().await?;
            let draft: Option<NewComplaint> = match &me {
                Some(p) => drafts::stored(&db, &draft_key(&p.username)).await,
                None => None,
            };
            Ok((reference, draft))
        },
    );
    view! {
        <section class="detail-page field-page complaint-page">
            <BackHome/>
            <h1>{tr(Msg::TakeComplaint)}</h1>
            <DeviceRead read view=|(reference, draft): (FieldReference, Option<NewComplaint>)| complaint_form(reference, draft)/>
        </section>
    }
}

fn complaint_form(reference: FieldReference, draft: Option<NewComplaint>) -> AnyView {
    let lang = use_lang();
    let outbox = use_outbox();
    let db = use_db_handle();
    let Some(me) = use_session().0.get_untracked() else {
        return ().into_any();
    };
    let Some(team) = me.team.clone().filter(|t| !t.trim().is_empty()) else {
        return view! { <p class="banner attention" data-testid="no-team">{tr(Msg::NoTeam)}</p> }
            .into_any();
    };
    let key = StoredValue::new(draft_key(&me.username));
    let form = RwSignal::new(draft.unwrap_or_else(|| fresh(&team)));
    // A field's message shows once it was typed in, or once saving was tried.
    let touched = RwSignal::new(Vec::<ComplaintField>::new());
    let tried = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let photo_error = RwSignal::new(None::<Failure>);
    let change = move |field: ComplaintField, f: &dyn Fn(&mut NewComplaint)| {
        form.update(|d| f(d));
        touched.update(|t| {
            if !t.contains(&field) {
                t.push(field)
            }
        });
        persist(db, key.get_value(), Some(form.get_untracked()));
    };
    let error = move |field: ComplaintField| {
        move || {
            let shown = tried.get() || touched.with(|t| t.contains(&field));
            (shown && form.with(|f| field_wrong(f, field))).then(|| {
                view! { <p class="field-error" role="alert" data-testid="field-error" data-field=field.to_string()>{move || field_msg(field).text(lang.get())}</p> }
            })
        }
    };

    // Where: one of the team's areas (its id), a vacant unit (its name), or typed.
    let areas = reference.areas.clone();
    let units = reference.units.clone();
    let place_choice = {
        let units = units.clone();
        move || {
            form.with(|f| match f.area_id {
                Some(id) => id.to_string(),
                None if units.iter().any(|u| u.name == f.place) => format!("={}", f.place),
                None => String::new(),
            })
        }
    };
    let pick_place = {
        let areas = areas.clone();
        move |value: String| {
            let (area_id, place) = if let Some(unit) = value.strip_prefix('=') {
                (None, unit.to_string())
            } else if let Ok(id) = Uuid::parse_str(&value) {
                let name = areas.iter().find(|a| a.id == id).map(|a| a.name.clone());
                (Some(id), name.unwrap_or_default())
            } else {
                (None, String::new())
            };
            change(ComplaintField::Place, &|f: &mut NewComplaint| {
                f.area_id = area_id;
                f.place.clone_from(&place);
            });
        }
    };
    let typed_place = {
        let place_choice = place_choice.clone();
        move || place_choice().is_empty()
    };

    let complaint_id = form.with_untracked(|f| f.id);
    let user = me.username.clone();
    let on_photo = Callback::new(move |p: Processed| {
        let (r, blob) = p.into_field_photo(complaint_id, "before", &user);
        let db = db.get_value();
        spawn_local(async move {
            match db.keep_draft_photo(blob).await {
                Ok(()) => change(ComplaintField::Photos, &|f: &mut NewComplaint| {
                    f.photos.push(r.clone())
                }),
                Err(e) => photo_error.set(Some(Failure::of_write(&e, true))),
            }
        });
    });
    let caption = Signal::derive(move || {
        vec![
            form.with(|f| f.place.clone()),
            time::full(crate::time::now()),
        ]
    });

    let save = move |_| {
        tried.set(true);
        let new = form.get_untracked();
        if new.check().is_err() {
            return;
        }
        let id = new.id;
        outbox.record_then(
            vec![OpKind::TakeComplaint { complaint: new }],
            Vec::new(),
            move || {
                persist(db, key.get_value(), None);
                router::navigate(Route::Complaint(id));
            },
        );
    };
    let discard = move |_| {
        let sure = gloo::utils::window()
            .confirm_with_message(Msg::DiscardComplaintConfirm.text(lang.get_untracked()))
            .unwrap_or(false);
        if sure {
            persist(db, key.get_value(), None);
            router::navigate(Route::Home);
        }
    };
    let severity_chip = move |s: Severity, testid: &'static str| {
        view! {
            <button type="button" class="chip choice" class:selected=move || form.with(|f| f.severity == s)
                data-testid=testid on:click=move |_| change(ComplaintField::Team, &|f: &mut NewComplaint| f.severity = s)>
                {tr(severity_msg(s))}
            </button>
        }
    };
    let text_field = move |field: ComplaintField,
                           label: Msg,
                           testid: &'static str,
                           get: fn(&NewComplaint) -> String,
                           set: fn(&mut NewComplaint, String)| {
        view! {
            <label class="field">
                <span>{tr(label)}</span>
                <input data-testid=testid maxlength="60" prop:value=move || form.with(get)
                    class:invalid=move || tried.get() && form.with(|f| field_wrong(f, field))
                    on:input=move |ev| { let v = event_target_value(&ev); change(field, &|f: &mut NewComplaint| set(f, v.clone())) }/>
            </label>
            {error(field)}
        }
    };

    view! {
        <p class="muted small" data-testid="draft-kept">{tr(Msg::DraftKept)}</p>
        <div class="card complaint-form" data-testid="complaint-form">
            <div class="chips" role="radiogroup">
                {severity_chip(Severity::Major, "severity-major")}
                {severity_chip(Severity::Ordinary, "severity-ordinary")}
            </div>
            {text_field(ComplaintField::Customer, Msg::Customer, "complaint-customer", |f| f.customer.clone(), |f, v| f.customer = v)}
            <label class="field">
                <span>{tr(Msg::ContactPhone)}</span>
                <input type="tel" inputmode="tel" data-testid="complaint-phone" maxlength="30" prop:value=move || form.with(|f| f.contact_phone.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); change(ComplaintField::ContactPhone, &|f: &mut NewComplaint| f.contact_phone.clone_from(&v)) }/>
            </label>
            {error(ComplaintField::ContactPhone)}
            <label class="field">
                <span>{tr(Msg::UnitOrSite)}</span>
                <select data-testid="complaint-area" prop:value=place_choice on:change=move |ev| pick_place(event_target_value(&ev))>
                    <option value="">{move || Msg::OtherPlace.text(lang.get())}</option>
                    {areas.iter().map(|a| view! { <option value=a.id.to_string()>{a.name.clone()}</option> }).collect_view()}
                    {units.iter().map(|u| view! { <option value=format!("={}", u.name)>{u.name.clone()}</option> }).collect_view()}
                </select>
            </label>
            <Show when=typed_place.clone()>
                <label class="field">
                    <span>{tr(Msg::PlaceInWords)}</span>
                    <input data-testid="complaint-place" maxlength="60" prop:value=move || form.with(|f| f.place.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); change(ComplaintField::Place, &|f: &mut NewComplaint| { f.area_id = None; f.place.clone_from(&v) }) }/>
                </label>
            </Show>
            {error(ComplaintField::Place)}
            <label class="field">
                <span>{tr(Msg::WhatHappened)}</span>
                <textarea rows="3" maxlength="2000" data-testid="complaint-what" prop:value=move || form.with(|f| f.what.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); change(ComplaintField::What, &|f: &mut NewComplaint| f.what.clone_from(&v)) }></textarea>
            </label>
            {error(ComplaintField::What)}
            <div class="thumbs" data-testid="complaint-photos">
                {move || form.with(|f| f.photos.iter().map(|p| p.photo_id).collect::<Vec<_>>()).into_iter().map(|id| view! { <FieldPhoto id/> }).collect_view()}
            </div>
            <PhotoCapture label=Signal::derive(move || Msg::TakePhoto.text(lang.get())) caption on_photo busy error=photo_error testid="complaint-photo"/>
            {error(ComplaintField::Photos)}
            {move || (tried.get() && form.with(|f| field_wrong(f, ComplaintField::Team))).then(|| view! { <p class="field-error" role="alert">{tr(Msg::ErrTeam)}</p> })}
            <button class="primary big" data-testid="save-complaint" disabled=move || busy.get() || outbox.pending.get() on:click=save>{tr(Msg::SaveComplaint)}</button>
            <button class="link" type="button" data-testid="discard-complaint" on:click=discard>{tr(Msg::DiscardComplaint)}</button>
        </div>
        <FeedbackToast feedback=outbox.feedback/>
    }
    .into_any()
}
