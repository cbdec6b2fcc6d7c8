//! The language switcher's action: remembers the fan's language in a cookie
//! and sends them back to the page they were on, now in that language. A
//! plain form post, with or without JavaScript: every page is drawn again by
//! the server in the new language, at the same address.

use crate::forms::Problem;
use leptos::prelude::*;

/// Sets the language (`lang`: `ja`, `id`, `en`; anything else is English)
/// and goes back to `next` (a page of this site, else the stage list).
#[server(prefix = "/api/fn", endpoint = "set_language")]
pub async fn set_language(lang: String, next: String) -> Result<(), Problem> {
    use super::edge;
    use axum_extra::extract::cookie::{Cookie, SameSite};
    use leptos_i18n::Locale as _;
    let language = crate::language::from_code(&lang).unwrap_or_default();
    let cookie = Cookie::build((crate::language::COOKIE, language.as_str()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(365))
        .build();
    edge::set_cookie(&cookie);
    edge::redirect(crate::routes::safe_next(&next));
    Ok(())
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    /// The switcher's form posts where this function is.
    #[test]
    fn the_switcher_posts_here() {
        use leptos::server_fn::ServerFn;
        assert_eq!(
            super::SetLanguage::PATH,
            crate::routes::SET_LANGUAGE_SERVER_FN
        );
    }
}
