//! 工作日历: the working-day calendar the complaint deadlines count with, a year at a glance.
//! The dispatcher picks a mark (holiday, make-up working day, normal) and taps days; the calendar
//! is saved whole with `PUT /api/calendar`. A mark that means nothing on that day (a holiday on a
//! weekend, a make-up day on a weekday) is refused at once with the model's own rule, and what the
//! server refuses is shown.

use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};
use fieldbook::api::ApiFail;
use fieldbook::i18n::{Lang, use_lang};
use fieldbook_model::complaints::{WorkCalendar, china_date};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::complaints_api::{self as capi, ChangeFail};
use crate::i18n::{Msg, tr};
use crate::pages::call_backs::refusal_text;
use crate::session::{fail_text, use_session};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Holiday,
    MakeUp,
    Normal,
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The calendar with `day` marked, or why not.
fn marked(cal: &WorkCalendar, day: NaiveDate, mark: Mark) -> Result<WorkCalendar, Msg> {
    let mut c = cal.clone();
    c.holidays.retain(|d| *d != day);
    c.make_up_days.retain(|d| *d != day);
    match mark {
        Mark::Holiday if is_weekend(day) => return Err(Msg::CalWeekendOff),
        Mark::MakeUp if !is_weekend(day) => return Err(Msg::CalWeekdayWorks),
        Mark::Holiday => c.holidays.push(day),
        Mark::MakeUp => c.make_up_days.push(day),
        Mark::Normal => {}
    }
    Ok(c.normalized())
}

const WEEKDAYS: [[&str; 7]; 2] = [
    ["一", "二", "三", "四", "五", "六", "日"],
    ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"],
];

fn month_name(m: u32, lang: Lang) -> String {
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    match lang {
        Lang::Zh => format!("{m}月"),
        Lang::En => EN[(m - 1) as usize].to_string(),
    }
}

