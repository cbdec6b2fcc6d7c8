//! OpenAPI links: how one operation's answer feeds the next, so that tools
//! that follow them (Schemathesis' stateful tests, client generators) can
//! walk a fan's way through the shop — sign up, sign in, buy, see the
//! tickets, sign out — with the values the server really gave. Added to the
//! finished document by [`Links`], by operation id.

use serde_json::{json, Value};
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::{OpenApi, RefOr};

/// The session a sign-up or sign-in answered, sent as its bearer token.
const ITS_TOKEN: &str = "Bearer {$response.body#/token}";

/// Adds each link to the answer it starts from.
pub struct Links;

impl utoipa::Modify for Links {
    fn modify(&self, openapi: &mut OpenApi) {
        for (from, status, name, to, description, parameters, body) in links() {
            let Some(operation) = openapi
                .paths
                .paths
                .values_mut()
                .flat_map(|item| [&mut item.get, &mut item.post])
                .flatten()
                .find(|operation| operation.operation_id.as_deref() == Some(from))
            else {
                continue;
            };
            let Some(RefOr::T(response)) = operation.responses.responses.get_mut(status) else {
                continue;
            };
            // utoipa 5 writes `operation_id` and `request_body` in snake case,
            // which OpenAPI does not know; its extensions are written as named.
            let mut named = vec![("operationId", json!(to))];
            named.extend(body.map(|body| ("requestBody", body)));
            let mut link = LinkBuilder::new()
                .description(description)
                .extensions(Some(Extensions::from_iter(named)));
            for (parameter, value) in parameters {
                link = link.parameter(parameter, value);
            }
            response.links.insert(name.to_owned(), link.build().into());
        }
    }
}

type Link = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Vec<(&'static str, Value)>,
    Option<Value>,
);

/// (from operation, its status, link name, to operation, what it does,
/// parameters, request body).
fn links() -> Vec<Link> {
    let signed_in = |from: &'static str, status: &'static str| -> Vec<Link> {
        vec![
            (
                from,
                status,
                "BuyAsThisFan",
                "buy_tickets",
                "Buy with the session just opened",
                vec![("header.Authorization", json!(ITS_TOKEN))],
                None,
            ),
            (
                from,
                status,
                "MyTicketsOfThisFan",
                "my_tickets",
                "The tickets of the fan just signed in, named as the old system named them",
                vec![
                    ("header.Authorization", json!(ITS_TOKEN)),
                    ("query.username", json!("$response.body#/username")),
                ],
                None,
            ),
            (
                from,
                status,
                "SignOut",
                "logout",
                "End the session just opened",
                vec![("header.Authorization", json!(ITS_TOKEN))],
                None,
            ),
        ]
    };
    let mut links = vec![
        (
            "register",
            "201",
            "SignIn",
            "login",
            "Sign in again with the name and password just signed up with",
            vec![],
            Some(json!({
                "username": "$response.body#/username",
                "password": "$request.body#/password",
            })),
        ),
        (
            "stages",
            "200",
            "BuyFromTheFirstStage",
            "buy_tickets",
            "Buy a ticket of the first stage listed",
            vec![],
            Some(json!({"stage_id": "$response.body#/0/stage_id", "qty": 1})),
        ),
        (
            "buy_tickets",
            "201",
            "MyTickets",
            "my_tickets",
            "The buyer's tickets, which now include these",
            vec![(
                "query.username",
                json!("$response.body#/tickets/0/username"),
            )],
            None,
        ),
    ];
    links.extend(signed_in("register", "201"));
    links.extend(signed_in("login", "200"));
    links
}

#[cfg(test)]
mod tests {
    /// Every link starts from an answer the document has and leads to an
    /// operation it has: renaming a handler cannot leave a link dangling.
    #[test]
    fn every_link_joins_two_operations_of_the_document() {
        let document = serde_json::to_value(super::super::openapi()).unwrap();
        let ids: Vec<&str> = document["paths"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|item| item.as_object().unwrap().values())
            .filter_map(|operation| operation["operationId"].as_str())
            .collect();
        for (from, status, name, to, ..) in super::links() {
            assert!(
                ids.contains(&to),
                "{name} leads to {to}, which is not in the document"
            );
            let found = document["paths"]
                .as_object()
                .unwrap()
                .values()
                .flat_map(|item| item.as_object().unwrap().values())
                .filter(|operation| operation["operationId"] == from)
                .any(|operation| {
                    operation["responses"][status]["links"][name]["operationId"] == to
                });
            assert!(found, "{name}: no link from {from} {status} to {to}");
        }
    }
}
