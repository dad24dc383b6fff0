//! A cleaner's own month (`GET /api/scorecards/cleaning/me`): the four rates and what was
//! missed, each by its area, unit or place.

use fieldbook_model::scorecard::Month;
use leptos::prelude::*;

use super::use_month_card;
use crate::i18n::{Msg, tr, use_lang};

/// The parts of `CleaningScorecard` the phone shows.
#[derive(Clone, serde::Deserialize)]
struct Card {
    checklist: Rate,
    spot_checks: Rate,
    vacant_units: Rate,
    findings_on_time: Rate,
    misses: Vec<Miss>,
}

#[derive(Clone, Copy, serde::Deserialize)]
struct Rate {
    met: u32,
    of: u32,
}

/// `CleaningMiss`, with only what is shown of each.
#[derive(Clone, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum Miss {
    Checklist { area: String, missing: u32 },
    ListSentBack { area: String, date: String },
    RecordSentBack { unit: String },
    UnitNotCleaned { unit: String },
    LateFinding { place: String },
}

impl Miss {
    fn shown(self) -> (Msg, String) {
        match self {
            Miss::Checklist { area, missing } => {
                (Msg::ScMissChecklist, format!("{area} · {missing}"))
            }
            Miss::ListSentBack { area, date } => {
                (Msg::ScMissListSentBack, format!("{area} · {date}"))
            }
            Miss::RecordSentBack { unit } => (Msg::ScMissRecordSentBack, unit),
            Miss::UnitNotCleaned { unit } => (Msg::ScMissUnitNotCleaned, unit),
            Miss::LateFinding { place } => (Msg::ScMissLateFinding, place),
        }
    }
}

/// `met/of · p%` (rounded half up, as the office shows it), or a dash with nothing decided.
fn rate(r: Rate) -> String {
    if r.of == 0 {
        return "—".into();
    }
    let p = (r.met * 200 + r.of) / (r.of * 2);
    format!("{}/{} · {p}%", r.met, r.of)
}

pub fn card(month: RwSignal<Month>) -> impl IntoView {
    let lang = use_lang();
    let card = use_month_card::<Card>("/api/scorecards/cleaning/me", month);
    move || match card.get() {
        None => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
        Some(None) => view! { <p class="muted">{tr(Msg::ScorecardOffline)}</p> }.into_any(),
        Some(Some(c)) => {
            let part = |m: Msg, r: Rate, id: &'static str| {
                view! { <li data-testid=id><span>{tr(m)}</span>" "<strong>{rate(r)}</strong></li> }
            };
            view! {
                <ul class="plain">
                    {part(Msg::ScChecklist, c.checklist, "my-checklist")}
                    {part(Msg::ScSpotChecks, c.spot_checks, "my-spot-checks")}
                    {part(Msg::ScVacantUnits, c.vacant_units, "my-vacant-units")}
                    {part(Msg::ScFindingsOnTime, c.findings_on_time, "my-findings")}
                </ul>
                <ul class="plain">
                    {c.misses.into_iter().map(|m| {
                        let (msg, what) = m.shown();
                        view! {
                            <li data-testid="my-miss">{move || msg.text(lang.get())}" "{what}</li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }
    }
}
