//! Many festivals on the fans' pages: the home page lists the published
//! ones, each festival has its address, a draft is nobody's but staff's,
//! and times are written in each festival's own zone.
#![cfg(feature = "ssr")]

mod common;

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use std::sync::Arc;
use std::time::Duration;
use tiket::domain::{Festival, FestivalEdit, FestivalState, Slug, StageId, TimeZoneName};
use tiket::server::auth::{Auth, AuthOptions};
use tiket::shop::{Shop, ShopOptions};
use tiket::store::JsonStore;
use tower::ServiceExt;

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String, Option<String>) {
    let request = Request::get(uri).body(Body::empty()).unwrap();
    let app = app.clone();
    let response = tokio::spawn(async move { app.oneshot(request).await })
        .await
        .unwrap()
        .unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned());
    let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap(), location)
}

/// A festival in Jakarta with one stage, its doors at 10:00 local time.
fn jakarta() -> Festival {
    let mut stage = Festival::reference().stages[0].clone();
    stage.id = StageId(5);
    stage.name = "Panggung Jakarta".into();
    let local = |m: time::OffsetDateTime| m.replace_offset(time::macros::offset!(+7));
    stage.doors_open = local(stage.doors_open);
    stage.starts_at = local(stage.starts_at);
    stage.sale_opens = local(stage.sale_opens);
    stage.sale_closes = stage.doors_open;
    Festival {
        slug: Slug::new("jakarta-fes").unwrap(),
        name: "hololive Indonesia fes".into(),
        venue: "JIExpo, Jakarta".into(),
        time_zone: TimeZoneName("Asia/Jakarta".into()),
        state: FestivalState::Draft,
        stages: vec![stage],
    }
}

#[test]
fn the_home_page_lists_published_festivals_and_a_draft_stays_hidden() {
    common::run_shared(Duration::from_secs(120), async {
        let data = tempfile::tempdir().unwrap();
        let shop = Shop::open(
            JsonStore::open(data.path()).unwrap(),
            Festival::reference,
            ShopOptions::default(),
        )
        .unwrap();
        let shop = Arc::new(shop);
        let auth = Arc::new(Auth::new(shop.clone(), AuthOptions::default()).unwrap());
        let app = common::app(shop.clone(), auth);
        let create = FestivalEdit::Create {
            festival: jakarta(),
        };
        shop.edit_festival(create, None).await.unwrap();

        // A draft: not listed, not shown, its stages not reachable.
        let (status, body, _) = get(&app, "/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            body.contains("Honeyworks Stage"),
            "one published festival: its own page"
        );
        assert!(!body.contains("hololive Indonesia fes"));
        let (status, body, _) = get(&app, "/f/jakarta-fes").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains("There is no such festival on tiket."));
        let (status, _, _) = get(&app, "/f/jakarta-fes/stages/5").await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let publish = FestivalEdit::SetState {
            festival: Slug::new("jakarta-fes").unwrap(),
            state: FestivalState::Published,
        };
        shop.edit_festival(publish, None).await.unwrap();
        let (status, body, _) = get(&app, "/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("Festivals on sale"), "{body}");
        assert!(body.contains("hololive Indonesia fes") && body.contains("hololive 5th fes."));
        assert!(body.contains(r#"href="/f/jakarta-fes""#));

        let (status, body, _) = get(&app, "/f/jakarta-fes").await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("Panggung Jakarta"));
        assert!(
            body.contains("10:00 WIB"),
            "times in the festival's zone, named"
        );
        assert!(!body.contains("10:00 JST") && !body.contains("12:00 JST"));
        let (status, body, _) = get(&app, "/f/jakarta-fes/stages/5").await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("hololive Indonesia fes"));
        let (status, _, location) = get(&app, "/stages/5").await;
        assert_eq!(status, StatusCode::PERMANENT_REDIRECT);
        assert_eq!(location.as_deref(), Some("/f/jakarta-fes/stages/5"));
    });
}
