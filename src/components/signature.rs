//! The customer signs on the screen with a finger: the pad (a canvas drawn at its own resolution,
//! whatever size CSS shows it at), its "clear" button, and the drawing as a PNG ready to store
//! like a photo. The work order's service report and the complaint's call-back visit both use it.

use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::failure::Failure;
use crate::i18n::{Msg, tr};
use crate::photo::{self, Processed};

/// A pad's handle: whether anything was drawn, and the drawing.
#[derive(Clone, Copy)]
pub struct Pad {
    canvas: NodeRef<Canvas>,
    drawing: StoredValue<bool>,
    /// True once a stroke was drawn (false again after "clear").
    pub drawn: RwSignal<bool>,
}

impl Default for Pad {
    fn default() -> Self {
        Self::new()
    }
}

impl Pad {
    pub fn new() -> Pad {
        Pad {
            canvas: NodeRef::new(),
            drawing: StoredValue::new(false),
            drawn: RwSignal::new(false),
        }
    }

    fn ctx(&self) -> Option<(HtmlCanvasElement, CanvasRenderingContext2d)> {
        let el = self.canvas.get_untracked()?;
        let ctx = el
            .get_context("2d")
            .ok()??
            .dyn_into::<CanvasRenderingContext2d>()
            .ok()?;
        Some((el, ctx))
    }

    fn point(&self, ev: &web_sys::PointerEvent) -> Option<(CanvasRenderingContext2d, f64, f64)> {
        let (el, ctx) = self.ctx()?;
        let rect = el.get_bounding_client_rect();
        let x = (ev.client_x() as f64 - rect.left()) * el.width() as f64 / rect.width();
        let y = (ev.client_y() as f64 - rect.top()) * el.height() as f64 / rect.height();
        Some((ctx, x, y))
    }

    pub fn clear(&self) {
        if let Some((el, ctx)) = self.ctx() {
            ctx.clear_rect(0.0, 0.0, el.width() as f64, el.height() as f64);
            self.drawn.set(false);
        }
    }

    /// The drawing as a PNG, hashed and measured like a photo.
    pub async fn png(&self) -> Result<Processed, Failure> {
        let Some((el, _)) = self.ctx() else {
            return Err(Failure::PhotoFailed);
        };
        let (width, height) = (el.width(), el.height());
        let blob = canvas_png(&el).await.map_err(|e| {
            gloo::console::error!(format!("the signature could not be drawn: {e:?}"));
            Failure::PhotoFailed
        })?;
        photo::finish(blob, width, height, "image/png")
            .await
            .map_err(|e| Failure::from(&e))
    }
}

/// The pad and its "clear" button (a plain function: a component costs the wasm a wrapper).
pub fn signature_pad(pad: Pad) -> impl IntoView {
    let down = move |ev: web_sys::PointerEvent| {
        ev.prevent_default();
        if let Some((ctx, x, y)) = pad.point(&ev) {
            ctx.set_line_width(4.0);
            ctx.set_line_cap("round");
            ctx.set_stroke_style_str("#111827");
            ctx.begin_path();
            ctx.move_to(x, y);
            pad.drawing.set_value(true);
        }
    };
    let moved = move |ev: web_sys::PointerEvent| {
        if !pad.drawing.get_value() {
            return;
        }
        ev.prevent_default();
        if let Some((ctx, x, y)) = pad.point(&ev) {
            ctx.line_to(x, y);
            ctx.stroke();
            pad.drawn.set(true);
        }
    };
    let up = move |_: web_sys::PointerEvent| pad.drawing.set_value(false);
    view! {
        <canvas node_ref=pad.canvas class="signature-pad" width="640" height="280" data-testid="signature-pad"
            on:pointerdown=down on:pointermove=moved on:pointerup=up on:pointerleave=up></canvas>
        <button class="secondary" type="button" data-testid="clear-signature" on:click=move |_| pad.clear()>{tr(Msg::Clear)}</button>
    }
}

/// `canvas.toBlob("image/png")` as a future.
async fn canvas_png(el: &HtmlCanvasElement) -> Result<web_sys::Blob, JsValue> {
    let el = el.clone();
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let done = wasm_bindgen::closure::Closure::once_into_js(move |blob: JsValue| {
            let _ = if blob.is_null() {
                reject.call1(
                    &JsValue::NULL,
                    &JsValue::from_str("the canvas gave no image"),
                )
            } else {
                resolve.call1(&JsValue::NULL, &blob)
            };
        });
        if let Err(e) = el.to_blob_with_type(done.unchecked_ref(), "image/png") {
            gloo::console::error!("toBlob failed", e);
        }
    });
    JsFuture::from(promise).await.map(|b| b.unchecked_into())
}
