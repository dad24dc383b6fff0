//! A long list that keeps in the page only the rows near the screen.
//!
//! A phone or a supervisor's tablet may hold thousands of work orders. With every card in the
//! page, a flick down 2,000 of them held the main thread for a third of a second (BENCHMARKS.md).
//! Short lists are rendered whole. A long one renders the first screen, measures its rows from the
//! page (one column on a phone, two on a tablet: whatever the CSS says), and from then on renders
//! the rows on screen and a few beyond, with padding standing in for the rest so that the page
//! keeps its full height and the scroll bar tells the truth.
//!
//! The rows must all be one height (cards with one-line texts); the list follows the window's
//! scrolling, as every list page here scrolls the whole page.

use std::hash::Hash;

use gloo::events::EventListener;
use leptos::prelude::*;
use leptos::tachys::view::keyed::SerializableKey;

/// Lists up to this long are rendered whole.
const WHOLE: usize = 60;
/// Items rendered before the rows are measured: more than any screen shows.
const FIRST: usize = 24;
/// Rows kept beyond each edge of the screen, so that a fast flick does not reach a gap.
const OVERSCAN: usize = 6;

/// The items in the page and the space standing in for the rows before and after them.
#[derive(Clone, Copy, PartialEq, Debug)]
struct Slice {
    start: usize,
    end: usize,
    above_px: f64,
    below_px: f64,
}

impl Slice {
    fn first(n: usize) -> Slice {
        Slice {
            start: 0,
            end: n.min(if n <= WHOLE { n } else { FIRST }),
            above_px: 0.0,
            below_px: 0.0,
        }
    }
}

/// Columns and the distance from one row's top to the next, read from the rows in the page:
/// the first item in the page always starts a row.
fn measure(list: &web_sys::Element) -> Option<(usize, f64)> {
    let items = list.children();
    let top = |i| Some(items.item(i)?.get_bounding_client_rect().top());
    let first = top(0)?;
    (1..items.length()).find_map(|i| {
        let step = top(i)? - first;
        (step > 1.0).then_some((i as usize, step))
    })
}

/// The slice of `n` items to render, for a list whose top is `top_px` from the top of a screen
/// `screen_px` high, in rows of `cols` items `step_px` apart.
fn slice_for(n: usize, cols: usize, step_px: f64, top_px: f64, screen_px: f64) -> Slice {
    let rows = n.div_ceil(cols);
    let row_at = |y: f64| (y / step_px).floor().clamp(0.0, rows as f64) as usize;
    let last = (row_at(screen_px - top_px) + 1 + OVERSCAN).min(rows);
    let first = row_at(-top_px).saturating_sub(OVERSCAN).min(last);
    Slice {
        start: first * cols,
        end: (last * cols).min(n),
        above_px: first as f64 * step_px,
        below_px: (rows - last) as f64 * step_px,
    }
}

#[component]
pub fn VirtualList<T, K, KF, V, VF>(
    items: Signal<Vec<T>>,
    /// The key of an item: a row whose key stays keeps its elements.
    key: KF,
    /// One item's row: an `<li>`.
    row: VF,
    class: &'static str,
    testid: &'static str,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    K: Eq + Hash + SerializableKey + 'static,
    KF: Fn(&T) -> K + Send + Clone + 'static,
    V: IntoView + 'static,
    VF: Fn(T) -> V + Send + Clone + 'static,
{
    let list = NodeRef::<leptos::html::Ul>::new();
    let slice = RwSignal::new(Slice::first(items.with_untracked(Vec::len)));
    let metrics = StoredValue::new(None::<(usize, f64)>);
    let update = move || {
        let n = items.with_untracked(Vec::len);
        let next = if n <= WHOLE {
            Slice::first(n)
        } else {
            let Some(list) = list.get_untracked() else {
                return;
            };
            if metrics.get_value().is_none() {
                metrics.set_value(measure(&list));
            }
            let Some((cols, step)) = metrics.get_value() else {
                return;
            };
            let screen = gloo::utils::window()
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(800.0);
            slice_for(n, cols, step, list.get_bounding_client_rect().top(), screen)
        };
        if slice.get_untracked() != next {
            slice.set(next);
        }
    };
    // After each render of the list (its first, and whenever the items change).
    Effect::new(move |_| {
        items.track();
        if list.get().is_some() {
            update();
        }
    });
    let window = gloo::utils::window();
    let last_width = StoredValue::new(
        gloo::utils::document()
            .document_element()
            .map_or(0, |e| e.client_width()),
    );
    let listeners = vec![
        // gloo's listeners are passive: they never hold up the scrolling itself.
        EventListener::new(&window, "scroll", move |_| update()),
        EventListener::new(&window, "resize", move |_| {
            // A phone's address bar coming and going changes only the height.
            let width = gloo::utils::document()
                .document_element()
                .map_or(0, |e| e.client_width());
            if width == last_width.get_value() {
                return update();
            }
            last_width.set_value(width);
            // A turned tablet may change the columns: measure again from the first screen.
            metrics.set_value(None);
            let start = slice.get_untracked().start;
            slice.set(Slice {
                start,
                end: (start + FIRST).min(items.with_untracked(Vec::len)),
                ..slice.get_untracked()
            });
            request_animation_frame(update);
        }),
    ];
    // Removed with the list.
    StoredValue::new_local(listeners);

    let each = move || {
        let s = slice.get();
        items.with(|all| all[s.start.min(all.len())..s.end.min(all.len())].to_vec())
    };
    view! {
        <ul
            class=class
            data-testid=testid
            node_ref=list
            style:padding-top=move || format!("{}px", slice.get().above_px)
            style:padding-bottom=move || format!("{}px", slice.get().below_px)
        >
            <For each=each key=key children=row/>
        </ul>
    }
}
