//! 照片规则, the photo rules: per service type, the slots in order (key, labels, required, an
//! example picture), saved whole; and the naming rule (standard, or with the service content),
//! a desk setting (`GET/PUT /api/settings`). Orders show changed slots the next time they are read.

use std::collections::BTreeMap;

use fieldbook::api::ApiFail;
use fieldbook::i18n::{self as labels, use_lang};
use fieldbook_model::ServiceType;
use fieldbook_model::desk::{DeskSettings, PhotoNaming, SlotRule};
use fieldbook_model::register::{SlotRuleError, check_slot_rules};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::i18n::{Msg, tr};
use crate::register_api as rapi;
use crate::session::{fail_text, use_session};

#[component]
pub fn PhotoRulesPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let all = LocalResource::new(rapi::photo_slots);
    Effect::new(move |_| {
        if all.with(|a| matches!(a, Some(Err(ApiFail::Unauthorized)))) {
            session.expire();
        }
    });
    let service = RwSignal::new(ServiceType::FaultRepair);
    // Kept here: a save reloads the rules, which draws the editor again.
    let note = RwSignal::new(None::<Result<(), String>>);
    view! {
        <section class="detail-page rules-page">
            <h1>{tr(Msg::NavPhotoRules)}</h1>
            <NamingRule/>
            <CallBackDays/>
            <nav class="tabs" data-testid="service-tabs">
                {ServiceType::ALL.into_iter().map(|t| view! {
                    <button
                        class=move || if service.get() == t { "chip selected" } else { "chip" }
                        data-service=t.as_str()
                        on:click=move |_| { service.set(t); note.set(None); }
                    >{move || labels::service_type(t, lang.get())}</button>
                }).collect_view()}
            </nav>
            {move || match all.get() {
                None => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> }.into_any(),
                Some(Ok(map)) => {
                    let t = service.get();
                    let rules = map.get(t.as_str()).cloned().unwrap_or_default();
                    view! { <SlotEditor service=t rules=rules all=all note=note/> }.into_any()
                }
            }}
        </section>
    }
}

type Slots = Result<BTreeMap<String, Vec<SlotRule>>, ApiFail>;

