#[cfg(target_arch = "wasm32")]
fn main() {
    fieldbook_office::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "Fieldbook's office app runs in the browser: build it with `trunk build` in office/."
    );
}
