//! 我的考核: an engineer's own monthly scorecard (`GET /api/scorecards/me`), or a cleaner's
//! (`GET /api/scorecards/cleaning/me`, [`cleaner`]), last month by default. Online only (it is
//! computed on the server from everyone's records); a plain list, no chart, to keep the phone's
//! wasm small.

mod cleaner;

use fieldbook_model::Role;
use fieldbook_model::scorecard::Month;
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::i18n::{Msg, tr, use_lang};
use crate::router::Route;

/// The parts of `EngineerScorecard` the phone shows (a smaller reader than the whole card's).
#[derive(Clone, serde::Deserialize)]
struct Card {
    orders: u32,
    response: u32,
    first_fix: u32,
    data: u32,
    beyond: u32,
    total: i64,
    deductions: Vec<Deduction>,
}

#[derive(Clone, serde::Deserialize)]
struct Deduction {
    work_order_id: Uuid,
    ticket: String,
    kind: String,
    points: u32,
}

/// A defect by its kind (`Defect::kind`).
fn defect_msg(kind: &str) -> Msg {
    match kind {
        "late_response" => Msg::DefLateResponse,
        "second_visit" => Msg::DefSecondVisit,
        "missing_photo" => Msg::DefMissingPhoto,
        "late_report" => Msg::DefLateReport,
        "unsigned" => Msg::DefUnsigned,
        "sent_back" => Msg::DefSentBack,
        "complaint" => Msg::DefComplaint,
        _ => Msg::DefDissatisfied,
    }
}

/// The card of the month shown, asked of `path` again whenever the month changes: `None` while
/// it comes, `Some(None)` when it could not be had.
///
/// A plain signal and a task, not a `LocalResource`: the field app has none, and its machinery
/// would cost the wasm several KiB.
fn use_month_card<C>(path: &'static str, month: RwSignal<Month>) -> RwSignal<Option<Option<C>>>
where
    C: DeserializeOwned + Send + Sync + 'static,
{
    let card = RwSignal::new(None::<Option<C>>);
    Effect::new(move |_| {
        let asked = month.get();
        card.set(None);
        leptos::task::spawn_local(async move {
            let got = crate::api::get::<C>(&format!("{path}?month={asked}"))
                .await
                .ok();
            // An answer for a month no longer shown is dropped.
            if month.get_untracked() == asked {
                card.set(Some(got));
            }
        });
    });
    card
}

#[component]
pub fn ScorecardPage() -> impl IntoView {
    let lang = use_lang();
    let month = RwSignal::new(Month::of(crate::time::now()).previous());
    let cleaner = crate::session::use_session()
        .0
        .with_untracked(|p| p.as_ref().is_some_and(|p| p.role == Role::Cleaner));
    let step = move |back: bool| month.update(|m| *m = if back { m.previous() } else { m.next() });
    view! {
        <section class="list-page scorecard" data-testid="my-scorecard">
            <h1>{tr(Msg::MyScorecard)}</h1>
            <div class="row between">
                <button class="secondary month-step" data-testid="month-back" aria-label=move || Msg::PrevMonth.text(lang.get()) on:click=move |_| step(true)>"‹"</button>
                <strong data-testid="month">{move || month.get().to_string()}</strong>
                <button class="secondary month-step" aria-label=move || Msg::NextMonth.text(lang.get()) on:click=move |_| step(false)>"›"</button>
            </div>
            {if cleaner {
                cleaner::card(month).into_any()
            } else {
                engineer_card(month).into_any()
            }}
        </section>
    }
}

fn engineer_card(month: RwSignal<Month>) -> impl IntoView {
    let lang = use_lang();
    let card = use_month_card::<Card>("/api/scorecards/me", month);
    move || match card.get() {
        None => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
        Some(None) => view! { <p class="muted">{tr(Msg::ScorecardOffline)}</p> }.into_any(),
        Some(Some(c)) => {
            let part =
                |m: Msg, v: String| view! { <li><span>{tr(m)}</span>" "<strong>{v}</strong></li> };
            view! {
                <p class="big" data-testid="my-total">{tr(Msg::ScTotal)}" "{c.total}</p>
                <ul class="plain">
                    {part(Msg::ScOrders, c.orders.to_string())}
                    {part(Msg::ScResponse, format!("{}/20", c.response))}
                    {part(Msg::ScFirstFix, format!("{}/20", c.first_fix))}
                    {part(Msg::ScData, format!("{}/60", c.data))}
                    {part(Msg::ScBeyond, format!("−{}", c.beyond))}
                </ul>
                <ul class="plain">
                    {c.deductions.into_iter().map(|d| {
                        let m = defect_msg(&d.kind);
                        view! {
                            <li data-testid="my-deduction">
                                <a href=Route::WorkOrder(d.work_order_id).href()>{d.ticket}</a>
                                " "{move || m.text(lang.get())}" −"{d.points}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }
    }
}
