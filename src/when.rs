//! How tiket writes dates and times: for fans in the festival's time zone
//! (an IANA zone such as Asia/Tokyo, from the database bundled with `jiff`),
//! in their language from CLDR data (ICU4X's compiled data, on the server;
//! the pages label each time with the zone's name, "JST" or "WIB", so no fan
//! mistakes the zone); for API clients exactly, with the offset. Fans' own
//! clocks are written by their browser (`Intl`), which alone knows their
//! zone. The server writes every festival date and time and sends them to the
//! page as text, so the browser bundle carries no calendar data.

#[cfg(feature = "hydrate")]
use time::UtcOffset;
use time::{macros::format_description, OffsetDateTime};

/// `2026-11-01 12:00 +09:00`: a moment exactly, in the offset it was given
/// in, as the JSON API's sentences write it (in every language).
pub fn exact(moment: OffsetDateTime) -> String {
    let format = format_description!(
        "[year]-[month]-[day] [hour]:[minute] [offset_hour sign:mandatory]:[offset_minute]"
    );
    moment.format(format).unwrap_or_else(|_| moment.to_string())
}

/// A wait as a countdown: whole days, and `03:04:05` (`00:00:00` once past).
/// The page puts them in words (`2 d 03:04:05`, `2日 03:04:05`).
pub fn countdown(wait: time::Duration) -> (i64, String) {
    let seconds = wait.whole_seconds().max(0);
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let clock = format!("{:02}:{:02}:{:02}", rest / 3_600, rest / 60 % 60, rest % 60);
    (days, clock)
}

#[cfg(feature = "ssr")]
pub use festival::{clock, date_range, long_date, short_date, short_date_time};
#[cfg(feature = "ssr")]
pub use zones::{in_zone, localized, zone_abbreviation, zone_exists};

/// Festivals' time zones, from the IANA database bundled with `jiff`
/// (server only): whether a zone exists, a wall-clock time typed in a zone
/// as a moment, and the zone's short name at a moment (`JST`, `WIB`).
#[cfg(feature = "ssr")]
mod zones {
    use crate::domain::TimeZoneName;
    use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

    fn zone(name: &TimeZoneName) -> Option<jiff::tz::TimeZone> {
        jiff::tz::TimeZone::get(name.as_str()).ok()
    }

    /// Whether the zone database knows this name.
    pub fn zone_exists(name: &TimeZoneName) -> bool {
        zone(name).is_some()
    }

    /// The moment a wall-clock time in `name`'s zone means, with the zone's
    /// offset then. A time the clocks skip or repeat (a daylight-saving
    /// change) is read as the earlier offset, as `jiff` does by default.
    pub fn in_zone(local: PrimitiveDateTime, name: &TimeZoneName) -> Option<OffsetDateTime> {
        let tz = zone(name)?;
        let civil = jiff::civil::DateTime::new(
            i16::try_from(local.year()).ok()?,
            local.month() as i8,
            local.day() as i8,
            local.hour() as i8,
            local.minute() as i8,
            local.second() as i8,
            0,
        )
        .ok()?;
        let zoned = civil.to_zoned_datetime(tz).ok()?;
        let offset = UtcOffset::from_whole_seconds(zoned.offset().seconds()).ok()?;
        let utc = OffsetDateTime::from_unix_timestamp(zoned.timestamp().as_second()).ok()?;
        Some(utc.to_offset(offset))
    }

    /// The same moment in the zone's offset then (as `moment` when the zone
    /// is unknown): how a festival's times are written, whatever offset
    /// they were saved in.
    pub fn localized(moment: OffsetDateTime, name: &TimeZoneName) -> OffsetDateTime {
        let offset = zone(name).and_then(|tz| {
            let at = jiff::Timestamp::from_second(moment.unix_timestamp()).ok()?;
            UtcOffset::from_whole_seconds(tz.to_offset(at).seconds()).ok()
        });
        offset.map_or(moment, |offset| moment.to_offset(offset))
    }

