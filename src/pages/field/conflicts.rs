//! An area's items in conflict (`fieldbook_model::conflict`): both marks with who, when and
//! which device, on every screen that shows the checklist; the supervisor keeps one with a tap.

use fieldbook_model::OpKind;
use fieldbook_model::cleaning::{AreaDay, ChecklistItem, Mark};
use fieldbook_model::conflict::Side;
use fieldbook_model::user::{UserProfile, display_name};
use leptos::prelude::*;

use crate::hooks::UseOutboxReturn;
use crate::i18n::{Msg, tr};
use crate::time;

#[component]
pub fn MarkConflicts(
    day: AreaDay,
    items: Vec<ChecklistItem>,
    people: Vec<UserProfile>,
    /// The supervisor settles; everyone else sees.
    can_settle: bool,
    outbox: UseOutboxReturn,
) -> impl IntoView {
    let (area_id, date) = (day.area_id, day.date);
    let rows = day.conflicts.iter().filter_map(|(item_id, other)| {
        let shown = Side {
            value: day.marks.get(item_id).map(|m| m.mark),
            stamp: day.stamps.get(item_id)?.clone(),
        };
        let label = items
            .iter()
            .find(|i| i.id == *item_id)
            .map_or_else(String::new, |i| i.label.clone());
        let item_id = *item_id;
        let item_label = label.clone();
        let sides = [shown, other.clone()].map(|side| {
            let device = side.stamp.device;
            let (kind, msg) = match side.value {
                Some(Mark::Done) => ("done", Msg::ConflictDone),
                Some(Mark::Problem) => ("problem", Msg::ConflictProblem),
                None => ("none", Msg::ConflictCleared),
            };
            let mark = tr(msg);
            let keep = move |_| {
                outbox.record(
                    vec![OpKind::SettleMark {
                        area_id,
                        date,
                        item_id,
                        keep_device: device,
                    }],
                    Vec::new(),
                )
            };
            view! {
                <li data-testid="conflict-side" data-mark=kind>
                    <strong>{mark}</strong>" · "{display_name(&people, &side.stamp.by)}" · "
                    {time::short(side.stamp.at)}" · "{tr(Msg::ConflictDevice)}" "
                    {device.simple().to_string()[..6].to_string()}
                    {can_settle.then(|| view! {
                        <button class="secondary" data-testid="keep-side" disabled=move || outbox.pending.get()
                            on:click=keep>{tr(Msg::ConflictKeep)}</button>
                    })}
                </li>
            }
        });
        Some(view! {
            <div class="card banner attention" data-testid="conflict" data-item=item_label>
                <p><strong>{tr(Msg::InConflict)}</strong>": "{label}</p>
                <ul>{sides.into_iter().collect_view()}</ul>
            </div>
        })
    });
    rows.collect_view()
}
