//! One reactive line: what any Leptos CSR app pays before it shows anything.

use leptos::prelude::*;

fn main() {
    leptos::mount::mount_to_body(|| {
        let (count, set_count) = signal(0);
        view! {
            <main>
                <h1 data-testid="floor">"Fieldbook floor"</h1>
                <button on:click=move |_| set_count.update(|n| *n += 1)>{count}</button>
            </main>
        }
    })
}
