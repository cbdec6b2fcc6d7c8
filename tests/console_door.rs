//! The console's view of the doors through the real router: its server
//! function (`console_door`) and page (`/console/f/{slug}/door`) let in only
//! an organiser who passed the second factor (signed out: sign in first; a
//! fan or a door account: 403; without the factor: the second factor
//! first); and its numbers right after check-ins made by `Shop::redeem` and
//! by `POST /api/door/redeem`: admitted of sold per stage, the log newest
//! first with its offline marks, and every conflict, a ticket let in twice
//! with where and when it first came in.
//!
//! All tests share one runtime ([`common::run_shared`]) and one router; only
//! the numbers test checks anyone in.
#![cfg(feature = "ssr")]

mod common;

use axum::{
    body::{to_bytes, Body},
    http::{header, HeaderMap, Request, StatusCode},
    Router,
};
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tiket::domain::{Conflict, FanName, Order, Role, ScanId, StageId, Ticket};
use tiket::server::auth::{Auth, AuthOptions, Visitor};
use tiket::server::staff::{current_code, SecondFactorSetup};
use tiket::server_fns::console::door::DoorBoard;
use tiket::server_fns::console::Gate;
use tiket::shop::door::{Outcome, Redeem};
use tiket::shop::{Shop, ShopOptions};
use tiket::store::JsonStore;
use tower::ServiceExt;

const PASSWORD: &str = "carrot-rocket-35p";
const FESTIVAL: &str = "hololive-5th-fes";

fn run(test: impl Future<Output = ()>) {
    common::run_shared(Duration::from_secs(120), test)
}

struct Site {
    app: Router,
    shop: Arc<Shop>,
    auth: Arc<Auth>,
}

fn site() -> &'static Site {
    static SITE: OnceLock<(Site, tempfile::TempDir)> = OnceLock::new();
    &SITE
        .get_or_init(|| {
            let data = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
            let shop = Shop::open(
                JsonStore::open(data.path()).unwrap(),
                || common::festival_on_sale(&[40, 40]),
                ShopOptions::default(),
            )
            .unwrap();
            let shop = Arc::new(shop);
            let options = AuthOptions {
                hash_workers: 2,
                ..AuthOptions::default()
            };
            let auth = Arc::new(Auth::new(shop.clone(), options).unwrap());
            let app = common::app(shop.clone(), auth.clone());
            (Site { app, shop, auth }, data)
        })
        .0
}

fn fresh_name(prefix: &str) -> String {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    format!("{prefix}{}", COUNT.fetch_add(1, Ordering::Relaxed))
}

/// A new account: its name and session token.
async fn account(prefix: &str) -> (FanName, String) {
    let visitor = Visitor {
        client: None,
        device: None,
    };
    let signed_in = site()
        .auth
        .register(&fresh_name(prefix), PASSWORD, &visitor)
        .await
        .unwrap();
    (signed_in.fan, signed_in.token)
}

async fn staff(prefix: &str, role: Role) -> (FanName, String) {
    let (name, token) = account(prefix).await;
    site().shop.grant_role(&name, role, None).await.unwrap();
    (name, token)
}

