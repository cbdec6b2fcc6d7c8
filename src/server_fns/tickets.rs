//! The signed-in fan's tickets, each with a QR code drawn on the server
//! that holds the ticket's signed pass (a door checks it even offline).

use crate::domain::{Stage, TicketId};
use crate::forms::{Flash, Problem};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// One ticket as the fan shows it at the gate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketPass {
    pub id: TicketId,
    pub code: String,
    pub stage: Stage,
    #[serde(with = "time::serde::rfc3339")]
    pub bought_at: OffsetDateTime,
    /// When it was bought and the stage's dates and price, in the fan's language.
    pub bought: String,
    /// What the fan paid for it, in the fan's language.
    pub paid: String,
    pub words: super::stages::StageWords,
    /// The ticket's signed pass as a QR code: an SVG element, drawn by the
    /// server.
    pub qr_svg: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wallet {
    pub fan: String,
    pub passes: Vec<TicketPass>,
    pub flash: Option<Flash>,
}

/// The signed-in fan's tickets, oldest first; `None` when nobody is signed in.
#[server(prefix = "/api/fn", endpoint = "my_tickets")]
pub async fn my_tickets() -> Result<Option<Wallet>, Problem> {
    use super::edge;
    let (auth, shop) = (edge::auth()?, edge::shop()?);
    let Some(fan) = edge::signed_in_fan(&auth) else {
        return Ok(None);
    };
    let locale = edge::language();
    let catalogue = shop.catalogue();
    let tickets = shop.tickets_of(&fan);
    let signed = shop.passes(&tickets).await.map_err(edge::refused)?;
    let passes = tickets
        .into_iter()
        .zip(signed)
        .filter_map(|(ticket, signed)| {
            let (festival, stage) = catalogue.stage(ticket.stage)?;
            let zone = &festival.time_zone;
            let stage = super::stages::localized_stage(stage.clone(), zone);
            let code = ticket.code.to_string();
            let paid = ticket.price.unwrap_or(stage.price);
            Some(TicketPass {
                id: ticket.id,
                bought: crate::when::short_date_time(
                    crate::when::localized(ticket.bought_at, zone),
                    locale,
                ),
                paid: crate::numbers::yen(paid, locale),
                words: super::stages::StageWords::of(&stage, (&festival.slug, zone), locale),
                qr_svg: qr_svg(&signed),
                code,
                stage,
                bought_at: ticket.bought_at,
            })
        })
        .collect();
    Ok(Some(Wallet {
        fan: fan.as_str().to_owned(),
        passes,
        flash: edge::take_flash(),
    }))
}

/// A signed pass as a QR code (alphanumeric mode: base32 is all capitals
/// and digits), an `<svg>` element without the XML prolog.
#[cfg(feature = "ssr")]
fn qr_svg(pass: &str) -> String {
    use qrcode::{render::svg, EcLevel, QrCode};
    let Ok(qr) = QrCode::with_error_correction_level(pass, EcLevel::M) else {
        return String::new();
    };
    let svg = qr
        .render::<svg::Color<'_>>()
        .min_dimensions(168, 168)
        .dark_color(svg::Color("#0b1026"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build();
    match svg.find("<svg") {
        Some(start) => svg[start..].to_owned(),
        None => svg,
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn draws_a_code_as_an_svg_qr_code() {
        let svg = super::qr_svg(&"A".repeat(140));
        assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
        assert!(svg.contains("<path") && svg.ends_with("</svg>"));
    }
}