#[component]
fn SlotEditor(
    service: ServiceType,
    rules: Vec<SlotRule>,
    all: LocalResource<Slots>,
    note: RwSignal<Option<Result<(), String>>>,
) -> impl IntoView {
    let lang = use_lang();
    let rows = RwSignal::new(rules);
    let busy = RwSignal::new(false);
    let edit = move |i: usize, f: &dyn Fn(&mut SlotRule)| {
        rows.update(|r| {
            if let Some(rule) = r.get_mut(i) {
                f(rule);
            }
        });
        note.set(None);
    };
    let save = move |_| {
        let list = rows.get_untracked();
        if let Some(e) = check_slot_rules(&list).first() {
            note.set(Some(Err(slot_error_text(e, lang.get_untracked()))));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = rapi::put_photo_slots(service.as_str(), &list).await;
            busy.set(false);
            note.set(Some(match result {
                Ok(stored) => {
                    rows.set(stored);
                    all.refetch();
                    Ok(())
                }
                Err(ApiFail::Server(_, e)) => Err(e.message),
                Err(other) => Err(fail_text(&other).text(lang.get_untracked()).to_string()),
            }));
        });
    };
    let add = move |_| {
        rows.update(|r| {
            r.push(SlotRule {
                key: format!("slot_{}", r.len() + 1),
                label_zh: String::new(),
                label_en: String::new(),
                required: false,
                example: None,
            })
        })
    };
    view! {
        <table class="dense slot-table" data-testid="slot-table">
            <thead><tr>
                <th>"#"</th>
                <th>{tr(Msg::SlotKey)}</th>
                <th>{tr(Msg::LabelZh)}</th>
                <th>{tr(Msg::LabelEn)}</th>
                <th>{tr(Msg::RequiredPhoto)}</th>
                <th>{tr(Msg::Example)}</th>
                <th></th>
            </tr></thead>
            <tbody>
                {move || {
                    let list = rows.get();
                    let n = list.len();
                    list.into_iter().enumerate().map(|(i, rule)| {
                        let example = rule.example.map(|id| view! {
                            <a href=rapi::example_path(id) target="_blank">
                                <img class="example-thumb" src=rapi::example_path(id) alt="" width="40" height="30"/>
                            </a>
                        });
                        let upload = move |ev: leptos::ev::Event| {
                            let Some(file) = file_of(&ev) else { return };
                            spawn_local(async move {
                                match rapi::put_example(&file).await {
                                    Ok(id) => edit(i, &|r| r.example = Some(id)),
                                    Err(ApiFail::Server(_, e)) => note.set(Some(Err(e.message))),
                                    Err(other) => note.set(Some(Err(fail_text(&other).text(lang.get_untracked()).to_string()))),
                                }
                            });
                        };
                        view! {
                            <tr data-slot=rule.key.clone()>
                                <td class="num">{i + 1}</td>
                                <td><input class="cell-mono" data-testid="slot-key" maxlength="30" size="14" prop:value=rule.key.clone()
                                    on:change=move |ev| { let v = event_target_value(&ev); edit(i, &|r| r.key = v.trim().to_string()) }/></td>
                                <td><input data-testid="slot-label-zh" maxlength="60" prop:value=rule.label_zh.clone()
                                    on:change=move |ev| { let v = event_target_value(&ev); edit(i, &|r| r.label_zh = v.clone()) }/></td>
                                <td><input data-testid="slot-label-en" maxlength="60" prop:value=rule.label_en.clone()
                                    on:change=move |ev| { let v = event_target_value(&ev); edit(i, &|r| r.label_en = v.clone()) }/></td>
                                <td><input type="checkbox" data-testid="slot-required" prop:checked=rule.required
                                    on:change=move |ev| { let v = event_target_checked(&ev); edit(i, &|r| r.required = v) }/></td>
                                <td class="example-cell"><div>
                                    {example}
                                    <label class="chip file-chip">
                                        {tr(Msg::UploadExample)}
                                        <input type="file" accept="image/jpeg,image/png" data-testid="slot-example" on:change=upload/>
                                    </label>
                                </div></td>
                                <td class="row-actions">
                                    <button class="chip" title=tr(Msg::MoveUp) disabled=i == 0
                                        on:click=move |_| rows.update(|r| r.swap(i, i - 1))>"↑"</button>
                                    <button class="chip" title=tr(Msg::MoveDown) disabled=i + 1 == n
                                        on:click=move |_| rows.update(|r| r.swap(i, i + 1))>"↓"</button>
                                    <button class="chip" data-testid="slot-remove"
                                        on:click=move |_| rows.update(|r| { r.remove(i); })>{tr(Msg::Remove)}</button>
                                </td>
                            </tr>
                        }
                    }).collect_view()
                }}
            </tbody>
        </table>
        <div class="form-actions">
            <button class="secondary" data-testid="slot-add" on:click=add>{tr(Msg::AddSlot)}</button>
            <button class="primary" data-testid="slots-save" disabled=move || busy.get() on:click=save>
                {move || tr(if busy.get() { Msg::Saving } else { Msg::Save })()}
            </button>
            {move || note.get().map(|n| match n {
                Ok(()) => view! { <span class="badge ok" role="status" data-testid="slots-saved">{tr(Msg::RulesChanged)}</span> }.into_any(),
                Err(m) => view! { <span class="field-error" role="alert" data-testid="slots-error">{m}</span> }.into_any(),
            })}
        </div>
    }
}

/// A slot list's first problem, in the desk's language, with the row it is on.
fn slot_error_text(e: &SlotRuleError, lang: fieldbook::i18n::Lang) -> String {
    let (index, msg) = match e {
        SlotRuleError::BadKey { index } | SlotRuleError::ReservedKey { index, .. } => {
            (Some(*index), Msg::ErrSlotKey)
        }
        SlotRuleError::DuplicateKey { index, .. } => (Some(*index), Msg::ErrSlotDuplicate),
        SlotRuleError::BadLabel { index, .. } => (Some(*index), Msg::ErrSlotLabel),
        SlotRuleError::TooMany => (None, Msg::ErrTooManySlots),
    };
    match index {
        Some(i) => format!(
            "{}: {}",
            Msg::Row.text(lang).replace("{n}", &(i + 1).to_string()),
            msg.text(lang)
        ),
        None => msg.text(lang).to_string(),
    }
}

