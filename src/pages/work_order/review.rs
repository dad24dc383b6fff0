//! What the office decided on the report, as the engineer sees it: a send-back to answer (each
//! item with its reason), every earlier round, and a closed order's banner.

use fieldbook_model::WorkOrder;
use fieldbook_model::desk::{ReviewDecision, ReviewItem, SendBackItem};
use leptos::prelude::*;
use uuid::Uuid;

use super::Loaded;
use crate::i18n::{Lang, Msg, tr, use_lang};
use crate::time;

/// The reason the office gave the last time it sent this photo back, if it did.
pub fn photo_sent_back(order: &WorkOrder, photo_id: Uuid) -> Option<String> {
    order.reviews.iter().rev().find_map(|r| match &r.decision {
        ReviewDecision::SendBack { items } => items
            .iter()
            .find(|i| i.item == ReviewItem::Photo { photo_id })
            .map(|i| i.reason.clone()),
        ReviewDecision::Close => None,
    })
}

/// The reason of the open send-back's item about this slot having no usable photo.
pub fn slot_sent_back(order: &WorkOrder, slot: &str) -> Option<String> {
    order.open_send_back()?.iter().find_map(|i| match &i.item {
        ReviewItem::MissingPhoto { slot: s } if s == slot => Some(i.reason.clone()),
        _ => None,
    })
}

/// A slot's label in the person's language (its key when the order no longer lists it).
pub fn slot_label(order: &WorkOrder, key: &str, lang: Lang) -> String {
    order
        .slots
        .iter()
        .find(|s| s.key == key)
        .map(|s| match lang {
            Lang::Zh => s.label_zh.clone(),
            Lang::En => s.label_en.clone(),
        })
        .unwrap_or_else(|| match key {
            fieldbook_model::photo::OLD_PART_SLOT => Msg::OldPartPhotos.text(lang).to_string(),
            _ => key.to_string(),
        })
}

/// What an item is about: "照片 · 铭牌", "故障原因", ...
fn item_label(order: &WorkOrder, item: &ReviewItem, lang: Lang) -> String {
    let photo = |slot: &str| {
        format!(
            "{} · {}",
            Msg::Photos.text(lang),
            slot_label(order, slot, lang)
        )
    };
    match item {
        ReviewItem::Photo { photo_id } => order
            .photos
            .iter()
            .find(|p| p.id == *photo_id)
            .map_or_else(|| Msg::Photos.text(lang).to_string(), |p| photo(&p.slot)),
        ReviewItem::MissingPhoto { slot } => photo(slot),
        ReviewItem::FaultCause => Msg::FaultCause.text(lang).into(),
        ReviewItem::WorkDone => Msg::WorkDone.text(lang).into(),
        ReviewItem::Parts => Msg::Parts.text(lang).into(),
        ReviewItem::Signature => Msg::CustomerSignature.text(lang).into(),
        ReviewItem::Other => Msg::OtherItem.text(lang).into(),
    }
}

/// Bring a part of the page into view (the item's photo slot or the report form).
fn show(selector: &str) {
    if let Ok(Some(el)) = gloo::utils::document().query_selector(selector) {
        el.scroll_into_view();
    }
}

fn items_view(
    order: &WorkOrder,
    items: &[SendBackItem],
    lang: Lang,
    with_links: bool,
) -> impl IntoView {
    items
        .iter()
        .map(|i| {
            let label = item_label(order, &i.item, lang);
            let target = match &i.item {
                ReviewItem::Photo { photo_id } => order
                    .photos
                    .iter()
                    .find(|p| p.id == *photo_id)
                    .map(|p| (format!("[data-slot=\"{}\"]", p.slot), Msg::RetakePhoto)),
                ReviewItem::MissingPhoto { slot } => {
                    Some((format!("[data-slot=\"{slot}\"]"), Msg::RetakePhoto))
                }
                ReviewItem::Signature => Some(("[data-testid=signature]".into(), Msg::CustomerSignature)),
                _ => Some(("#report".into(), Msg::EditReport)),
            }
            .filter(|_| with_links);
            view! {
                <li data-testid="send-back-item">
                    <strong>{label}</strong>"："{i.reason.clone()}
                    {target.map(|(selector, msg)| view! {
                        " "<button type="button" class="link" on:click=move |_| show(&selector)>{tr(msg)}</button>
                    })}
                </li>
            }
        })
        .collect_view()
}

// Plain functions, not components: with `erase_components` every component's view is boxed into
// an `AnyView`, and these three are only ever placed once, by the order page.

/// The send-back the engineer has to answer, at the top of the order.
pub fn send_back_card(loaded: RwSignal<Option<Loaded>>) -> impl IntoView {
    let lang = use_lang();
    move || {
        loaded.with(|l| {
            let order = &l.as_ref()?.order;
            let items = order.open_send_back()?;
            let at = order
                .reviews
                .last()
                .map(|r| format!("{} · {}", time::short(r.at), r.by.label()));
            Some(view! {
                <div class="card send-back" data-testid="send-back" role="alert">
                    <h2>{tr(Msg::OfficeSentBack)}</h2>
                    <p class="muted small">{at}</p>
                    <p>{tr(Msg::SentBackFix)}</p>
                    <ul>{items_view(order, items, lang.get(), true)}</ul>
                </div>
            })
        })
    }
}

/// Every review round, oldest first: what was sent back, and when the order was closed.
pub fn review_history(loaded: RwSignal<Option<Loaded>>) -> impl IntoView {
    let lang = use_lang();
    move || {
        loaded.with(|l| {
            let order = &l.as_ref()?.order;
            if order.reviews.is_empty() {
                return None;
            }
            let lang = lang.get();
            let rounds = order
                .reviews
                .iter()
                .map(|r| {
                    let (what, items) = match &r.decision {
                        ReviewDecision::Close => (Msg::ReviewClosed, None),
                        ReviewDecision::SendBack { items } => {
                            (Msg::ReviewSentBack, Some(items_view(order, items, lang, false)))
                        }
                    };
                    view! {
                        <li data-testid="review-round">
                            <span>{time::short(r.at)}" "{r.by.label().to_string()}" · "<strong>{what.text(lang)}</strong></span>
                            {items.map(|items| view! { <ul>{items}</ul> })}
                        </li>
                    }
                })
                .collect_view();
            Some(view! {
                <details class="card history" data-testid="review-history">
                    <summary>{Msg::ReviewHistory.text(lang)}" ("{order.reviews.len()}")"</summary>
                    <ol>{rounds}</ol>
                </details>
            })
        })
    }
}

/// 已关单: the order is read-only from now on.
pub fn closed_banner(loaded: RwSignal<Option<Loaded>>) -> impl IntoView {
    let lang = use_lang();
    move || {
        loaded.with(|l| {
            let c = l.as_ref()?.order.closure.clone()?;
            Some(view! {
                <div class="banner closed" data-testid="closed-banner" role="status">
                    <p><strong>{tr(Msg::OrderClosed)}</strong>" · "{time::full(c.at)}" "{c.by.label().to_string()}</p>
                    <p class="small">{tr(Msg::OrderClosedNote)}</p>
                    {c.resolution.map(|r| view! { <p class="small">{move || Msg::Resolution.text(lang.get())}"："{r.clone()}</p> })}
                </div>
            })
        })
    }
}
