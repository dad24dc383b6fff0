//! A scorecard's trend (issue 18) under each scorecards tab: one figure of the card over the 12
//! months ending with the page's month, by month (12 points) or by week (the desk's Friday to
//! Thursday weeks), for the person whose row was clicked or for everyone the reader may see.
//! A small SVG line chart of our own (axes, the points, the latest value labelled): a chart
//! crate would weigh more in the wasm than the whole page. Its CSS: style/trend.css.

use chrono::Datelike;
use fieldbook::api::ApiFail;
use fieldbook::i18n::{Lang, use_lang};
use fieldbook_model::reports::PeriodKind;
use fieldbook_model::scorecard::trend::TrendPoint;
use leptos::prelude::*;

use crate::api;
use crate::i18n::{Msg, tr};
use crate::session::{fail_text, use_session};

/// One figure of a card the chart can show.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    /// The series' name (the card's JSON field).
    pub key: &'static str,
    pub label: Msg,
    /// The top of the scale: the figure's full points, or 100 for a rate; `None`: the data's.
    pub full: Option<f64>,
    /// A rate in percent.
    pub percent: bool,
}

impl Figure {
    pub const fn points(key: &'static str, label: Msg, full: Option<f64>) -> Figure {
        Figure {
            key,
            label,
            full,
            percent: false,
        }
    }

    pub const fn rate(key: &'static str, label: Msg) -> Figure {
        Figure {
            key,
            label,
            full: Some(100.0),
            percent: true,
        }
    }
}

/// The 400 agent's rates in the trend.
pub const AGENT_FIGURES: [Figure; 4] = [
    Figure::rate("first_response", Msg::ScFirstResponse),
    Figure::rate("actual_response", Msg::ScResponse),
    Figure::rate("reports_on_time", Msg::ScReportsOnTime),
    Figure::rate("call_backs", Msg::ScCallBacks),
];

/// The cleaning supervisor's rates in the trend (the outlet check has monthly points only).
pub const SUPERVISOR_FIGURES: [Figure; 3] = [
    Figure::rate("rounds", Msg::ScRounds),
    Figure::rate("findings_confirmed", Msg::ScFindingsConfirmed),
    Figure::rate("outlet_check", Msg::ScOutletCheck),
];

/// The cleaning card's rates in the trend.
pub const CLEANING_FIGURES: [Figure; 4] = [
    Figure::rate("checklist", Msg::ScChecklist),
    Figure::rate("spot_checks", Msg::ScSpotChecks),
    Figure::rate("vacant_units", Msg::ScVacantUnits),
    Figure::rate("findings_on_time", Msg::ScFindingsOnTime),
];

/// The trend of `which` (`engineers`, `agents`, `supervisors`, `cleaning`) under a tab.
#[component]
pub fn TrendPanel(
    /// The route's kind of card.
    which: &'static str,
    /// The card's figures, the first shown first.
    figures: Vec<Figure>,
    /// The person whose row was clicked (`None`: everyone the reader may see).
    who: RwSignal<Option<String>>,
    /// The page's month (`YYYY-MM`): the trend's last.
    month: RwSignal<String>,
) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let by = RwSignal::new(PeriodKind::Month);
    let shown = RwSignal::new(figures[0]);
    let trend = LocalResource::new(move || {
        let by = if by.get() == PeriodKind::Week {
            "week"
        } else {
            "month"
        };
        api::scorecard_trend(which, who.get(), by, month.get())
    });
    Effect::new(move |_| {
        if trend.with(|r| matches!(r, Some(Err(ApiFail::Unauthorized)))) {
            session.expire();
        }
    });
    let by_button = move |kind: PeriodKind, msg: Msg, id: &'static str| {
        view! {
            <button type="button" class="tab" data-testid=id aria-pressed=move || (by.get() == kind).to_string()
                on:click=move |_| by.set(kind)>{tr(msg)}</button>
        }
    };
    view! {
        <section class="card trend no-print" data-testid="trend">
            <div class="trend-head">
                <h2>
                    {tr(Msg::Trend)} " · "
                    <span data-testid="trend-who">{move || match who.get() {
                        None => Msg::TrendEveryone.text(lang.get()).to_string(),
                        // Their name once their trend is here (the server's), the username till then.
                        Some(w) => trend.with(|t| match t {
                            Some(Ok(t)) if t.who.as_ref() == Some(&w) => t.name.clone(),
                            _ => None,
                        }).unwrap_or(w),
                    }}</span>
                </h2>
                <Show when=move || who.with(Option::is_some)>
                    <button type="button" class="link" data-testid="trend-everyone" on:click=move |_| who.set(None)>{tr(Msg::TrendEveryone)}</button>
                </Show>
                <div class="tabs trend-figures" role="group">
                    {figures.into_iter().map(|f| view! {
                        <button type="button" class="tab" data-figure=f.key aria-pressed=move || (shown.get() == f).to_string()
                            on:click=move |_| shown.set(f)>{tr(f.label)}</button>
                    }).collect_view()}
                </div>
                <div class="tabs trend-by" role="group">
                    {by_button(PeriodKind::Month, Msg::TrendByMonth, "trend-by-month")}
                    {by_button(PeriodKind::Week, Msg::TrendByWeek, "trend-by-week")}
                </div>
            </div>
            {move || match trend.get() {
                None => view! { <p class="muted trend-wait">{tr(Msg::Loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> }.into_any(),
                Some(Ok(t)) => {
                    let f = shown.get();
                    // Whose and which periods the drawn data are (a new trend loads behind the old).
                    let (whose, per) = (t.who.unwrap_or_default(), t.by.as_str());
                    let points = t.series.into_iter().find(|s| s.figure == f.key).map(|s| s.points).unwrap_or_default();
                    view! {
                        <div data-testid="trend-data" data-who=whose data-by=per>
                            <TrendChart points=points figure=f lang=lang.get()/>
                        </div>
                    }.into_any()
                }
            }}
            <p class="muted trend-hint">{tr(Msg::TrendPick)}</p>
        </section>
    }
}

const W: f64 = 760.0;
const H: f64 = 220.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 60.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 26.0;

/// A value as the card writes it: whole where it is, one decimal else, `%` for a rate.
fn shown_value(v: f64, percent: bool) -> String {
    let n = if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    };
    if percent { format!("{n}%") } else { n }
}