/// The file chosen in an `<input type=file>`'s change event.
pub fn file_of(ev: &leptos::ev::Event) -> Option<web_sys::File> {
    let input: web_sys::HtmlInputElement = ev.target()?.dyn_into().ok()?;
    input.files()?.get(0)
}

/// The naming rule: a desk setting, changed through `PUT /api/settings`.
#[component]
fn NamingRule() -> impl IntoView {
    let lang = use_lang();
    let settings = LocalResource::new(rapi::settings);
    let note = RwSignal::new(None::<Result<(), String>>);
    let choose = move |naming: PhotoNaming, current: DeskSettings| {
        spawn_local(async move {
            let wanted = DeskSettings {
                photo_naming: naming,
                ..current
            };
            note.set(Some(match rapi::put_settings(&wanted).await {
                Ok(_) => {
                    settings.refetch();
                    Ok(())
                }
                Err(ApiFail::Server(_, e)) => Err(e.message),
                Err(other) => Err(fail_text(&other).text(lang.get_untracked()).to_string()),
            }));
        });
    };
    view! {
        <fieldset class="naming-rule" data-testid="naming-rule">
            <legend>{tr(Msg::NamingRule)}</legend>
            {move || match settings.get() {
                None => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
                Some(Err(_)) => view! { <p class="muted">{tr(Msg::NamingUnavailable)}</p> }.into_any(),
                Some(Ok(current)) => {
                    let option = move |naming: PhotoNaming, msg: Msg, current: DeskSettings| {
                        let checked = current.photo_naming == naming;
                        view! {
                            <label class="radio">
                                <input type="radio" name="naming" prop:checked=checked
                                    on:change=move |_| choose(naming, current.clone())/>
                                {tr(msg)}
                            </label>
                        }
                    };
                    view! {
                        {option(PhotoNaming::Standard, Msg::NamingStandard, current.clone())}
                        {option(PhotoNaming::WithServiceContent, Msg::NamingWithService, current)}
                    }.into_any()
                }
            }}
            {move || note.get().and_then(|n| n.err()).map(|m| view! { <span class="field-error" role="alert">{m}</span> })}
        </fieldset>
    }
}

/// The days after a closed work order by which the desk calls the customer back: a desk setting,
/// changed through `PUT /api/settings`.
#[component]
fn CallBackDays() -> impl IntoView {
    let lang = use_lang();
    let settings = LocalResource::new(rapi::settings);
    let days = RwSignal::new(String::new());
    let note = RwSignal::new(None::<Result<(), String>>);
    Effect::new(move |_| {
        if let Some(Ok(s)) = settings.get() {
            days.set(s.call_back_days.to_string());
        }
    });
    let save = move |_| {
        let Some(Ok(current)) = settings.get_untracked() else {
            return;
        };
        let lang = lang.get_untracked();
        let Some(n) = days
            .get_untracked()
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=60).contains(n))
        else {
            note.set(Some(Err(Msg::CallBackDaysHint.text(lang).into())));
            return;
        };
        spawn_local(async move {
            let wanted = DeskSettings {
                call_back_days: n,
                ..current
            };
            note.set(Some(match rapi::put_settings(&wanted).await {
                Ok(_) => {
                    settings.refetch();
                    Ok(())
                }
                Err(ApiFail::Server(_, e)) => Err(e.message),
                Err(other) => Err(fail_text(&other).text(lang).to_string()),
            }));
        });
    };
    view! {
        <fieldset class="naming-rule" data-testid="call-back-days">
            <legend>{tr(Msg::CallBackDaysLabel)}</legend>
            <div class="row">
                <input type="number" min="1" max="60" name="call_back_days" aria-label=tr(Msg::CallBackDaysLabel)
                    prop:value=move || days.get() on:input=move |ev| { days.set(event_target_value(&ev)); note.set(None); }/>
                <span class="muted">{tr(Msg::CallBackDaysHint)}</span>
                <button class="secondary" type="button" data-testid="save-call-back-days" on:click=save>{tr(Msg::Save)}</button>
                {move || note.get().map(|n| match n {
                    Ok(()) => view! { <span class="saved" role="status">{tr(Msg::Saved)}</span> }.into_any(),
                    Err(m) => view! { <span class="field-error" role="alert">{m}</span> }.into_any(),
                })}
            </div>
        </fieldset>
    }
}