/// An organiser whose session passed the second factor: its cookie.
async fn organiser() -> String {
    let (name, token) = staff("org", Role::Organiser).await;
    let setup = SecondFactorSetup::new(&name);
    let code = current_code(&setup.secret, site().shop.now()).unwrap();
    site()
        .auth
        .set_up_second_factor(&token, &setup.secret, &code)
        .await
        .unwrap();
    format!("tiket_session={token}")
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

async fn call(request: Request<Body>) -> Answer {
    let app = site().app.clone();
    let response = tokio::spawn(async move { app.oneshot(request).await })
        .await
        .unwrap()
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = to_bytes(response.into_body(), 4 << 20).await.unwrap();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// The page's data as the page's script asks for it.
async fn board_call(slug: &str, cookie: Option<&str>) -> Answer {
    let mut request = Request::post("/api/fn/console_door")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    call(request.body(Body::from(format!("slug={slug}"))).unwrap()).await
}

async fn board(cookie: &str) -> DoorBoard {
    let answer = board_call(FESTIVAL, Some(cookie)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    match serde_json::from_str::<Gate<DoorBoard>>(&answer.body) {
        Ok(Gate::Open(board)) => board,
        other => panic!("not the board: {other:?} {}", answer.body),
    }
}

async fn page(path: &str, cookie: Option<&str>) -> Answer {
    let mut request = Request::get(path).header(header::ACCEPT, "text/html");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    call(request.body(Body::empty()).unwrap()).await
}

#[test]
fn only_an_organiser_who_passed_the_second_factor_sees_the_doors() {
    run(async {
        let path = format!("/console/f/{FESTIVAL}/door");
        // Signed out: the data says sign in; the page sends there.
        let answer = board_call(FESTIVAL, None).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        assert!(answer.body.contains("\"SignIn\""), "{}", answer.body);
        let answer = page(&path, None).await;
        assert_eq!(answer.status, StatusCode::FOUND, "{}", answer.body);
        assert_eq!(
            answer.headers.get(header::LOCATION).unwrap(),
            &format!("/sign-in?next={path}")
        );

        // A fan and a door account: 403 with the sentence, no data.
        let fan = format!("tiket_session={}", account("fan").await.1);
        let door = format!("tiket_session={}", staff("door", Role::Door).await.1);
        for (who, cookie) in [("a fan", &fan), ("a door account", &door)] {
            let answer = board_call(FESTIVAL, Some(cookie)).await;
            assert_eq!(
                answer.status,
                StatusCode::FORBIDDEN,
                "{who}: {}",
                answer.body
            );
            assert!(!answer.body.contains("Open"), "{who}: {}", answer.body);
            let answer = page(&path, Some(cookie)).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{who}");
            assert!(
                answer.body.contains("This page is for organisers"),
                "{who}: {}",
                answer.body
            );
            assert!(!answer.body.contains("data-total-admitted"), "{who}");
        }

        // An organiser without the second factor: pass it first.
        let novice = format!("tiket_session={}", staff("org", Role::Organiser).await.1);
        let answer = board_call(FESTIVAL, Some(&novice)).await;
        assert!(answer.body.contains("\"SecondFactor\""), "{}", answer.body);
        let answer = page(&path, Some(&novice)).await;
        assert_eq!(answer.status, StatusCode::FOUND);
        assert_eq!(
            answer.headers.get(header::LOCATION).unwrap(),
            &format!("/staff/second-factor?next={path}")
        );

        // The organiser: the data and the page.
        let organiser = organiser().await;
        let answer = board_call(FESTIVAL, Some(&organiser)).await;
        assert!(answer.body.starts_with("{\"Open\""), "{}", answer.body);
        let answer = page(&path, Some(&organiser)).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        assert!(
            answer.body.contains("data-total-admitted"),
            "{}",
            answer.body
        );

        // A festival that does not exist: 404, and a bad name too.
        for slug in ["no-such-fes", "Not%20a%20slug"] {
            let answer = board_call(slug, Some(&organiser)).await;
            assert_eq!(
                answer.status,
                StatusCode::NOT_FOUND,
                "{slug}: {}",
                answer.body
            );
        }
    })
}

async fn buy(stage: u32, quantity: u32) -> Vec<Ticket> {
    let (fan, _) = account("buyer").await;
    let order = Order {
        stage: StageId(stage),
        fan,
        quantity,
    };
    site().shop.buy(order, None).await.unwrap().tickets
}

fn scan(code: &str, gate: &str, id: &str, by: &FanName) -> Redeem {
    Redeem {
        code: code.to_owned(),
        gate: gate.to_owned(),
        scan: ScanId::new(id).unwrap(),
        stages: None,
        at: None,
        force: false,
        by: by.clone(),
    }
}

#[test]
fn the_doors_count_the_log_and_the_conflicts_right_after_check_ins() {
    run(async {
        let shop = &site().shop;
        let organiser = organiser().await;
        let (door, token) = staff("door", Role::Door).await;
        let one = buy(1, 3).await;
        let two = buy(2, 1).await;

        let before = board(&organiser).await;
        let sold: Vec<(u32, u32, u32)> = before
            .stages
            .iter()
            .map(|s| (s.sold, s.admitted, s.percent))
            .collect();
        assert_eq!(sold, [(3, 0, 0), (1, 0, 0)]);
        assert!(before.latest.is_empty() && before.conflicts.is_empty());
        assert!(before.as_of.ends_with(" JST"), "{}", before.as_of);

        // North lets the first ticket in; South is told, and keeps nothing.
        let a = &one[0];
        let first = shop
            .redeem(scan(&a.code.to_string(), "North", "n-1", &door))
            .await
            .unwrap();
        assert_eq!(first.outcome, Outcome::Admitted);
        let again = shop
            .redeem(scan(&a.code.to_string(), "South", "s-1", &door))
            .await
            .unwrap();
        assert_eq!(again.outcome, Outcome::AlreadyAdmitted);

        // Stage 2's ticket through the JSON API, as a scanner sends it.
        let body = serde_json::json!({
            "code": two[0].code.to_string(), "gate": "South", "scan_id": "s-2"
        });
        let answer = call(
            Request::post("/api/door/redeem")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        assert!(answer.body.contains("\"admitted\""), "{}", answer.body);

        let now = board(&organiser).await;
        let counts: Vec<(u32, u32, u32)> = now
            .stages
            .iter()
            .map(|s| (s.sold, s.admitted, s.percent))
            .collect();
        assert_eq!(counts, [(3, 1, 33), (1, 1, 100)]);
        assert_eq!((now.sold, now.admitted, now.percent), (4, 2, 50));
        let log: Vec<(&str, &str)> = now
            .latest
            .iter()
            .map(|c| (c.code.as_str(), c.gate.as_str()))
            .collect();
        let (a_code, b_code) = (a.code.to_string(), two[0].code.to_string());
        assert_eq!(
            log,
            [(b_code.as_str(), "South"), (a_code.as_str(), "North")]
        );
        assert!(now.conflicts.is_empty());
        let north = &now.latest[1];
        assert_eq!(north.by, door.as_str());
        assert_eq!(north.stage, "Stage 1");
        assert!(!north.forced && north.conflict.is_none());
        assert!(north.at.ends_with(" JST"), "{}", north.at);

        // An offline door reports what it let in: the same ticket at East a
        // minute ago, and stage 1's second ticket at a door for stage 2.
        let earlier = shop.now() - time::Duration::minutes(1);
        let offline = shop
            .redeem(Redeem {
                at: Some(earlier),
                force: true,
                ..scan(&a.code.to_string(), "East", "e-1", &door)
            })
            .await
            .unwrap();
        assert_eq!(offline.outcome, Outcome::Admitted);
        let wrong = shop
            .redeem(Redeem {
                force: true,
                stages: Some(vec![StageId(2)]),
                ..scan(&one[1].code.to_string(), "East", "e-2", &door)
            })
            .await
            .unwrap();
        assert_eq!(wrong.outcome, Outcome::Admitted);

        let now = board(&organiser).await;
        let counts: Vec<(u32, u32)> = now.stages.iter().map(|s| (s.sold, s.admitted)).collect();
        // The ticket let in twice counts once; the wrong-stage one was let in.
        assert_eq!(counts, [(3, 2), (1, 1)]);
        assert_eq!(now.latest.len(), 4);
        assert_eq!(now.latest[0].code, one[1].code.to_string());
        assert!(now.latest[0].forced);
        assert_eq!(now.latest[0].conflict, Some(Conflict::WrongStage));
        assert_eq!(now.latest[1].conflict, Some(Conflict::AlreadyAdmitted));
        // Newest first by position, whatever the offline door's clock said.
        let positions: Vec<u64> = now.latest.iter().map(|c| c.position).collect();
        assert!(positions.windows(2).all(|w| w[0] > w[1]), "{positions:?}");

        assert_eq!(now.conflicts.len(), 2, "{:?}", now.conflicts);
        let twice = &now.conflicts[0];
        assert_eq!(twice.check_in.code, a_code);
        assert_eq!(twice.check_in.gate, "East");
        assert_eq!(twice.check_in.conflict, Some(Conflict::AlreadyAdmitted));
        let first_in = twice.first.as_ref().expect("where it first came in");
        assert_eq!(first_in.gate, "North");
        assert_eq!(first_in.by, door.as_str());
        assert_eq!(first_in.at, north.at);
        let stage = &now.conflicts[1];
        assert_eq!(stage.check_in.conflict, Some(Conflict::WrongStage));
        assert!(stage.first.is_none());

        // The page, as the server draws it, shows the same.
        let path = format!("/console/f/{FESTIVAL}/door");
        let html = page(&path, Some(&organiser)).await;
        assert_eq!(html.status, StatusCode::OK);
        assert!(html.body.contains("data-conflicts=\"2\""), "{}", html.body);
        assert!(html.body.contains(&a_code));
        assert!(html
            .body
            .contains(&format!("First let in at gate North, {}", north.at)));
    })
}
