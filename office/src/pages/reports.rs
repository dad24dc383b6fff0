//! 报表: the 400 desk's daily, weekly and monthly report, the 16:30 list of unrepaired orders,
//! the station heads' daily, the cleaning supervisors' daily and month-end summary, and the link
//! to the complaints ledger (issue 18). Each reader sees the reports their role reads (the
//! server decides the rows); a period picker (day, week, month; previous and next); the
//! server's CSV and .xlsx of the same figures; printable on A4 (office.css's print rules).

use chrono::{Duration, Utc};
use fieldbook::api::ApiFail;
use fieldbook::i18n::use_lang;
use fieldbook_model::Role;
use fieldbook_model::complaints::china_date;
use fieldbook_model::reports::{
    CleaningReport, DeskFigures, DeskReport, Period, PeriodKind, StationFigures, StationReport,
    UnrepairedReport, percent,
};
use leptos::prelude::*;

use crate::china;
use crate::i18n::{Msg, tr};
use crate::router::Route;
use crate::session::{Desk, fail_text, use_session};

/// The reports, as the page's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Desk,
    Unrepaired,
    Stations,
    Cleaning,
}

impl Which {
    fn path(self) -> &'static str {
        match self {
            Which::Desk => "desk",
            Which::Unrepaired => "unrepaired",
            Which::Stations => "stations",
            Which::Cleaning => "cleaning",
        }
    }

    fn msg(self) -> Msg {
        match self {
            Which::Desk => Msg::RpDesk,
            Which::Unrepaired => Msg::RpUnrepaired,
            Which::Stations => Msg::RpStations,
            Which::Cleaning => Msg::RpCleaning,
        }
    }

    /// Who reads it (the server refuses the others).
    fn read_by(self, role: Role) -> bool {
        match self {
            Which::Desk => matches!(role, Role::Manager | Role::Dispatcher),
            Which::Unrepaired => matches!(
                role,
                Role::Manager | Role::Dispatcher | Role::ServiceSupervisor
            ),
            Which::Stations => matches!(role, Role::Manager | Role::ServiceSupervisor),
            Which::Cleaning => matches!(role, Role::Manager | Role::Supervisor),
        }
    }
}

/// A report as the page got it.
#[derive(Clone)]
enum Got {
    Desk(DeskReport),
    Unrepaired(UnrepairedReport),
    Stations(StationReport),
    Cleaning(CleaningReport),
}

fn href(which: Which, period: Period, format: &str) -> String {
    let query = match which {
        Which::Unrepaired => format!("date={}", period.first),
        _ => format!("period={}&date={}", period.kind.as_str(), period.first),
    };
    format!("/api/reports/{}?{query}&format={format}", which.path())
}