/// A month's short name on the axis.
fn month_label(month: u32, lang: Lang) -> String {
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match lang {
        Lang::Zh => format!("{month}月"),
        Lang::En => EN[(month as usize + 11) % 12].to_string(),
    }
}

/// The line chart of one series: the scale from 0 (or below, for a negative total) to the
/// figure's full value, a month label under each month (under a month's first week by week),
/// a line broken where a period has no value, and the latest value written beside its point.
#[component]
fn TrendChart(points: Vec<TrendPoint>, figure: Figure, lang: Lang) -> impl IntoView {
    let values: Vec<f64> = points.iter().filter_map(|p| p.value).collect();
    if values.is_empty() {
        return view! { <p class="muted trend-empty">{tr(Msg::TrendNoData)}</p> }.into_any();
    }
    let data_max = values.iter().copied().fold(f64::MIN, f64::max);
    let data_min = values.iter().copied().fold(f64::MAX, f64::min);
    let hi = figure.full.unwrap_or(0.0).max(data_max).max(1.0);
    let lo = data_min.min(0.0);
    let n = points.len().max(2) as f64 - 1.0;
    let x = move |i: usize| LEFT + (W - LEFT - RIGHT) * i as f64 / n;
    let y = move |v: f64| TOP + (H - TOP - BOTTOM) * (hi - v) / (hi - lo);
    let mut path = String::new();
    let mut pen_down = false;
    for (i, p) in points.iter().enumerate() {
        match p.value {
            Some(v) => {
                let op = if pen_down { 'L' } else { 'M' };
                path.push_str(&format!("{op}{:.1},{:.1} ", x(i), y(v)));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    let grid = [lo, (lo + hi) / 2.0, hi].map(|v| {
        view! {
            <line class="grid" x1=LEFT x2={W - RIGHT} y1=y(v) y2=y(v)/>
            <text class="axis" x={LEFT - 6.0} y={y(v) + 4.0} text-anchor="end">{shown_value(v.round(), figure.percent)}</text>
        }
    });
    let labels = points
        .iter()
        .enumerate()
        .filter(|(i, p)| *i == 0 || p.period.first.month() != points[i - 1].period.first.month())
        .map(|(i, p)| {
            // A week is labelled by the month its Friday falls in.
            view! {
                <text class="axis" x=x(i) y={H - 8.0} text-anchor="middle">{month_label(p.period.first.month(), lang)}</text>
            }
        })
        .collect_view();
    let r = if points.len() > 20 { 2.2 } else { 3.5 };
    let dots = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let v = p.value?;
            Some(view! {
                <circle class="dot" data-testid="trend-point" data-period=p.period.first.to_string()
                    data-value=v.to_string() cx=x(i) cy=y(v) r=r/>
            })
        })
        .collect_view();
    let (last_i, last_v) = points
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, p)| Some((i, p.value?)))
        .expect("a value, checked above");
    let label = figure.label.text(lang);
    view! {
        <svg class="trend-chart" data-testid="trend-chart" viewBox=format!("0 0 {W} {H}") role="img" aria-label=label>
            {grid.into_iter().collect_view()}
            <line class="axis-line" x1=LEFT x2={W - RIGHT} y1={H - BOTTOM} y2={H - BOTTOM}/>
            {labels}
            <path class="line" d=path/>
            {dots}
            <circle class="latest" cx=x(last_i) cy=y(last_v) r={r + 2.0}/>
            <text class="latest-value" data-testid="trend-latest" data-value=last_v.to_string()
                x={x(last_i) + 9.0} y={y(last_v) + 5.0}>{shown_value(last_v, figure.percent)}</text>
        </svg>
    }
    .into_any()
}
