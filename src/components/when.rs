//! How tiket writes dates and times: in Japan Standard Time, where the
//! festival happens, always labelled so no fan mistakes the zone.

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