async fn fetch(which: Which, period: Period) -> Result<Got, ApiFail> {
    let path = href(which, period, "json");
    Ok(match which {
        Which::Desk => Got::Desk(fieldbook::api::get(&path).await?),
        Which::Unrepaired => Got::Unrepaired(fieldbook::api::get(&path).await?),
        Which::Stations => Got::Stations(fieldbook::api::get(&path).await?),
        Which::Cleaning => Got::Cleaning(fieldbook::api::get(&path).await?),
    })
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let role = session.0.with_untracked(|d| match d {
        Desk::SignedIn(p) => Some(p.role),
        _ => None,
    });
    let tabs: Vec<Which> = [
        Which::Desk,
        Which::Unrepaired,
        Which::Stations,
        Which::Cleaning,
    ]
    .into_iter()
    .filter(|w| role.is_some_and(|r| w.read_by(r)))
    .collect();
    let which = RwSignal::new(tabs.first().copied().unwrap_or(Which::Desk));
    let yesterday = china_date(Utc::now()) - Duration::days(1);
    let period = RwSignal::new(Period::containing(PeriodKind::Day, yesterday));
    // The 16:30 list is a day's: today's by default.
    let shown = move || match which.get() {
        Which::Unrepaired => Period::containing(PeriodKind::Day, period.get().first),
        _ => period.get(),
    };
    let report = LocalResource::new(move || fetch(which.get(), shown()));
    Effect::new(move |_| {
        if report.with(|r| matches!(r, Some(Err(ApiFail::Unauthorized)))) {
            session.expire();
        }
    });
    let print = move |_| {
        let _ = gloo::utils::window().print();
    };
    let set_kind = move |ev| {
        let kind = PeriodKind::parse(&event_target_value(&ev)).unwrap_or(PeriodKind::Day);
        // The last period of that kind that is over.
        let last = Period::containing(kind, china_date(Utc::now())).previous();
        period.set(last);
    };
    let ledger_month = move || period.get().first.format("%Y-%m").to_string();
    view! {
        <section class="reports-page">
            <div class="list-head wrap">
                <h1>{move || which.get().msg().text(lang.get())} " " <span class="print-only" data-testid="report-period">{move || shown().to_string()}</span></h1>
            </div>
            <div class="list-head wrap no-print" role="tablist">
                {tabs.iter().map(|&w| view! {
                    <button type="button" role="tab" class="secondary" data-testid=format!("report-{}", w.path())
                        aria-selected=move || (which.get() == w).to_string()
                        on:click=move |_| {
                            which.set(w);
                            if w == Which::Unrepaired {
                                period.set(Period::containing(PeriodKind::Day, china_date(Utc::now())));
                            } else if period.get_untracked().end() > Utc::now() {
                                period.set(Period::containing(PeriodKind::Day, china_date(Utc::now())).previous());
                            }
                        }>
                        {tr(w.msg())}
                    </button>
                }).collect_view()}
                <a class="secondary" data-testid="report-ledger" href=Route::Ledger.href()>{tr(Msg::RpComplaints)} " " {ledger_month}</a>
            </div>
            <div class="list-head wrap no-print">
                <Show when=move || which.get() != Which::Unrepaired>
                    <label class="field inline">
                        <span>{tr(Msg::RpPeriod)}</span>
                        <select name="period" data-testid="report-kind" on:change=set_kind prop:value=move || period.get().kind.as_str()>
                            <option value="day">{tr(Msg::RpDay)}</option>
                            <option value="week">{tr(Msg::RpWeek)}</option>
                            <option value="month">{tr(Msg::Month)}</option>
                        </select>
                    </label>
                </Show>
                <button type="button" class="secondary" data-testid="report-prev" on:click=move |_| period.update(|p| *p = p.previous())>{tr(Msg::RpPrevious)}</button>
                <strong data-testid="report-shown">{move || shown().to_string()}</strong>
                <button type="button" class="secondary" data-testid="report-next"
                    disabled=move || if which.get() == Which::Unrepaired { shown().first >= china_date(Utc::now()) } else { shown().next().end() > Utc::now() }
                    on:click=move |_| period.update(|p| *p = p.next())>{tr(Msg::RpNext)}</button>
                <a class="secondary" data-testid="report-csv" download href=move || href(which.get(), shown(), "csv")>{tr(Msg::DownloadCsv)}</a>
                <a class="secondary" data-testid="report-xlsx" download href=move || href(which.get(), shown(), "xlsx")>{tr(Msg::DownloadXlsx)}</a>
                <button type="button" class="secondary" on:click=print>{tr(Msg::Print)}</button>
            </div>
            {move || match report.get() {
                None => view! { <p class="muted">{tr(Msg::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="banner offline" data-testid="report-error">{move || fail_text(&e).text(lang.get())}</p> }.into_any(),
                Some(Ok(Got::Desk(r))) => figures_table(Some(&r.total), &r.stations).into_any(),
                Some(Ok(Got::Stations(r))) => figures_table(None, &r.stations).into_any(),
                Some(Ok(Got::Unrepaired(r))) => unrepaired_table(r).into_any(),
                Some(Ok(Got::Cleaning(r))) => cleaning_tables(r).into_any(),
            }}
        </section>
    }
}

const FIGURES: [Msg; 10] = [
    Msg::RpCalls,
    Msg::RpOfWhichDown,
    Msg::RpDispatches,
    Msg::RpArrivals,
    Msg::RpRepaired,
    Msg::RpByPhone,
    Msg::RpReports,
    Msg::RpOfWhichLate,
    Msg::RpOpenAtEnd,
    Msg::RpOfWhichDown,
];

const FIGURE_IDS: [&str; 10] = [
    "calls",
    "calls_machine_down",
    "dispatches",
    "arrivals",
    "repaired",
    "resolved_by_phone",
    "reports_submitted",
    "reports_late",
    "open_at_end",
    "machines_down_at_end",
];

fn values(f: &DeskFigures) -> [u32; 10] {
    [
        f.calls,
        f.calls_machine_down,
        f.dispatches,
        f.arrivals,
        f.repaired,
        f.resolved_by_phone,
        f.reports_submitted,
        f.reports_late,
        f.open_at_end,
        f.machines_down_at_end,
    ]
}

fn figures_table(total: Option<&DeskFigures>, stations: &[StationFigures]) -> impl IntoView {
    let rows: Vec<(String, DeskFigures, &'static str)> = total
        .map(|t| (String::new(), t.clone(), "report-total"))
        .into_iter()
        .chain(
            stations
                .iter()
                .map(|s| (s.station.clone(), s.figures.clone(), "report-station")),
        )
        .collect();
    view! {
        <div class="table-scroll">
            <table class="dense report" data-testid="report-table">
                <thead>
                    <tr>
                        <th>{tr(Msg::TeamOrStation)}</th>
                        {FIGURES.iter().map(|m| view! { <th class="num">{tr(*m)}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|(name, f, id)| {
                        let strong = id == "report-total";
                        let shown = if strong { tr(Msg::RpTotal)().to_string() } else { name.clone() };
                        view! {
                            <tr data-testid=id data-station=name.clone()>
                                <td class="cell-strong">{shown}</td>
                                {values(&f).into_iter().zip(FIGURE_IDS).map(|(v, key)| view! {
                                    <td class="num" data-figure=key>{v}</td>
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn unrepaired_table(r: UnrepairedReport) -> impl IntoView {
    let at = china::full(r.at);
    if r.rows.is_empty() {
        return view! { <p class="empty muted" data-testid="report-empty">{tr(Msg::RpNoneOpen)}</p> }
            .into_any();
    }
    view! {
        <div class="table-scroll">
            <table class="dense report" data-testid="report-table">
                <thead>
                    <tr>
                        <th>{tr(Msg::RpTicket)}</th>
                        <th>{tr(Msg::RpCustomer)}</th>
                        <th>{tr(Msg::TeamOrStation)}</th>
                        <th>{tr(Msg::ScEngineer)}</th>
                        <th>{tr(Msg::RpCalled)}</th>
                        <th class="num">{tr(Msg::RpAgeHours)}</th>
                        <th>{tr(Msg::RpDown)}</th>
                        <th>{tr(Msg::RpReason)}</th>
                    </tr>
                </thead>
                <tbody>
                    {r.rows.into_iter().map(|o| view! {
                        <tr data-testid="unrepaired-row">
                            <td class="cell-strong"><a href=Route::WorkOrder(o.work_order_id).href()>{o.ticket.clone()}</a></td>
                            <td>{o.customer.clone()}</td>
                            <td>{o.station.clone().unwrap_or_default()}</td>
                            <td>{if o.engineer_name.is_empty() { o.engineer.clone() } else { o.engineer_name.clone() }}</td>
                            <td>{china::short(o.called_at)}</td>
                            <td class="num" data-figure="age">{o.age_hours}</td>
                            <td>{if o.machine_down { tr(Msg::RpDown)().to_string() } else { String::new() }}</td>
                            <td data-figure="reason">{o.reason.clone().unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <p class="muted">{tr(Msg::ScAsOf)} " " {at}</p>
    }
    .into_any()
}

fn pct(done: u32, due: u32) -> String {
    percent(done, due).map_or_else(|| "—".into(), |p| format!("{p}%"))
}

fn cleaning_tables(r: CleaningReport) -> impl IntoView {
    r.teams
        .into_iter()
        .map(|t| {
            let f = t.figures;
            let figures: [(Msg, &str, String); 11] = [
                (Msg::RpRoundsDue, "rounds_due", f.rounds_due.to_string()),
                (Msg::RpRoundsDone, "rounds_done", f.rounds_done.to_string()),
                (Msg::RpRoundsMissed, "rounds_missed", f.rounds_missed.to_string()),
                (Msg::RpOutletChecks, "outlet_checks", f.outlet_checks.to_string()),
                (Msg::RpItemsDue, "items_due", f.items_due.to_string()),
                (Msg::RpItemsDone, "items_done", f.items_done.to_string()),
                (Msg::RpCompletion, "completion", pct(f.items_done, f.items_due)),
                (Msg::RpFindingsOpened, "findings_opened", f.findings_opened.to_string()),
                (Msg::RpFindingsClosed, "findings_closed", f.findings_closed.to_string()),
                (Msg::RpVacantCleaned, "vacant_cleaned", f.vacant_cleaned.to_string()),
                (Msg::RpVacantOverdue, "vacant_overdue", f.vacant_overdue.to_string()),
            ];
            view! {
                <section class="card report-team" data-testid="cleaning-team" data-team=t.team.clone()>
                    <h2>{t.team.clone()}</h2>
                    <dl class="report-figures">
                        {figures.into_iter().map(|(m, key, v)| view! {
                            <div><dt>{tr(m)}</dt><dd data-figure=key>{v}</dd></div>
                        }).collect_view()}
                    </dl>
                    <table class="dense report" data-testid="cleaning-areas">
                        <thead>
                            <tr>
                                <th>{tr(Msg::RpArea)}</th>
                                <th>{tr(Msg::RpCleaner)}</th>
                                <th class="num">{tr(Msg::RpItemsDue)}</th>
                                <th class="num">{tr(Msg::RpItemsDone)}</th>
                                <th class="num">{tr(Msg::RpCompletion)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {f.areas.into_iter().map(|a| view! {
                                <tr data-testid="cleaning-area" data-area=a.area.clone()>
                                    <td class="cell-strong">{a.area.clone()}</td>
                                    <td>{a.cleaner.clone()}</td>
                                    <td class="num">{a.due}</td>
                                    <td class="num" data-figure="done">{a.done}</td>
                                    <td class="num">{pct(a.done, a.due)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <table class="dense report" data-testid="cleaning-cleaners">
                        <thead>
                            <tr>
                                <th>{tr(Msg::RpCleaner)}</th>
                                <th class="num">{tr(Msg::RpItemsDue)}</th>
                                <th class="num">{tr(Msg::RpItemsDone)}</th>
                                <th class="num">{tr(Msg::RpCompletion)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {f.cleaners.into_iter().map(|c| view! {
                                <tr data-testid="cleaning-cleaner" data-cleaner=c.cleaner.clone()>
                                    <td class="cell-strong">{c.cleaner.clone()}</td>
                                    <td class="num">{c.due}</td>
                                    <td class="num" data-figure="done">{c.done}</td>
                                    <td class="num">{pct(c.done, c.due)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            }
        })
        .collect_view()
}
