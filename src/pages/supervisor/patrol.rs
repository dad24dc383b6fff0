//! A patrol round (主管巡检): choose the round (the one due now is suggested), start it (the start
//! time is recorded), walk the areas marking each pass, finding (photo and problem, reported at
//! once) or skipped, then finish it with its end time. The round is a draft in IndexedDB from the
//! start, so a reload or a flat battery loses nothing.

use chrono::{DateTime, NaiveDate, Utc};
use fieldbook_model::OpKind;
use fieldbook_model::cleaning::Area;
use fieldbook_model::findings::FindingSource;
use fieldbook_model::patrol::{
    AreaResult, OutletCheck, PatrolRound, RoundArea, RoundKind, RoundState, round_states,
    suggested_round,
};
use fieldbook_model::sync::FieldReference;
use leptos::prelude::*;

use crate::components::back::BackHome;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::components::device_read::DeviceRead;
use crate::components::feedback::FeedbackToast;
use crate::components::progress::Progress;
use crate::db::{Db, DbError, DbHandle, today, use_db_handle};
use crate::hooks::{UseOutboxReturn, use_outbox, use_read};
use crate::i18n::{self, Msg, tr, use_lang};
use crate::pages::field::area::FindingForm;
use crate::router::{self, Route};
use crate::session::use_session;
use crate::time;

/// The one round a device can have in progress.
pub const DRAFT_KEY: &str = "patrol";

/// The round being walked, kept in IndexedDB as it changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundDraft {
    /// Whose round it is: another person signing in on the tablet does not continue it.
    pub user: String,
    pub round_id: Uuid,
    pub kind: RoundKind,
    pub date: NaiveDate,
    pub started_at: DateTime<Utc>,
    /// The areas marked so far.
    pub marks: Vec<RoundArea>,
    /// Outlet checks that failed, by outlet, before the finding is recorded.
    #[serde(default)]
    pub failed: Vec<(Uuid, OutletCheck)>,
}

impl RoundDraft {
    fn mark(&self, area: Uuid) -> Option<&AreaResult> {
        self.marks
            .iter()
            .find(|m| m.area_id == area)
            .map(|m| &m.result)
    }

    fn set(&mut self, area: Uuid, result: AreaResult) {
        let failed_checks = match result {
            AreaResult::Finding { .. } => self
                .failed
                .iter()
                .filter(|(a, _)| *a == area)
                .map(|(_, c)| *c)
                .collect(),
            _ => Vec::new(),
        };
        self.marks.retain(|m| m.area_id != area);
        self.marks.push(RoundArea {
            area_id: area,
            result,
            note: String::new(),
            failed_checks,
        });
    }

    fn has_failed(&self, area: Uuid) -> bool {
        self.failed.iter().any(|(a, _)| *a == area)
    }

    /// The finished round: every covered area, the unmarked ones as skipped.
    fn submit(&self, covered: &[Area], ended_at: DateTime<Utc>) -> OpKind {
        let areas = covered
            .iter()
            .map(|a| {
                self.marks
                    .iter()
                    .find(|m| m.area_id == a.id)
                    .cloned()
                    .unwrap_or(RoundArea {
                        area_id: a.id,
                        result: AreaResult::Skipped,
                        note: String::new(),
                        failed_checks: Vec::new(),
                    })
            })
            .collect();
        OpKind::SubmitRound {
            round_id: self.round_id,
            kind: self.kind,
            date: self.date,
            started_at: self.started_at,
            ended_at,
            areas,
        }
    }
}

/// The areas a round covers, in their order.
fn covered(reference: &FieldReference, kind: RoundKind) -> Vec<Area> {
    let areas: Vec<Area> = reference
        .areas
        .iter()
        .filter(|a| kind.covers(a))
        .cloned()
        .collect();
    super::ordered(areas, |a| (a.position, 0, a.name.clone()))
}

/// Keep the round's draft on the device (or forget it): a reload or a flat battery loses nothing.
fn persist(db: DbHandle, draft: Option<RoundDraft>) {
    let db = db.get_value();
    match &draft {
        Some(d) => crate::drafts::keep(&db, DRAFT_KEY, d),
        None => crate::drafts::forget(&db, DRAFT_KEY),
    }
}

#[derive(Clone, PartialEq)]
struct PatrolData {
    reference: FieldReference,
    rounds: Vec<PatrolRound>,
    draft: Option<RoundDraft>,
}

async fn load(db: Db) -> Result<PatrolData, DbError> {
    Ok(PatrolData {
        reference: db.field_reference().await?,
        rounds: db.rounds().await?,
        draft: crate::drafts::stored(&db, DRAFT_KEY).await,
    })
}

