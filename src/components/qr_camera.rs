//! Scanning QR codes with the device's camera: a button starts the rear
//! camera (`getUserMedia`, facing the environment) into a `<video>`, and
//! every 150 ms the frame is read — by the browser's `BarcodeDetector`
//! where it exists and reads QR codes (Chrome on Android and macOS), else
//! drawn to a canvas and decoded by `quircs` (quirc in Rust), compiled to wasm (Chromium on
//! Linux, Firefox). The element says which in `data-decoder`
//! (`barcode-detector` or `wasm`). A code still in view is reported once,
//! not every frame. The camera stops when the button is pressed again or
//! the page is left. Used only by the door page (a lazy route), so the
//! decoder is in the door's wasm chunk.

use crate::i18n::td_string;
use crate::language::use_locale;
use leptos::prelude::*;

#[component]
pub fn QrCamera(
    /// Called with each code read.
    #[prop(into)]
    on_code: Callback<String>,
) -> impl IntoView {
    let l = use_locale();
    let video = NodeRef::<leptos::html::Video>::new();
    let running = RwSignal::new(false);
    let decoder = RwSignal::new(None::<&'static str>);
    let error = RwSignal::new(None::<String>);
    #[cfg(feature = "hydrate")]
    let camera = StoredValue::new_local(None::<scanning::Camera>);
    let stop = move || {
        #[cfg(feature = "hydrate")]
        camera.update_value(|camera| {
            if let Some(camera) = camera.take() {
                camera.stop();
            }
        });
        running.set(false);
    };
    on_cleanup(stop);
    #[cfg(not(feature = "hydrate"))]
    let _ = (on_code, error, decoder);
    let start = move || {
        #[cfg(feature = "hydrate")]
        {
            let Some(element) = video.get_untracked() else {
                return;
            };
            error.set(None);
            running.set(true);
            leptos::task::spawn_local(async move {
                match scanning::Camera::start(element, on_code, decoder).await {
                    // Stopped (or left) while the camera was starting.
                    Ok(started) if !running.get_untracked() => started.stop(),
                    Ok(started) => camera.set_value(Some(started)),
                    Err(reason) => {
                        running.set(false);
                        error.set(Some(reason));
                    }
                }
            });
        }
    };
    let toggle = move |_| match running.get_untracked() {
        true => stop(),
        false => start(),
    };
    let failed = move || {
        error.get().map(|reason| {
            view! { <p class="mt-2 text-sm text-red-300" role="alert">{td_string!(l, door.camera_failed, reason = reason).to_string()}</p> }
        })
    };
    view! {
        <div class="mt-4" data-camera="" data-decoder=move || decoder.get() data-running=move || running.get().then_some("true")>
            <button
                type="button"
                class="w-full rounded-2xl border border-white/20 bg-white/10 px-4 py-3 text-lg font-bold hover:bg-white/15 focus-visible:outline-2 focus-visible:outline-glow-300"
                aria-pressed=move || running.get().to_string()
                on:click=toggle
            >
                {move || if running.get() { td_string!(l, door.camera_stop).to_string() } else { td_string!(l, door.camera_start).to_string() }}
            </button>
            <video
                node_ref=video
                class=move || if running.get() { "mt-3 aspect-video w-full rounded-2xl bg-black object-cover" } else { "hidden" }
                aria-label=td_string!(l, door.camera_label).to_string()
                playsinline=""
                muted=""
            ></video>
            {failed}
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod scanning {
    use leptos::prelude::*;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{HtmlVideoElement, MediaStream};

    /// How often a frame is read.
    const EVERY: std::time::Duration = std::time::Duration::from_millis(150);
    /// A code read again within this many milliseconds of last being seen
    /// is the same ticket still in view.
    const STILL_IN_VIEW_MS: f64 = 4_000.0;
    /// Frames are decoded at most this wide (enough for a phone-sized QR code).
    const MOST_WIDTH: u32 = 800;

    pub struct Camera {
        stream: MediaStream,
        video: HtmlVideoElement,
        ticking: IntervalHandle,
    }

    fn text(error: JsValue) -> String {
        js_sys::Reflect::get(&error, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .or_else(|| error.as_string())
            .unwrap_or_else(|| format!("{error:?}"))
    }

    /// The browser's QR code reader, if it has one that reads QR codes.
    async fn barcode_detector() -> Option<JsValue> {
        let global = js_sys::global();
        let class = js_sys::Reflect::get(&global, &"BarcodeDetector".into()).ok()?;
        let class: js_sys::Function = class.dyn_into().ok()?;
        let formats = js_sys::Reflect::get(&class, &"getSupportedFormats".into()).ok()?;
        let formats: js_sys::Function = formats.dyn_into().ok()?;
        let promise: js_sys::Promise = formats.call0(&class).ok()?.dyn_into().ok()?;
        let formats: js_sys::Array = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
        if !formats.includes(&"qr_code".into(), 0) {
            return None;
        }
        let options = js_sys::Object::new();
        let wanted = js_sys::Array::of1(&"qr_code".into());
        js_sys::Reflect::set(&options, &"formats".into(), &wanted).ok()?;
        js_sys::Reflect::construct(&class, &js_sys::Array::of1(&options)).ok()
    }

    /// Reads one frame with quircs: the first QR code's text.
    fn decode_frame(
        video: &HtmlVideoElement,
        canvas: &web_sys::HtmlCanvasElement,
    ) -> Option<String> {
        let (width, height) = (video.video_width(), video.video_height());
        if width == 0 || height == 0 {
            return None;
        }
        let scale = (MOST_WIDTH as f64 / width as f64).min(1.0);
        let (w, h) = (
            ((width as f64 * scale) as u32).max(1),
            ((height as f64 * scale) as u32).max(1),
        );
        if canvas.width() != w || canvas.height() != h {
            canvas.set_width(w);
            canvas.set_height(h);
        }
        let context: web_sys::CanvasRenderingContext2d =
            canvas.get_context("2d").ok()??.dyn_into().ok()?;
        context
            .draw_image_with_html_video_element_and_dw_and_dh(video, 0.0, 0.0, w as f64, h as f64)
            .ok()?;
        let pixels = context
            .get_image_data(0.0, 0.0, w as f64, h as f64)
            .ok()?
            .data();
        let grey: Vec<u8> = pixels
            .chunks_exact(4)
            .map(|p| ((p[0] as u32 * 77 + p[1] as u32 * 150 + p[2] as u32 * 29) >> 8) as u8)
            .collect();
        let mut decoder = quircs::Quirc::default();
        let found = decoder
            .identify(w as usize, h as usize, &grey)
            .flatten()
            .find_map(|code| code.decode().ok())
            .and_then(|data| String::from_utf8(data.payload).ok());
        found
    }

    impl Camera {
        pub async fn start(
            video: HtmlVideoElement,
            on_code: Callback<String>,
            decoder: RwSignal<Option<&'static str>>,
        ) -> Result<Camera, String> {
            let window = web_sys::window().ok_or("no window")?;
            let devices = window.navigator().media_devices().map_err(text)?;
            let constraints = web_sys::MediaStreamConstraints::new();
            let wanted = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&wanted, &"facingMode".into(), &"environment".into());
            constraints.set_video(&wanted);
            constraints.set_audio(&JsValue::FALSE);
            let promise = devices
                .get_user_media_with_constraints(&constraints)
                .map_err(text)?;
            let stream: MediaStream = JsFuture::from(promise)
                .await
                .map_err(text)?
                .dyn_into()
                .map_err(text)?;
            video.set_muted(true);
            video.set_src_object(Some(&stream));
            if let Ok(playing) = video.play() {
                let _ = JsFuture::from(playing).await;
            }
            let detector = barcode_detector().await;
            decoder.set(Some(match detector {
                Some(_) => "barcode-detector",
                None => "wasm",
            }));
            let canvas: web_sys::HtmlCanvasElement = window
                .document()
                .ok_or("no document")?
                .create_element("canvas")
                .map_err(text)?
                .dyn_into()
                .map_err(|_| "no canvas".to_owned())?;
            let busy = StoredValue::new(false);
            let last = StoredValue::new((String::new(), 0.0_f64));
            let seen = move |code: String| {
                let now = js_sys::Date::now();
                let (previous, at) = last.get_value();
                last.set_value((code.clone(), now));
                if previous != code || now - at > STILL_IN_VIEW_MS {
                    on_code.run(code);
                }
            };
            let frames = video.clone();
            let ticking = set_interval_with_handle(
                move || {
                    if busy.get_value() || frames.ready_state() < 2 {
                        return;
                    }
                    match &detector {
                        Some(detector) => {
                            let detect = js_sys::Reflect::get(detector, &"detect".into())
                                .ok()
                                .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
                            let Some(promise) = detect
                                .and_then(|detect| detect.call1(detector, &frames).ok())
                                .and_then(|p| p.dyn_into::<js_sys::Promise>().ok())
                            else {
                                return;
                            };
                            busy.set_value(true);
                            leptos::task::spawn_local(async move {
                                if let Ok(found) = JsFuture::from(promise).await {
                                    let code = js_sys::Array::from(&found)
                                        .get(0)
                                        .is_object()
                                        .then(|| js_sys::Array::from(&found).get(0))
                                        .and_then(|first| {
                                            js_sys::Reflect::get(&first, &"rawValue".into()).ok()
                                        })
                                        .and_then(|raw| raw.as_string());
                                    if let Some(code) = code {
                                        seen(code);
                                    }
                                }
                                busy.set_value(false);
                            });
                        }
                        None => {
                            if let Some(code) = decode_frame(&frames, &canvas) {
                                seen(code);
                            }
                        }
                    }
                },
                EVERY,
            )
            .map_err(text)?;
            Ok(Camera {
                stream,
                video,
                ticking,
            })
        }

        pub fn stop(self) {
            self.ticking.clear();
            for track in self.stream.get_tracks().iter() {
                let track: web_sys::MediaStreamTrack = track.unchecked_into();
                track.stop();
            }
            self.video.set_src_object(None);
        }
    }
}
