//! How tiket writes dates and times: for fans in Japan Standard Time, where
//! the festival happens, always labelled so no fan mistakes the zone; for API
//! clients exactly, with the offset. Shared by pages, components, messages
//! and server functions.

use time::{
    format_description::BorrowedFormatItem, macros::format_description, macros::offset,
    OffsetDateTime, UtcOffset,
};

const JST: UtcOffset = offset!(+9);

fn format_in_jst(moment: OffsetDateTime, format: &[BorrowedFormatItem<'_>]) -> String {
    // Formatting fails only for components a format asks for and a date lacks;
    // these formats ask only for what every OffsetDateTime has.
    moment.to_offset(JST).format(format).unwrap_or_default()
}

/// `2026-11-01 12:00 +09:00`: a moment exactly, in the offset it was given
/// in, as the JSON API's sentences write it.
pub fn exact(moment: OffsetDateTime) -> String {
    let format = format_description!(
        "[year]-[month]-[day] [hour]:[minute] [offset_hour sign:mandatory]:[offset_minute]"
    );
    moment.format(format).unwrap_or_else(|_| moment.to_string())
}

/// `Sat 20 Mar`
pub fn short_date(moment: OffsetDateTime) -> String {
    format_in_jst(
        moment,
        format_description!("[weekday repr:short] [day padding:none] [month repr:short]"),
    )
}

/// `Saturday 20 March 2027`
pub fn long_date(moment: OffsetDateTime) -> String {
    format_in_jst(
        moment,
        format_description!("[weekday] [day padding:none] [month repr:long] [year]"),
    )
}

/// `10:00` (in JST)
pub fn clock(moment: OffsetDateTime) -> String {
    format_in_jst(moment, format_description!("[hour]:[minute]"))
}

/// `Sat 20 Mar 10:00` (in JST)
pub fn short_date_time(moment: OffsetDateTime) -> String {
    format_in_jst(
        moment,
        format_description!(
            "[weekday repr:short] [day padding:none] [month repr:short] [hour]:[minute]"
        ),
    )
}

/// A wait as a countdown: `2 d 03:04:05`, `03:04:05`, or `00:00:00` once past.
pub fn countdown(wait: time::Duration) -> String {
    let seconds = wait.whole_seconds().max(0);
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let clock = format!("{:02}:{:02}:{:02}", rest / 3_600, rest / 60 % 60, rest % 60);
    if days > 0 {
        format!("{days} d {clock}")
    } else {
        clock
    }
}

/// A moment on the fan's own clock, when their zone is not Japan's:
/// `02:00 your time` (with the date when it differs from Japan's).
/// Only the browser knows the fan's zone; on the server this is `None`.
pub fn on_fans_clock(moment: OffsetDateTime) -> Option<String> {
    let offset = fans_offset(moment)?;
    if offset == JST {
        return None;
    }
    let local = moment.to_offset(offset);
    let clock = local.format(format_description!("[hour]:[minute]")).ok()?;
    if local.date() == moment.to_offset(JST).date() {
        Some(format!("{clock} your time"))
    } else {
        let date = local
            .format(format_description!(
                "[weekday repr:short] [day padding:none] [month repr:short]"
            ))
            .ok()?;
        Some(format!("{clock} your time, {date}"))
    }
}

#[cfg(feature = "hydrate")]
fn fans_offset(moment: OffsetDateTime) -> Option<UtcOffset> {
    let millis = moment.unix_timestamp() as f64 * 1000.0;
    // Minutes *behind* UTC at that moment (so DST is right): JST is -540.
    let behind = js_sys::Date::new(&millis.into()).get_timezone_offset();
    UtcOffset::from_whole_seconds((-behind * 60.0) as i32).ok()
}

#[cfg(not(feature = "hydrate"))]
fn fans_offset(_moment: OffsetDateTime) -> Option<UtcOffset> {
    None
}

/// The days a festival spans: `20–21 March 2027`, `30 March – 2 April 2027`,
/// or `20 March 2027` for a single day.
pub fn date_range(first: OffsetDateTime, last: OffsetDateTime) -> String {
    let (first, last) = (first.to_offset(JST).date(), last.to_offset(JST).date());
    let (year, month) = (last.year(), last.month());
    if first == last {
        format!("{} {month} {year}", first.day())
    } else if (first.year(), first.month()) == (year, month) {
        format!("{}–{} {month} {year}", first.day(), last.day())
    } else if first.year() == year {
        format!(
            "{} {} – {} {month} {year}",
            first.day(),
            first.month(),
            last.day()
        )
    } else {
        format!(
            "{} {} {} – {} {month} {year}",
            first.day(),
            first.month(),
            first.year(),
            last.day()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn writes_dates_and_times_in_japan_whatever_the_offset_given() {
        let moment = datetime!(2027-03-20 01:00 UTC); // 10:00 in Tokyo
        assert_eq!(short_date(moment), "Sat 20 Mar");
        assert_eq!(long_date(moment), "Saturday 20 March 2027");
        assert_eq!(clock(moment), "10:00");
        assert_eq!(
            clock(datetime!(2027-03-20 16:30 UTC)),
            "01:30",
            "past midnight in JST"
        );
    }

    #[test]
    fn counts_down_in_days_hours_minutes_and_seconds() {
        use time::Duration;
        assert_eq!(countdown(Duration::seconds(59)), "00:00:59");
        assert_eq!(countdown(Duration::seconds(3_725)), "01:02:05");
        assert_eq!(
            countdown(Duration::seconds(2 * 86_400 + 3_600)),
            "2 d 01:00:00"
        );
        assert_eq!(countdown(Duration::seconds(-5)), "00:00:00");
        assert_eq!(
            short_date_time(datetime!(2026-11-01 03:00 UTC)),
            "Sun 1 Nov 12:00"
        );
    }

    #[test]
    fn writes_date_ranges_without_repeating_the_month_or_year() {
        let day = |d: time::Date| d.with_hms(12, 0, 0).unwrap().assume_offset(JST);
        use time::macros::date;
        assert_eq!(
            date_range(day(date!(2027 - 03 - 20)), day(date!(2027 - 03 - 20))),
            "20 March 2027"
        );
        assert_eq!(
            date_range(day(date!(2027 - 03 - 20)), day(date!(2027 - 03 - 21))),
            "20–21 March 2027"
        );
        assert_eq!(
            date_range(day(date!(2027 - 03 - 30)), day(date!(2027 - 04 - 02))),
            "30 March – 2 April 2027"
        );
        assert_eq!(
            date_range(day(date!(2027 - 12 - 31)), day(date!(2028 - 01 - 01))),
            "31 December 2027 – 1 January 2028"
        );
    }
}
