//! What a door device keeps across reloads (localStorage, in the browser
//! only; on the server every read is empty): the door's settings, the
//! offline kit per festival, whether it is offline, the queue of offline
//! admissions and what it let in. Also the device's clock, scan ids and the
//! service worker that lets the door page load with no network.

use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// The door as staff set it up on this device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub slug: String,
    pub stages: Vec<u32>,
    pub gate: String,
}

pub const SETTINGS: &str = "tiket-door-settings";
pub const OFFLINE: &str = "tiket-door-offline";
pub const QUEUE: &str = "tiket-door-queue";
pub const ADMITTED: &str = "tiket-door-admitted";

/// The offline kit of festival `slug`.
pub fn kit_key(slug: &str) -> String {
    format!("tiket-door-kit:{slug}")
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// What the device keeps under `key`, if it reads as a `T`.
pub fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
    #[cfg(feature = "hydrate")]
    {
        let text = storage()?.get_item(key).ok()??;
        serde_json::from_str(&text).ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        None
    }
}

/// Keeps `value` under `key` (quietly nothing when storage is full or off).
pub fn save<T: Serialize>(key: &str, value: &T) {
    #[cfg(feature = "hydrate")]
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(value)) {
        let _ = storage.set_item(key, &text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (key, value);
}

/// A new id for one scan (a UUID from the browser's `crypto.randomUUID`).
pub fn new_scan_id() -> String {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let uuid = js_sys::Reflect::get(&js_sys::global(), &"crypto".into())
            .ok()
            .and_then(|crypto| {
                let f = js_sys::Reflect::get(&crypto, &"randomUUID".into()).ok()?;
                f.dyn_into::<js_sys::Function>().ok()?.call0(&crypto).ok()
            })
            .and_then(|id| id.as_string());
        uuid.unwrap_or_else(|| {
            format!(
                "{}-{}",
                js_sys::Date::now() as u64,
                (js_sys::Math::random() * 1e15) as u64
            )
        })
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// Now, as RFC 3339 in UTC (`2026-11-30T09:02:11.123Z`).
pub fn now_rfc3339() -> String {
    #[cfg(feature = "hydrate")]
    return js_sys::Date::new_0().to_iso_string().into();
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// Now on the device's clock, `18:02:11`.
pub fn clock_now() -> String {
    #[cfg(feature = "hydrate")]
    {
        let text: String = js_sys::Date::new_0().to_time_string().into();
        text.chars().take(8).collect()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// Gives `message` to the registration's worker once it is active (a new
/// one installs first), trying every 250 ms at most `tries` times. Not
/// `navigator.serviceWorker.ready`: a page reached by the router from
/// another path (sign-in) was not created in the worker's scope, and for
/// it `ready` never settles.
#[cfg(feature = "hydrate")]
fn hand_over(
    registration: web_sys::ServiceWorkerRegistration,
    message: wasm_bindgen::JsValue,
    tries: u32,
) {
    if let Some(worker) = registration.active() {
        let _ = worker.post_message(&message);
        return;
    }
    if tries > 0 {
        leptos::prelude::set_timeout(
            move || hand_over(registration, message, tries - 1),
            std::time::Duration::from_millis(250),
        );
    }
}

/// Registers the door's service worker (`/door-sw.js`, scope `/door`) and
/// hands it the files this page loaded before it was there, so the next
/// load works with no network.
pub fn register_worker() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(window) = web_sys::window() else {
            return;
        };
        // No service workers here (an insecure origin, or switched off).
        if !js_sys::Reflect::has(&window.navigator(), &"serviceWorker".into()).unwrap_or(false) {
            return;
        }
        let container = window.navigator().service_worker();
        let options = web_sys::RegistrationOptions::new();
        options.set_scope(crate::routes::DOOR);
        let registering = container.register_with_options(crate::routes::DOOR_WORKER, &options);
        leptos::task::spawn_local(async move {
            let Ok(registration) = wasm_bindgen_futures::JsFuture::from(registering).await else {
                return;
            };
            let registration: web_sys::ServiceWorkerRegistration = registration.unchecked_into();
            let urls = js_sys::Array::new();
            urls.push(&window.location().href().unwrap_or_default().into());
            if let Some(performance) = window.performance() {
                for entry in performance.get_entries_by_type("resource").iter() {
                    let entry: web_sys::PerformanceEntry = entry.unchecked_into();
                    urls.push(&entry.name().into());
                }
            }
            let message = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&message, &"keep".into(), &urls);
            hand_over(registration, message.into(), 40);
        });
    }
}