#[component]
pub fn PatrolPage() -> impl IntoView {
    // Read once: a finding recorded mid-round must not rebuild the page under the supervisor.
    let read = use_read(|| {}, load);
    view! {
        <section class="detail-page sv-patrol" data-testid="patrol">
            <BackHome/>
            <DeviceRead read view=|d: PatrolData| view! { <Patrol data=d/> }/>
        </section>
    }
}

#[component]
fn Patrol(data: PatrolData) -> impl IntoView {
    let session = use_session();
    let me = session
        .0
        .get_untracked()
        .map(|p| p.username)
        .unwrap_or_default();
    let draft = RwSignal::new(data.draft.filter(|d| d.user == me));
    let started = Memo::new(move |_| draft.with(Option::is_some));
    let reference = data.reference;
    let rounds = data.rounds;
    move || {
        if started.get() {
            view! { <RoundForm reference=reference.clone() draft/> }.into_any()
        } else {
            view! { <Chooser reference=reference.clone() rounds=rounds.clone() draft me=me.clone()/> }.into_any()
        }
    }
}

/// Which round: the suggested one preselected, each with its state today.
#[component]
fn Chooser(
    reference: FieldReference,
    rounds: Vec<PatrolRound>,
    draft: RwSignal<Option<RoundDraft>>,
    me: String,
) -> impl IntoView {
    let lang = use_lang();
    let db = use_db_handle();
    let now = crate::time::now();
    let states = round_states(now, &rounds);
    let kind = RwSignal::new(suggested_round(now, &rounds));
    let suggested = kind.get_untracked();
    let names = {
        let reference = reference.clone();
        move || {
            covered(&reference, kind.get())
                .into_iter()
                .map(|a| a.name)
                .collect::<Vec<_>>()
        }
    };
    let empty = {
        let names = names.clone();
        move || names().is_empty()
    };
    let start = move |_| {
        let d = RoundDraft {
            user: me.clone(),
            round_id: Uuid::new_v4(),
            kind: kind.get_untracked(),
            date: today(),
            started_at: crate::time::now(),
            marks: Vec::new(),
            failed: Vec::new(),
        };
        persist(db, Some(d.clone()));
        draft.set(Some(d));
    };
    view! {
        <div class="card">
            <h1>{tr(Msg::PatrolTitle)}</h1>
            <h2 class="sub">{tr(Msg::ChooseRound)}</h2>
            <div class="round-choices" role="radiogroup">
                {states.into_iter().map(|(k, state)| view! {
                    <button type="button" class="round-choice" class:selected=move || kind.get() == k
                        class:done=state == RoundState::Done
                        data-testid="round-kind" data-kind=format!("{k:?}") on:click=move |_| kind.set(k)>
                        <strong>{move || i18n::round_kind(k, lang.get())}</strong>
                        <span class="small">{move || i18n::round_state(state, lang.get())}
                            {(k == suggested).then(|| view! { " · "{tr(Msg::Suggested)} })}</span>
                    </button>
                }).collect_view()}
            </div>
            <h2 class="sub">{tr(Msg::AreasCovered)}</h2>
            <p class="area-names" data-testid="round-areas">{move || names().join(" · ")}</p>
            {
                let empty = empty.clone();
                move || empty().then(|| view! { <p class="empty muted">{tr(Msg::NoAreasForRound)}</p> })
            }
            <button class="primary big" data-testid="begin-round" disabled=empty on:click=start>{tr(Msg::StartRoundNow)}</button>
        </div>
    }
}

