//! How tiket writes dates and times: in Japan Standard Time, where the
//! festival happens, always labelled so no fan mistakes the zone.

use time::{format_description::BorrowedFormatItem, macros::format_description, macros::offset, OffsetDateTime, UtcOffset};

const JST: UtcOffset = offset!(+9);

fn format_in_jst(moment: OffsetDateTime, format: &[BorrowedFormatItem<'_>]) -> String {
    // Formatting fails only for components a format asks for and a date lacks;
    // these formats ask only for what every OffsetDateTime has.
    moment.to_offset(JST).format(format).unwrap_or_default()
}

/// `Sat 20 Mar`
pub fn short_date(moment: OffsetDateTime) -> String {
    format_in_jst(moment, format_description!("[weekday repr:short] [day padding:none] [month repr:short]"))
}

/// `Saturday 20 March 2027`
pub fn long_date(moment: OffsetDateTime) -> String {
    format_in_jst(moment, format_description!("[weekday] [day padding:none] [month repr:long] [year]"))
}

/// `10:00` (in JST)
pub fn clock(moment: OffsetDateTime) -> String {
    format_in_jst(moment, format_description!("[hour]:[minute]"))
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
        assert_eq!(clock(datetime!(2027-03-20 16:30 UTC)), "01:30", "past midnight in JST");
    }
}