    /// The zone's abbreviation at `moment` (`JST`, `WIB`), or its offset
    /// (`+07`) where the database has none.
    pub fn zone_abbreviation(name: &TimeZoneName, moment: OffsetDateTime) -> String {
        let Some(tz) = zone(name) else {
            return name.as_str().to_owned();
        };
        let Ok(at) = jiff::Timestamp::from_second(moment.unix_timestamp()) else {
            return name.as_str().to_owned();
        };
        tz.to_offset_info(at).abbreviation().to_string()
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use time::macros::{datetime, offset};

        #[test]
        fn reads_wall_clock_times_in_tokyo_and_jakarta() {
            let tokyo = TimeZoneName::tokyo();
            let jakarta = TimeZoneName("Asia/Jakarta".into());
            assert!(zone_exists(&tokyo) && zone_exists(&jakarta));
            assert!(!zone_exists(&TimeZoneName("Mars/Olympus".into())));
            let local = datetime!(2027-03-20 10:00);
            let in_tokyo = in_zone(local, &tokyo).unwrap();
            assert_eq!(in_tokyo, datetime!(2027-03-20 10:00 +9));
            assert_eq!(in_tokyo.offset(), offset!(+9));
            let in_jakarta = in_zone(local, &jakarta).unwrap();
            assert_eq!(in_jakarta, datetime!(2027-03-20 10:00 +7));
            assert_eq!(in_jakarta.offset(), offset!(+7));
            assert_eq!(zone_abbreviation(&tokyo, in_tokyo), "JST");
            let utc = datetime!(2027-03-20 03:00 UTC);
            assert_eq!(localized(utc, &jakarta).offset(), offset!(+7));
            assert_eq!(localized(utc, &jakarta), utc);
            assert_eq!(zone_abbreviation(&jakarta, in_jakarta), "WIB");
        }
    }
}

/// Festival dates and times, in a language, at the offset the moment is
/// given in (callers pass it [`localized`] to the festival's zone; server only).
#[cfg(feature = "ssr")]
mod festival {
    use crate::i18n::Locale;
    use icu_calendar::{Date, Gregorian};
    use icu_datetime::{
        fieldsets, options::TimePrecision, DateTimeFormatterPreferences,
        FixedCalendarDateTimeFormatter,
    };
    use icu_time::{DateTime, Time};
    use leptos_i18n::Locale as _;
    use time::OffsetDateTime;

    fn as_given(local: OffsetDateTime) -> Option<DateTime<Gregorian>> {
        let date = Date::try_new_gregorian(local.year(), local.month() as u8, local.day()).ok()?;
        let time = Time::try_new(local.hour(), local.minute(), local.second(), 0).ok()?;
        Some(DateTime { date, time })
    }

    /// Formats with a field set; falls back to the exact form if the data
    /// had no pattern (compiled data covers every locale, so never in practice).
    macro_rules! format_jst {
        ($moment:expr, $locale:expr, $fields:expr) => {{
            let prefs = DateTimeFormatterPreferences::from($locale.as_icu_locale());
            match (
                FixedCalendarDateTimeFormatter::<Gregorian, _>::try_new(prefs, $fields),
                as_given($moment),
            ) {
                (Ok(formatter), Some(moment)) => formatter.format(&moment).to_string(),
                _ => super::exact($moment),
            }
        }};
    }

    /// `Sat 20 Mar`, `03/20(土)`, `Sab, 20 Mar`
    pub fn short_date(moment: OffsetDateTime, locale: Locale) -> String {
        format_jst!(moment, locale, fieldsets::MDE::medium())
    }

    /// `Saturday, 20 March 2027`, `2027年3月20日土曜日`, `Sabtu, 20 Maret 2027`
    pub fn long_date(moment: OffsetDateTime, locale: Locale) -> String {
        format_jst!(moment, locale, fieldsets::YMDE::long())
    }

    /// `10:00` (`10.00` in Indonesian)
    pub fn clock(moment: OffsetDateTime, locale: Locale) -> String {
        format_jst!(moment, locale, fieldsets::T::hm())
    }

    /// `Sat 20 Mar, 10:00`, `03/20(土) 10:00`, `Sab, 20 Mar, 10.00`
    pub fn short_date_time(moment: OffsetDateTime, locale: Locale) -> String {
        format_jst!(
            moment,
            locale,
            fieldsets::MDET::medium().with_time_precision(TimePrecision::Minute)
        )
    }

    /// The days a festival spans: its first and last day (`20 March 2027`,
    /// `2027年3月20日`), the same day once; the page joins them.
    pub fn date_range(
        first: OffsetDateTime,
        last: OffsetDateTime,
        locale: Locale,
    ) -> (String, Option<String>) {
        let day = |moment: OffsetDateTime| format_jst!(moment, locale, fieldsets::YMD::long());
        let (from, to) = (day(first), day(last));
        match from == to {
            true => (from, None),
            false => (from, Some(to)),
        }
    }
}