#[component]
fn RoundForm(reference: FieldReference, draft: RwSignal<Option<RoundDraft>>) -> impl IntoView {
    let lang = use_lang();
    let db = use_db_handle();
    let outbox = use_outbox();
    let Some(d) = draft.get_untracked() else {
        return ().into_any();
    };
    let areas = covered(&reference, d.kind);
    let total = areas.len();
    let (kind, started_at, round_id) = (d.kind, d.started_at, d.round_id);
    let marked = move || draft.with(|d| d.as_ref().map_or(0, |d| d.marks.len()));
    let finding_for = RwSignal::new(None::<Area>);
    let confirming = RwSignal::new(false);
    let discarding = RwSignal::new(false);
    let update = move |f: &dyn Fn(&mut RoundDraft)| {
        draft.update(|d| {
            if let Some(d) = d {
                f(d)
            }
        });
        persist(db, draft.get_untracked());
    };

    let finish = {
        let areas = areas.clone();
        move |force: bool| {
            let Some(d) = draft.get_untracked() else {
                return;
            };
            let unmarked = areas.iter().filter(|a| d.mark(a.id).is_none()).count();
            if unmarked > 0 && !force {
                confirming.set(true);
                return;
            }
            confirming.set(false);
            outbox.record_then(
                vec![d.submit(&areas, crate::time::now())],
                Vec::new(),
                move || {
                    draft.set(None);
                    persist(db, None);
                    router::navigate(Route::Home);
                },
            );
        }
    };
    let finish_now = finish.clone();
    let unmarked_count = {
        let areas = areas.clone();
        Memo::new(move |_| {
            draft.with(|d| {
                d.as_ref().map_or(0, |d| {
                    areas.iter().filter(|a| d.mark(a.id).is_none()).count()
                })
            })
        })
    };

    view! {
        <div class="card round-head" data-testid="round-head" data-kind=format!("{kind:?}")>
            <div class="row between">
                <h1>{move || i18n::round_kind(kind, lang.get())}</h1>
                <span class="count big-count" data-testid="round-progress">{move || format!("{}/{total}", marked())}</span>
            </div>
            <span class="muted small" data-testid="round-started">{tr(Msg::StartedAt)}" "{time::full(started_at)}</span>
            {move || view! { <Progress done=marked() due=total/> }}
        </div>
        <ul class="patrol-areas" data-testid="patrol-areas">
            {areas.into_iter().map(|area| view! { <PatrolArea area draft update=Callback::new(move |(id, r): (Uuid, AreaResult)| update(&|d: &mut RoundDraft| d.set(id, r.clone()))) finding_for outbox/> }).collect_view()}
        </ul>
        {move || finding_for.get().map(|area| view! {
            <FindingDialog area round_id draft finding_for outbox/>
        })}
        <FeedbackToast feedback=outbox.feedback/>
        <button class="primary big finish-round" data-testid="finish-round" disabled=move || outbox.pending.get() on:click=move |_| finish(false)>{tr(Msg::FinishRound)}</button>
        <button class="link danger discard-round" data-testid="discard-round" on:click=move |_| discarding.set(true)>{tr(Msg::DiscardRound)}</button>
        <Show when=move || confirming.get()>
            <div class="dialog-backdrop">
                <div class="dialog" role="alertdialog" aria-modal="true" data-testid="confirm-finish">
                    <p>{move || i18n::unmarked_areas(unmarked_count.get(), lang.get())}</p>
                    <div class="row dialog-actions">
                        <button class="secondary" on:click=move |_| confirming.set(false)>{tr(Msg::Cancel)}</button>
                        <button class="primary" data-testid="finish-anyway" disabled=move || outbox.pending.get() on:click={
                            let finish_now = finish_now.clone();
                            move |_| finish_now(true)
                        }>{tr(Msg::FinishAnyway)}</button>
                    </div>
                </div>
            </div>
        </Show>
        <Show when=move || discarding.get()>
            <div class="dialog-backdrop">
                <div class="dialog" role="alertdialog" aria-modal="true">
                    <p>{tr(Msg::DiscardRoundConfirm)}</p>
                    <div class="row dialog-actions">
                        <button class="secondary" on:click=move |_| discarding.set(false)>{tr(Msg::Cancel)}</button>
                        <button class="primary danger" on:click=move |_| {
                            discarding.set(false);
                            draft.set(None);
                            persist(db, None);
                        }>{tr(Msg::Discard)}</button>
                    </div>
                </div>
            </div>
        </Show>
    }
    .into_any()
}

