//! The supervisor's screens: today's board beside the lists (tablet), patrol rounds, spot checks
//! of the cleaners' checklists and vacant-unit records, and acting on findings.

use chrono::NaiveDate;
use fieldbook_model::UserProfile;
use fieldbook_model::findings::Finding;
use leptos::prelude::*;
use uuid::Uuid;

/// The supervisor's home: the board and the lists. (Being built.)
#[component]
pub fn SupervisorHome() -> impl IntoView {
    view! { <crate::pages::office::OfficeList/> }
}

/// The patrol round in progress. (Being built.)
#[component]
pub fn PatrolPage() -> impl IntoView {
    view! { <p class="muted">"…"</p> }
}

/// A vacant-unit record, for the spot check. (Being built.)
#[component]
pub fn RecordPage(id: Uuid) -> impl IntoView {
    let _ = id;
    view! { <p class="muted">"…"</p> }
}

/// Approve an area's checklist or send it back with a reason. (Being built.)
#[component]
pub fn AreaReview(area_id: Uuid, date: NaiveDate) -> impl IntoView {
    let _ = (area_id, date);
}

/// Assign, confirm or reopen a finding. (Being built.)
#[component]
pub fn FindingActions(finding: Finding, people: Vec<UserProfile>) -> impl IntoView {
    let _ = (finding, people);
}