/// A moment on the fan's own clock, when their offset then is not the one
/// the moment is given in (the festival's), as their browser writes it in
/// `locale`: the time, and the date when it differs from the festival's.
/// Only the browser knows the fan's zone.
#[cfg(feature = "hydrate")]
pub fn on_fans_clock(moment: OffsetDateTime, locale: &str) -> Option<(String, Option<String>)> {
    use js_sys::{Array, Date, Intl, Object, Reflect};
    let millis = moment.unix_timestamp() as f64 * 1000.0;
    let date = Date::new(&millis.into());
    // Minutes *behind* UTC at that moment (so DST is right): JST is -540.
    let behind = date.get_timezone_offset();
    let offset = UtcOffset::from_whole_seconds((-behind * 60.0) as i32).ok()?;
    if offset == moment.offset() {
        return None;
    }
    let write = |fields: &[(&str, &str)]| -> Option<String> {
        let options = Object::new();
        for (key, value) in fields {
            Reflect::set(&options, &(*key).into(), &(*value).into()).ok()?;
        }
        let locales = Array::of1(&locale.into());
        let format = Intl::DateTimeFormat::new(&locales, &options).format();
        format
            .call1(&wasm_bindgen::JsValue::UNDEFINED, &date)
            .ok()?
            .as_string()
    };
    let time = write(&[
        ("hour", "2-digit"),
        ("minute", "2-digit"),
        ("hourCycle", "h23"),
    ])?;
    let local = moment.to_offset(offset);
    let other_day = (local.date() != moment.date())
        .then(|| write(&[("weekday", "short"), ("day", "numeric"), ("month", "short")]))
        .flatten();
    Some((time, other_day))
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::i18n::Locale;
    use time::macros::datetime;

    #[test]
    fn writes_dates_and_times_in_the_festivals_zone() {
        let tokyo = crate::domain::TimeZoneName::tokyo();
        let moment = localized(datetime!(2027-03-20 01:00 UTC), &tokyo); // 10:00 in Tokyo
        assert_eq!(short_date(moment, Locale::en_GB), "Sat 20 Mar");
        assert_eq!(long_date(moment, Locale::en_GB), "Saturday, 20 March 2027");
        assert_eq!(clock(moment, Locale::en_GB), "10:00");
        assert_eq!(
            clock(
                localized(datetime!(2027-03-20 16:30 UTC), &tokyo),
                Locale::en_GB
            ),
            "01:30",
            "past midnight in JST"
        );
        let jakarta = crate::domain::TimeZoneName("Asia/Jakarta".into());
        let in_jakarta = localized(datetime!(2027-03-20 01:00 UTC), &jakarta);
        assert_eq!(clock(in_jakarta, Locale::id), "08.00");
    }

    #[test]
    fn writes_each_language_from_its_locale_data() {
        let moment = datetime!(2027-03-20 10:00 +9);
        assert_eq!(short_date(moment, Locale::ja), "03/20(土)");
        assert_eq!(long_date(moment, Locale::ja), "2027年3月20日土曜日");
        assert_eq!(clock(moment, Locale::ja), "10:00");
        assert_eq!(short_date_time(moment, Locale::ja), "03/20(土) 10:00");
        assert_eq!(short_date(moment, Locale::id), "Sab, 20 Mar");
        assert_eq!(long_date(moment, Locale::id), "Sabtu, 20 Maret 2027");
        assert_eq!(clock(moment, Locale::id), "10.00");
        assert_eq!(short_date_time(moment, Locale::id), "Sab, 20 Mar, 10.00");
        assert_eq!(
            short_date_time(datetime!(2026-11-01 12:00 +9), Locale::en_GB),
            "Sun 1 Nov, 12:00"
        );
    }

    #[test]
    fn counts_down_in_days_hours_minutes_and_seconds() {
        use time::Duration;
        assert_eq!(countdown(Duration::seconds(59)), (0, "00:00:59".into()));
        assert_eq!(countdown(Duration::seconds(3_725)), (0, "01:02:05".into()));
        assert_eq!(
            countdown(Duration::seconds(2 * 86_400 + 3_600)),
            (2, "01:00:00".into())
        );
        assert_eq!(countdown(Duration::seconds(-5)), (0, "00:00:00".into()));
    }

    #[test]
    fn a_festival_spans_its_first_and_last_day() {
        let day = |d: time::Date| {
            d.with_hms(12, 0, 0)
                .unwrap()
                .assume_offset(time::macros::offset!(+9))
        };
        use time::macros::date;
        assert_eq!(
            date_range(
                day(date!(2027 - 03 - 20)),
                day(date!(2027 - 03 - 20)),
                Locale::en_GB
            ),
            ("20 March 2027".into(), None)
        );
        assert_eq!(
            date_range(
                day(date!(2027 - 03 - 20)),
                day(date!(2027 - 03 - 21)),
                Locale::ja
            ),
            ("2027年3月20日".into(), Some("2027年3月21日".into()))
        );
        assert_eq!(
            date_range(
                day(date!(2027 - 12 - 31)),
                day(date!(2028 - 01 - 01)),
                Locale::id
            ),
            ("31 Desember 2027".into(), Some("1 Januari 2028".into()))
        );
    }
}
