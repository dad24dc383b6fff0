//! 出发: the engineer says when they expect to arrive and who goes along, then sets out. Recorded
//! as one `Depart` operation, on the device first like every other step.

use chrono::{DateTime, Datelike, Duration, Local, Timelike, Utc};
use fieldbook_model::{OpKind, WorkOrder, op::limits};
use leptos::prelude::*;

use super::Loaded;
use super::report::split_names;
use crate::hooks::UseOutboxReturn;
use crate::i18n::{Msg, tr, use_lang};
use crate::time;

/// The arrival offered at first: an hour from now, rounded up to the next quarter hour.
pub fn default_arrival(now: DateTime<Utc>) -> DateTime<Utc> {
    const QUARTER: i64 = 15 * 60;
    let later = (now + Duration::hours(1)).timestamp();
    // Quarter hours fall alike in UTC and in every time zone in use.
    let rounded = (later + QUARTER - 1).div_euclid(QUARTER) * QUARTER;
    DateTime::from_timestamp(rounded, 0).unwrap_or(now)
}

/// "2026-12-07T14:15" in the device's time zone: what a `datetime-local` input holds.
pub fn input_value(at: DateTime<Utc>) -> String {
    let t = at.with_timezone(&Local);
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// A `datetime-local` value read as the device's local time (the browser's own parser: chrono's
/// would cost the wasm its format machinery).
pub fn parse_input(value: &str) -> Option<DateTime<Utc>> {
    if value.trim().is_empty() {
        return None;
    }
    let ms = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value.trim())).get_time();
    if ms.is_nan() {
        return None;
    }
    DateTime::from_timestamp_millis(ms as i64)
}

/// Why the departure cannot be recorded as typed.
fn check(
    arrival: Option<DateTime<Utc>>,
    companions: &[String],
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, Msg> {
    let at = arrival.ok_or(Msg::ArrivalRequired)?;
    // The input has minutes only: the current minute still counts as now.
    if at < now - Duration::minutes(1) {
        return Err(Msg::ArrivalBeforeNow);
    }
    // The model's rule for a name (split_names already dropped blanks).
    let name_ok = |c: &String| {
        c.chars().count() <= limits::MAX_SHORT_CHARS && !c.chars().any(char::is_control)
    };
    if companions.len() > limits::MAX_COMPANIONS || !companions.iter().all(name_ok) {
        return Err(Msg::CompanionsInvalid);
    }
    Ok(at)
}

/// The form under the 出发 button: expected arrival, the dispatched companions (ticked), others.
/// `open` is set to false when the departure is saved or cancelled. (A plain function: a
/// component's view would be boxed into an `AnyView` for one place of use.)
pub fn depart_form(
    loaded: RwSignal<Option<Loaded>>,
    outbox: UseOutboxReturn,
    open: RwSignal<bool>,
) -> impl IntoView {
    let lang = use_lang();
    let order = loaded
        .with_untracked(|l| l.as_ref().map(|l| l.order.clone()))
        .expect("an order is loaded");
    let dispatched: Vec<String> = order
        .companions
        .iter()
        .map(|p| p.label().to_string())
        .collect();
    let arrival = RwSignal::new(input_value(default_arrival(crate::time::now())));
    let ticked = RwSignal::new(dispatched.clone());
    let more = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Msg>);
    let id = order.id;
    let save = {
        let dispatched = dispatched.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let ticked = ticked.get_untracked();
            let mut companions: Vec<String> = dispatched
                .iter()
                .filter(|n| ticked.contains(n))
                .cloned()
                .collect();
            for name in split_names(&more.get_untracked()) {
                if !companions.contains(&name) {
                    companions.push(name);
                }
            }
            match check(
                parse_input(&arrival.get_untracked()),
                &companions,
                crate::time::now(),
            ) {
                Err(m) => error.set(Some(m)),
                Ok(expected_arrival) => {
                    error.set(None);
                    outbox.record_then(
                        vec![OpKind::Depart {
                            work_order_id: id,
                            expected_arrival,
                            companions,
                        }],
                        Vec::new(),
                        move || open.set(false),
                    );
                }
            }
        }
    };
    let boxes = dispatched
        .into_iter()
        .map(|name| {
            let on = {
                let name = name.clone();
                move || ticked.with(|t| t.contains(&name))
            };
            let toggle = {
                let name = name.clone();
                move |ev| {
                    let checked = event_target_checked(&ev);
                    ticked.update(|t| {
                        t.retain(|n| n != &name);
                        if checked {
                            t.push(name.clone());
                        }
                    })
                }
            };
            view! {
                <label class="check">
                    <input type="checkbox" name="companion" value=name.clone() prop:checked=on on:change=toggle/>
                    <span>{name.clone()}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <form class="form depart" on:submit=save novalidate data-testid="depart-form">
            <label class="field">
                <span>{tr(Msg::ExpectedArrival)}</span>
                <input type="datetime-local" name="expected_arrival" min=input_value(crate::time::now())
                    prop:value=move || arrival.get() on:input=move |ev| arrival.set(event_target_value(&ev))
                    class:invalid=move || matches!(error.get(), Some(Msg::ArrivalRequired | Msg::ArrivalBeforeNow))/>
            </label>
            <fieldset class="companions">
                <legend>{tr(Msg::DepartCompanions)}</legend>
                {boxes}
                <label class="field">
                    <span>{tr(Msg::MoreCompanions)}</span>
                    <input name="more_companions" prop:value=move || more.get() on:input=move |ev| more.set(event_target_value(&ev))/>
                </label>
            </fieldset>
            <small class="field-error" data-testid="depart-error" role="alert">{move || error.get().map(|m| m.text(lang.get()))}</small>
            <div class="row">
                <button class="secondary" type="button" on:click=move |_| open.set(false) data-testid="cancel-depart">{tr(Msg::Cancel)}</button>
                <button class="primary big" type="submit" disabled=move || outbox.pending.get() data-testid="confirm-depart">{tr(Msg::ConfirmDepart)}</button>
            </div>
        </form>
    }
}

/// What the engineer said on departing, once they did.
pub fn departure_line(order: &WorkOrder) -> Option<(String, String)> {
    let d = order.departure.as_ref()?;
    Some((time::full(d.expected_arrival), d.companions.join("、")))
}
