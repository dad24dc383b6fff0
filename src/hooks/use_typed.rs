//! `use_typed()`: a form field's value that outlives its component. The screens are rebuilt when a
//! sync brings new data, and what the supervisor was typing must not vanish with them.

thread_local! {
    static TYPED: std::cell::RefCell<std::collections::HashMap<String, String>> =
        Default::default();
}

/// A form field's value that outlives its component: the pages are rebuilt when a sync brings
/// new data, and what the supervisor was typing must not vanish with them.
pub fn use_typed(key: String) -> leptos::prelude::RwSignal<String> {
    use leptos::prelude::*;
    let initial = TYPED.with(|t| t.borrow().get(&key).cloned().unwrap_or_default());
    let value = RwSignal::new(initial);
    Effect::new(move |_| {
        let v = value.get();
        TYPED.with(|t| t.borrow_mut().insert(key.clone(), v));
    });
    value
}

/// Forget a field's value once what it was typed for is saved.
pub fn forget_typed(key: &str) {
    TYPED.with(|t| t.borrow_mut().remove(key));
}