#[component]
pub fn CalendarPage() -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let today = china_date(Utc::now());
    let year = RwSignal::new(today.year());
    let saved = RwSignal::new(None::<WorkCalendar>);
    let cal = RwSignal::new(None::<WorkCalendar>);
    let failed = RwSignal::new(None::<ApiFail>);
    let mark = RwSignal::new(Mark::Holiday);
    let note = RwSignal::new(None::<Result<Msg, String>>);
    let busy = RwSignal::new(false);
    spawn_local(async move {
        match capi::calendar().await {
            Ok(c) => {
                saved.set(Some(c.clone()));
                cal.set(Some(c));
            }
            Err(ApiFail::Unauthorized) => session.expire(),
            Err(e) => failed.set(Some(e)),
        }
    });
    let dirty = move || cal.get() != saved.get();
    let tap = move |day: NaiveDate| {
        let Some(current) = cal.get_untracked() else {
            return;
        };
        match marked(&current, day, mark.get_untracked()) {
            Ok(c) => {
                cal.set(Some(c));
                note.set(None);
            }
            Err(m) => note.set(Some(Err(format!(
                "{day}: {}",
                m.text(lang.get_untracked())
            )))),
        }
    };
    let save = move |_| {
        let Some(c) = cal.get_untracked() else { return };
        busy.set(true);
        note.set(None);
        spawn_local(async move {
            let answer = capi::send(
                "PUT",
                "/api/calendar",
                serde_json::to_string(&c).unwrap_or_default(),
            )
            .await;
            busy.set(false);
            match answer {
                Ok(body) => {
                    let stored =
                        fieldbook_model::json::from_str::<WorkCalendar>(&body).unwrap_or(c);
                    saved.set(Some(stored.clone()));
                    cal.set(Some(stored));
                    note.set(Some(Ok(Msg::CalSaved)));
                }
                Err(ChangeFail::Api(ApiFail::Unauthorized)) => session.expire(),
                Err(ChangeFail::Refused(r)) if r.error == "bad_calendar" => {
                    note.set(Some(Err(format!(
                        "{}: {}",
                        Msg::ServerRefused.text(lang.get_untracked()),
                        r.message
                    ))))
                }
                Err(f) => note.set(Some(Err(refusal_text(&f, lang.get_untracked())))),
            }
        });
    };
    let mark_button = move |m: Mark, msg: Msg, class: &'static str| {
        view! {
            <button type="button" role="radio" class=format!("tab mark {class}")
                aria-checked=move || if mark.get() == m { "true" } else { "false" }
                aria-selected=move || if mark.get() == m { "true" } else { "false" }
                data-mark=class
                on:click=move |_| mark.set(m)>{tr(msg)}</button>
        }
    };
    view! {
        <section class="calendar-page">
            <div class="list-head">
                <h1>{tr(Msg::CalendarTitle)}</h1>
                <button class="chip" type="button" data-testid="prev-year" on:click=move |_| year.update(|y| *y -= 1)>"‹"</button>
                <strong class="year" data-testid="year">{move || year.get()}</strong>
                <button class="chip" type="button" data-testid="next-year" on:click=move |_| year.update(|y| *y += 1)>"›"</button>
                <span class="grow"></span>
                {move || dirty().then(|| view! { <span class="badge repeat" data-testid="unsaved">{tr(Msg::Unsaved)}</span> })}
                <button class="primary" type="button" data-testid="save-calendar" disabled=move || busy.get() || !dirty() on:click=save>
                    {move || tr(if busy.get() { Msg::Saving } else { Msg::Save })()}
                </button>
            </div>
            <div class="tabs marks" role="radiogroup">
                {mark_button(Mark::Holiday, Msg::CalHoliday, "holiday")}
                {mark_button(Mark::MakeUp, Msg::CalMakeUp, "makeup")}
                {mark_button(Mark::Normal, Msg::CalNormal, "normal")}
                <span class="muted hint">{tr(Msg::CalHint)}</span>
            </div>
            <p class="calendar-note" role="status" data-testid="calendar-note">
                {move || note.get().map(|n| match n {
                    Ok(m) => view! { <span class="saved">{move || m.text(lang.get())}</span> }.into_any(),
                    Err(t) => view! { <span class="form-error">{t}</span> }.into_any(),
                })}
            </p>
            {move || failed.get().map(|e| view! { <p class="banner offline">{move || fail_text(&e).text(lang.get())}</p> })}
            {move || cal.with(Option::is_some).then(|| {
                let y = year.get();
                view! {
                    <div class="year-grid" data-testid="year-grid">
                        {(1..=12).map(|m| view! { <MonthGrid year=y month=m cal today tap/> }).collect_view()}
                    </div>
                }
            })}
        </section>
    }
}

#[component]
fn MonthGrid(
    year: i32,
    month: u32,
    cal: RwSignal<Option<WorkCalendar>>,
    today: NaiveDate,
    tap: impl Fn(NaiveDate) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = use_lang();
    let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
        return ().into_any();
    };
    let lead = first.weekday().num_days_from_monday() as usize;
    let days: Vec<NaiveDate> = (0..31)
        .map(|i| first + Duration::days(i))
        .take_while(|d| d.month() == month)
        .collect();
    view! {
        <div class="month">
            <h3>{move || month_name(month, lang.get())}</h3>
            <div class="days">
                {move || WEEKDAYS[lang.get() as usize].into_iter().map(|w| view! { <span class="wd">{w}</span> }).collect_view()}
                {(0..lead).map(|_| view! { <span></span> }).collect_view()}
                {days.into_iter().map(|d| {
                    let class = move || {
                        cal.with(|c| {
                            let c = c.as_ref();
                            let holiday = c.is_some_and(|c| c.holidays.contains(&d));
                            let make_up = c.is_some_and(|c| c.make_up_days.contains(&d));
                            let base = if holiday {
                                "day holiday"
                            } else if make_up {
                                "day makeup"
                            } else if is_weekend(d) {
                                "day weekend"
                            } else {
                                "day"
                            };
                            if d == today { format!("{base} today") } else { base.to_string() }
                        })
                    };
                    view! {
                        <button type="button" class=class data-date=d.to_string() title=d.to_string() on:click=move |_| tap(d)>{d.day()}</button>
                    }
                }).collect_view()}
            </div>
        </div>
    }
    .into_any()
}