/// One area of the round: pass, finding or skip; an outlet also has its four checks.
#[component]
fn PatrolArea(
    area: Area,
    draft: RwSignal<Option<RoundDraft>>,
    update: Callback<(Uuid, AreaResult)>,
    finding_for: RwSignal<Option<Area>>,
    outbox: UseOutboxReturn,
) -> impl IntoView {
    let lang = use_lang();
    let db = use_db_handle();
    let id = area.id;
    let outlet = area.kind == fieldbook_model::cleaning::AreaKind::CommercialOutlet;
    let mark = move || draft.with(|d| d.as_ref().and_then(|d| d.mark(id).cloned()));
    let has_finding = move || matches!(mark(), Some(AreaResult::Finding { .. }));
    let failed = move || draft.with(|d| d.as_ref().is_some_and(|d| d.has_failed(id)));
    let tried_pass = RwSignal::new(false);
    let pass = move |_| {
        if failed() {
            tried_pass.set(true);
            return;
        }
        update.run((id, AreaResult::Pass));
    };
    let problem = {
        let area = area.clone();
        move |_| {
            outbox.feedback.set(None);
            finding_for.set(Some(area.clone()));
        }
    };
    let toggle = move |c: OutletCheck| {
        draft.update(|d| {
            if let Some(d) = d {
                if d.failed.contains(&(id, c)) {
                    d.failed.retain(|x| *x != (id, c));
                } else {
                    d.failed.push((id, c));
                }
            }
        });
        tried_pass.set(false);
        persist(db, draft.get_untracked());
    };
    view! {
        <li class="patrol-area" class:pass=move || mark() == Some(AreaResult::Pass)
            class:finding=has_finding class:skipped=move || mark() == Some(AreaResult::Skipped)
            data-testid="patrol-area" data-area=area.name.clone()
            data-result=move || match mark() {
                None => "",
                Some(AreaResult::Pass) => "pass",
                Some(AreaResult::Finding { .. }) => "finding",
                Some(AreaResult::Skipped) => "skipped",
            }>
            <div class="row between">
                <strong class="area-name">{area.name.clone()}</strong>
                <span class="small result-word">{move || match mark() {
                    None => String::new(),
                    Some(AreaResult::Pass) => Msg::Pass.text(lang.get()).to_string(),
                    Some(AreaResult::Finding { .. }) => Msg::FindingRecorded.text(lang.get()).to_string(),
                    Some(AreaResult::Skipped) => Msg::Skipped.text(lang.get()).to_string(),
                }}</span>
            </div>
            {outlet.then(|| view! {
                <ul class="outlet-checks" data-testid="outlet-checks">
                    {OutletCheck::ALL.into_iter().map(|c| {
                        let bad = move || draft.with(|d| d.as_ref().is_some_and(|d| d.failed.contains(&(id, c))));
                        view! {
                            <li>
                                <button type="button" class="outlet-check" class:bad=bad disabled=has_finding
                                    aria-pressed=move || if bad() { "true" } else { "false" }
                                    data-testid="outlet-check" data-check=format!("{c:?}") on:click=move |_| toggle(c)>
                                    <span class="mark" aria-hidden="true">{move || if bad() { "✗" } else { "✓" }}</span>
                                    {move || i18n::outlet_check(c, lang.get())}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            <div class="segmented three">
                <button type="button" class="seg pass" class:selected=move || mark() == Some(AreaResult::Pass)
                    disabled=has_finding data-testid="area-pass" on:click=pass>{tr(Msg::Pass)}</button>
                <button type="button" class="seg fail" class:selected=has_finding
                    disabled=has_finding data-testid="area-finding" on:click=problem>
                    {move || if has_finding() { Msg::FindingRecorded.text(lang.get()) } else { Msg::Problem.text(lang.get()) }}
                </button>
                <button type="button" class="seg skip" class:selected=move || mark() == Some(AreaResult::Skipped)
                    disabled=has_finding data-testid="area-skip" on:click=move |_| update.run((id, AreaResult::Skipped))>{tr(Msg::Skip)}</button>
            </div>
            {move || (tried_pass.get() && failed() && !has_finding()).then(|| view! { <p class="field-error">{tr(Msg::FailedChecksNeedFinding)}</p> })}
        </li>
    }
}

/// The finding form for an area of the round: reported at once (its own outbox entry), and the
/// area marked with it once it is saved on the device.
#[component]
fn FindingDialog(
    area: Area,
    round_id: Uuid,
    draft: RwSignal<Option<RoundDraft>>,
    finding_for: RwSignal<Option<Area>>,
    outbox: UseOutboxReturn,
) -> impl IntoView {
    let db = use_db_handle();
    let area_id = area.id;
    // Only a finding that was saved marks the area; cancel only closes the dialog.
    let on_saved = Callback::new(move |finding_id: Uuid| {
        draft.update(|d| {
            if let Some(d) = d {
                d.set(area_id, AreaResult::Finding { finding_id })
            }
        });
        persist(db, draft.get_untracked());
    });
    let on_done = Callback::new(move |()| finding_for.set(None));
    view! {
        <div class="dialog-backdrop">
            <div class="dialog problem-dialog" role="dialog" aria-modal="true" data-testid="problem-form">
                <FindingForm area=Some(area.id) place=area.name.clone() source=FindingSource::Patrol { round_id }
                    on_done extra=Callback::new(|()| Vec::new()) outbox
                    on_saved/>
            </div>
        </div>
    }
}
