//! 人员: the people the office knows (`GET /api/people`) with the two things issue 19 keeps on
//! them: an engineer's grade as the manufacturer certifies it (a periodic-maintenance claim needs
//! TCL1 or above) and a signer's sign-off title (the commercial claims' chain names titles, shown
//! above the list). Claims support and the 400 desk change them (`PUT /api/people/{username}`),
//! the manager reads.

use fieldbook::i18n::{Lang, use_lang};
use fieldbook_model::Role;
use fieldbook_model::claims::Grade;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Serialize;

use crate::claims_api::{self as kapi, Person};
use crate::complaints_api as capi;
use crate::i18n::{Msg, tr};
use crate::pages::claims::my_role;
use crate::session::fail_text;

#[derive(Serialize)]
struct PersonEdit {
    grade: Option<Grade>,
    title: Option<String>,
}

fn title_ok(t: &str) -> bool {
    t.is_empty()
        || (t.len() <= 40
            && t.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
}

#[component]
pub fn PeoplePage() -> impl IntoView {
    let lang = use_lang();
    let people = LocalResource::new(kapi::people);
    let chain = LocalResource::new(kapi::chain);
    let writer = matches!(my_role(), Some(Role::Claims | Role::Dispatcher));
    view! {
        <section class="people-page">
            <div class="list-head"><h1>{tr(Msg::NavPeople)}</h1></div>
            {move || chain.get().and_then(Result::ok).filter(|c| !c.is_empty()).map(|c| view! {
                <div class="card chain-card" data-testid="chain">
                    <strong>{tr(Msg::Chain)}": "</strong>
                    {c.into_iter().enumerate().map(|(i, s)| {
                        let label = (s.label_zh.clone(), s.label_en.clone());
                        view! {
                            {(i > 0).then_some(" → ")}
                            <span>{move || if lang.get() == Lang::Zh { label.0.clone() } else { label.1.clone() }}" ("<span class="tag">{s.title.clone()}</span>")"</span>
                        }
                    }).collect_view()}
                </div>
            })}
            {move || match people.get() {
                None => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <div class="table-scroll">
                        <table class="dense people" data-testid="people">
                            <thead><tr>
                                <th>{tr(Msg::AccountName)}</th><th>{tr(Msg::RoleLabel)}</th><th>{tr(Msg::Station)}</th>
                                <th>{tr(Msg::Grade)}</th><th>{tr(Msg::SignTitle)}</th><th></th>
                            </tr></thead>
                            <tbody>{list.into_iter().map(|p| view! { <PersonRow person=p writer/> }).collect_view()}</tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn PersonRow(person: Person, writer: bool) -> impl IntoView {
    let lang = use_lang();
    let p = person;
    let username = p.username.clone();
    let grade = RwSignal::new(p.grade);
    let title = RwSignal::new(p.title.clone().unwrap_or_default());
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let save = move |_| {
        let t = title.get_untracked().trim().to_string();
        if !title_ok(&t) {
            outcome.set(Some(Err(Msg::BadTitle.text(lang.get_untracked()).into())));
            return;
        }
        outcome.set(None);
        let body = PersonEdit {
            grade: grade.get_untracked(),
            title: (!t.is_empty()).then_some(t),
        };
        let path = format!("/api/people/{}", crate::api::encode(&username));
        spawn_local(async move {
            match capi::send(
                "PUT",
                &path,
                serde_json::to_string(&body).unwrap_or_default(),
            )
            .await
            {
                Ok(_) => outcome.set(Some(Ok(()))),
                Err(f) => outcome.set(Some(Err(kapi::refusal_text(&f, lang.get_untracked())))),
            }
        });
    };
    let name = if p.display_name.is_empty() {
        p.username.clone()
    } else {
        format!("{} ({})", p.display_name, p.username)
    };
    let role = Role::parse(&p.role);
    let grade_name = move |g: Option<Grade>| match g {
        None => Msg::NoGrade.text(lang.get()),
        Some(Grade::Trainee) => Msg::TraineeGrade.text(lang.get()),
        Some(g) => kapi::grade_code(g),
    };
    view! {
        <tr data-testid="person" data-username=p.username.clone()>
            <td class="cell-strong">{name}</td>
            <td>{move || role.map(|r| fieldbook::i18n::role_name(r, lang.get())).unwrap_or_default()}</td>
            <td>{p.team.clone().unwrap_or_default()}</td>
            {if writer {
                view! {
                    <td>
                        <select name="grade" aria-label=tr(Msg::Grade) on:change=move |ev| {
                            let v = event_target_value(&ev);
                            grade.set(kapi::GRADES.into_iter().find(|g| kapi::grade_code(*g) == v));
                        }>
                            <option value="" selected=move || grade.get().is_none()>{move || grade_name(None)}</option>
                            {kapi::GRADES.into_iter().map(|g| view! {
                                <option value=kapi::grade_code(g) selected=move || grade.get() == Some(g)>{move || grade_name(Some(g))}</option>
                            }).collect_view()}
                        </select>
                    </td>
                    <td class="reason-cell">
                        <input name="title" aria-label=tr(Msg::SignTitle) placeholder=tr(Msg::SignTitleHint) autocomplete="off" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))/>
                    </td>
                    <td>
                        <button class="secondary small" type="button" data-testid="save-person" on:click=save>{tr(Msg::Save)}</button>
                        {move || outcome.get().map(|r| match r {
                            Ok(()) => view! { <span class="saved" role="status">{tr(Msg::Saved)}</span> }.into_any(),
                            Err(t) => view! { <span class="form-error" role="alert">{t}</span> }.into_any(),
                        })}
                    </td>
                }.into_any()
            } else {
                view! {
                    <td>{move || grade_name(grade.get())}</td>
                    <td class="tag">{title.get_untracked()}</td>
                    <td></td>
                }.into_any()
            }}
        </tr>
    }
}
