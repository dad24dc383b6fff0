#[cfg(target_arch = "wasm32")]
fn main() {
    fieldbook::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Fieldbook's app runs in the browser: build it with `trunk build`.");
}
