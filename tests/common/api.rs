//! A tiket server on a local port with a fresh data folder, and the calls
//! the JSON API's suites make to it (as fans, staff and organisers).
#![allow(dead_code)]

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::sync::Arc;
use tiket::domain::{FanName, Role};
use tiket::server::auth::{Auth, AuthOptions};
use tiket::server::staff::current_code;
use tiket::shop::{Shop, ShopOptions};
use tiket::store::JsonStore;

pub const PASSWORD: &str = "carrot-rocket-35p";

pub struct Server {
    pub base: String,
    pub _data: tempfile::TempDir,
    pub shop: Arc<Shop>,
    pub http: reqwest::Client,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("{}: not JSON ({e}): {}", self.status, self.text))
    }

    pub fn error(&self) -> String {
        self.json()["error"]
            .as_str()
            .unwrap_or_else(|| panic!("not an error: {} {}", self.status, self.text))
            .to_owned()
    }
}

/// A server whose festival has stages with these stocks (ids from 1).
pub async fn serve_with(stocks: &[u32]) -> Server {
    let data = tempfile::tempdir().unwrap();
    let shop = Shop::open(
        JsonStore::open(data.path()).unwrap(),
        || super::festival_on_sale(stocks),
        ShopOptions::default(),
    )
    .unwrap();
    let shop = Arc::new(shop);
    let options = AuthOptions {
        hash_workers: 2,
        sign_in_queue: 10_000,
        sign_ups_per_client_per_hour: 1_000_000,
        ..AuthOptions::default()
    };
    let auth = Arc::new(Auth::new(shop.clone(), options).unwrap());
    let base = super::serve_locally(shop.clone(), auth).await;
    Server {
        base,
        _data: data,
        shop,
        http: reqwest::Client::new(),
    }
}

/// [`serve_with`] two stages of 40.
pub async fn serve() -> Server {
    serve_with(&[40, 40]).await
}

impl Server {
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap();
        Answer {
            status,
            headers,
            text: String::from_utf8(bytes.to_vec()).unwrap(),
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Answer {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    /// Signs a fan up; their token.
    pub async fn fan(&self, name: &str) -> String {
        let body = json!({"username": name, "password": PASSWORD});
        let answer = self
            .call(Method::POST, "/api/register", None, Some(body))
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
        answer.json()["token"].as_str().unwrap().to_owned()
    }

    pub async fn sign_in(&self, name: &str) -> String {
        let body = json!({"username": name, "password": PASSWORD});
        let answer = self
            .call(Method::POST, "/api/login", None, Some(body))
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        answer.json()["token"].as_str().unwrap().to_owned()
    }

    /// An account with `role`, signed in (through the shop, as
    /// `tiket staff add` does); its token.
    pub async fn staff(&self, name: &str, role: Role) -> String {
        let token = self.fan(name).await;
        let fan = FanName::new(name).unwrap();
        assert!(self.shop.grant_role(&fan, role, None).await.unwrap());
        token
    }

    /// An organiser who has set up the second factor through the API (this
    /// session passed it); their token, and the secret.
    pub async fn organiser(&self, name: &str) -> (String, String) {
        let token = self.staff(name, Role::Organiser).await;
        let setup = self
            .post("/api/organiser/second-factor/setup", &token, json!(null))
            .await;
        assert_eq!(setup.status, StatusCode::OK, "{}", setup.text);
        let secret = setup.json()["secret"].as_str().unwrap().to_owned();
        assert!(setup.json()["otpauth_url"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/"));
        let code = current_code(&secret, self.shop.now()).unwrap();
        let confirm = self
            .post(
                "/api/organiser/second-factor/confirm",
                &token,
                json!({"secret": secret, "code": code}),
            )
            .await;
        assert_eq!(confirm.status, StatusCode::CREATED, "{}", confirm.text);
        assert_eq!(
            confirm.json()["recovery_codes"].as_array().unwrap().len(),
            10
        );
        (token, secret)
    }
}
